"""Retention (PRODUCT.md §11): PERSONAL_DATA_RETENTION_DAYS after the event
the registrations' personal data goes as before, but attendees' certificate
records (name, email, event, hours, code) stay until
CERTIFICATE_RETENTION_DAYS, and then go too."""

from io import StringIO

import pytest
from django.core.management import call_command

from registrations import services
from registrations.models import Certificate, EvaluationResponse, Registration
from tests.credit import past_webinar_with_attendees, token_of

pytestmark = pytest.mark.django_db

# What a certificate record keeps, and nothing else of the person.
KEPT = ("name", "email_normalized", "event_id", "hours", "code")


@pytest.fixture
def certified(clock, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    settings.CERTIFICATE_RETENTION_DAYS = 1095
    event, (pat, sam) = past_webinar_with_attendees(clock, ["Pat Reader", "Sam Lee"])
    services.add_default_evaluation(event=event)
    answers = {q.pk: 4 for q in event.evaluation_questions.filter(kind="rating")}
    services.submit_evaluation(token=token_of(pat), answers=answers)
    services.mark_attendance_final(event_id=event.pk)
    # Sam was ticked by mistake: unticked after final, his certificate is
    # withdrawn (not deleted: its page must say so).
    services.mark_attended(registration_id=sam.pk, attended=False)
    assert Certificate.objects.get(registration=sam).is_revoked
    pat_certificate = Certificate.objects.get(registration=pat)
    services.store_certificate_pdf(
        certificate_id=pat_certificate.pk, pdf=b"%PDF-1.7", name="Pat Reader"
    )
    return event, pat, sam


def test_the_personal_data_purge_keeps_exactly_the_certificate_record(clock, certified):
    """After 90 days the registrations hold no name or address; what is
    left of Pat is the certificate's record: name, address, event, hours and
    code, unchanged, and no longer joined to the registration. Sam, who did
    not attend, left nothing but counts: his withdrawn certificate is gone."""
    event, pat, _sam = certified
    before = Certificate.objects.filter(registration=pat).values(*KEPT).get()
    clock.advance(days=91)
    call_command("purge_personal_data", stdout=StringIO())
    for registration in Registration.objects.filter(event=event):
        assert registration.name == ""
        assert registration.email.startswith("purged-")
        assert registration.purged_at == clock.now
    assert Registration.objects.filter(event=event, attended=True).count() == 1
    assert list(Certificate.objects.values(*KEPT)) == [before]
    assert before["name"] == "Pat Reader"
    assert before["email_normalized"] == "pat.reader@springfieldlibrary.org"
    # Not tied to the purged registration (its library, its times).
    assert Certificate.objects.get().registration_id is None
    # The evaluation never named anyone, so it stays for the reports.
    assert EvaluationResponse.objects.filter(event=event).count() == 1


def test_certificate_records_go_after_their_own_retention(clock, certified):
    """1,095 days after the event the certificate record is deleted too;
    a day before, it is still there."""
    event, _pat, _sam = certified
    clock.advance(days=1094)
    call_command("purge_personal_data", stdout=StringIO())
    assert Certificate.objects.count() == 1
    clock.advance(days=2)
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert not Certificate.objects.exists()
    assert "1 certificate(s) past their retention" in out.getvalue()
    # Counts survive both purges.
    assert Registration.objects.filter(event=event, attended=True).count() == 1
    assert EvaluationResponse.objects.filter(event=event).count() == 1


def test_the_retention_is_a_setting(clock, certified, settings):
    """CERTIFICATE_RETENTION_DAYS decides how long certificates are kept: set to
    100, none is deleted 99 days on, and two days later both are (Pat's, and
    Sam's withdrawn one)."""
    settings.CERTIFICATE_RETENTION_DAYS = 100
    clock.advance(days=99)
    assert services.purge_certificates() == 0
    clock.advance(days=2)
    assert services.purge_certificates() == 2  # Pat's, and Sam's withdrawn one
    assert not Certificate.objects.exists()


def test_the_privacy_page_says_how_long_certificates_are_kept(client, settings):
    """The privacy page says certificates are kept for the number of days set
    (here 1095) after the event."""
    settings.CERTIFICATE_RETENTION_DAYS = 1095
    text = " ".join(client.get("/privacy/").text.split())
    assert "certificate" in text
    assert "for 1095 days after the event" in text
