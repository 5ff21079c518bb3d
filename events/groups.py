"""The staff groups of PRODUCT.md §6: who may edit events, who may read
rosters, who may manage the people on them.

``ensure_staff_groups()`` is safe to run at any time (deployments, the demo):
it creates the groups when missing and resets their permissions to the
definition below, so a group always means the same thing on every site.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

EVENT_EDITORS = "Event editors"
ROSTER_VIEWERS = "Roster viewers"
REGISTRATION_MANAGERS = "Registration managers"

_ALL = ("add", "change", "delete", "view")

# Presenter slots and learning outcomes are edited inline on the event page;
# the admin checks their own permissions, so editors need them as well.
_EDITED_MODELS = (
    "event",
    "eventpresenter",
    "learningoutcome",
    "presenter",
    "category",
    "organizer",
    "series",
)

STAFF_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    EVENT_EDITORS: (
        *(
            ("events", f"{action}_{model}")
            for model in _EDITED_MODELS
            for action in _ALL
        ),
        # The event's own registration questions and evaluation, edited
        # inline on its page (named as strings, as below).
        *(
            ("registrations", f"{action}_{model}")
            for model in ("question", "evaluationquestion")
            for action in _ALL
        ),
        # The consortium's own pages (about the programme, CE, resources).
        *(("flatpages", f"{action}_flatpage") for action in _ALL),
        *(("pages", f"{action}_footerlink") for action in _ALL),
    ),
    ROSTER_VIEWERS: (
        ("events", "view_event"),
        ("registrations", "view_registration"),
        ("registrations", "view_certificate"),
    ),
    # Named as strings: the catalog never imports the registrations app. The
    # roster's actions (cancel, promote, attendance, resend, revoke links,
    # add a registrant, move one) check "change", which on a registration
    # allows nothing else but fixing a typo in a name: every seat change goes
    # through those actions. The outbox: read it, and resend failed emails.
    # Certificates: read them, and withdraw one. The member library
    # directory: they decide who is a member (approval), so they keep it,
    # domains (edited inline) included.
    REGISTRATION_MANAGERS: (
        ("events", "view_event"),
        ("registrations", "view_registration"),
        ("registrations", "change_registration"),
        ("registrations", "view_outboundemail"),
        ("registrations", "change_outboundemail"),
        ("registrations", "view_certificate"),
        ("registrations", "change_certificate"),
        *(
            ("members", f"{action}_{model}")
            for model in ("memberlibrary", "librarydomain")
            for action in _ALL
        ),
    ),
}


@transaction.atomic
def ensure_staff_groups() -> dict[str, Group]:
    """Create or refresh the staff groups; return them by name."""
    groups = {}
    for name, wanted in STAFF_GROUPS.items():
        permissions = list(
            Permission.objects.filter(
                content_type__app_label__in={app for app, _code in wanted},
                codename__in={code for _app, code in wanted},
            ).select_related("content_type")
        )
        found = {(p.content_type.app_label, p.codename) for p in permissions}
        missing = sorted(set(wanted) - found)
        if missing:
            raise ImproperlyConfigured(
                f"Permissions {missing} do not exist yet; run `manage.py migrate`."
            )
        # Same codename in another app would slip through the filter above.
        permissions = [
            p for p in permissions if (p.content_type.app_label, p.codename) in wanted
        ]
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups
