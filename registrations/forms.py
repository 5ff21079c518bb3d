"""What a member types to register; the rules about seats live in services."""

import unicodedata

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from events.widgets import QuickEmailInput, QuickTextarea, QuickTextInput

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


class RegistrationBoundField(BoundField):
    """Adds Bootstrap's ``is-invalid`` to a field that has errors. Django
    itself sets ``aria-invalid`` and points ``aria-describedby`` at the help
    text and at the error (``<id>_error``), which ``_field.html`` prints."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        return attrs


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=QuickTextInput(
            attrs={"autocomplete": "name", "class": "textinput form-control"}
        ),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Your confirmation and the link to join are sent here."),
        widget=QuickEmailInput(
            attrs={"autocomplete": "email", "class": "emailinput form-control"}
        ),
    )
    organization = forms.CharField(
        label=_("Library or organization"),
        max_length=200,
        required=False,
        widget=QuickTextInput(
            attrs={"autocomplete": "organization", "class": "textinput form-control"}
        ),
    )
    accommodation_request = forms.CharField(
        label=_("Accessibility or accommodation request"),
        max_length=2000,
        required=False,
        help_text=_("Optional: anything we should arrange so you can take part."),
        widget=QuickTextarea(attrs={"rows": 3, "class": "textarea form-control"}),
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=QuickTextInput(
            attrs={
                "autocomplete": "off",
                "tabindex": "-1",
                "class": "textinput form-control",
            }
        ),
    )

    bound_field_class = RegistrationBoundField

    def __init__(self, *args, event=None, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.submit_label = submit_label

    @property
    def submit_text(self) -> str:
        """The button's words: "Join the waiting list" when every seat is taken."""
        return self.submit_label or _("Register")

    @property
    def fields_shown(self) -> list[BoundField]:
        """The fields a person fills in, in order (the honeypot apart)."""
        return [self[name] for name in self.fields if name != HONEYPOT]

    @property
    def honeypot(self) -> BoundField:
        return self[HONEYPOT]

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
