"""Registrations for the demo events, so that their seat lines read as the
seeds do ("There are 98 seats available."), the mini-conference's own
questions, and a past webinar that shows the CE flow end to end: Pat Reader
attended, sent the evaluation and was issued a certificate.

Made through the service like any other registration, without email. The
ALA webinars are for members only, so each demo registrant writes from
their library's domain, which the demo directory (``members.demo``) lists.
Safe to run again: people already registered are found, not added twice.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from events.models import CertificatePolicy, Event
from events.services import duplicate_event
from members.demo import load_member_libraries
from members.models import MemberLibrary

from . import services
from .models import Certificate, EvaluationQuestion, Question, link_token
from .services import RegistrationError, register_for_event

# slug -> (name, library) of the people already registered in the seeds.
DEMO_REGISTRANTS = {
    "sos-for-library-professionals": [
        ("Maria Delgado", "Riverside Public Library"),
        ("James Okafor", "Lakeview Community College Library"),
    ],
    "patron-response-framework": [
        ("Hannah Whitfield", "Millbrook Public Library"),
        ("Daniel Reyes", "Cedar County Library System"),
        ("Priya Raman", "Northgate High School Library"),
        ("Thomas Becker", "Harbor City Public Library"),
        ("Aisha Mohammed", "Westfield Memorial Library"),
        ("Kevin O'Brien", "Pine Valley Public Library"),
    ],
    "minimizing-social-media-to-maximize-library-values": [],
}

# The mini-conference asks two questions of its own (PRODUCT.md §10).
MINI_CONFERENCE = "wholehearted-libraries"
MINI_CONFERENCE_QUESTIONS = [
    {
        "label": "Your role",
        "kind": Question.Kind.ONE_CHOICE,
        "choices": "Librarian\nParaprofessional\nAdministrator\nOther",
        "required": True,
    },
    {
        "label": "What do you hope to learn?",
        "kind": Question.Kind.LONG_TEXT,
        "required": False,
    },
]


def demo_email(name: str, library: str) -> str:
    """``maria.delgado@`` at the library's first domain in the directory."""
    local = name.lower().replace("'", "").replace(" ", ".")
    domain = (
        MemberLibrary.objects.filter(name=library)
        .values_list("domains__domain", flat=True)
        .order_by("domains__domain")
        .first()
    )
    return f"{local}@{domain or 'example.org'}"


def add_demo_questions() -> int:
    """Give the mini-conference its two questions, once; returns how many
    were added."""
    event = Event.objects.filter(slug=MINI_CONFERENCE).first()
    if event is None or event.questions.exists():
        return 0
    Question.objects.bulk_create(
        Question(event=event, order=order, **fields)
        for order, fields in enumerate(MINI_CONFERENCE_QUESTIONS, start=1)
    )
    return len(MINI_CONFERENCE_QUESTIONS)


def add_demo_registrations() -> int:
    """Register the demo people; return how many were new."""
    load_member_libraries()
    added = 0
    for slug, people in DEMO_REGISTRANTS.items():
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            continue
        for name, library in people:
            try:
                result = register_for_event(
                    event_id=event.pk,
                    name=name,
                    email=demo_email(name, library),
                    organization=library,
                    notify=False,
                )
            except RegistrationError:
                # A demo event that is not open (say, dated in the past) keeps
                # its seats as they are.
                break
            added += result.created
    return added


# A copy of the SOS webinar, a week in the past, with one CE hour.
PAST_WEBINAR_OF = "sos-for-library-professionals"
PAST_WEBINAR = "sos-for-library-professionals-earlier"
PAST_WEBINAR_DAYS_AGO = 7
DEMO_ATTENDEE = ("Pat Reader", "Springfield Public Library")
DEMO_EVALUATION = {
    EvaluationQuestion.Kind.RATING: 5,
    EvaluationQuestion.Kind.YES_NO: "Yes",
    EvaluationQuestion.Kind.TEXT: "Practical, and kind. Thank you.",
}


def add_demo_certificate(*, today: date | None = None) -> Certificate | None:
    """The past webinar, once: Pat registers while it is still ahead, it is
    then dated a week back, staff tick Pat attended, Pat sends the
    evaluation, and attendance is made final, which issues the certificate
    (its PDF is made by the task worker; not emailed, it is a demo)."""
    original = Event.objects.filter(slug=PAST_WEBINAR_OF).first()
    if original is None or Event.objects.filter(slug=PAST_WEBINAR).exists():
        return None
    load_member_libraries()
    copy = duplicate_event(event_id=original.pk)
    copy.slug = PAST_WEBINAR
    copy.is_published = True
    copy.ce_hours = Decimal("1.0")
    copy.certificate_policy = CertificatePolicy.ATTENDEES
    copy.save()
    name, library = DEMO_ATTENDEE
    pat = register_for_event(
        event_id=copy.pk,
        name=name,
        email=demo_email(name, library),
        organization=library,
        notify=False,
    ).registration
    # On the seed's wall clock, a week before today.
    day = (today or timezone.localdate()) - timedelta(days=PAST_WEBINAR_DAYS_AGO)
    local_start = copy.start.astimezone(copy.tz)
    length = copy.end - copy.start
    copy.start = datetime.combine(day, time(local_start.hour, local_start.minute))
    copy.start = copy.start.replace(tzinfo=copy.tz)
    copy.end = copy.start + length
    copy.save()
    services.mark_attended(registration_id=pat.pk)
    services.add_default_evaluation(event=copy)
    services.submit_evaluation(
        token=link_token(pat.link_secret),
        answers={
            question.pk: DEMO_EVALUATION[question.kind]
            for question in copy.evaluation_questions.all()
        },
    )
    with transaction.atomic():
        services.mark_attendance_final(event_id=copy.pk)
        # The PDF is made once this commits; nobody to email in a demo.
        Certificate.objects.filter(event=copy).update(email_on_completion=False)
    return Certificate.objects.get(event=copy)
