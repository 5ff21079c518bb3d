from django import forms
from django.conf import settings
from django.contrib.flatpages.forms import FlatpageForm
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from .models import FooterLink


class PageForm(FlatpageForm):
    """A flat page as staff edit it: address, title, Markdown content, and
    whether the footer links to it."""

    in_footer = forms.BooleanField(
        label=_("Link from the footer"),
        required=False,
        help_text=_("List this page in the footer of every page of the calendar."),
    )
    footer_position = forms.IntegerField(
        label=_("Position in the footer"),
        min_value=0,
        max_value=32767,
        initial=0,
        required=False,
        help_text=FooterLink._meta.get_field("position").help_text,
    )

    class Meta(FlatpageForm.Meta):
        # Not "registration_required" or "template_name": every page is
        # public and drawn by the one template that sanitizes its content.
        fields = ["url", "title", "content", "sites"]
        help_texts = {
            "content": _(
                "Markdown, as in event descriptions: a blank line between "
                "paragraphs, “## ” before a heading, “- ” before each item of a "
                "list, [words](https://address) for a link. HTML is cleaned the "
                "same way: no scripts, styles or images."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        link = getattr(self.instance, "footer_link", None) if self.instance.pk else None
        if link is not None:
            self.fields["in_footer"].initial = True
            self.fields["footer_position"].initial = link.position
        if not self.instance.pk:
            # One site: choose it for the staff member.
            self.fields["sites"].initial = [settings.SITE_ID]

    def clean_url(self):
        url = super().clean_url()
        try:
            match = resolve(url)
        except Resolver404:  # no trailing slash: the URL check above said so
            return url
        if match.view_name != "pages:page":
            raise forms.ValidationError(
                _(
                    "Another page of the calendar already has the address "
                    "%(url)s; choose another."
                ),
                code="address_taken",
                params={"url": url},
            )
        return url
