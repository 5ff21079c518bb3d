"""What a member types to register; the rules about seats live in services."""

import unicodedata
from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from events.models import Event
from members.models import MemberLibrary

from .models import Question
from .questions import answers_from, fields_for
from .validators import one_line_text, public_email_domain, refuse_bidi_controls

# A field no person sees or fills; bots that fill every field give themselves
# away. Named to attract bots but not browsers' autofill.
HONEYPOT = "homepage"

# The id of the registration box on the event page (its form comes back there).
REGISTRATION_BOX = "register"
# The id of the details form on the registrant's own page.
DETAILS_FORM = "details"


# The <datalist> of member libraries the organization field suggests from.
MEMBER_LIBRARIES_LIST = "member-libraries"


class LibraryInput(forms.TextInput):
    """A text input that suggests the member libraries as the person types:
    a plain ``<input list>`` and its ``<datalist>``, no script. Any text is
    still accepted (the registration service decides membership)."""

    template_name = "registrations/widgets/library_input.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        # Names to suggest (a lazy QuerySet: read when the widget is
        # rendered, so a form that is only validated reads no directory).
        # None: a plain text input, with no list.
        self.library_names: Iterable[str] | None = None
        # "Other / not listed" among them, where the event is open to all.
        self.offer_other = False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.library_names is not None:
            context["widget"]["attrs"]["list"] = MEMBER_LIBRARIES_LIST
            context["widget"]["list_id"] = MEMBER_LIBRARIES_LIST
            context["widget"]["library_names"] = self.library_names
            context["widget"]["offer_other"] = self.offer_other
        return context


class RegistrationForm(forms.Form):
    """The public registration form, rendered by crispy-forms (``{% crispy %}``)
    with its Bootstrap 5 pack: labels, required marks, help text and errors
    tied to their inputs by ``aria-describedby``, and an error summary above
    the fields (``templates/bootstrap5/errors.html``)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        validators=[one_line_text],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Your confirmation and the link to join are sent here."),
        validators=[public_email_domain],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organization = forms.CharField(
        label=_("Library or organization"),
        max_length=200,
        required=False,
        validators=[one_line_text],
        widget=LibraryInput(attrs={"autocomplete": "organization"}),
    )
    accommodation_request = forms.CharField(
        label=_("Accessibility or accommodation request"),
        max_length=2000,
        required=False,
        help_text=_("Optional: anything we should arrange so you can take part."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(
        self,
        *args,
        event: Event | None = None,
        questions: Iterable[Question] = (),
        submit_label=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.event = None
        self.submit_label = submit_label
        # The event's own questions, after the standard fields (the layout
        # keeps the fields' order, the honeypot last).
        self.questions = list(questions)
        self.fields.update(fields_for(self.questions))
        self.fields["organization"].widget.library_names = (
            MemberLibrary.objects.active()
            .order_by("name")
            .values_list("name", flat=True)
        )
        if event is not None:
            self.set_event(event)

    def set_event(self, event: Event) -> None:
        """The event the form registers for. A form bound by a failed POST
        learns it only when the page is rendered again (the POST reads no
        event: the service finds and locks it)."""
        self.event = event
        organization = self.fields["organization"]
        if event.is_for_members_only(timezone.now()):
            organization.help_text = _(
                "Pick your library from the list as you type its name."
            )
        else:
            organization.widget.offer_other = True

    @property
    def submit_text(self) -> str:
        """The button's words: "Join the waiting list" when every seat is taken."""
        return self.submit_label or _("Register")

    @cached_property
    def helper(self) -> FormHelper:
        """How ``{% crispy %}`` lays the form out. Built when the form is
        first rendered, not in ``__init__``: the form bound by a failed POST
        learns its event and its button's words just before
        (``registration_box``), and a POST that succeeds never renders it."""
        helper = FormHelper()
        helper.form_method = "post"
        if self.event is not None:
            # To the registration box: a refused form comes back at it, not
            # at the top of a page whose box is far below on a phone.
            register_url = reverse(
                "registrations:register", kwargs={"slug": self.event.slug}
            )
            helper.form_action = f"{register_url}#{REGISTRATION_BOX}"
        helper.form_class = "registration-form"
        helper.layout = Layout(
            *(name for name in self.fields if name != HONEYPOT),
            # Hidden by a class, not an inline style: the CSP forbids those.
            Div(HONEYPOT, css_class="almanac-hp", aria_hidden="true"),
            Submit("register", self.submit_text),
        )
        return helper

    def clean_email(self):
        # Invisible characters (zero-width, soft hyphen, direction marks)
        # would let one mailbox hold a second seat, or make mail undeliverable.
        email = self.cleaned_data["email"]
        if any(unicodedata.category(ch).startswith("C") for ch in email):
            raise forms.ValidationError(
                _("Please type the address again: it contains invisible characters."),
                code="invisible_characters",
            )
        return email

    # The name and organization are one line (their fields' validators); the
    # request may run to several, but not reorder itself on display.
    def clean_accommodation_request(self):
        return refuse_bidi_controls(self.cleaned_data["accommodation_request"])

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def answers(self) -> dict[Question, str]:
        """The answers to the event's questions, ``{question: text}`` as
        ``Answer.value`` keeps them, for ``services.register_for_event``; a
        question left unanswered is not in it. Only once the form is valid."""
        return answers_from(self.questions, self.cleaned_data)


class RegistrantPageForm(forms.Form):
    """A form on the registrant's own page, posted to a URL of their link
    (``url_name``) and coming back at itself (``form_id``) when something
    needs fixing."""

    url_name: str
    form_id: str
    error_title: str
    submit: tuple[str, str]

    def __init__(self, *args, token: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.token = token

    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "post"
        url = reverse(self.url_name, kwargs={"token": self.token})
        helper.form_action = f"{url}#{self.form_id}"
        helper.form_id = self.form_id
        helper.form_class = f"{self.form_id}-form"
        helper.form_error_title = self.error_title
        helper.layout = Layout(*self.fields, Submit(*self.submit))
        return helper


class RegistrationDetailsForm(RegistrantPageForm):
    """What a registrant may correct on their own page: the registration
    form's fields and rules, but not the email address (whom the
    registration belongs to)."""

    url_name = "registrations:details"
    form_id = DETAILS_FORM
    error_title = _("Please check your details")
    submit = ("save", _("Save my details"))

    name = RegistrationForm.base_fields["name"]
    organization = RegistrationForm.base_fields["organization"]
    accommodation_request = RegistrationForm.base_fields["accommodation_request"]

    clean_accommodation_request = RegistrationForm.clean_accommodation_request


class SignInLinkForm(forms.Form):
    """The address to send a sign-in link to, for My registrations."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The address you registered with."),
        validators=[public_email_domain],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    clean_email = RegistrationForm.clean_email

    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "post"
        helper.form_action = reverse("registrations:my_registrations")
        helper.form_class = "sign-in-link-form"
        helper.layout = Layout("email", Submit("send", _("Email me a sign-in link")))
        return helper


# The id of the attendance-code form on the registrant's own page.
ATTENDANCE_FORM = "attendance"


class AttendanceCodeForm(RegistrantPageForm):
    """The code read out during the webinar, entered on the registrant's page."""

    url_name = "registrations:attendance"
    form_id = ATTENDANCE_FORM
    error_title = _("Please check the code")
    submit = ("record", _("Record my attendance"))

    code = forms.CharField(
        label=_("Attendance code"),
        max_length=20,
        help_text=_("The code read out during the webinar."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
