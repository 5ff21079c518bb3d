"""My CE record on ``/my/`` (PRODUCT.md §11 "My record"): attendance on each
past registration, CE hours per calendar year from the address's valid
certificates, each certificate to download, and a year's record as a PDF."""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from registrations import services
from registrations.ce_record import ce_record_of
from registrations.models import Certificate, Registration
from tests import dom
from tests.builders import make_event
from tests.credit import past_webinar_with_attendees

from .conftest import register, sign_in_path

pytestmark = pytest.mark.django_db

MY = reverse("registrations:my_registrations")
PAT = "pat.reader@springfieldlibrary.org"
EASTERN = ZoneInfo("America/New_York")
# The session, the signed-in address's certificates, its registrations and
# the footer's links: however many certificates and registrations there are.
MY_PAGE_QUERIES = 4


def signed_in(commit, email: str = PAT) -> Client:
    """A browser signed in to /my/ as ``email``, through the emailed link."""
    client = Client()
    with commit():
        client.post(MY, {"email": email})
    assert client.post(sign_in_path(email)).status_code == 302
    return client


def certified(clock, commit, title: str, *, hours="1.0", starts=None, **options):
    """A webinar that ended, its attendees' attendance made final and their
    certificates (PDFs included) made. ``starts``: the clock is set to a day
    before it first."""
    if starts is not None:
        clock.now = starts - timedelta(days=1)
    event, registrations = past_webinar_with_attendees(
        clock, hours=hours, title=title, **options
    )
    with commit():
        services.mark_attendance_final(event_id=event.pk)
    return event, registrations


def certificate_of(registration: Registration) -> Certificate:
    return Certificate.objects.get(registration=registration)


def record_pdf_url(year: int) -> str:
    return reverse("registrations:my_record_pdf", kwargs={"year": year})


def certificate_pdf_url(certificate: Certificate) -> str:
    return reverse(
        "registrations:my_certificate_pdf", kwargs={"code": certificate.code}
    )


def year_headings(response) -> list[str]:
    section = dom.find(dom.parse(response), "section", class_="my-ce-record")
    return [dom.text(h) for h in dom.find_all(section, "h3")]


def pdf_text(content: bytes) -> str:
    return " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )


# The record on /my/


def test_hours_per_year_follow_the_events_own_time_zone(clock, commit):
    """Hours are summed per calendar year of the event's start in its own
    zone: a webinar on December 31 at 8pm Eastern (already January 1 in
    UTC) counts for that December; each year links its record PDF."""
    certified(
        clock,
        commit,
        "Summer Storytime",
        hours="1.5",
        starts=datetime(2024, 6, 11, 14, tzinfo=EASTERN),
    )
    new_years_eve, _ = certified(
        clock,
        commit,
        "New Year's Eve Cataloging",
        hours="0.75",
        starts=datetime(2024, 12, 31, 20, tzinfo=EASTERN),
    )
    certified(
        clock,
        commit,
        "Spring Genealogy",
        hours="2.0",
        starts=datetime(2025, 3, 4, 13, tzinfo=EASTERN),
    )
    assert new_years_eve.start.astimezone(ZoneInfo("UTC")).year == 2025

    response = signed_in(commit).get(MY)
    assert response.status_code == 200
    assert year_headings(response) == [
        "2025: 2.0 CE hours",
        "2024: 2.25 CE hours",
    ]
    section = dom.find(dom.parse(response), "section", class_="my-ce-record")
    links = dom.find_all(section, "a", class_="ce-record-pdf")
    assert [dom.attribute(a, "href") for a in links] == [
        record_pdf_url(2025),
        record_pdf_url(2024),
    ]
    assert [dom.text(a) for a in links] == [
        "Download my 2025 record (PDF)",
        "Download my 2024 record (PDF)",
    ]
    record = ce_record_of(PAT)
    assert [
        (year.year, [entry.event.title for entry in year.entries])
        for year in record.years
    ] == [
        (2025, ["Spring Genealogy"]),
        (2024, ["Summer Storytime", "New Year's Eve Cataloging"]),
    ]


def test_every_certificate_is_listed_with_its_links(clock, commit):
    """Each valid certificate shows its event, date, hours, a download link
    and its verification page; nobody else's appear."""
    event, (pat, _lee) = certified(
        clock,
        commit,
        "Weeding the Collection",
        hours="1.25",
        names=("Pat Reader", "Lee Other"),
    )
    certificate = certificate_of(pat)
    others = certificate_of(_lee)

    response = signed_in(commit).get(MY)
    section = dom.find(dom.parse(response), "section", class_="my-ce-record")
    row = dom.find(section, "tr", class_="ce-record-certificate")
    words = dom.text(row)
    assert "Weeding the Collection" in words
    assert event.local_start.strftime("%B %-d, %Y") in words
    assert "1.25" in words
    assert dom.hrefs(row) == [
        certificate_pdf_url(certificate),
        certificate.get_absolute_url(),
    ]
    assert others.code not in response.content.decode()


@pytest.mark.rows_changed_by_hand
def test_the_record_outlives_the_registration(clock, commit):
    """A certificate whose registration was purged still counts: the record
    is read from certificates."""
    _event, (pat,) = certified(clock, commit, "Digital Literacy", hours="1.0")
    Registration.objects.filter(pk=pat.pk).delete()
    assert Certificate.objects.get().registration is None

    response = signed_in(commit).get(MY)
    assert year_headings(response) == [f"{_event.local_start.year}: 1.0 CE hours"]
    assert "There are no registrations" not in dom.text_of(response)


def test_withdrawn_certificates_are_left_out(clock, commit):
    """A revoked certificate is neither listed nor counted, and its PDF is
    no longer served."""
    _kept_event, _ = certified(clock, commit, "Kept Webinar", hours="1.0")
    _gone_event, (gone,) = certified(clock, commit, "Withdrawn Webinar", hours="2.0")
    withdrawn = services.revoke_certificate(certificate_id=certificate_of(gone).pk)

    client = signed_in(commit)
    response = client.get(MY)
    section = dom.find(dom.parse(response), "section", class_="my-ce-record")
    assert "Withdrawn Webinar" not in dom.text(section)
    assert "Kept Webinar" in dom.text(section)
    assert year_headings(response) == [f"{_kept_event.local_start.year}: 1.0 CE hours"]
    assert client.get(certificate_pdf_url(withdrawn)).status_code == 404


def test_no_certificates_no_record(commit):
    """An address without certificates sees no record section."""
    response = signed_in(commit, "nobody@example.org").get(MY)
    assert dom.find_all(dom.parse(response), "section", class_="my-ce-record") == []


# Attendance on each past registration


def test_past_registrations_say_whether_they_were_attended(clock, commit):
    """Attended: "Attended", the CE hours and the certificate's link. Not
    ticked once attendance is final: "Not marked as attended". Not final
    yet: "Attendance not recorded yet". Upcoming ones say nothing of it."""
    tomorrow = clock.now + timedelta(days=1)
    credit = {"ce_hours": Decimal("1.5"), "certificate_policy": "attendees"}
    attended = make_event("Attended Webinar", start=tomorrow, **credit)
    missed = make_event("Missed Webinar", start=tomorrow, **credit)
    pending = make_event("Pending Webinar", start=tomorrow, **credit)
    upcoming = make_event("Upcoming Webinar", start=tomorrow + timedelta(days=5))
    seats = {
        event.title: register(event, PAT, name="Pat Reader")[0]
        for event in (attended, missed, pending, upcoming)
    }
    clock.advance(days=1, hours=2)
    services.mark_attended(registration_id=seats["Attended Webinar"].pk)
    with commit():
        services.mark_attendance_final(event_id=attended.pk)
        services.mark_attendance_final(event_id=missed.pk)

    page = dom.parse(signed_in(commit).get(MY))
    cards = {
        dom.text(dom.find(card, "h3")): card
        for card in dom.find_all(page, "li", class_="my-registration")
    }

    def attendance(title):
        return [
            dom.text(line)
            for line in dom.find_all(
                cards[title], "p", class_="my-registration-attendance"
            )
        ]

    [said] = attendance("Attended Webinar")
    assert said.startswith("Attended. CE hours: 1.5.")
    certificate = certificate_of(seats["Attended Webinar"])
    assert certificate_pdf_url(certificate) in dom.hrefs(cards["Attended Webinar"])
    assert attendance("Missed Webinar") == ["Not marked as attended."]
    assert attendance("Pending Webinar") == ["Attendance not recorded yet."]
    assert attendance("Upcoming Webinar") == []


# Downloading a certificate


def test_own_certificate_downloads_as_stored(clock, commit):
    """The owner gets the stored PDF as an attachment, never cached."""
    _event, (pat,) = certified(clock, commit, "Downloadable Webinar")
    certificate = certificate_of(pat)
    assert certificate.is_ready

    response = signed_in(commit).get(certificate_pdf_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response.content == bytes(certificate.pdf)
    assert response.content.startswith(b"%PDF-")


def test_someone_elses_certificate_is_not_found(clock, commit):
    """Another address's certificate, an unknown code, and one whose PDF is
    still being made: 404 for the signed-in address."""
    _event, (_pat, lee) = certified(
        clock, commit, "Shared Webinar", names=("Pat Reader", "Lee Other")
    )
    client = signed_in(commit)
    assert client.get(certificate_pdf_url(certificate_of(lee))).status_code == 404
    assert (
        client.get(
            reverse("registrations:my_certificate_pdf", kwargs={"code": "nope"})
        ).status_code
        == 404
    )
    # Not a code at all (a NUL byte, which PostgreSQL refuses): 404 too.
    assert client.get("/my/certificates/%00.pdf").status_code == 404
    Certificate.objects.filter(registration=_pat).update(pdf_made_at=None)
    response = client.get(certificate_pdf_url(certificate_of(_pat)))
    assert response.status_code == 404
    assert "Being made" in dom.text_of(client.get(MY))


def test_signed_out_browsers_are_sent_to_sign_in(clock, commit):
    """Neither a certificate nor a record is served without signing in: the
    browser is sent to /my/, which asks for a sign-in link."""
    event, (pat,) = certified(clock, commit, "Private Webinar")
    for url in (
        certificate_pdf_url(certificate_of(pat)),
        record_pdf_url(event.local_start.year),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == MY
        assert "no-store" in response["Cache-Control"]


# The year's record as a PDF


TEEN_SERVICES = (
    "Teen Services Today: Programs, Outreach and Partnerships for Young Adults"
    " in Small and Rural Libraries across the Whole State"
)


def test_the_years_record_pdf(clock, commit):
    """The record PDF names the attendee (as on their newest certificate),
    each of the year's events with its hours and code, and the total; the
    other year's certificates stay out of it."""
    first, (older,) = certified(
        clock,
        commit,
        "Readers' Advisory Basics",
        hours="1.5",
        starts=datetime(2025, 2, 10, 14, tzinfo=EASTERN),
    )
    second, (newer,) = certified(
        clock,
        commit,
        TEEN_SERVICES,
        hours="0.75",
        starts=datetime(2025, 9, 15, 14, tzinfo=EASTERN),
    )
    certified(
        clock,
        commit,
        "Last Year's Webinar",
        hours="3.0",
        starts=datetime(2024, 9, 15, 14, tzinfo=EASTERN),
    )
    # The name was corrected on the newer one only.
    Certificate.objects.filter(registration=newer).update(name="Patricia Reader")
    # Codes may hold hyphens: a code is printed whole, never broken at one,
    # even beside a title that needs the width.
    Certificate.objects.filter(registration=newer).update(
        code="Ab-CdEfGhIjKlMnOpQrStUvWx-Y"
    )

    response = signed_in(commit).get(record_pdf_url(2025))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="ce-record-2025.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    text = " ".join(pdf_text(response.content).split())
    assert "Patricia Reader" in text
    assert "Readers' Advisory Basics" in text.replace(
        "\N{RIGHT SINGLE QUOTATION MARK}", "'"
    )
    assert TEEN_SERVICES in text
    assert "Last Year" not in text
    for certificate in (certificate_of(older), certificate_of(newer)):
        assert certificate.code in text
    assert "1.5" in text and "0.75" in text
    assert "Total for 2025 2.25" in text
    assert first.pk != second.pk


@pytest.mark.parametrize("year", [2023, 0, 99999999])
def test_a_year_without_certificates_is_not_found(clock, commit, year):
    """A year with no certificates (or no year at all): the 404 page."""
    certified(
        clock, commit, "Some Webinar", starts=datetime(2025, 5, 5, 14, tzinfo=EASTERN)
    )
    response = signed_in(commit).get(record_pdf_url(year))
    assert response.status_code == 404
    assert "Page not found" in dom.text_of(response)


# Queries


def test_the_page_runs_the_same_queries_for_1_or_10_certificates(
    clock, commit, django_assert_num_queries
):
    """/my/ reads the record in one query, and each past registration finds
    its certificate in it: 10 certificates cost what 1 does."""
    events = [past_webinar_with_attendees(clock)[0] for _ in range(10)]

    def certify(event):
        registration = Registration.objects.get(event=event)
        Certificate.objects.create(
            registration=registration,
            event=event,
            name=registration.name,
            email_normalized=registration.email_normalized,
            hours=Decimal("1.0"),
            issued_at=timezone.now(),
            pdf=b"%PDF-1.7 ...",
            pdf_made_at=timezone.now(),
        )

    certify(events[0])
    client = signed_in(commit)
    with django_assert_num_queries(MY_PAGE_QUERIES):
        one = client.get(MY)
    assert len(dom.find_all(dom.parse(one), "tr", class_="ce-record-certificate")) == 1
    for event in events[1:]:
        certify(event)
    with django_assert_num_queries(MY_PAGE_QUERIES):
        ten = client.get(MY)
    assert len(dom.find_all(dom.parse(ten), "tr", class_="ce-record-certificate")) == 10
    assert (
        len(dom.find_all(dom.parse(ten), "p", class_="my-registration-attendance"))
        == 10
    )
