"""The public verification page (/certificates/<code>/) and the registrant's
download from their own page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations import documents, services
from registrations.models import Certificate
from tests import dom
from tests.credit import past_webinar_with_attendees, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(clock, django_capture_on_commit_callbacks):
    """Pat Reader's certificate for a past webinar, its PDF made by the
    worker (the immediate task backend, on commit)."""
    event, (registration,) = past_webinar_with_attendees(
        clock, title="Fake News and Media Literacy", hours="1.5"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_attendance_final(event_id=event.pk)
    certificate = Certificate.objects.get(registration=registration)
    assert certificate.is_ready
    return certificate


def verification_page(client, code: str):
    return client.get(reverse("registrations:certificate", kwargs={"code": code}))


def test_a_valid_code_confirms_name_event_date_and_hours(client, issued):
    """The page confirms the certificate: the attendee's name, the event's
    title, its date in the event's zone and the CE hours."""
    response = verification_page(client, issued.code)
    assert response.status_code == 200
    page = dom.parse(response)
    assert dom.text(dom.find(page, "h1")) == "Certificate verification"
    facts = dict(
        zip(
            [dom.text(term) for term in dom.find_all(page, "dt")],
            [dom.text(value) for value in dom.find_all(page, "dd")],
            strict=True,
        )
    )
    event = issued.event
    local = event.start.astimezone(event.tz)
    assert facts == {
        "Attendee": "Pat Reader",
        "Event": "Fake News and Media Literacy",
        "Date": f"{local:%A, %B} {local.day}, {local.year}",
        "CE hours": "1.5",
    }
    assert "This is a valid certificate of attendance" in dom.text_of(response)


def test_the_page_shows_nothing_more(client, issued):
    """No email address, no library, not even the code, and no link to the
    PDF: only what an employer needs to confirm."""
    registration = issued.registration
    response = verification_page(client, issued.code)
    html = response.content.decode()
    assert registration.email not in html
    assert "springfieldlibrary" not in html
    assert ".pdf" not in html
    assert issued.code not in html


def test_the_page_is_not_indexed_and_keeps_the_site_referrer_policy(client, issued):
    """Search engines are asked not to index it; the site's own Referrer-Policy
    is sent; no cache keeps a confirmation once withdrawn."""
    response = verification_page(client, issued.code)
    meta = dom.find(dom.parse(response), "meta", name="robots")
    assert "noindex" in dom.attribute(meta, "content")
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_code_is_a_404_that_says_so(client, issued):
    """A code one character off gives a 404 page saying no certificate has this
    code, and naming nobody."""
    wrong = issued.code[:-1] + ("y" if issued.code.endswith("x") else "x")
    response = verification_page(client, wrong)
    assert response.status_code == 404
    text = dom.text_of(response)
    assert "No certificate has this code." in text
    assert "Pat Reader" not in text


@pytest.mark.parametrize(
    "code",
    ["x" * 5000, "é☃🎓", "%00", "..", "' OR 1=1 --", "a" * 41],
)
def test_any_code_is_answered_with_the_page_never_an_error(client, code):
    """Codes of any length and characters: the "no certificate" page."""
    response = client.get(f"/certificates/{code}/")
    assert response.status_code == 404
    assert "No certificate has this code." in dom.text_of(response)


def test_what_is_no_code_of_ours_is_never_looked_up(client, issued):
    """No certificate query for a code far longer than ours or with other
    characters (a real code's page makes one, so the check can fail)."""
    for code, lookups in [(issued.code, 1), ("x" * 5000, 0), ("ab\x00cd", 0)]:
        with CaptureQueriesContext(connection) as queries:
            verification_page(client, code)
        asked = [q for q in queries if "registrations_certificate" in q["sql"]]
        assert len(asked) == lookups


def test_a_withdrawn_certificate_is_gone_without_its_details(client, issued):
    """410 Gone, saying it is no longer valid, and not whose it was."""
    services.revoke_certificate(certificate_id=issued.pk)
    response = verification_page(client, issued.code)
    assert response.status_code == 410
    text = dom.text_of(response)
    assert "This certificate has been withdrawn and is no longer valid." in text
    assert "Pat Reader" not in text
    assert "Fake News" not in text
    assert dom.find_all(dom.parse(response), "dl") == []


# --- The registrant's download ---------------------------------------------


def download_url(registration) -> str:
    return reverse(
        "registrations:certificate_pdf", kwargs={"token": token_of(registration)}
    )


def test_the_registrants_page_links_to_the_download_that_serves_the_pdf(
    client, issued, monkeypatch
):
    """The link on the registrant's page gives the stored PDF as an
    attachment named after the event, privately; nothing is rendered in the
    request."""
    registration = issued.registration
    manage = client.get(
        reverse("registrations:manage", kwargs={"token": token_of(registration)})
    )
    link = dom.find(dom.parse(manage), "a", href=download_url(registration))
    assert "Download your certificate" in dom.text(link)

    def no_rendering(*args, **kwargs):
        raise AssertionError("a PDF was rendered in a request")

    monkeypatch.setattr(documents, "render_certificate", no_rendering)
    monkeypatch.setattr(documents, "render_pdf", no_rendering)
    response = client.get(download_url(registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{issued.event.slug}.pdf"'
    )
    assert response.content == bytes(issued.pdf)
    assert response.content.startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_a_bad_token_is_the_unknown_link_page(client, issued):
    """A download link whose token is not real gives the 404 "We don't
    recognize this link" web page, not a PDF."""
    response = client.get(
        reverse("registrations:certificate_pdf", kwargs={"token": "not-a-token"})
    )
    assert response.status_code == 404
    assert "We don't recognize this link" in dom.text_of(response)
    assert response["Content-Type"].startswith("text/html")


def test_a_withdrawn_certificate_cannot_be_downloaded(client, issued):
    """404 with a page saying there is no certificate, and a way back."""
    services.revoke_certificate(certificate_id=issued.pk)
    registration = issued.registration
    response = client.get(download_url(registration))
    assert response.status_code == 404
    assert "No certificate to download" in dom.text_of(response)
    back = reverse("registrations:manage", kwargs={"token": token_of(registration)})
    dom.find(dom.parse(response), "a", href=back)
    assert "no-store" in response["Cache-Control"]


def test_a_certificate_still_being_made_says_it_will_come_by_email(clock, client):
    """Issued but its PDF not made yet (the worker has not run): a page that
    says so, no PDF."""
    event, (registration,) = past_webinar_with_attendees(clock)
    services.mark_attendance_final(event_id=event.pk)  # never committed: no task
    assert Certificate.objects.get(registration=registration).pdf_made_at is None
    response = client.get(download_url(registration))
    assert response.status_code == 404
    assert "Your certificate is being made" in dom.text_of(response)


def test_a_registrant_without_a_certificate_has_nothing_to_download(clock, client):
    """An attendee who was issued no certificate (attendance not made final)
    gets a 404 page saying there is no certificate to download."""
    _event, (registration,) = past_webinar_with_attendees(clock)
    response = client.get(download_url(registration))
    assert response.status_code == 404
    assert "No certificate to download" in dom.text_of(response)
