"""Who may do what on a roster: the registration managers group, and the
demo's staff login that the learning-services team would use every day."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from events.groups import (
    EVENT_EDITORS,
    REGISTRATION_MANAGERS,
    ROSTER_VIEWERS,
    ensure_staff_groups,
)
from registrations.models import OutboundEmail, Registration
from tests.builders import make_event
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

ROSTER = reverse("admin:registrations_registration_changelist")
OUTBOX = reverse("admin:registrations_outboundemail_changelist")


def act(client, action, registrations, url=ROSTER, **extra):
    return client.post(
        url,
        {
            "action": action,
            "_selected_action": [str(r.pk) for r in registrations],
            **extra,
        },
        follow=True,
    )


def status(registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


def offered_actions(client) -> set[str]:
    response = client.get(ROSTER)
    assert response.status_code == 200
    return {
        name
        for name, _label in response.context["action_form"].fields["action"].choices
        if name
    }


def test_the_managers_group_holds_exactly_what_its_actions_need():
    """Registration managers read events and rosters, change registrations
    (the actions check that), read and resend the outbox, read and
    withdraw certificates, and keep the member library directory; nothing
    else, and nothing of the catalog's editing."""
    ensure_staff_groups()
    managers = Group.objects.get(name=REGISTRATION_MANAGERS)
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in managers.permissions.select_related("content_type")
    }
    assert perms == {
        "events.view_event",
        "registrations.view_registration",
        "registrations.change_registration",
        "registrations.view_outboundemail",
        "registrations.change_outboundemail",
        "registrations.view_certificate",
        "registrations.change_certificate",
        *(
            f"members.{action}_{model}"
            for model in ("memberlibrary", "librarydomain")
            for action in ("add", "change", "delete", "view")
        ),
    }


def test_event_editors_edit_the_questions_and_evaluation_on_the_event_page(
    client, django_user_model
):
    """An event editor sees the event's registration questions and its
    evaluation on the event's page, inline, and may change them."""
    ensure_staff_groups()
    editor = django_user_model.objects.create_user(
        "editor", password="x", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EVENT_EDITORS))
    client.force_login(editor)
    event = make_event()
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).text
    assert 'id="questions-group"' in page
    assert 'id="evaluation_questions-group"' in page


def test_the_demo_staff_login_is_in_every_group_the_team_needs(demo_staff):
    """The demo's staff account edits events, reads rosters and manages
    registrants, without being a superuser."""
    assert not demo_staff.is_superuser
    assert set(demo_staff.groups.values_list("name", flat=True)) == {
        EVENT_EDITORS,
        ROSTER_VIEWERS,
        REGISTRATION_MANAGERS,
    }


def test_demo_staff_are_offered_every_roster_action(staff_client):
    """Not only "Export": every action of the roster is offered."""
    assert offered_actions(staff_client) == {
        "approve_registrations",
        "decline_registrations",
        "cancel_registrations",
        "promote_registrations",
        "mark_attended",
        "mark_not_attended",
        "resend_emails",
        "revoke_links",
        "move_registrations",
        "export_roster",
    }


def test_demo_staff_cancel_promote_resend_and_revoke(staff_client, commit):
    """The demo's staff cancel a seat (the next in line is promoted),
    promote by hand once a seat is free, resend an email and revoke a
    link: each action does its work."""
    event = make_event(capacity=1)
    first = register(event, 1).registration
    second = register(event, 2).registration
    third = register(event, 3).registration

    act(staff_client, "cancel_registrations", [first])
    assert (status(first), status(second), status(third)) == (
        "cancelled",
        "confirmed",
        "waitlisted",
    )

    event.capacity = 2
    event.save(update_fields=["capacity"])
    response = act(staff_client, "promote_registrations", [third])
    assert "Promoted 1 person." in response.text
    assert status(third) == "confirmed"

    mail.outbox.clear()
    with commit():
        response = act(staff_client, "resend_emails", [second])
    assert "Queued 1 email." in response.text
    assert [m.to for m in mail.outbox] == [["person2@example.org"]]

    before = Registration.objects.get(pk=second.pk).token_hash
    response = act(staff_client, "revoke_links", [second])
    assert "Revoked the link of 1 registration." in response.text
    assert Registration.objects.get(pk=second.pk).token_hash != before


def test_demo_staff_mark_attendance_once_the_event_started(staff_client, clock):
    """Attended and not attended, both from the roster."""
    event = make_event()
    registration = register(event, 1).registration
    clock.advance(days=7, minutes=1)
    act(staff_client, "mark_attended", [registration])
    assert Registration.objects.get(pk=registration.pk).attended
    act(staff_client, "mark_not_attended", [registration])
    assert not Registration.objects.get(pk=registration.pk).attended


def test_demo_staff_open_the_outbox_and_resend_a_failed_email(staff_client, commit):
    """The outgoing email list opens (no 403) and a failed email can be
    sent again."""
    register(make_event(), 1)
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=5)
    response = staff_client.get(OUTBOX)
    assert response.status_code == 200
    assert "person1@example.org" in response.text
    with commit():
        response = act(staff_client, "resend", [email], url=OUTBOX)
    assert "Queued 1 email again." in response.text
    email.refresh_from_db()
    assert email.status == "sent"


def test_demo_staff_add_and_move_registrants(staff_client):
    """The two forms of their own: adding someone who phoned, and moving a
    registration to another event."""
    event, other = make_event(), make_event()
    add = reverse("admin:registrations_registration_add_registrant", args=[event.pk])
    assert staff_client.get(add).status_code == 200
    staff_client.post(add, {"name": "Ada Lovelace", "email": "ada@example.org"})
    ada = Registration.objects.get(email="ada@example.org")
    act(staff_client, "move_registrations", [ada], post="yes", to_event=other.pk)
    assert Registration.objects.get(event=other, email="ada@example.org").is_active


def test_a_roster_viewer_cannot_cancel_or_add(viewer_client):
    """A roster viewer sees the roster and may export it, but is offered no
    action that changes a seat, and one posted anyway does nothing; the
    add-registrant page and the outbox are closed to them."""
    event = make_event()
    registration = register(event, 1).registration
    assert offered_actions(viewer_client) == {"export_roster"}
    act(viewer_client, "cancel_registrations", [registration])
    assert status(registration) == "confirmed"
    add = reverse("admin:registrations_registration_add_registrant", args=[event.pk])
    assert viewer_client.get(add).status_code == 403
    assert viewer_client.get(OUTBOX).status_code == 403


def test_demo_staff_write_the_consortiums_own_pages(staff_client):
    """Event editors (the demo's staff login among them) add and edit the
    flat pages linked from the footer; a roster viewer cannot."""
    add = reverse("admin:flatpages_flatpage_add")
    assert staff_client.get(add).status_code == 200
    response = staff_client.post(
        add,
        {
            "url": "/how-ce-works/",
            "title": "How CE works",
            "content": "Every webinar counts.",
            "sites": ["1"],
            "in_footer": "on",
            "footer_position": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = staff_client.get("/how-ce-works/")
    assert page.status_code == 200
    assert 'href="/how-ce-works/"' in page.content.decode()  # the footer link


def test_a_roster_viewer_cannot_write_pages(viewer_client):
    """Writing the site's pages is an editor's job."""
    add = reverse("admin:flatpages_flatpage_add")
    assert viewer_client.get(add).status_code == 403
