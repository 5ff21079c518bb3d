"""Each event's registrations counted by what they are, kept as they change.

A report of a decade asks, per month and per category, how many were
confirmed, attended, left waiting: counted from the registrations that is a
join of every registration with its event, three times per page (the bench's
decade: 200,000 registrations, 130 ms each). Counted here, it is one row per
event. The registration services keep the row, under the event lock, in the
transaction that changes the registrations (``services.tally``); ``recount``
counts it afresh from the registrations, and a test holds the two equal
through every service.
"""

from collections import Counter

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .registration import Registration

Status = Registration.Status

# What each count counts: the lookups on a registration that put it in.
# ``counted_in`` says the same of one registration in Python.
COUNTED = {
    "registrations": {},
    "confirmed": {"status": Status.CONFIRMED},
    "confirmed_absent": {"status": Status.CONFIRMED, "attended": False},
    "attended": {"attended": True},
    "waitlisted": {"status": Status.WAITLISTED},
    "not_admitted": {"status__in": Registration.NOT_ADMITTED},
    "awaiting_approval": {"status": Status.AWAITING_APPROVAL},
}

# What a registration is, as far as the counts go: its status and whether
# it attended (None: no registration, before one is made).
Tallied = tuple[str, bool] | None


def tallied(registration: Registration) -> Tallied:
    return (registration.status, registration.attended)


def counted_in(state: Tallied) -> Counter:
    """The counts one registration in ``state`` adds to (each COUNTED
    lookup, read in Python)."""
    if state is None:
        return Counter()
    status, attended = state
    confirmed = status == Status.CONFIRMED
    counted = {
        "registrations": True,
        "confirmed": confirmed,
        "confirmed_absent": confirmed and not attended,
        "attended": attended,
        "waitlisted": status == Status.WAITLISTED,
        "not_admitted": status in Registration.NOT_ADMITTED,
        "awaiting_approval": status == Status.AWAITING_APPROVAL,
    }
    return Counter({name: int(yes) for name, yes in counted.items()})


def counts_of(prefix: str = "") -> dict:
    """The COUNTED conditions as Q objects, seen from registrations
    (``prefix=""``) or through a relation to them (``"registrations__"``)."""
    return {
        name: Q(**{f"{prefix}{lookup}": value for lookup, value in lookups.items()})
        for name, lookups in COUNTED.items()
    }


class EventTallyQuerySet(models.QuerySet):
    def recount(self, events=None) -> int:
        """Count the registrations of ``events`` (an Event queryset; all
        events when None) afresh and store the counts, replacing what was
        kept. For data written without the services (bulk loads, test data
        sets) and to check what they kept. Returns how many were stored."""
        registrations = Registration.objects.all()
        if events is not None:
            registrations = registrations.filter(event__in=events)
            self.filter(event__in=events).delete()
        else:
            self.all().delete()
        rows = (
            registrations.values("event_id")
            .annotate(
                **{
                    name: Count("pk", filter=condition or None)
                    for name, condition in counts_of().items()
                }
            )
            .order_by()
        )
        return len(self.bulk_create(EventTally(**row) for row in rows))


class EventTally(models.Model):
    """How many of an event's registrations are in each state (COUNTED).

    No row until the event's first registration: a report reads a missing
    row as zeros."""

    event = models.OneToOneField(
        Event,
        verbose_name=_("event"),
        primary_key=True,
        related_name="tally",
        on_delete=models.CASCADE,
    )
    # Plain integers, not positive ones: a count that drifted (registrations
    # written by older code during a deploy, say) must never turn a member's
    # cancellation into an error. ``manage.py recount_tallies`` puts it right.
    registrations = models.IntegerField(_("registrations"), default=0)
    confirmed = models.IntegerField(_("confirmed"), default=0)
    confirmed_absent = models.IntegerField(
        _("confirmed, not attended"),
        default=0,
        help_text=_("Once attendance is final, the no-shows."),
    )
    attended = models.IntegerField(_("attended"), default=0)
    waitlisted = models.IntegerField(_("on the waiting list"), default=0)
    not_admitted = models.IntegerField(_("declined or turned away"), default=0)
    awaiting_approval = models.IntegerField(_("awaiting approval"), default=0)

    objects = EventTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("event tally")
        verbose_name_plural = _("event tallies")

    def __str__(self):
        return f"Registrations counted for event {self.event_id}"

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTED}
