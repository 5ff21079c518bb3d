"""Taking attendance on one event's roster page: every confirmed registrant
as a checkbox, ticked as now; saving writes only the rows that change (an
attendance the report or the code recorded keeps who recorded it); nothing
before the start; "Mark attendance final" sends the evaluations and
certificates, after which a tick issues one and an untick withdraws it.
Only staff who manage registrations."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.demo import refresh_demo_staff
from events.groups import ROSTER_VIEWERS, ensure_staff_groups
from registrations import services
from registrations.models import Certificate, Registration
from tests.builders import make_event
from tests.credit import past_webinar_with_attendees, token_of
from tests.dom import (
    attribute,
    find,
    find_all,
    hrefs,
    parse,
    submit_labels,
    text,
    text_of,
)
from tests.members.conftest import make_library
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

Source = Registration.AttendanceSource
ROSTER = reverse("admin:registrations_registration_changelist")


def page_url(event) -> str:
    return reverse("admin:registrations_registration_take_attendance", args=[event.pk])


@pytest.fixture
def staff(client):
    """The demo's learning-services account: it manages registrations."""
    user = refresh_demo_staff(username="staff", password="a-long-test-password")
    client.force_login(user)
    return user


@pytest.fixture
def lena():
    return get_user_model().objects.create_user("lena", password="x", is_staff=True)


@pytest.fixture
def webinar(clock):
    """A one-hour webinar registered for days before: Ada, Ben and Cleo
    confirmed (Ada at a member library), Dora on the waiting list, Eve
    cancelled. The clock then stands half an hour after its start."""
    make_library("Springfield Public Library", "springfieldlibrary.org")
    event = make_event(
        "Genealogy Basics",
        start=clock.now + timedelta(days=3),
        capacity=3,
        waitlist_enabled=True,
    )
    people = {
        name: register(event, email, name=f"{name} Reader").registration
        for name, email in [
            ("Ada", "ada@springfieldlibrary.org"),
            ("Ben", "ben@example.org"),
            ("Cleo", "cleo@example.org"),
            ("Dora", "dora@example.org"),
        ]
    }
    services.cancel_registration(registration_id=people["Cleo"].pk, by_staff=True)
    # Cleo's seat went to Dora; Eve comes after and waits.
    people["Eve"] = register(event, "eve@example.org", name="Eve Reader").registration
    clock.advance(days=3, minutes=30)
    return event, {
        name: Registration.objects.get(pk=r.pk) for name, r in people.items()
    }


def recorded(registration) -> tuple:
    registration.refresh_from_db()
    return (
        registration.attended,
        registration.attendance_source,
        registration.attendance_marked_by_id,
        registration.attendance_marked_at,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# The service


def test_only_the_rows_that_change_are_written(webinar, clock, lena):
    """Ada entered the attendance code; Ben was ticked by Lena. The roster
    saved with Ada and Dora ticked: Ada keeps her code's record, Ben is now
    not attended, by the new staff member, Dora attended. Two changed; the
    waiting-list and cancelled registrants are never touched."""
    event, people = webinar
    ada, ben, dora = people["Ada"], people["Ben"], people["Dora"]
    services.enter_attendance_code(token=token_of(ada), code=event.attendance_code)
    services.mark_attended(registration_id=ben.pk, by=lena)
    ada_before = recorded(ada)
    clock.advance(minutes=10)
    other = get_user_model().objects.create_user("max", password="x", is_staff=True)

    changed = services.record_attendance(
        event_id=event.pk,
        attended_ids=[ada.pk, dora.pk, people["Eve"].pk, people["Cleo"].pk],
        by=other,
    )

    assert changed == 2
    assert recorded(ada) == ada_before
    assert ada_before[1] == Source.CODE
    assert recorded(ben) == (False, Source.STAFF, other.pk, clock.now)
    assert recorded(dora) == (True, Source.STAFF, other.pk, clock.now)
    assert recorded(people["Eve"]) == (False, "", None, None)
    assert recorded(people["Cleo"]) == (False, "", None, None)


def test_a_row_left_as_the_page_showed_it_is_left_as_it_is_now(webinar, lena):
    """Ben entered the code while the page, drawn with nobody ticked, was
    open: staff ticking only Ada doesn't untick Ben."""
    event, people = webinar
    ada, ben = people["Ada"], people["Ben"]
    services.enter_attendance_code(token=token_of(ben), code=event.attendance_code)

    changed = services.record_attendance(
        event_id=event.pk, attended_ids=[ada.pk], shown_attended_ids=[], by=lena
    )

    assert changed == 1
    assert recorded(ben)[:3] == (True, Source.CODE, None)
    assert recorded(ada)[:3] == (True, Source.STAFF, lena.pk)


def test_recording_attendance_before_the_start_is_refused(clock, lena):
    """Before the start nothing can be recorded: refused, nothing written."""
    event = make_event(start=clock.now + timedelta(hours=1))
    registration = register(event, 1).registration
    with pytest.raises(services.RegistrationError) as refused:
        services.record_attendance(
            event_id=event.pk, attended_ids=[registration.pk], by=lena
        )
    assert refused.value.code == "not_started"
    assert recorded(registration) == (False, "", None, None)


def test_after_final_a_tick_issues_a_certificate_and_an_untick_withdraws_it(
    clock, lena
):
    """Pat and Sam attended; attendance made final issues both
    certificates. Then the roster saved with Sam unticked and Kim ticked:
    Sam's certificate is withdrawn, Kim is issued one; ticking Sam again
    restores Sam's, with the same code."""
    event, (pat, sam, kim) = past_webinar_with_attendees(
        clock, names=("Pat Reader", "Sam Lee", "Kim Park")
    )
    services.mark_attended(registration_id=kim.pk, attended=False, by=lena)
    assert services.mark_attendance_final(event_id=event.pk, by=lena) == 2
    sam_code = Certificate.objects.get(registration=sam).code

    assert (
        services.record_attendance(
            event_id=event.pk, attended_ids=[pat.pk, kim.pk], by=lena
        )
        == 2
    )
    valid = Certificate.objects.valid().filter(event=event)
    assert sorted(valid.values_list("name", flat=True)) == ["Kim Park", "Pat Reader"]
    assert Certificate.objects.get(registration=sam).is_revoked

    services.record_attendance(
        event_id=event.pk, attended_ids=[pat.pk, kim.pk, sam.pk], by=lena
    )
    restored = Certificate.objects.get(registration=sam)
    assert not restored.is_revoked
    assert restored.code == sam_code


# The page


def checkboxes(response) -> dict[str, bool]:
    """Each checkbox's label's first line (the name) -> whether ticked."""
    root = parse(response)
    boxes = {}
    for box in find_all(root, "input", type="checkbox", name="attended"):
        label = find(root, "label", for_=attribute(box, "id"))
        boxes[text(find(label, "strong"))] = attribute(box, "checked") is not None
    return boxes


def shown(response) -> str:
    return attribute(find(parse(response), "input", name="shown"), "value")


def test_one_events_roster_links_to_the_page(webinar, client, staff):
    """Filtered to one event, the roster offers "Take attendance"."""
    event, _ = webinar
    roster = parse(client.get(ROSTER, {"event__id__exact": event.pk}))
    assert page_url(event) in hrefs(roster)


def test_the_page_lists_the_confirmed_registrants_ticked_as_now(
    webinar, client, staff, lena
):
    """Ada, Ben and Dora (confirmed), each a checkbox whose label gives
    name, email and library; Ben ticked, with who ticked him beside; not
    the waiting list, not the cancelled."""
    event, people = webinar
    services.mark_attended(registration_id=people["Ben"].pk, by=lena)
    response = client.get(page_url(event))
    assert response.status_code == 200
    assert checkboxes(response) == {
        "Ada Reader": False,
        "Ben Reader": True,
        "Dora Reader": False,
    }
    root = parse(response)
    ada_box = find(root, "input", type="checkbox", value=str(people["Ada"].pk))
    label = text(find(root, "label", for_=attribute(ada_box, "id")))
    assert label == "Ada Reader ada@springfieldlibrary.org Springfield Public Library"
    page = text_of(response)
    assert "Attended: Ticked by staff (lena)" in page
    assert "eve@example.org" not in page
    assert "cleo@example.org" not in page
    assert submit_labels(find(root, "form", id="take-attendance-form")) == ["Save"]
    assert shown(response) == str(people["Ben"].pk)


def test_saving_ticks_and_unticks_and_comes_back(webinar, client, staff, lena):
    """Ada and Dora ticked, Ben unticked, Save: "Recorded attendance: 3
    changed." on the page again, ticked as saved, by the staff member."""
    event, people = webinar
    services.mark_attended(registration_id=people["Ben"].pk, by=lena)
    response = client.post(
        page_url(event),
        {
            "attended": [people["Ada"].pk, people["Dora"].pk],
            "shown": str(people["Ben"].pk),
        },
        follow=True,
    )
    assert response.redirect_chain == [(page_url(event), 302)]
    assert messages_of(response) == ["Recorded attendance: 3 changed."]
    assert checkboxes(response) == {
        "Ada Reader": True,
        "Ben Reader": False,
        "Dora Reader": True,
    }
    assert recorded(people["Ada"])[:3] == (True, Source.STAFF, staff.pk)
    assert recorded(people["Ben"])[:3] == (False, Source.STAFF, staff.pk)


def test_tick_all_and_untick_all_draw_the_list_without_saving(
    webinar, client, staff, lena
):
    """The "Tick all" link draws every box ticked, "Untick all" none; nothing is
    recorded until Save, which then records all three."""
    event, people = webinar
    services.mark_attended(registration_id=people["Ben"].pk, by=lena)
    root = parse(client.get(page_url(event)))
    assert f"{page_url(event)}?tick=all" in hrefs(root)
    assert f"{page_url(event)}?tick=none" in hrefs(root)

    ticked = client.get(page_url(event), {"tick": "all"})
    assert set(checkboxes(ticked).values()) == {True}
    # What was recorded when drawn: Save records the difference.
    assert shown(ticked) == str(people["Ben"].pk)
    unticked = client.get(page_url(event), {"tick": "none"})
    assert set(checkboxes(unticked).values()) == {False}
    assert Registration.objects.filter(event=event, attended=True).count() == 1

    boxes = find_all(parse(ticked), "input", type="checkbox", checked=True)
    client.post(
        page_url(event),
        {"attended": [attribute(b, "value") for b in boxes], "shown": shown(ticked)},
    )
    assert sorted(
        Registration.objects.filter(event=event, attended=True).values_list(
            "name", flat=True
        )
    ) == ["Ada Reader", "Ben Reader", "Dora Reader"]


def test_someone_cancelled_meanwhile_is_an_error_on_the_page(webinar, client, staff):
    """A tick for someone who cancelled since the page was drawn: nothing is
    saved, the error summary says why, the list is drawn as it is now with
    the other ticks kept."""
    event, people = webinar
    services.cancel_registration(registration_id=people["Dora"].pk, by_staff=True)
    response = client.post(
        page_url(event),
        {"attended": [people["Ada"].pk, people["Dora"].pk], "shown": ""},
    )
    assert response.status_code == 200
    summary = find(parse(response), id="attendance-errors")
    assert attribute(summary, "role") == "alert"
    assert "no longer a confirmed registrant" in text(summary)
    assert checkboxes(response) == {"Ada Reader": True, "Ben Reader": False}
    assert not Registration.objects.filter(event=event, attended=True).exists()


@pytest.mark.parametrize("altered", ["1,<b>", "\u00b2", "9" * 5000])
def test_an_altered_page_is_an_error_not_a_crash(webinar, client, staff, altered):
    """A "shown" value that is no list of ids (a tag, a superscript digit,
    a number too long for any id): a message, nothing saved."""
    event, people = webinar
    response = client.post(
        page_url(event), {"attended": [people["Ada"].pk], "shown": altered}
    )
    assert response.status_code == 200
    assert "altered" in text(find(parse(response), id="attendance-errors"))
    assert not Registration.objects.filter(event=event, attended=True).exists()


def test_before_the_start_the_page_says_so_and_has_no_form(clock, client, staff):
    """An event an hour away: the page says attendance comes after the
    start, with no checkbox, no Save and no "final"; a POST records
    nothing."""
    event = make_event(start=clock.now + timedelta(hours=1))
    registration = register(event, 1).registration
    response = client.get(page_url(event))
    root = parse(response)
    assert find_all(root, "form", id="take-attendance-form") == []
    assert find_all(root, "form", id="attendance-final-form") == []
    assert find_all(root, "input", type="checkbox") == []
    assert "once the event has started" in text_of(response)
    client.post(page_url(event), {"attended": [registration.pk], "shown": ""})
    client.post(page_url(event), {"final": "1"})
    assert recorded(registration) == (False, "", None, None)
    event.refresh_from_db()
    assert event.attendance_final_at is None


def test_staff_who_may_only_view_rosters_are_refused(webinar, client):
    """A roster viewer gets 403 for the page and its POSTs, and the roster
    doesn't offer the link."""
    event, people = webinar
    viewer = get_user_model().objects.create_user(
        "viewer", password="a-long-test-password", is_staff=True
    )
    viewer.groups.add(ensure_staff_groups()[ROSTER_VIEWERS])
    client.force_login(viewer)
    assert client.get(page_url(event)).status_code == 403
    post = {"attended": [people["Ada"].pk], "shown": ""}
    assert client.post(page_url(event), post).status_code == 403
    assert client.post(page_url(event), {"final": "1"}).status_code == 403
    roster = parse(client.get(ROSTER, {"event__id__exact": event.pk}))
    assert page_url(event) not in hrefs(roster)
    assert not Registration.objects.filter(event=event, attended=True).exists()


def test_mark_final_before_the_end_is_refused_with_its_message(webinar, client, staff):
    """During the event, "Mark attendance final" says why it can't yet."""
    event, _ = webinar
    response = client.post(page_url(event), {"final": "1"}, follow=True)
    assert messages_of(response) == [
        "Attendance can be made final once the event has ended."
    ]
    event.refresh_from_db()
    assert event.attendance_final_at is None


def test_mark_final_issues_the_certificates_and_the_page_says_so(clock, client, staff):
    """After the end, the button (explained on the page) makes attendance
    final: the message counts the certificates, and the page says when it
    was made final and how many were issued."""
    event, _ = past_webinar_with_attendees(clock, names=("Pat Reader", "Sam Lee"))
    before = client.get(page_url(event))
    form = find(parse(before), "form", id="attendance-final-form")
    assert submit_labels(form) == ["Mark attendance final"]
    assert "emails the evaluation to every attendee" in text_of(before)
    assert "Attendance was made final" not in text_of(before)

    response = client.post(page_url(event), {"final": "1"}, follow=True)

    assert response.redirect_chain == [(page_url(event), 302)]
    assert messages_of(response) == [
        "Attendance is final: the evaluation was emailed to attendees, "
        "2 certificates issued."
    ]
    event.refresh_from_db()
    assert event.attendance_final_at == clock.now
    status = text(find(parse(response), "p", class_="attendance-final-status"))
    when = f"{event.attendance_final_at.astimezone(event.tz):%b} "
    assert status.startswith(f"Attendance was made final on {when}")
    assert status.endswith(
        "The evaluation was emailed to attendees; 2 certificates issued."
    )
    assert Certificate.objects.valid().filter(event=event).count() == 2
