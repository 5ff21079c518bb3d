"""Checks `manage.py check --deploy` runs on the addresses members see.

Registered by ``pages.apps`` once the apps are ready. Warnings, not errors:
the site works without them, but a member who needs captions has no one to
ask, and mail from a made-up sender is often refused.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.checks import Tags, Warning, register

from events.contacts import is_placeholder_address

ACCESSIBILITY_CONTACT_MISSING = "almanac.W001"
ACCESSIBILITY_CONTACT_PLACEHOLDER = "almanac.W002"
SENDER_PLACEHOLDER = "almanac.W003"


@register(Tags.security, deploy=True)
def check_public_contacts(app_configs=None, **kwargs) -> list[Warning]:
    """The site-wide accessibility contact is set to a real address, and
    email is sent from one."""
    warnings = []
    contact = settings.ALMANAC_ACCESSIBILITY_EMAIL.strip()
    if not contact:
        warnings.append(
            Warning(
                "No site-wide accessibility contact is set: pages and emails "
                "of events without their own contact show none.",
                hint="Set ACCESSIBILITY_EMAIL (and ACCESSIBILITY_PHONE) to the "
                "team that answers accessibility requests.",
                id=ACCESSIBILITY_CONTACT_MISSING,
            )
        )
    elif is_placeholder_address(contact):
        warnings.append(
            Warning(
                f"ACCESSIBILITY_EMAIL is a placeholder ({contact}); it is never "
                "shown, so pages and emails of events without their own "
                "contact show none.",
                hint="Set ACCESSIBILITY_EMAIL to a real address.",
                id=ACCESSIBILITY_CONTACT_PLACEHOLDER,
            )
        )
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if "@" not in sender or is_placeholder_address(sender):
        warnings.append(
            Warning(
                "Email is sent from a placeholder address "
                f"({settings.DEFAULT_FROM_EMAIL!r}): replies go nowhere, and "
                "many mail servers refuse such mail.",
                hint="Set DEFAULT_FROM_EMAIL, e.g. "
                '"Learning Services <learning@your-library-system.org>".',
                id=SENDER_PLACEHOLDER,
            )
        )
    return warnings
