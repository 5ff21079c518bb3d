"""The event catalog: what staff publish and members browse.

Registration behaviour (seats, waitlists) lives in the ``registrations`` app,
which builds on this one; the per-event registration *settings* live here so
an event is described in one place.
"""

from .attendance import MAX_ATTENDANCE_CODE_HOURS, CeCredit
from .catalog import Category, CertificatePolicy, Organizer, Presenter, Series
from .event import (
    DEFAULT_NON_MEMBER_NOTE,
    Event,
    EventQuerySet,
    default_time_zone,
)
from .lineup import EventPresenter, LearningOutcome

__all__ = [
    "DEFAULT_NON_MEMBER_NOTE",
    "MAX_ATTENDANCE_CODE_HOURS",
    "Category",
    "CeCredit",
    "CertificatePolicy",
    "Event",
    "EventPresenter",
    "EventQuerySet",
    "LearningOutcome",
    "Organizer",
    "Presenter",
    "Series",
    "default_time_zone",
]
