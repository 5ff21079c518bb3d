"""What a member types to register; the rules about seats live in services."""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .validators import BIDI_CONTROLS, one_line_text, public_email_domain

# A field no person sees or fills; bots that fill every field give themselves
# away. Named to attract bots but not browsers' autofill.
HONEYPOT = "homepage"

# The id of the registration box on the event page (its form comes back there).
REGISTRATION_BOX = "register"
# The id of the details form on the registrant's own page.
DETAILS_FORM = "details"


def refuse_bidi_controls(value: str) -> str:
    if any(ch in BIDI_CONTROLS for ch in value):
        raise forms.ValidationError(
            _("Please remove the invisible text-direction characters."),
            code="bidi_control",
        )
    return value


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
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
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

    def __init__(self, *args, event=None, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.submit_label = submit_label

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


class RegistrationDetailsForm(forms.Form):
    """What a registrant may correct on their own page: the registration
    form's fields and rules, but not the email address (whom the
    registration belongs to)."""

    name = RegistrationForm.base_fields["name"]
    organization = RegistrationForm.base_fields["organization"]
    accommodation_request = RegistrationForm.base_fields["accommodation_request"]

    clean_accommodation_request = RegistrationForm.clean_accommodation_request

    def __init__(self, *args, token: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.token = token

    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "post"
        details_url = reverse("registrations:details", kwargs={"token": self.token})
        # Back at the form when something needs fixing.
        helper.form_action = f"{details_url}#{DETAILS_FORM}"
        helper.form_class = "registration-details-form"
        helper.form_id = DETAILS_FORM
        helper.form_error_title = _("Please check your details")
        helper.layout = Layout(*self.fields, Submit("save", _("Save my details")))
        return helper


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
