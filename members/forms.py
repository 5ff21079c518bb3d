"""Staff forms for the member library directory (the admin's)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    LibraryDomain,
    MemberLibrary,
    normalize_domain,
    normalize_library_name,
)


class MemberLibraryForm(forms.ModelForm):
    class Meta:
        model = MemberLibrary
        fields = ["name", "town", "is_active"]

    def clean_name(self):
        # As the model saves it, so that the check of names in use (any
        # case) sees the name that will be stored.
        return normalize_library_name(self.cleaned_data["name"])


class LibraryDomainForm(forms.ModelForm):
    class Meta:
        model = LibraryDomain
        fields = ["domain"]

    def clean_domain(self):
        """Stored as compared: "@SpringfieldLibrary.org " is
        springfieldlibrary.org. A domain in use says whose it is, here rather
        than as the database's refusal."""
        domain = normalize_domain(self.cleaned_data["domain"])
        if not domain:
            raise ValidationError(
                self.fields["domain"].error_messages["required"], code="required"
            )
        owner = (
            LibraryDomain.objects.filter(domain=domain)
            .exclude(pk=self.instance.pk)
            .select_related("library")
            .first()
        )
        if owner is not None and owner.library_id == self.instance.library_id:
            raise ValidationError(
                _("This library already has this domain."), code="unique"
            )
        if owner is not None:
            raise ValidationError(
                _("%(domain)s is a domain of %(library)s."),
                code="unique",
                params={"domain": domain, "library": owner.library},
            )
        return domain
