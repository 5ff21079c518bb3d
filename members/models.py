"""The member library directory: which libraries belong to the consortium,
and the email domains their staff use (PRODUCT.md §9).

An address on an active library's domain, or on a subdomain of it, is a
member's. The directory knows nothing of events or registrations; the
registration services ask it (``library_id_for_address``, ``library_named``).
"""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def normalize_domain(value: str) -> str:
    """Domains compare lower-cased, without surrounding spaces or dots, and
    without the "@" staff sometimes paste with them."""
    return value.strip().lstrip("@").strip(".").lower()


def normalize_library_name(value: str) -> str:
    """Names compare with their spaces collapsed, whatever their case."""
    return " ".join(value.split())


validate_domain_name = DomainNameValidator(
    accept_idna=False, message=_("Enter a domain such as springfieldlibrary.org.")
)


def validate_email_domain(value: str) -> None:
    validate_domain_name(value)
    if "." not in value:
        raise ValidationError(
            _("Enter a whole domain such as springfieldlibrary.org."),
            code="no_dot",
        )


class MemberLibraryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class MemberLibrary(models.Model):
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("As staff pick it on the registration form."),
    )
    town = models.CharField(
        _("town"),
        max_length=100,
        blank=True,
        help_text=_("Where the library is, to tell apart libraries of like names."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Only an active library's staff register as members. A library "
            "that left the consortium stays here for the records."
        ),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = MemberLibraryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member library")
        verbose_name_plural = _("member libraries")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="member_library_name_unique",
                violation_error_message=_("A member library of this name exists."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_library_name(self.name)
        super().save(*args, **kwargs)


class LibraryDomain(models.Model):
    """One email domain a member library's staff use."""

    library = models.ForeignKey(
        MemberLibrary,
        verbose_name=_("library"),
        related_name="domains",
        on_delete=models.CASCADE,
    )
    domain = models.CharField(
        _("email domain"),
        max_length=253,
        unique=True,
        validators=[validate_email_domain],
        help_text=_(
            "Such as springfieldlibrary.org: addresses there and at its "
            "subdomains (staff.springfieldlibrary.org) are members'."
        ),
        error_messages={"unique": _("Another member library has this domain.")},
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")),
                name="library_domain_lower_case",
            ),
        ]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = normalize_domain(self.domain)
        super().save(*args, **kwargs)

    def clean(self):
        self.domain = normalize_domain(self.domain)


def domains_of(address: str) -> list[str]:
    """The domain of an address and each domain above it but the top level:
    ``a@x.lib.example.org`` gives x.lib.example.org, lib.example.org and
    example.org."""
    labels = normalize_domain(address.rpartition("@")[2]).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


# Every registration asks the directory, so the domains of the active
# libraries are kept whole in the cache: a few kilobytes, read in one call
# instead of a query. Dropped whenever a library or a domain is saved or
# deleted (members.signals); at most this many seconds old otherwise (a
# change written without save(), say).
ACTIVE_DOMAINS_KEY = "almanac:members:active-domains"
ACTIVE_DOMAINS_SECONDS = 300


def active_domains() -> dict[str, int]:
    """``{email domain: library id}`` for every active member library: from
    the cache, or one query (then kept). With the cache down, the query."""
    domains = cache.get(ACTIVE_DOMAINS_KEY)
    if domains is None:
        domains = dict(
            LibraryDomain.objects.filter(library__is_active=True).values_list(
                "domain", "library_id"
            )
        )
        cache.set(ACTIVE_DOMAINS_KEY, domains, ACTIVE_DOMAINS_SECONDS)
    return domains


def forget_active_domains() -> None:
    """The directory changed: the next registration reads it again."""
    cache.delete(ACTIVE_DOMAINS_KEY)


def library_id_for_address(address: str) -> int | None:
    """The id of the active member library whose domain the address is on,
    or on a subdomain of; the most specific domain wins."""
    domains = active_domains()
    # Most specific first: x.lib.example.org, then lib.example.org, ...
    for domain in domains_of(address):
        if domain in domains:
            return domains[domain]
    return None


def library_named(name: str) -> MemberLibrary | None:
    """The active member library of that name, whatever its letter case."""
    name = normalize_library_name(name)
    if not name:
        return None
    return MemberLibrary.objects.active().filter(name__iexact=name).first()
