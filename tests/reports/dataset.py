"""A small data set whose figures are worked out by hand (see the test
module's docstrings): two months, two member libraries, an event in two
categories, a cancelled, a declined, an awaiting and a waitlisted
registration, no-shows, a cancelled event and one just outside the range.

Rows are created directly: the figures read what is stored, and the
registration services would not let a test place registrations on events
months in the past. Each is counted in its event's tally as the services
count theirs."""

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from events.models import Event
from members.models import MemberLibrary
from registrations.models import (
    Certificate,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Registration,
)
from tests.builders import eastern, make_category, make_event, write_registration

_tokens = itertools.count(1)
Status = Registration.Status
# The data set's "now": March and April's events have ended, June's not.
NOW = eastern(2031, 6, 1, 12)


def add(event, email, status=Status.CONFIRMED, *, library=None, attended=False):
    return write_registration(
        event,
        name=email.split("@")[0].title(),
        email=email,
        library=library,
        status=status,
        attended=attended,
        token_hash=f"test-token-{next(_tokens)}",
    )


def rate(event, *ratings, questions):
    """One evaluation response to ``event``: a rating per question."""
    response = EvaluationResponse.objects.create(event=event)
    for question, rating in zip(questions, ratings, strict=True):
        if rating is not None:
            EvaluationAnswer.objects.create(
                response=response, question=question, rating=rating
            )
    return response


@dataclass
class Dataset:
    springfield: MemberLibrary
    shelbyville: MemberLibrary
    cataloging: object
    outreach: object
    both: Event  # March 10, in both categories, 10 seats
    late_march: Event  # March 31 23:30 in New York (April in UTC), 4 seats
    april: Event  # no category, no capacity
    june: Event  # not ended at NOW, 5 seats
    registrations: dict


def build_dataset() -> Dataset:
    springfield = MemberLibrary.objects.create(name="Springfield Public Library")
    shelbyville = MemberLibrary.objects.create(name="Shelbyville Library")
    cataloging = make_category("Cataloging")
    outreach = make_category("Outreach")
    hour = timedelta(hours=1)

    both = make_event(
        "Catalog your outreach",
        start=eastern(2031, 3, 10),
        capacity=10,
        categories=[cataloging, outreach],
    )
    late_march = make_event(
        "Late night outreach",
        start=eastern(2031, 3, 31, 23, 30),
        end=eastern(2031, 3, 31, 23, 30) + hour,
        capacity=4,
        categories=[outreach],
        format=Event.Format.IN_PERSON,
    )
    april = make_event("No category", start=eastern(2031, 4, 15), capacity=None)
    june = make_event(
        "June webinar", start=eastern(2031, 6, 10), capacity=5, categories=[cataloging]
    )
    cancelled = make_event(
        "Cancelled webinar",
        start=eastern(2031, 3, 20),
        capacity=10,
        categories=[cataloging],
        status=Event.Status.CANCELLED,
    )
    # 04:30 on New Year's Day in UTC, but still 2030 on the consortium's clock.
    new_years_eve = make_event(
        "New Year's Eve", start=eastern(2030, 12, 31, 23, 30), capacity=10
    )

    r = {
        "a1": add(both, "pat@spring.example", library=springfield, attended=True),
        "a2": add(both, "lee@spring.example", library=springfield),
        "a3": add(both, "quinn@shelby.example", library=shelbyville, attended=True),
        "a4": add(both, "robin@elsewhere.example", attended=True),
        "a5": add(both, "kim@spring.example", Status.CANCELLED, library=springfield),
        "a6": add(both, "ash@shelby.example", Status.DECLINED, library=shelbyville),
        # Quinn again, naming Springfield this time.
        "b1": add(
            late_march, "quinn@shelby.example", library=springfield, attended=True
        ),
        "b2": add(late_march, "max@shelby.example", library=shelbyville),
        "b3": add(
            late_march, "jo@spring.example", Status.WAITLISTED, library=springfield
        ),
        "b4": add(late_march, "new@elsewhere.example", Status.AWAITING_APPROVAL),
        "c1": add(april, "taylor@shelby.example", library=shelbyville, attended=True),
        "c2": add(april, "PAT@spring.example", library=springfield, attended=True),
        "d1": add(june, "pat@spring.example", library=springfield),
        "d2": add(june, "max@shelby.example", Status.WAITLISTED, library=shelbyville),
        "e1": add(cancelled, "pat@spring.example", library=springfield, attended=True),
        "f1": add(
            new_years_eve, "sam@spring.example", library=springfield, attended=True
        ),
    }

    overall = EvaluationQuestion.Kind.RATING
    both_overall = EvaluationQuestion.objects.create(
        event=both, label="Overall", kind=overall
    )
    both_useful = EvaluationQuestion.objects.create(
        event=both, label="Useful", kind=overall
    )
    both_text = EvaluationQuestion.objects.create(
        event=both, label="Comments", kind=EvaluationQuestion.Kind.TEXT
    )
    rate(both, 5, 2, questions=[both_overall, both_useful])
    text_response = rate(both, 4, None, questions=[both_overall, both_useful])
    EvaluationAnswer.objects.create(
        response=text_response, question=both_text, text="Great"
    )
    late_overall = EvaluationQuestion.objects.create(
        event=late_march, label="Overall", kind=overall
    )
    rate(late_march, 3, questions=[late_overall])
    cancelled_overall = EvaluationQuestion.objects.create(
        event=cancelled, label="Overall", kind=overall
    )
    rate(cancelled, 1, questions=[cancelled_overall])

    # Staff took attendance at every event that has ended by NOW.
    for event in (both, late_march, april, cancelled, new_years_eve):
        Event.objects.filter(pk=event.pk).update(attendance_final_at=event.end)

    for key, hours, revoked in (
        ("a1", "1.0", False),
        ("c2", "1.5", False),
        ("b1", "1.0", True),
    ):
        registration = r[key]
        Certificate.objects.create(
            registration=registration,
            event=registration.event,
            name=registration.name,
            email_normalized=registration.email_normalized,
            hours=Decimal(hours),
            issued_at=registration.event.end,
            revoked_at=NOW if revoked else None,
        )
    return Dataset(
        springfield=springfield,
        shelbyville=shelbyville,
        cataloging=cataloging,
        outreach=outreach,
        both=both,
        late_march=late_march,
        april=april,
        june=june,
        registrations=r,
    )
