"""The "Email registrants" page of an event: the groups with their counts,
a preview of the email as its first recipient gets it (nothing sent), and
only then "Send to N people", which queues it, records it in the event's
history and goes back to the event. Bad input is said on the page. Only
registration managers."""

import time
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.urls import reverse

from events.demo import refresh_demo_staff
from events.groups import EVENT_EDITORS, ROSTER_VIEWERS, ensure_staff_groups
from registrations.admin.messages import preview_signature
from registrations.models import Message, OutboundEmail, Registration
from tests.builders import make_event, update_registrations
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

pytestmark = pytest.mark.django_db

BODY = "Bring <script>alert(1)</script> & your laptop.\nRoom 2B.\n\nSee you!"


def page_url(event) -> str:
    return reverse("admin:events_event_email_registrants", args=[event.pk])


@pytest.fixture
def staff(client):
    """The demo's learning-services account: it manages registrations."""
    user = refresh_demo_staff(username="staff", password="a-long-test-password")
    client.force_login(user)
    return user


def staff_in(client, group_name):
    groups = ensure_staff_groups()
    user = get_user_model().objects.create_user(
        group_name.split()[0].lower(), password="x", is_staff=True
    )
    user.groups.add(groups[group_name])
    client.force_login(user)
    return user


def fields(audience="confirmed", subject="Room change", body=BODY, **more):
    return {"audience": audience, "subject": subject, "body": body, **more}


def preview(client, event, **data):
    response = client.post(page_url(event), {**fields(**data), "preview": "1"})
    assert response.status_code == 200
    return response


def send_after_preview(client, event, **data):
    """Preview, then press "Send" on the page it drew, with its fields."""
    page = parse(preview(client, event, **data))
    signed = attribute(find(page, "input", name="previewed"), "value")
    return client.post(
        page_url(event), {**fields(**data), "previewed": signed, "send": "1"}
    )


def test_the_page_offers_each_group_with_its_count(staff, client, workshop):
    """The page offers each group to write to with how many people are in it
    (confirmed, waiting list, attended); before a preview there is only
    "Preview", no "Send" button."""
    event, _people = workshop
    page = parse(client.get(page_url(event)))
    radios = find_all(page, "input", type="radio", name="audience")
    labels = {
        attribute(radio, "value"): text(
            find(page, "label", for_=attribute(radio, "id"))
        )
        for radio in radios
    }
    assert labels == {
        "confirmed": "Confirmed registrants (2)",
        "waitlisted": "People on the waiting list (2)",
        "attended": "People who attended (1)",
    }
    # Nothing to send before a preview.
    assert "Preview" in submit_labels(page)
    assert not any(label.startswith("Send") for label in submit_labels(page))
    assert find_all(page, "input", name="previewed") == []


def test_the_event_page_and_its_roster_link_to_it(staff, client, workshop):
    """The event's admin page and its roster of registrations both link to the
    "Email registrants" page."""
    event, _people = workshop
    change = parse(client.get(reverse("admin:events_event_change", args=[event.pk])))
    assert page_url(event) in hrefs(change)
    roster = reverse("admin:registrations_registration_changelist")
    page = parse(client.get(f"{roster}?event__id__exact={event.pk}"))
    assert page_url(event) in hrefs(page)


def test_the_preview_shows_the_email_and_sends_nothing(
    staff, client, workshop, django_capture_on_commit_callbacks
):
    """The plain-text email whole in a <pre>, the HTML version's message
    escaped with its line breaks; nothing saved, nothing queued or sent;
    "Send to 2 people" offered with the preview's signature."""
    event, _people = workshop
    with django_capture_on_commit_callbacks(execute=True):
        response = preview(client, event)
    page = parse(response)
    assert text(find(page, "dd", id="preview-subject")) == "Room change"
    plain = text(find(page, "pre", id="preview-text"))
    assert plain.startswith("Hello Ada Reader,")
    assert "Bring <script>alert(1)</script> & your laptop." in plain
    assert "Grant Writing Basics" in plain
    html = find(page, "div", id="preview-html")
    assert html == parse(
        '<div class="message-preview-html" id="preview-html">'
        "<p>Bring &lt;script&gt;alert(1)&lt;/script&gt; &amp; your laptop.<br>"
        "Room 2B.</p><p>See you!</p></div>"
    )
    assert b"<script>alert(1)" not in response.content
    assert "As Ada Reader (ada@example.org) will get it" in text_of(response)
    form = find(page, "form", id="email-registrants-form")
    assert submit_labels(form) == ["Send to 2 people", "Preview again"]
    assert not Message.objects.exists()
    assert not OutboundEmail.objects.filter(kind="message").exists()
    assert mail.outbox == []


def test_send_queues_it_records_it_and_goes_back_to_the_event(
    staff, client, workshop, django_capture_on_commit_callbacks
):
    """After a preview, "Send" emails everyone in the chosen group (here the two
    on the waiting list), keeps the message with who sent it, notes it in the
    event's history, and goes back to the event page, which says the message is
    on its way."""
    event, _people = workshop
    with django_capture_on_commit_callbacks(execute=True):
        response = send_after_preview(client, event, audience="waitlisted")
    assert response.status_code == 302
    assert response.url == reverse("admin:events_event_change", args=[event.pk])
    message = Message.objects.get()
    assert (message.audience, message.recipient_count, message.sent_by) == (
        "waitlisted",
        2,
        staff,
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dora@example.org",
        "eve@example.org",
    ]
    entry = LogEntry.objects.get(object_id=str(event.pk))
    assert (entry.action_flag, entry.user, entry.content_type.model) == (
        CHANGE,
        staff,
        "event",
    )
    assert entry.get_change_message() == (
        "Emailed “Room change” to 2 people (People on the waiting list)."
    )
    followed = client.get(response.url)
    assert "Your message “Room change” is on its way to 2 people." in text_of(followed)


def test_sending_the_same_preview_twice_sends_once(
    staff, client, workshop, django_capture_on_commit_callbacks
):
    """A double click on "Send", or the form sent again from the browser's
    history: the second is refused on the page and nobody is written to
    twice."""
    event, _people = workshop
    signed = preview_signature(event, "waitlisted", "Room change", BODY)
    data = {
        "audience": "waitlisted",
        "subject": "Room change",
        "body": BODY,
        "previewed": signed,
        "send": "1",
    }
    url = reverse("admin:events_event_email_registrants", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "This message was sent already." in text_of(second)
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 2


def test_the_page_lists_what_was_sent_before(staff, client, workshop):
    """A message sent earlier is listed on the page with its subject, its group
    and how many people it went to."""
    event, _people = workshop
    send_after_preview(client, event, audience="attended", subject="Thank you")
    table = find(parse(client.get(page_url(event))), "table", id="earlier-messages")
    assert "Thank you" in text(table)
    assert "People who attended: 1 person" in text(table)


def test_send_without_the_preview_previews_instead(staff, client, workshop):
    """Pressing "Send" without a preview sends nothing: the page says the
    message changed since its preview and now offers "Send to 2 people"."""
    event, _people = workshop
    response = client.post(page_url(event), {**fields(), "send": "1"})
    assert response.status_code == 200
    assert not Message.objects.exists()
    assert "The message changed since its preview" in text_of(response)
    assert "Send to 2 people" in submit_labels(parse(response))


@pytest.mark.parametrize(
    "changed",
    [
        {"body": "Something else entirely."},
        {"subject": "Another subject"},
        {"audience": "waitlisted"},
    ],
)
def test_a_message_changed_after_its_preview_is_not_sent(
    staff, client, workshop, changed
):
    """The preview's signature covers the group, subject and body."""
    event, _people = workshop
    signed = preview_signature(event, "confirmed", "Room change", BODY)
    response = client.post(
        page_url(event), {**fields(**changed), "previewed": signed, "send": "1"}
    )
    assert response.status_code == 200
    assert not Message.objects.exists()
    assert "The message changed since its preview" in text_of(response)
    assert (
        attribute(find(parse(response), "input", name="previewed"), "value") != signed
    )


def test_a_preview_of_another_event_is_not_sent(staff, client, workshop):
    """A preview made for another event cannot be used to send on this one:
    no message is sent."""
    event, _people = workshop
    other = make_event(start=event.start)
    signed = preview_signature(other, "confirmed", "Room change", BODY)
    client.post(page_url(event), {**fields(), "previewed": signed, "send": "1"})
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (fields(subject=""), "This field is required."),
        (fields(body=" \r\n "), "This field is required."),
        (fields(body="x" * 5001), "The message is 5001 characters long"),
        (fields(subject="x" * 201), "at most 200 characters"),
        (fields(audience="everyone"), "Select a valid choice."),
        ({"subject": "a", "body": "b"}, "This field is required."),
    ],
)
def test_bad_input_is_said_on_the_page(staff, client, workshop, data, said):
    """A missing subject, a blank message, a subject or message too long, or a
    group unknown or not chosen: the page says what is wrong, asks to correct it
    and shows no preview."""
    event, _people = workshop
    response = client.post(page_url(event), {**data, "preview": "1"})
    assert response.status_code == 200
    assert said in text_of(response)
    assert "Please correct the error below." in text_of(response)
    assert find_all(parse(response), "pre", id="preview-text") == []


def test_a_group_with_nobody_in_it_is_refused_on_the_page(staff, client, workshop):
    """With nobody left on the waiting list (both cancelled), a preview to it is
    refused: the page says nobody is on the waiting list and shows no preview."""
    event, people = workshop
    waiting = [people[name].pk for name in ["Dora", "Eve"]]
    update_registrations(
        Registration.objects.filter(pk__in=waiting), status="cancelled"
    )
    response = client.post(
        page_url(event), {**fields(audience="waitlisted"), "preview": "1"}
    )
    assert "Not sent: nobody is on this event's waiting list." in text_of(response)
    assert find_all(parse(response), "pre", id="preview-text") == []


def test_a_group_emptied_between_preview_and_send_is_said(staff, client, workshop):
    """If the group empties after the preview (the only attendee is unticked),
    "Send" sends nothing and the page says nobody is recorded as having
    attended."""
    event, people = workshop
    signed = preview_signature(event, "attended", "Room change", BODY)
    ada = Registration.objects.filter(pk=people["Ada"].pk)
    update_registrations(ada, attended=False)
    response = client.post(
        page_url(event),
        {**fields(audience="attended"), "previewed": signed, "send": "1"},
    )
    assert response.status_code == 200
    assert "Not sent: nobody is recorded as having attended." in text_of(response)
    assert not Message.objects.exists()


@pytest.mark.parametrize("group", [ROSTER_VIEWERS, EVENT_EDITORS])
def test_only_registration_managers_may_write(client, workshop, group):
    """A roster viewer, or an event editor who cannot manage registrations,
    gets 403 on the page and on a send, and no link to it."""
    event, _people = workshop
    user = staff_in(client, group)
    assert not user.has_perm("registrations.change_registration")
    assert client.get(page_url(event)).status_code == 403
    signed = preview_signature(event, "confirmed", "Room change", BODY)
    sent = client.post(page_url(event), {**fields(), "previewed": signed, "send": "1"})
    assert sent.status_code == 403
    assert not Message.objects.exists()
    change = client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert change.status_code == 200
    assert page_url(event) not in hrefs(parse(change))


def test_a_manager_with_only_the_registration_permission_may_write(client, workshop):
    """The permission, not a group's name, decides."""
    event, _people = workshop
    user = staff_in(client, ROSTER_VIEWERS)
    managers = Group.objects.get(name="Registration managers")
    user.groups.add(managers)
    assert client.get(page_url(event)).status_code == 200


def test_an_unknown_event_is_not_found(staff, client, workshop):
    """The page for an event that does not exist is a 404."""
    event, _people = workshop
    assert (
        client.get(page_url(event).replace(str(event.pk), "999999")).status_code == 404
    )


def test_a_preview_older_than_twelve_hours_is_not_sent(
    staff, client, workshop, monkeypatch
):
    """A tab left open for days previews again instead of sending."""
    event, _people = workshop
    signed = preview_signature(event, "confirmed", "Room change", BODY)
    later = time.time() + 12 * 60 * 60 + 60
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    response = client.post(
        page_url(event), {**fields(), "previewed": signed, "send": "1"}
    )
    assert response.status_code == 200
    assert not Message.objects.exists()
    assert "the preview is too old" in text_of(response)
