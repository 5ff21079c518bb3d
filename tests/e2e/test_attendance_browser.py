"""Marking attendance from Zoom's attendee report in a real Chromium: from
one event's roster, upload the sample, read the preview, confirm, and see
the roster with the attendees ticked."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from registrations.models import Registration
from tests.builders import make_event
from tests.registrations.conftest import register

from .conftest import sign_in_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZOOM_SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "attendance/samples/zoom_webinar_attendee_report.csv"
)
# The sample's webinar: March 12, 2026, 2 to 3 PM on the East Coast.
START = datetime(2026, 3, 12, 14, 0, tzinfo=ZoneInfo("America/New_York"))
PEOPLE = [
    ("Maria Alvarez", "maria.alvarez@springfieldlibrary.org"),
    ("Dev Patel", "dpatel@springfieldlibrary.org"),
    ("Tom Okafor", "tom.okafor@gmail.com"),
    ("Joan Whitaker", "jwhitaker@springfieldlibrary.org"),
    ("Ruth Baker", "ruth.baker@gmail.com"),
    ("Priya Shah", "pshah@springfieldlibrary.org"),
]


@pytest.fixture
def webinar(clock):
    """The sample's webinar, registered for weeks before; the clock then
    stands an hour after its end."""
    clock.now = START - timedelta(days=20)
    event = make_event("Summer Reading Kickoff", start=START, capacity=20)
    for name, email in PEOPLE:
        register(event, email, name=name)
    clock.now = START + timedelta(hours=2)
    return event


def test_upload_preview_and_confirm_a_zoom_report(
    page, webinar, axe_violations, tmp_path
):
    """From the roster, "Upload attendee report", choose Zoom's CSV and
    Preview: four will be marked, Joan was there too briefly, Lena came
    without registering. "Mark 4 attended" lands on the roster with the
    message and the four ticked. Both steps pass axe's WCAG checks."""
    sign_in_as_staff(page)
    page.goto(f"/admin/registrations/registration/?event__id__exact={webinar.pk}")
    page.get_by_role("link", name="Upload attendee report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload attendee report")
    page.screenshot(path=tmp_path / "attendance-upload.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_label(
        "Zoom attendee report or Teams attendance list (CSV)"
    ).set_input_files(ZOOM_SAMPLE)
    page.get_by_role("button", name="Preview").click()

    attended = page.get_by_role("table", name="Will be marked attended")
    expect(attended.get_by_role("row")).to_have_count(5)  # the header and four
    expect(attended).to_contain_text("Dev Patel")
    too_short = page.get_by_role("table", name="Present too briefly (under 30 minutes)")
    expect(too_short).to_contain_text("Joan Whitaker")
    walk_ins = page.get_by_role("table", name="In the report but not registered")
    expect(walk_ins).to_contain_text("lena.fischer@gmail.com")
    expect(
        walk_ins.get_by_role("link", name="Add as registrant: Lena Fischer")
    ).to_be_visible()
    page.screenshot(path=tmp_path / "attendance-preview.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Mark 4 attended").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Marked 4 attended from the Zoom report."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Roster: Summer Reading Kickoff"
    )
    ticked = page.locator("#result_list td.field-attended img[alt='True']")
    expect(ticked).to_have_count(4)
    page.screenshot(path=tmp_path / "attendance-roster.png", full_page=True)
    marked = Registration.objects.filter(event=webinar, attended=True)
    assert sorted(marked.values_list("name", flat=True)) == [
        "Dev Patel",
        "Maria Alvarez",
        "Ruth Baker",
        "Tom Okafor",
    ]
