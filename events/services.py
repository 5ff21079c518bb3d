"""What changes the catalog beyond a plain save: duplicating an event.

Seats and registrations are not the catalog's: ``registrations.services``
owns them.
"""

import itertools
import uuid

from django.db import transaction

from .models import Event, EventPresenter, LearningOutcome
from .models.event import new_attendance_code
from .search import refresh_search_names


def _copy_slug(slug: str) -> str:
    max_length = Event._meta.get_field("slug").max_length
    for n in itertools.count(1):
        suffix = f"-copy-{n}"
        candidate = slug[: max_length - len(suffix)] + suffix
        if not Event.objects.filter(slug=candidate).exists():
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def duplicate_event(*, event_id: int) -> Event:
    """An unpublished copy with its own slug and calendar UID.

    Categories, presenters and learning outcomes come along; the recording
    (which belongs to the original session) does not, and nothing of the
    registration side does.
    """
    with transaction.atomic():
        original = Event.objects.get(pk=event_id)
        copy = Event.objects.get(pk=event_id)
        copy.pk = None
        copy._state.adding = True
        copy._loaded_schedule = None
        copy.uid = uuid.uuid4()
        copy.slug = _copy_slug(original.slug)
        copy.is_published = False
        copy.sequence = 0
        copy.recording_url = ""
        copy.attendance_code = new_attendance_code()
        copy.attendance_final_at = None
        copy.save()
        copy.categories.set(original.categories.all())
        EventPresenter.objects.bulk_create(
            EventPresenter(event=copy, presenter_id=slot.presenter_id, order=slot.order)
            for slot in original.presenter_slots.all()
        )
        LearningOutcome.objects.bulk_create(
            LearningOutcome(event=copy, text=outcome.text, order=outcome.order)
            for outcome in original.outcomes.all()
        )
        # bulk_create sends no signal: the presenters' names, searched.
        refresh_search_names([copy.pk])
        return copy
