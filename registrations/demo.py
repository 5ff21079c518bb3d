"""Registrations for the demo events, so that their seat lines read as the
seeds do ("There are 98 seats available."), and the mini-conference's own
questions.

Made through the service like any other registration, without email. The
ALA webinars are for members only, so each demo registrant writes from
their library's domain, which the demo directory (``members.demo``) lists.
Safe to run again: people already registered are found, not added twice.
"""

from events.models import Event
from members.demo import load_member_libraries
from members.models import MemberLibrary

from .models import Question
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
