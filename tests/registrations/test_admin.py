"""Staff running rosters in the admin: every seat change through the services."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse

from registrations.models import OutboundEmail, Registration
from tests.builders import make_event, update_registrations

from .conftest import register, token_from

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registrations_registration_changelist"


def run_action(client, action, registrations, url_name=CHANGELIST):
    return client.post(
        reverse(url_name),
        {
            "action": action,
            "_selected_action": [str(r.pk) for r in registrations],
        },
        follow=True,
    )


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_changelist_filters_by_event_and_status_and_searches(admin_client):
    """The roster filters by event and status and finds people by name,
    email or library; waitlisted rows show their position."""
    event = make_event("Copyright Basics", capacity=1)
    other = make_event("Grant Writing")
    register(event, 1, organization="Shelbyville Library")
    register(event, 2)
    register(other, 3)
    url = reverse(CHANGELIST)
    html = admin_client.get(url, {"event__id__exact": event.pk}).content.decode()
    assert "person1@example.org" in html
    assert "person3@example.org" not in html
    assert "roster/" in html  # the per-event CSV link
    html = admin_client.get(url, {"status__exact": "waitlisted"}).content.decode()
    assert "person2@example.org" in html
    assert "person1@example.org" not in html
    html = admin_client.get(url, {"q": "shelbyville"}).content.decode()
    assert "person1@example.org" in html
    assert "person2@example.org" not in html


def test_cancel_action_promotes_the_waitlist(admin_client):
    """Staff cancelling a confirmed registration promotes the next in line."""
    event = make_event(capacity=1)
    first = register(event, 1).registration
    second = register(event, 2).registration
    run_action(admin_client, "cancel_registrations", [first])
    assert Registration.objects.get(pk=first.pk).status == "cancelled"
    assert Registration.objects.get(pk=second.pk).status == "confirmed"


def test_promote_action_needs_a_free_seat(admin_client):
    """Promotion without a free seat is refused with the reason."""
    event = make_event(capacity=1)
    register(event, 1)
    waiting = register(event, 2).registration
    response = run_action(admin_client, "promote_registrations", [waiting])
    assert "No seat is free" in response.content.decode()
    assert Registration.objects.get(pk=waiting.pk).status == "waitlisted"


def test_mark_attended_and_resend_actions(
    admin_client, django_capture_on_commit_callbacks, clock
):
    """Once the event has started attendance is recorded; resend queues a
    fresh email."""
    event = make_event()
    registration = register(event, 1).registration
    clock.advance(days=7, minutes=5)  # the event started five minutes ago
    run_action(admin_client, "mark_attended", [registration])
    assert Registration.objects.get(pk=registration.pk).attended
    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "resend_emails", [registration])
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]


def test_revoke_links_action_withdraws_the_emailed_link(admin_client, commit):
    """Staff revoke a registration's links from the roster: the emailed link
    answers "we don't recognize this link", and nobody is emailed."""
    event = make_event()
    with commit():
        registration = register(event, 1).registration
    token = token_from(mail.outbox[0])
    manage = reverse("registrations:manage", kwargs={"token": token})
    assert admin_client.get(manage).status_code == 200
    response = run_action(admin_client, "revoke_links", [registration])
    assert "Revoked the link of 1 registration." in response.content.decode()
    assert admin_client.get(manage).status_code == 404
    assert len(mail.outbox) == 1


def test_edit_form_never_writes_back_a_stale_status(admin_client):
    """Fixing a typo in the name leaves the status as the services set it,
    even if it changed while the form was open."""
    event = make_event()
    registration = register(event, 1).registration
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    admin_client.get(url)
    update_registrations(
        Registration.objects.filter(pk=registration.pk), status="cancelled"
    )
    admin_client.post(
        url,
        {"name": "Person One", "organization": "", "accommodation_request": ""},
    )
    registration.refresh_from_db()
    assert registration.name == "Person One"
    assert registration.status == "cancelled"


def test_no_adding_or_deleting_registrations_in_admin(admin_client):
    """Registrations come from the form and leave by cancellation."""
    event = make_event()
    registration = register(event, 1).registration
    assert (
        admin_client.get(reverse("admin:registrations_registration_add")).status_code
        == 403
    )
    delete = reverse("admin:registrations_registration_delete", args=[registration.pk])
    assert admin_client.get(delete).status_code == 403


def test_csv_export_streams_the_roster_safely(admin_client):
    """The event roster streams as CSV, with positions, and a typed formula
    is defused."""
    event = make_event(capacity=1)
    register(event, 1, name='=HYPERLINK("http://evil")')
    register(event, 2)
    url = reverse("admin:registrations_registration_roster", args=[event.pk])
    response = admin_client.get(url)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = csv_text(response)
    lines = text.strip().splitlines()
    assert lines[0].startswith("Event,Name,Email")
    assert len(lines) == 3
    assert "'=HYPERLINK" in lines[1]
    assert "On the waiting list,1," in lines[2]


def test_csv_export_action_for_selected_rows(admin_client):
    """The export action streams only the selected rows."""
    event = make_event()
    chosen = register(event, 1).registration
    register(event, 2)
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "export_roster", "_selected_action": [str(chosen.pk)]},
    )
    text = csv_text(response)
    assert "person1@example.org" in text
    assert "person2@example.org" not in text


def test_roster_viewers_may_export_but_not_act(client):
    """A staff member with only view permission downloads the roster; the
    roster URL is closed to everyone else."""
    event = make_event()
    register(event, 1)
    url = reverse("admin:registrations_registration_roster", args=[event.pk])
    assert client.get(url).status_code == 302  # to the login page
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(viewer)
    assert "person1@example.org" in csv_text(client.get(url))
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "cancel_registrations" not in html


def test_outbox_admin_resends_failed_emails(
    admin_client, django_capture_on_commit_callbacks
):
    """Failed emails are listed by status and can be resent."""
    event = make_event()
    register(event, 1)
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="failed", attempts=5, last_error="SMTPServerDisconnected: gone"
    )
    changelist = reverse("admin:registrations_outboundemail_changelist")
    html = admin_client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "person1@example.org" in html
    assert "SMTPServerDisconnected" in html
    with django_capture_on_commit_callbacks(execute=True):
        run_action(
            admin_client,
            "resend",
            [email],
            url_name="admin:registrations_outboundemail_changelist",
        )
    email.refresh_from_db()
    assert email.status == "sent"


def test_outbox_resend_of_a_failed_email_carries_the_same_link(admin_client, commit):
    """A failed confirmation resent from the outbox is written afresh when it
    goes out: the same email, with the link the registrant already has."""
    event = make_event()
    with commit():
        registration = register(event, 1).registration
    token = token_from(mail.outbox[0])
    mail.outbox.clear()
    OutboundEmail.objects.update(status="failed", attempts=5)
    failed = list(OutboundEmail.objects.all())
    with commit():
        response = run_action(
            admin_client,
            "resend",
            failed,
            url_name="admin:registrations_outboundemail_changelist",
        )
    assert "Queued 1 email again." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]
    assert token_from(mail.outbox[0]) == token
    assert registration.pk in {e.registration_id for e in OutboundEmail.objects.all()}


def test_staff_cannot_put_a_line_break_into_a_name(admin_client):
    """The admin's edit form applies the public form's one-line rule: a name
    with CR/LF (text injected into emails) is refused on the field and the
    stored name stays as it was."""
    event = make_event()
    registration = register(event, 1).registration
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    response = admin_client.post(
        url,
        {
            "name": "Ann\r\nBcc: victim@example.net",
            "organization": "Town\x1b[31m Library",
            "accommodation_request": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Please type this on one line") == 2
    registration.refresh_from_db()
    assert registration.name == "Person 1"
