"""PRODUCT.md §8: registrants' personal data is erased a configurable number
of days after their event; the counts stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from members.models import LibraryDomain, MemberLibrary
from registrations import services
from registrations.emails import send_due_emails
from registrations.forms import RegistrationForm
from registrations.models import Answer, OutboundEmail, Question, Registration
from registrations.selectors import (
    Seats,
    get_registration_by_token,
    with_seat_counts,
)
from tests.builders import make_event, update_registrations

from .conftest import sent_to, token_from

pytestmark = pytest.mark.django_db

Status = Registration.Status

PEOPLE = [
    ("Ada Quillfeather", "Ada.Quillfeather@Example.org", "Zenith County PL"),
    ("Bo Marrowind", "bo.marrowind@example.org", "Marrowind Law Library"),
    ("Cy Tuppence", "cy.tuppence@example.org", "Tuppence Academy"),
]
REQUEST = "Captions please, for Quillfeather"


def end_event(event: Event, days_ago: float) -> None:
    """Move an event (registered for while it was upcoming) into the past."""
    end = timezone.now() - timedelta(days=days_ago)
    Event.objects.filter(pk=event.pk).update(start=end - timedelta(hours=1), end=end)


def fill(event: Event, people=PEOPLE, prefix: str = "") -> list[Registration]:
    """Register each person in turn and mark the first as attended."""
    registrations = [
        services.register_for_event(
            event_id=event.pk,
            name=prefix + name,
            email=prefix + email,
            organization=prefix + org,
            accommodation_request=prefix + REQUEST,
        ).registration
        for name, email, org in people
    ]
    # Written directly: the service marks attendance only once the event has
    # started, and these events are still to come when they are filled.
    update_registrations(
        Registration.objects.filter(pk=registrations[0].pk), attended=True
    )
    return registrations


def counts(event: Event) -> dict:
    return Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        attended=Count("pk", filter=Q(attended=True)),
        total=Count("pk"),
    )


def seats_left(event: Event) -> int | None:
    counted = with_seat_counts(Event.objects.filter(pk=event.pk)).get()
    return Seats.of(counted).left


def stored_text() -> str:
    """Every value of every row of the registrations, outbox and admin
    history tables, as one lower-cased string to search."""
    rows = [
        *Registration.objects.values(),
        *OutboundEmail.objects.values(),
        *LogEntry.objects.values(),
    ]
    return repr(rows).lower()


def personal_strings() -> list[str]:
    strings = [REQUEST, "Wrenfield"]
    for name, email, org in PEOPLE:
        strings += [name, email, org]
    return [s.lower() for s in strings]


@pytest.fixture
def old_event():
    """Ended 100 days ago (the retention is 90): 2 confirmed, 1 waitlisted,
    1 cancelled, 1 attended; sent and unsent emails in the outbox."""
    event = make_event(capacity=2)
    registrations = fill(event)
    services.cancel_registration(registration_id=registrations[1].pk)
    # The cancellation promoted the waitlisted person; one more joins the line.
    services.register_for_event(
        event_id=event.pk,
        name="Di Wrenfield",
        email="di.wrenfield@example.org",
        organization="Wrenfield Public",
    )
    end_event(event, days_ago=100)
    return event


def test_purge_erases_names_emails_organizations_and_requests(old_event, commit):
    """No name, address, organization or request of an old event's
    registrants is left anywhere in the registrations or outbox tables."""
    # Send one email so the outbox holds both sent and pending rows.
    with commit():
        services.resend_registration_email(
            registration_id=Registration.objects.filter(event=old_event)
            .exclude(status=Status.CANCELLED)
            .first()
            .pk
        )
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).exists()
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()
    before = stored_text()
    for text in personal_strings():
        assert text in before

    assert services.purge_personal_data() == 4

    after = stored_text()
    for text in personal_strings():
        assert text not in after
    for registration in Registration.objects.all():
        assert registration.name == ""
        assert registration.organization == ""
        assert registration.accommodation_request == ""
        assert registration.email == f"purged-{registration.pk}@invalid"
        assert registration.email_normalized == registration.email
        assert registration.purged_at is not None
    for email in OutboundEmail.objects.all():
        assert email.recipient == f"purged-{email.registration_id}@invalid"
        assert email.subject == email.body_text == email.body_html == ""


def test_purge_keeps_every_count(old_event):
    """Confirmed, waitlisted, cancelled and attended counts, and the seats
    left, are the same after the purge."""
    expected = counts(old_event)
    assert expected == {
        "confirmed": 2,
        "waitlisted": 1,
        "cancelled": 1,
        "attended": 1,
        "total": 4,
    }
    seats_before = seats_left(old_event)
    statuses = list(Registration.objects.order_by("pk").values_list("status"))
    services.purge_personal_data()
    assert counts(old_event) == expected
    assert seats_left(old_event) == seats_before
    assert list(Registration.objects.order_by("pk").values_list("status")) == statuses


def test_recent_and_upcoming_events_are_untouched(old_event):
    """An event that ended within the retention period, one that is on now
    and one still to come keep their registrants' data."""
    recent, ongoing, upcoming = make_event(), make_event(), make_event()
    for prefix, event in (("r-", recent), ("o-", ongoing), ("u-", upcoming)):
        fill(event, prefix=prefix)
    end_event(recent, days_ago=89)
    Event.objects.filter(pk=ongoing.pk).update(
        start=timezone.now() - timedelta(hours=1),
        end=timezone.now() + timedelta(hours=1),
    )
    kept = Q(event__in=[recent, ongoing, upcoming])
    rows = list(Registration.objects.filter(kept).order_by("pk").values())
    emails = list(
        OutboundEmail.objects.filter(registration__in=Registration.objects.filter(kept))
        .order_by("pk")
        .values()
    )

    assert services.purge_personal_data() == 4

    assert list(Registration.objects.filter(kept).order_by("pk").values()) == rows
    assert (
        list(
            OutboundEmail.objects.filter(
                registration__in=Registration.objects.filter(kept)
            )
            .order_by("pk")
            .values()
        )
        == emails
    )
    text = stored_text()
    for prefix in ("r-", "o-", "u-"):
        for name, email, org in PEOPLE:
            assert (prefix + name).lower() in text
            assert (prefix + email).lower() in text
            assert (prefix + org).lower() in text
    assert not Registration.objects.filter(event=old_event, name__gt="").exists()


def test_a_second_run_purges_nothing(old_event):
    """Purging is idempotent: the second run returns 0 and changes no row."""
    assert services.purge_personal_data() == 4
    rows = list(Registration.objects.order_by("pk").values())
    emails = list(OutboundEmail.objects.order_by("pk").values())
    assert services.purge_personal_data() == 0
    assert list(Registration.objects.order_by("pk").values()) == rows
    assert list(OutboundEmail.objects.order_by("pk").values()) == emails


def test_retention_setting_decides_which_events(settings):
    """PERSONAL_DATA_RETENTION_DAYS is the number of days after the event's
    end; ``days`` overrides it."""
    event = make_event()
    fill(event)
    end_event(event, days_ago=10)
    settings.PERSONAL_DATA_RETENTION_DAYS = 11
    assert services.purge_personal_data() == 0
    assert services.purge_personal_data(days=12) == 0
    settings.PERSONAL_DATA_RETENTION_DAYS = 9
    assert services.purge_personal_data(days=11) == 0
    assert services.purge_personal_data() == 3
    assert not Registration.objects.filter(purged_at__isnull=True).exists()


def test_retention_counts_from_the_end_of_the_event():
    """A multi-week course that began 100 days ago but ended 80 days ago is
    within a 90-day retention; ten days later it is not."""
    course = make_event()
    fill(course)
    now = timezone.now()
    Event.objects.filter(pk=course.pk).update(
        start=now - timedelta(days=100), end=now - timedelta(days=80)
    )
    assert services.purge_personal_data(now=now) == 0
    assert services.purge_personal_data(now=now + timedelta(days=11)) == 3


def test_now_moves_the_cutoff(old_event):
    """``now`` is the moment the retention is counted back from."""
    assert services.purge_personal_data(now=timezone.now() - timedelta(days=20)) == 0
    assert services.purge_personal_data(now=timezone.now()) == 4


def test_purged_addresses_cannot_collide_with_anyone():
    """Active purged registrations on one event each get their own address,
    so one_open_registration_per_email holds; the registration form
    refuses such an address, so no member can already hold one."""
    event = make_event(capacity=None)
    fill(event)
    end_event(event, days_ago=100)
    assert services.purge_personal_data() == 3
    addresses = list(
        Registration.objects.filter(event=event, status__in=Registration.ACTIVE)
        .values_list("email_normalized", flat=True)
        .distinct()
    )
    assert len(addresses) == 3
    form = RegistrationForm(data={"name": "X", "email": addresses[0]})
    assert not form.is_valid()
    assert "email" in form.errors


def test_unsent_email_is_never_sent_after_the_purge(old_event, commit):
    """A pending email of a purged registration is marked failed and the
    outbox sweep sends nothing."""
    pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
    pending_ids = list(pending.values_list("pk", flat=True))
    assert pending_ids
    services.purge_personal_data()
    for email in OutboundEmail.objects.filter(pk__in=pending_ids):
        assert email.status == OutboundEmail.Status.FAILED
        assert email.last_error == services.PURGED_NOT_SENT
    mail.outbox.clear()
    assert send_due_emails() == {}
    assert mail.outbox == []


def test_self_service_link_stops_working(commit):
    """After the purge the emailed link finds no registration."""
    event = make_event()
    with commit():
        services.register_for_event(
            event_id=event.pk, name="Ada", email="ada@example.org"
        )
    token = token_from(sent_to("ada@example.org")[0])
    assert get_registration_by_token(token) is not None
    end_event(event, days_ago=100)
    services.purge_personal_data()
    assert get_registration_by_token(token) is None


def test_admin_history_forgets_who_it_was(old_event):
    """The admin's "recent actions" name a registration by its str(), which
    carries the person's name and address: the purge replaces it."""
    user = get_user_model().objects.create_user("staff", is_staff=True)
    registration = Registration.objects.filter(event=old_event).first()
    email = OutboundEmail.objects.filter(registration=registration).first()
    for obj in (registration, email):
        LogEntry.objects.create(
            user=user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
        )
    assert "quillfeather" in stored_text()
    services.purge_personal_data()
    assert "quillfeather" not in stored_text()
    assert set(LogEntry.objects.values_list("object_repr", flat=True)) == {
        services.PURGED_REPR
    }


def test_query_count_does_not_grow_with_registrants(springfield):
    """Each event costs the same handful of queries, however many people
    registered for it and however many questions they answered: an event of
    twelve registrants answering three questions each is purged in as many
    queries as one of a single registrant who answered nothing."""
    for model in (Registration, OutboundEmail):
        ContentType.objects.get_for_model(model)  # warm the cache
    small, big = make_event(capacity=None), make_event(capacity=None)
    fill(small, people=PEOPLE[:1])
    answer_all(big, people=[(f"P{n}", f"p{n}@example.org", "") for n in range(12)])
    end_event(small, days_ago=100)
    with CaptureQueriesContext(connection) as one:
        assert services.purge_personal_data() == 1
    end_event(big, days_ago=100)
    with CaptureQueriesContext(connection) as twelve:
        assert services.purge_personal_data() == 12
    assert len(twelve) == len(one)
    assert not Answer.objects.exists()


def test_command_dry_run_counts_and_changes_nothing(old_event):
    """``--dry-run`` says what would go and leaves every row as it was."""
    other = make_event()
    fill(other, prefix="x-")
    end_event(other, days_ago=95)
    rows = list(Registration.objects.order_by("pk").values())
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert (
        out.getvalue().strip()
        == "Would purge 7 registration(s) on 2 event(s), and 0 certificate(s)."
    )
    assert list(Registration.objects.order_by("pk").values()) == rows


def test_command_purges_and_reports(old_event):
    """The command purges and says how many registrations on how many events;
    a second run reports none; ``--days`` overrides the setting."""
    recent = make_event()
    fill(recent, prefix="r-")
    end_event(recent, days_ago=30)

    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert (
        out.getvalue().strip() == "Purged 4 registration(s) on 1 event(s), "
        "and 0 certificate(s) past their retention."
    )
    assert Registration.objects.filter(purged_at__isnull=True).count() == 3

    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert (
        out.getvalue().strip() == "Purged 0 registration(s) on 0 event(s), "
        "and 0 certificate(s) past their retention."
    )

    out = StringIO()
    call_command("purge_personal_data", "--days", "29", stdout=out)
    assert (
        out.getvalue().strip() == "Purged 3 registration(s) on 1 event(s), "
        "and 0 certificate(s) past their retention."
    )
    assert not Registration.objects.filter(purged_at__isnull=True).exists()


def test_command_refuses_negative_days():
    """A negative number of days is a clear error, not a purge of the future."""
    with pytest.raises(CommandError, match="0 or more"):
        call_command("purge_personal_data", "--days", "-1")


def test_nobody_is_emailed_again_after_the_purge(old_event):
    """Staff's resend of a registration, or of one of its emails, refuses
    once the details are erased: there is no address left."""
    from registrations.emails import requeue_email

    registration = Registration.objects.filter(
        event=old_event, status=Status.CONFIRMED
    ).first()
    email = OutboundEmail.objects.filter(registration=registration).first()
    services.purge_personal_data()
    with pytest.raises(services.RegistrationError, match="erased"):
        services.resend_registration_email(registration_id=registration.pk)
    assert requeue_email(email_id=email.pk) is False


def test_cancelling_an_event_after_the_purge_emails_nobody(old_event):
    """An event cancelled once its registrants' details were erased writes
    to nobody: the placeholder addresses get no email."""
    services.purge_personal_data()
    assert services.cancel_event(event_id=old_event.pk) == 0
    assert not OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.EVENT_CANCELLED
    ).exists()


# Answers to the event's own questions (PRODUCT.md §10) are personal data too.

ANSWERS = {
    "Your role": "Quillfeather's bookmobile driver",
    "What should we cover?": "Marrowind's archive of\nmaritime law",
    "Sessions": "Tuppence morning\nTuppence evening",
}


def ask(event: Event) -> dict[str, Question]:
    """Three questions on ``event``, by label."""
    kinds = (
        Question.Kind.SHORT_TEXT,
        Question.Kind.LONG_TEXT,
        Question.Kind.SEVERAL_CHOICES,
    )
    return {
        label: Question.objects.create(
            event=event,
            label=label,
            kind=kind,
            order=n,
            choices="Tuppence morning\nTuppence evening",
        )
        for n, (label, kind) in enumerate(zip(ANSWERS, kinds, strict=True))
    }


def answer_all(event: Event, prefix: str = "", people=PEOPLE) -> list[Registration]:
    """Each person registers answering every question, with ``prefix``
    before each answer; the first from a member library's address."""
    questions = ask(event)
    return [
        services.register_for_event(
            event_id=event.pk,
            name=prefix + name,
            email=email if n else "ada@springfieldlibrary.org",
            organization=org,
            answers={q: prefix + ANSWERS[label] for label, q in questions.items()},
        ).registration
        for n, (name, email, org) in enumerate(people)
    ]


def everything_stored() -> str:
    """Every row of every table of every installed model, lower-cased."""
    return repr(
        [list(model._base_manager.values()) for model in apps.get_models()]
    ).lower()


def answer_strings(prefix: str = "") -> list[str]:
    """The lines of what the registrants wrote (the choices they picked are
    the question's own words, which stay)."""
    return [
        line.lower()
        for label in ("Your role", "What should we cover?")
        for line in (prefix + ANSWERS[label]).splitlines()
    ]


@pytest.fixture
def springfield():
    library = MemberLibrary.objects.create(name="Springfield Public Library")
    LibraryDomain.objects.create(library=library, domain="springfieldlibrary.org")
    return library


def test_purge_erases_the_answers_and_keeps_the_library(springfield):
    """No answer of an old event's registrants is left in any table; every
    count, and the member library each registration counts for, stay as
    they were; the questions themselves stay."""
    event = make_event(capacity=2)
    registrations = answer_all(event)
    assert Answer.objects.filter(registration__event=event).count() == 9
    before = everything_stored()
    for text in answer_strings():
        assert text in before
    expected = counts(event)
    libraries = list(
        Registration.objects.filter(event=event)
        .order_by("pk")
        .values_list("library__name", flat=True)
    )
    assert libraries == ["Springfield Public Library", None, None]
    end_event(event, days_ago=100)

    assert services.purge_personal_data() == len(registrations)

    after = everything_stored()
    for text in answer_strings():
        assert text not in after
    assert not Answer.objects.filter(registration__event=event).exists()
    assert counts(event) == expected
    assert (
        list(
            Registration.objects.filter(event=event)
            .order_by("pk")
            .values_list("library__name", flat=True)
        )
        == libraries
    )
    assert list(
        Question.objects.filter(event=event).values_list("label", flat=True)
    ) == list(ANSWERS)


def test_answers_of_events_not_due_are_kept(springfield):
    """The purge of an old event leaves the answers of a recent event's
    registrants as they were, row for row."""
    old, recent = make_event(), make_event()
    answer_all(old, prefix="old ")
    answer_all(recent, prefix="recent ")
    end_event(old, days_ago=100)
    end_event(recent, days_ago=10)
    kept = list(
        Answer.objects.filter(registration__event=recent).order_by("pk").values()
    )
    assert len(kept) == 9

    assert services.purge_personal_data() == 3

    assert (
        list(Answer.objects.filter(registration__event=recent).order_by("pk").values())
        == kept
    )
    text = everything_stored()
    for answer in answer_strings("recent "):
        assert answer in text
    assert not Answer.objects.filter(registration__event=old).exists()
