"""Who is issued a CE certificate, and when: the policy gates, attendance
made final by staff or by the code window closing, late corrections, a
corrected name (same code), and the email that brings the PDF."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from events.models import CertificatePolicy
from registrations import services
from registrations.models import Certificate, OutboundEmail, Registration
from tests.builders import make_category, make_event
from tests.credit import past_webinar_with_attendees, token_of

pytestmark = pytest.mark.django_db

Kind = OutboundEmail.Kind
FAKE_PDF = b"%PDF-1.7 a certificate"


def certificates(event):
    return {c.name: c for c in Certificate.objects.filter(event=event)}


def test_attendees_policy_issues_one_to_each_attendee_only(clock):
    """With "attendees", making attendance final issues a certificate to
    each confirmed attendee, with the event's hours, and to nobody else."""
    event, (pat, sam) = past_webinar_with_attendees(clock, ["Pat Reader", "Sam Absent"])
    services.mark_attended(registration_id=sam.pk, attended=False)
    issued = services.mark_attendance_final(event_id=event.pk)
    assert issued == 1
    (certificate,) = Certificate.objects.filter(event=event)
    assert certificate.registration_id == pat.pk
    assert certificate.name == "Pat Reader"
    assert certificate.email_normalized == "pat.reader@springfieldlibrary.org"
    assert certificate.hours == Decimal("1.0")
    assert certificate.issued_at == clock.now
    assert len(certificate.code) >= 22  # 128 bits or more, URL-safe
    assert certificate.pdf_made_at is None  # the worker makes it


@pytest.mark.parametrize(
    ("policy", "hours"),
    [(CertificatePolicy.NONE, "1.0"), (CertificatePolicy.ATTENDEES, "")],
)
def test_no_certificates_without_a_policy_or_hours(clock, policy, hours):
    """No policy, or no CE hours anywhere, means no certificates."""
    event, _people = past_webinar_with_attendees(clock, hours=hours, policy=policy)
    assert services.mark_attendance_final(event_id=event.pk) == 0
    assert not Certificate.objects.exists()


def test_evaluated_policy_waits_for_the_evaluation(clock):
    """With "attendees who completed the evaluation", nobody gets one at
    final; sending the evaluation issues it then."""
    event, (pat,) = past_webinar_with_attendees(
        clock, policy=CertificatePolicy.EVALUATED
    )
    services.add_default_evaluation(event=event)
    assert services.mark_attendance_final(event_id=event.pk) == 0
    assert not Certificate.objects.exists()

    ratings = {
        q.pk: (5 if q.kind == "rating" else "Yes")
        for q in event.evaluation_questions.all()
    }
    services.submit_evaluation(token=token_of(pat), answers=ratings)
    assert Certificate.objects.get().registration_id == pat.pk


def test_the_category_gives_hours_and_policy_the_event_leaves_empty(clock):
    """An event with no hours or policy of its own takes its category's, so
    forty webinars a month need no clicks; its own values win."""
    webinars = make_category(
        "Vendor Webinar - ALA", ce_hours=Decimal("1.5"), certificate_policy="attendees"
    )
    event, _people = past_webinar_with_attendees(
        clock, hours="", policy="", categories=[webinars]
    )
    assert event.ce_credit().hours == Decimal("1.5")
    services.mark_attendance_final(event_id=event.pk)
    assert Certificate.objects.get().hours == Decimal("1.5")
    own = make_event(ce_hours=Decimal("2"), certificate_policy="none")
    own.categories.set([webinars])
    assert own.ce_credit().hours == Decimal("2")
    assert own.ce_credit().policy == "none"
    assert make_event().ce_credit().gives_certificates is False


def test_attendance_cannot_be_final_before_the_end(clock):
    """Attendance cannot be made final while the event is still on: it is refused
    as not ended, and the event stays not final."""
    event = make_event(start=clock.now + timedelta(days=1), ce_hours=Decimal(1))
    clock.advance(days=1, minutes=30)  # started, not ended
    with pytest.raises(services.RegistrationError) as refused:
        services.mark_attendance_final(event_id=event.pk)
    assert refused.value.code == "not_ended"
    event.refresh_from_db()
    assert event.attendance_final_at is None


def test_final_asks_each_attendee_for_the_evaluation_once(clock):
    """Each attendee is queued one evaluation email; running final again
    queues none, and issues nothing twice."""
    event, (pat, sam) = past_webinar_with_attendees(clock, ["Pat Reader", "Sam Lee"])
    services.mark_attendance_final(event_id=event.pk)
    assert services.mark_attendance_final(event_id=event.pk) == 0
    asked = OutboundEmail.objects.filter(kind=Kind.EVALUATION)
    assert sorted(asked.values_list("registration_id", flat=True)) == sorted(
        [pat.pk, sam.pk]
    )
    assert Certificate.objects.count() == 2


def test_after_final_a_late_tick_issues_and_an_untick_withdraws(clock):
    """Corrections after final: ticking a forgotten attendee issues theirs;
    unticking withdraws it; ticking again restores the same code."""
    event, (_pat, sam) = past_webinar_with_attendees(clock, ["Pat Reader", "Sam Lee"])
    services.mark_attended(registration_id=sam.pk, attended=False)
    services.mark_attendance_final(event_id=event.pk)
    assert set(certificates(event)) == {"Pat Reader"}
    services.mark_attended(registration_id=sam.pk)
    code = certificates(event)["Sam Lee"].code
    services.mark_attended(registration_id=sam.pk, attended=False)
    assert certificates(event)["Sam Lee"].is_revoked
    services.mark_attended(registration_id=sam.pk)
    restored = certificates(event)["Sam Lee"]
    assert not restored.is_revoked
    assert restored.code == code


def test_a_corrected_name_reissues_with_the_same_code(clock):
    """The name on the certificate follows a correction; the code stays,
    the PDF is made again and emailed again."""
    event, (pat,) = past_webinar_with_attendees(clock, ["Pat Reeder"])
    services.mark_attendance_final(event_id=event.pk)
    certificate = Certificate.objects.get()
    services.store_certificate_pdf(
        certificate_id=certificate.pk, pdf=FAKE_PDF, name="Pat Reeder"
    )
    Registration.objects.filter(pk=pat.pk).update(name="Pat Reader")
    reissued = services.reissue_certificate(registration_id=pat.pk)
    assert reissued.code == certificate.code
    assert reissued.name == "Pat Reader"
    assert reissued.revised_at == clock.now
    assert reissued.pdf_made_at is None
    assert reissued.email_on_completion
    # Unchanged name: nothing to do.
    assert services.reissue_certificate(registration_id=pat.pk) is None


def test_a_pdf_made_from_an_old_name_is_dropped(clock):
    """A worker that rendered the name before its correction does not
    overwrite: the correction queued a newer PDF."""
    event, (_pat,) = past_webinar_with_attendees(clock)
    services.mark_attendance_final(event_id=event.pk)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(name="Pat Corrected")
    kept = services.store_certificate_pdf(
        certificate_id=certificate.pk, pdf=FAKE_PDF, name="Pat Reader"
    )
    assert not kept
    certificate.refresh_from_db()
    assert certificate.pdf is None


def test_the_made_pdf_is_emailed_as_an_attachment(
    clock, django_capture_on_commit_callbacks
):
    """Once the PDF is kept, one email brings it attached, with the
    verification page's address; making it again for the same name sends
    nothing more."""
    event, (_pat,) = past_webinar_with_attendees(clock)
    services.mark_attendance_final(event_id=event.pk)
    certificate = Certificate.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.store_certificate_pdf(
            certificate_id=certificate.pk, pdf=FAKE_PDF, name="Pat Reader"
        )
    (message,) = mail.outbox
    assert message.to == ["pat.reader@springfieldlibrary.org"]
    assert "certificate" in message.subject.lower()
    assert ("certificate.pdf", FAKE_PDF, "application/pdf") in message.attachments
    assert f"/certificates/{certificate.code}/" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.store_certificate_pdf(
            certificate_id=certificate.pk, pdf=FAKE_PDF, name="Pat Reader"
        )
    assert mail.outbox == []


def test_a_withdrawn_certificate_is_not_emailed(
    clock, django_capture_on_commit_callbacks
):
    """A certificate withdrawn after its PDF was made and its email queued is not
    emailed: the email fails and nothing is sent."""
    event, (_pat,) = past_webinar_with_attendees(clock)
    services.mark_attendance_final(event_id=event.pk)
    certificate = Certificate.objects.get()
    services.store_certificate_pdf(
        certificate_id=certificate.pk, pdf=FAKE_PDF, name="Pat Reader"
    )
    services.revoke_certificate(certificate_id=certificate.pk)
    mail.outbox.clear()
    email = OutboundEmail.objects.get(kind=Kind.CERTIFICATE)
    from registrations.emails import deliver_outbound_email

    assert deliver_outbound_email(email_id=email.pk) == OutboundEmail.Status.FAILED
    assert mail.outbox == []


def test_attendance_closes_by_itself_when_the_code_window_does(clock):
    """``close_attendance`` makes attendance final once the event's code
    window (48 hours after the end by default) has closed, and only then;
    a second run finds nothing."""
    event, _people = past_webinar_with_attendees(clock)
    assert services.close_attendance() == 0
    clock.advance(hours=46)  # the end was an hour ago: 47 hours after it
    assert services.close_attendance() == 0
    clock.advance(hours=2)
    assert services.close_attendance() == 1
    event.refresh_from_db()
    assert event.attendance_final_at == clock.now
    assert Certificate.objects.count() == 1
    assert services.close_attendance() == 0


def test_old_events_are_not_closed_by_themselves(clock):
    """An event whose window closed weeks ago (before certificates, say) is
    left to staff: nobody is emailed out of the blue."""
    _event, _people = past_webinar_with_attendees(clock)
    clock.advance(days=30)
    assert services.close_attendance() == 0
    assert not Certificate.objects.exists()
    assert not OutboundEmail.objects.filter(kind=Kind.EVALUATION).exists()


def test_the_evaluation_email_links_to_the_attendees_own_evaluation(
    clock, django_capture_on_commit_callbacks
):
    """The evaluation email carries the registrant's own evaluation link,
    and says the certificate follows it when the policy asks for it."""
    event, (pat,) = past_webinar_with_attendees(
        clock, policy=CertificatePolicy.EVALUATED
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_attendance_final(event_id=event.pk)
    (message,) = mail.outbox
    assert message.to == ["pat.reader@springfieldlibrary.org"]
    assert f"/registrations/{token_of(pat)}/evaluation/" in message.body
    assert "certificate is sent as soon as you have completed it" in message.body


def test_close_attendance_command(clock):
    """The ``close_attendance`` command makes attendance final for a webinar
    whose code window has closed, issues its certificate and says it made
    attendance final for one event."""
    from io import StringIO

    from django.core.management import call_command

    past_webinar_with_attendees(clock)
    clock.advance(days=3)
    out = StringIO()
    call_command("close_attendance", stdout=out)
    assert out.getvalue().strip() == "Made attendance final for 1 event(s)."
    assert Certificate.objects.count() == 1


def test_a_certificate_staff_withdrew_stays_withdrawn(clock):
    """Withdrawn by hand: making attendance final again, ticking again or
    an evaluation never brings it back, nor emails it again."""
    event, (pat,) = past_webinar_with_attendees(clock)
    services.mark_attendance_final(event_id=event.pk)
    certificate = Certificate.objects.get()
    services.revoke_certificate(certificate_id=certificate.pk)
    assert services.mark_attendance_final(event_id=event.pk) == 0
    services.mark_attended(registration_id=pat.pk)
    services.mark_attended(registration_id=pat.pk, attended=False)
    services.mark_attended(registration_id=pat.pk)
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.withdrawn_by_staff
    assert not OutboundEmail.objects.filter(kind=Kind.CERTIFICATE).exists()


def test_an_evaluated_policy_without_questions_gets_the_default_evaluation(clock):
    """An event whose certificate waits for the evaluation but has none
    (made before evaluations, or copied from one) gets the default set when
    attendance is final, so its attendees can earn their certificate."""
    event, (pat,) = past_webinar_with_attendees(
        clock, policy=CertificatePolicy.EVALUATED
    )
    assert not event.evaluation_questions.exists()
    services.mark_attendance_final(event_id=event.pk)
    questions = list(event.evaluation_questions.all())
    assert len(questions) == 5
    services.submit_evaluation(
        token=token_of(pat),
        answers={q.pk: 5 if q.kind == "rating" else "Yes" for q in questions},
    )
    assert Certificate.objects.get().registration_id == pat.pk


def test_someone_who_attends_after_final_is_asked_for_the_evaluation(clock):
    """Final before the code window closes: who enters the code (or is
    ticked) afterwards is asked for the evaluation too, once."""
    event, (pat, sam) = past_webinar_with_attendees(clock, ["Pat Reader", "Sam Lee"])
    services.mark_attended(registration_id=sam.pk, attended=False)
    services.mark_attendance_final(event_id=event.pk)
    clock.advance(hours=10)
    services.enter_attendance_code(token=token_of(sam), code=event.attendance_code)
    services.close_attendance()
    services.mark_attended(registration_id=sam.pk)  # ticked again: no repeat
    asked = OutboundEmail.objects.filter(kind=Kind.EVALUATION)
    assert sorted(asked.values_list("registration_id", flat=True)) == sorted(
        [pat.pk, sam.pk]
    )
