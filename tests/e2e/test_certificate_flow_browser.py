"""From "attended" to a certificate in the registrant's hands, in a real
Chromium: staff make attendance final on the event's "Take attendance"
page; the registrant opens their own page, downloads the certificate (a
PDF with their name on it), and follows its verification link, which
confirms their name and the event."""

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from registrations.models import Certificate
from tests.credit import past_webinar_with_attendees, token_of

from .conftest import format_violations, sign_in_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Copyright for Librarians"


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_from_attended_to_a_verified_certificate(
    page, new_context, clock, axe_violations
):
    """A one-hour webinar (1.0 CE hours, certificates to attendees) that
    Pat attended has ended. Staff press "Mark attendance final": one
    certificate issued. On Pat's page "Download your certificate (PDF)"
    downloads a PDF naming Pat and the webinar; "its verification page"
    shows Pat's name and the event."""
    event, (pat,) = past_webinar_with_attendees(
        clock, names=("Pat Reader",), title=TITLE
    )

    staff = new_context().new_page()
    sign_in_as_staff(staff)
    staff.goto(f"/admin/registrations/registration/roster/{event.pk}/attendance/")
    staff.get_by_role("button", name="Mark attendance final").click()
    expect(staff.locator(".messagelist")).to_contain_text("1 certificate issued.")
    expect(staff.locator(".attendance-final-status")).to_contain_text(
        "1 certificate issued."
    )

    certificate = Certificate.objects.get(registration=pat)
    # The task worker (immediate in tests) made the PDF after the commit.
    assert certificate.pdf_made_at is not None

    page.goto(f"/registrations/{token_of(pat)}/")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".pdf")
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data).split())
    assert "Pat Reader" in text
    assert TITLE in text
    # The code may wrap at a hyphen: compared without the line break.
    assert certificate.code in "".join(text.split())

    page.get_by_role("link", name="its verification page").click()
    expect(page).to_have_url(re.compile(rf"/certificates/{certificate.code}/$"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Pat Reader")
    expect(main).to_contain_text(TITLE)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
