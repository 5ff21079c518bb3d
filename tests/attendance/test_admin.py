"""Marking attendance from an attendee report in the admin, from one event's
roster: upload, a preview of who will be marked, then "Mark N attended";
the preview signed so confirming needs no second upload and can't be
altered; nothing before the start; only staff who manage registrations."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.demo import refresh_demo_staff
from events.groups import ROSTER_VIEWERS, ensure_staff_groups
from registrations import services
from registrations.admin.attendance import DECISIONS_SALT
from registrations.models import Registration
from tests.builders import make_event
from tests.dom import attribute, find, find_all, hrefs, parse, submit_labels, text
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
EASTERN = ZoneInfo("America/New_York")
# The samples' webinar: March 12, 2026, 2 to 3 PM on the East Coast.
START = datetime(2026, 3, 12, 14, 0, tzinfo=EASTERN)
ROSTER = reverse("admin:registrations_registration_changelist")
Source = Registration.AttendanceSource

# The webinar's registrants, as they typed their addresses (the reports
# write some of them in another case).
PEOPLE = [
    ("Maria Alvarez", "maria.alvarez@springfieldlibrary.org"),
    ("Dev Patel", "dpatel@springfieldlibrary.org"),
    ("Tom Okafor", "tom.okafor@GMAIL.com"),
    ("Joan Whitaker", "jwhitaker@springfieldlibrary.org"),
    ("Ruth Baker", "Ruth.Baker@gmail.com"),
    ("Priya Shah", "pshah@springfieldlibrary.org"),
]


@pytest.fixture
def staff(client):
    """The demo's learning-services account: it manages registrations."""
    user = refresh_demo_staff(username="staff", password="a-long-test-password")
    client.force_login(user)
    return user


def build_webinar(clock, *, start=START, cancelled=()):
    """The samples' webinar and its six registrants, registered weeks
    before; the clock then stands an hour after the end. Returns the event
    and its registrations by first name."""
    clock.now = start - timedelta(days=20)
    event = make_event("Summer Reading Kickoff", start=start, capacity=20)
    people = {
        name.split()[0]: register(event, email, name=name).registration
        for name, email in PEOPLE
    }
    for first_name in cancelled:
        services.cancel_registration(
            registration_id=people[first_name].pk, by_staff=True
        )
    clock.now = start + timedelta(hours=2)
    return event, people


@pytest.fixture
def webinar(clock):
    return build_webinar(clock)


def upload_url(event) -> str:
    return reverse(
        "admin:registrations_registration_attendance_report", args=[event.pk]
    )


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), "text/csv")


def upload(client, event, file):
    return client.post(upload_url(event), {"report": file})


def rows_of(page, table_id: str) -> list[list[str]]:
    """Each body row's cells of the table, as text."""
    table = find(page, "table", id=table_id)
    body = find(table, "tbody")
    return [
        [text(cell) for cell in row.children if not isinstance(cell, str)]
        for row in find_all(body, "tr")
    ]


def caption_of(page, table_id: str) -> str:
    return text(find(find(page, "table", id=table_id), "caption"))


def decisions_of(page) -> str:
    return attribute(find(page, "input", name="decisions"), "value")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def attendance(event) -> dict[str, tuple]:
    """Each registrant's attendance as recorded: attended, minutes, source,
    by whom."""
    return {
        r.name.split()[0]: (
            r.attended,
            r.minutes_attended,
            r.attendance_source,
            r.attendance_marked_by_id,
        )
        for r in Registration.objects.filter(event=event)
    }


NOTHING_RECORDED = (False, None, "", None)


def test_one_events_roster_links_to_the_upload_page(webinar, client, staff):
    """Filtered to one event, the roster offers "Upload attendee report"
    beside "Add a registrant"."""
    event, _ = webinar
    page = parse(client.get(ROSTER, {"event__id__exact": event.pk}))
    assert upload_url(event) in hrefs(page)
    links = {attribute(a, "href"): text(a) for a in find_all(page, "a", href=True)}
    assert links[upload_url(event)] == "Upload attendee report"


def test_the_upload_form_says_the_events_minimum_share(webinar, client, staff):
    """Step one: a file field labelled for both platforms, and the event's
    own minimum share."""
    event, _ = webinar
    event.attendance_minimum_share = 75
    event.save(update_fields=["attendance_minimum_share"])
    response = client.get(upload_url(event))
    assert response.status_code == 200
    page = parse(response)
    label = find(page, "label", for_="id_report")
    assert text(label).startswith("Zoom attendee report or Teams attendance list (CSV)")
    assert attribute(find(page, "form", id="attendance-report-form"), "enctype") == (
        "multipart/form-data"
    )
    assert "at least 75% of the event's minutes" in text(page)


def test_zoom_report_preview_sorts_people_into_its_tables(webinar, client, staff):
    """The Zoom sample: four will be marked (Dev's three joins added up,
    Tom's address matched whatever its case), Joan present too briefly,
    Lena in the report without registering, with a link to add her; the
    page marks nothing yet."""
    event, _ = webinar
    response = upload(client, event, sample("zoom_webinar_attendee_report.csv"))
    assert response.status_code == 200
    page = parse(response)
    assert caption_of(page, "attendance-attended") == "Will be marked attended"
    assert rows_of(page, "attendance-attended") == [
        ["Dev Patel", "dpatel@springfieldlibrary.org", "54"],
        ["Maria Alvarez", "maria.alvarez@springfieldlibrary.org", "60"],
        ["Ruth Baker", "Ruth.Baker@gmail.com", "30"],
        ["Tom Okafor", "tom.okafor@GMAIL.com", "45"],
    ]
    assert caption_of(page, "attendance-too-short") == (
        "Present too briefly (under 30 minutes)"
    )
    assert rows_of(page, "attendance-too-short") == [["Joan Whitaker", "28", "30"]]
    assert caption_of(page, "attendance-unmatched") == (
        "In the report but not registered"
    )
    assert rows_of(page, "attendance-unmatched") == [
        ["Lena Fischer", "lena.fischer@gmail.com", "50", "Add as registrant"]
    ]
    add = reverse("admin:registrations_registration_add_registrant", args=[event.pk])
    assert f"{add}?name=Lena+Fischer&email=lena.fischer%40gmail.com" in hrefs(page)
    assert find_all(page, "table", id="attendance-not-confirmed") == []
    assert find_all(page, "table", id="attendance-problems") == []
    assert find_all(page, "p", class_="attendance-outside-event") == []
    assert submit_labels(find(page, "form", id="attendance-confirm-form")) == [
        "Mark 4 attended"
    ]
    assert "1 confirmed registrant is not in the report" in text(page)
    # Every table is read by its caption and header cells.
    for table in find_all(page, "table"):
        assert find_all(table, "caption")
        assert {attribute(th, "scope") for th in find_all(table, "th")} <= {
            "col",
            "row",
        }
    assert set(attendance(event).values()) == {NOTHING_RECORDED}


def test_confirming_marks_them_from_the_report(webinar, client, staff):
    """ "Mark 4 attended" records the four as attended from the report, by
    the staff member, with their minutes; Joan keeps "not attended", with
    only her minutes noted; Priya, absent from the report, is untouched. Back
    on the roster, a message says so."""
    event, _ = webinar
    preview = parse(upload(client, event, sample("zoom_webinar_attendee_report.csv")))
    response = client.post(
        upload_url(event), {"decisions": decisions_of(preview)}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{ROSTER}?event__id__exact={event.pk}"
    assert messages_of(response) == ["Marked 4 attended from the Zoom report."]
    report = Source.REPORT
    assert attendance(event) == {
        "Maria": (True, 60, report, staff.pk),
        "Dev": (True, 54, report, staff.pk),
        "Tom": (True, 45, report, staff.pk),
        "Ruth": (True, 30, report, staff.pk),
        # Only her minutes: nothing about her attendance was recorded.
        "Joan": (False, 28, "", None),
        "Priya": NOTHING_RECORDED,
    }


def test_teams_report_preview_and_confirm(webinar, client, staff):
    """The Teams sample: the same four marked, the caller known only by a
    phone number listed as a row that could not be read, with its line."""
    event, _ = webinar
    preview = parse(upload(client, event, sample("teams_attendance_report.csv")))
    assert [row[0] for row in rows_of(preview, "attendance-attended")] == [
        "Dev Patel",
        "Maria Alvarez",
        "Ruth Baker",
        "Tom Okafor",
    ]
    assert caption_of(preview, "attendance-problems") == ("Rows that could not be read")
    [problem] = rows_of(preview, "attendance-problems")
    assert problem[:2] == ["36", "+1 413-555-0143"]
    response = client.post(
        upload_url(event), {"decisions": decisions_of(preview)}, follow=True
    )
    assert messages_of(response) == [
        "Marked 4 attended from the Microsoft Teams report."
    ]
    recorded = attendance(event)
    assert recorded["Dev"] == (True, 53, Source.REPORT, staff.pk)
    assert recorded["Joan"] == (False, 28, "", None)


def test_a_cancelled_registrant_in_the_report_is_listed_not_marked(
    clock, client, staff
):
    """Ruth cancelled before the webinar but came: she is under "Registered
    but not confirmed" with her status, and confirming leaves her alone."""
    event, _ = build_webinar(clock, cancelled=["Ruth"])
    preview = parse(upload(client, event, sample("zoom_webinar_attendee_report.csv")))
    assert caption_of(preview, "attendance-not-confirmed") == (
        "Registered but not confirmed"
    )
    assert rows_of(preview, "attendance-not-confirmed") == [
        ["Ruth Baker", "Ruth.Baker@gmail.com", "Cancelled", "30"]
    ]
    assert submit_labels(find(preview, "form", id="attendance-confirm-form")) == [
        "Mark 3 attended"
    ]
    client.post(upload_url(event), {"decisions": decisions_of(preview)})
    assert attendance(event)["Ruth"] == NOTHING_RECORDED


def test_a_report_of_another_day_is_flagged(clock, client, staff):
    """Uploaded to an event a day after the webinar, the report matches
    people but none was there during this event: a warning says it seems
    to be another day's report, and nobody will be marked."""
    event, _ = build_webinar(clock, start=START + timedelta(days=1))
    page = parse(upload(client, event, sample("zoom_webinar_attendee_report.csv")))
    warning = find(page, "p", class_="attendance-outside-event")
    assert "another day" in text(warning)
    assert rows_of(page, "attendance-attended") == [["Nobody."]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Name,Favourite colour\nAda,blue\n",
            "This doesn't look like a Zoom attendee report or a Teams attendance "
            "list: it has neither Zoom's Attendee Details nor Teams' Participants.",
        ),
        (
            b"PK\x03\x04 a workbook",
            "This doesn't look like a Zoom attendee report or a Teams attendance "
            "list: it is an Excel workbook. Download the report as a CSV file "
            "and upload that.",
        ),
        (
            b"x" * (5 * 1024 * 1024 + 1),
            "This file is larger than 5 MB, far larger than any attendee "
            "report. Check that it is the right file.",
        ),
    ],
    ids=["not a report", "workbook", "too large"],
)
def test_a_file_that_is_not_a_report_is_a_message_on_the_field(
    webinar, client, staff, content, message
):
    """The reason is shown on the file field, on the upload form, with no
    preview and nothing recorded."""
    event, _ = webinar
    response = upload(client, event, SimpleUploadedFile("report.csv", content))
    assert response.status_code == 200
    assert response.context["form"].errors == {"report": [message]}
    page = parse(response)
    assert find_all(page, "form", id="attendance-report-form")
    assert find_all(page, "input", name="decisions") == []
    assert set(attendance(event).values()) == {NOTHING_RECORDED}


def test_no_file_is_a_message_on_the_field(webinar, client, staff):
    """Pressing Preview without choosing a file asks for one."""
    event, _ = webinar
    response = client.post(upload_url(event), {})
    assert response.context["form"].errors == {"report": ["This field is required."]}


def test_before_the_start_no_upload_is_offered_or_taken(clock, client, staff):
    """Half an hour before the webinar, the page says attendance can be
    recorded once it has started and has no form; an upload posted anyway
    records nothing, and neither does a preview's confirmation."""
    event, _ = build_webinar(clock)
    preview = parse(upload(client, event, sample("zoom_webinar_attendee_report.csv")))
    decisions = decisions_of(preview)
    clock.now = START - timedelta(minutes=30)

    response = client.get(upload_url(event))
    page = parse(response)
    assert text(find(page, "p", class_="attendance-not-started")).startswith(
        "Attendance can be recorded once the event has started."
    )
    assert find_all(page, "form", id="attendance-report-form") == []
    assert find_all(page, "input", type="file") == []

    response = upload(client, event, sample("zoom_webinar_attendee_report.csv"))
    assert find_all(parse(response), "input", name="decisions") == []
    response = client.post(upload_url(event), {"decisions": decisions})
    assert response.status_code == 200
    assert set(attendance(event).values()) == {NOTHING_RECORDED}


def test_a_tampered_preview_is_refused(webinar, client, staff):
    """A confirmation whose signed preview was altered (Joan moved among
    the attended) marks nobody and says to upload the report again."""
    event, people = webinar
    preview = parse(upload(client, event, sample("zoom_webinar_attendee_report.csv")))
    decisions = decisions_of(preview)
    payload = signing.loads(decisions, salt=DECISIONS_SALT)
    payload["attended"].append([people["Joan"].pk, 60])
    forged = signing.dumps(payload, salt="some other salt", compress=True)
    for bad in (forged, decisions[:-3] + "xyz", "not signed at all"):
        response = client.post(upload_url(event), {"decisions": bad}, follow=True)
        assert response.status_code == 200
        assert messages_of(response) == [
            "This preview can't be confirmed: it was changed after it was made. "
            "Upload the report again."
        ]
    assert set(attendance(event).values()) == {NOTHING_RECORDED}


def test_a_preview_of_another_event_is_refused(clock, webinar, client, staff):
    """A preview signed for one event, posted to another's page, marks
    nobody at either."""
    event, _ = webinar
    clock.now = START - timedelta(days=20)
    other = make_event("Another Webinar", start=START)
    register(other, "maria.alvarez@springfieldlibrary.org", name="Maria Alvarez")
    clock.now = START + timedelta(hours=2)
    preview = parse(upload(client, event, sample("zoom_webinar_attendee_report.csv")))
    response = client.post(
        upload_url(other), {"decisions": decisions_of(preview)}, follow=True
    )
    assert messages_of(response) == [
        "This preview is of another event's report. Upload it again."
    ]
    assert set(attendance(event).values()) == {NOTHING_RECORDED}
    assert set(attendance(other).values()) == {NOTHING_RECORDED}


def test_staff_who_may_only_view_rosters_are_refused(webinar, client):
    """A roster viewer (no change permission on registrations) gets 403 for
    the page and its upload, and the roster doesn't offer the link."""
    event, _ = webinar
    groups = ensure_staff_groups()
    viewer = get_user_model().objects.create_user(
        "viewer", password="a-long-test-password", is_staff=True
    )
    viewer.groups.add(groups[ROSTER_VIEWERS])
    client.force_login(viewer)
    assert client.get(upload_url(event)).status_code == 403
    response = upload(client, event, sample("zoom_webinar_attendee_report.csv"))
    assert response.status_code == 403
    roster = parse(client.get(ROSTER, {"event__id__exact": event.pk}))
    assert upload_url(event) not in hrefs(roster)
    assert set(attendance(event).values()) == {NOTHING_RECORDED}


def test_a_walk_ins_link_fills_in_the_add_registrant_form(admin_client):
    """The "Add as registrant" link of a walk-in opens the add-registrant
    page with their name and email already typed."""
    event = make_event()
    url = reverse("admin:registrations_registration_add_registrant", args=[event.pk])
    page = admin_client.get(url, {"name": "Walk In", "email": "walk.in@gmail.com"})
    root = parse(page)
    assert attribute(find(root, "input", name="name"), "value") == "Walk In"
    assert attribute(find(root, "input", name="email"), "value") == (
        "walk.in@gmail.com"
    )


def test_the_registrations_page_says_who_recorded_the_attendance(admin_client, clock):
    """On the registration's admin page, staff see how its attendance was
    recorded and by whom, read-only."""
    event = make_event(start=clock.now + timedelta(days=1))
    registration = register(event, 1).registration
    clock.advance(days=1, minutes=5)
    staff = get_user_model().objects.get(username="admin")
    services.mark_attended(registration_id=registration.pk, by=staff)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    page = text(parse(admin_client.get(url)))
    assert "Ticked by staff" in page
    assert "admin" in page
    assert (
        find_all(parse(admin_client.get(url)), "select", name="attendance_source") == []
    )
