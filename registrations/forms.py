"""What a member types to register; the rules about seats live in services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# A field no person sees or fills; bots that fill every field give themselves
# away. Named to attract bots but not browsers' autofill.
HONEYPOT = "homepage"


class RegistrationForm(forms.Form):
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
        self.helper = FormHelper()
        self.helper.form_method = "post"
        if event is not None:
            self.helper.form_action = reverse(
                "registrations:register", kwargs={"slug": event.slug}
            )
        self.helper.form_class = "registration-form"
        self.helper.layout = Layout(
            Field("name"),
            Field("email"),
            Field("organization"),
            Field("accommodation_request"),
            # Hidden by a class, not an inline style: the CSP forbids those.
            Div(Field(HONEYPOT), css_class="almanac-hp", aria_hidden="true"),
            Submit("register", submit_label or _("Register")),
        )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))
