"""What a member types to register; the rules about seats live in services."""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# A field no person sees or fills; bots that fill every field give themselves
# away. Named to attract bots but not browsers' autofill.
HONEYPOT = "homepage"

# Characters that reorder text as it is displayed (bidirectional overrides
# and isolates): in a name they can make a roster lie about who registered.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)


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
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Your confirmation and the link to join are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organization = forms.CharField(
        label=_("Library or organization"),
        max_length=200,
        required=False,
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
            helper.form_action = reverse(
                "registrations:register", kwargs={"slug": self.event.slug}
            )
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

    # Names may need zero-width joiners (Persian, Indic scripts), so only the
    # direction overrides are refused there.
    def clean_name(self):
        return refuse_bidi_controls(self.cleaned_data["name"])

    def clean_organization(self):
        return refuse_bidi_controls(self.cleaned_data["organization"])

    def clean_accommodation_request(self):
        return refuse_bidi_controls(self.cleaned_data["accommodation_request"])

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))
