"""What a registrant may type as a name, an organization and an email address.

One set of rules for the public form (as field validators, so the message
sits on the field) and for ``register_for_event``, which checks again for
callers without a form. Each raises Django's ``ValidationError`` with a
message for the person.
"""

import ipaddress

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Characters that reorder text as it is displayed (bidirectional embeddings,
# overrides and isolates): in a name they make a roster or an email say
# something other than what was typed.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)

# A name or an organization is printed on one line of an email, a roster row
# and a CSV cell. A line break in it would start lines of its own in the
# email ("Bcc: ..."), an escape sequence would drive a terminal that shows a
# log. C0 (tab, CR and LF among them), DEL and C1, and the Unicode line and
# paragraph separators.
LINE_BREAKING = frozenset(
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u2028", "\u2029"]
)

# Invisible characters a name may need (the joiners of Persian and Indic
# scripts: the non-joiner in a Persian family name) but never consist of.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")

# Top-level domains that never reach a mailbox on the internet: mail to them
# stays on the mail server's own host or network, or goes nowhere (RFC 6761:
# localhost, invalid, test; RFC 6762: local; RFC 7686: onion; RFC 9476: alt;
# ICANN: internal; arpa holds reverse-DNS and home.arpa). ".example" is
# reserved too, but for documentation, as example.org is: nothing answers
# there, and the sample addresses of the tests and the demo use it.
NON_PUBLIC_TOP_LEVEL_DOMAINS = frozenset(
    ["localhost", "invalid", "test", "local", "onion", "alt", "internal", "arpa"]
)


def one_line_text(value: str) -> None:
    """A name or an organization: one line of visible text."""
    if any(ch in LINE_BREAKING for ch in value):
        raise ValidationError(
            _(
                "Please type this on one line: line breaks, tabs and other "
                "control characters cannot be used here."
            ),
            code="control_character",
        )
    refuse_bidi_controls(value)
    # Only blanks is for the "required" check to say; blanks and zero-width
    # characters look the same, and are refused here.
    invisible = [ch for ch in value if ch in ZERO_WIDTH or ch.isspace()]
    if len(invisible) == len(value) and any(ch in ZERO_WIDTH for ch in value):
        raise ValidationError(
            _("Please type something visible: this holds only invisible characters."),
            code="invisible_only",
        )


def public_email_domain(value: str) -> None:
    """An address at a dotted, public domain: no IP address (``[127.0.0.1]``),
    no single label (``localhost``, a host on the mail server's network), no
    domain reserved for private use. Whether it is an address at all is
    ``validate_email``'s business: this says nothing about one without "@"."""
    _mailbox, at, domain = value.rpartition("@")
    if not at:
        return
    domain = domain.strip().lower()
    labels = domain.split(".")
    if (
        domain.startswith("[")
        or _is_ip_address(domain)
        or len(labels) < 2
        or labels[-1] in NON_PUBLIC_TOP_LEVEL_DOMAINS
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            _(
                "Please use an email address at a public domain, such as "
                "name@library.org: we cannot send email to this one."
            ),
            code="non_public_domain",
        )


def _is_ip_address(domain: str) -> bool:
    try:
        ipaddress.ip_address(domain)
    except ValueError:
        return False
    return True


def validate_registrant(*, name: str, email: str, organization: str = "") -> None:
    """The checks the registration form makes on these fields, for callers
    without the form. Raises ``ValidationError`` keyed by field."""
    checks = {
        "name": (name, [one_line_text]),
        "email": (email, [validate_email, public_email_domain]),
        "organization": (organization, [one_line_text]),
    }
    errors: dict[str, list[ValidationError]] = {}
    for field, (value, validators) in checks.items():
        for validator in validators:
            try:
                validator(value)
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def refuse_bidi_controls(value: str) -> str:
    """Text that may run to several lines (a long answer, an accommodation
    request) but must not reorder itself on display."""
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValidationError(
            _("Please remove the invisible text-direction characters."),
            code="bidi_control",
        )
    return value
