import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.groups import EVENT_EDITORS, ROSTER_VIEWERS, ensure_staff_groups
from events.models import Event, EventPresenter, LearningOutcome, Presenter
from registrations.models import Registration
from registrations.services import register_for_event
from tests.builders import (
    eastern,
    make_category,
    make_event,
    make_organizer,
    write_registration,
)
from tests.dom import attribute, find, find_all, parse, text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")
ADD = reverse("admin:events_event_add")
_tokens = itertools.count(1)


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def add_registrations(event, status, count):
    # Rows written directly: these tests are about what the admin shows, not
    # about how seats are claimed (that is registrations.services' job).
    for _ in range(count):
        n = next(_tokens)
        write_registration(
            event,
            name=f"Registrant {n}",
            email=f"registrant{n}@library.example.org",
            status=status,
            token_hash=f"{n:064x}",
        )


def add_presenter(event, name, order=1):
    presenter = Presenter.objects.create(name=name, affiliation="A Library")
    EventPresenter.objects.create(event=event, presenter=presenter, order=order)
    return presenter


def staff_client(client, group_name):
    groups = ensure_staff_groups()
    user = get_user_model().objects.create_user(
        username=group_name.lower().replace(" ", "-"), password="x", is_staff=True
    )
    user.groups.add(groups[group_name])
    client.force_login(user)
    return client


def results(response):
    return list(response.context["cl"].result_list)


def changelist_rows(response) -> list[dict[str, str]]:
    """The change list's rows as shown: each column's field name to its cell's text."""
    table = find(parse(response), "table", id="result_list")
    rows = []
    for row in find_all(find(table, "tbody"), "tr"):
        cells = {}
        for cell in find_all(row, class_=True):
            for name in attribute(cell, "class").split():
                if name.startswith("field-"):
                    cells[name.removeprefix("field-")] = text(cell)
        rows.append(cells)
    return rows


def event_form_data(**overrides):
    """A complete add/change form POST, with empty inline formsets (the
    registration questions' too: ``registrations.admin`` adds that inline)."""
    data = {
        "title": "Readers' Advisory for Teens",
        "slug": "readers-advisory-for-teens",
        "description": "How to talk about books.",
        "outcomes_intro": "",
        "who_should_attend": "",
        "start_0": "2027-03-03",
        "start_1": "12:00",
        "end_0": "2027-03-03",
        "end_1": "13:00",
        "time_zone": "America/New_York",
        "format": "online",
        "location": "",
        "join_url": "",
        "recording_url": "",
        "accessibility_email": "",
        "accessibility_phone": "",
        "registration_required": "on",
        "registration_note": "",
        "capacity": "50",
        "waitlist_enabled": "on",
        "waitlist_limit": "",
        "registration_opens_0": "",
        "registration_opens_1": "",
        "registration_closes_0": "",
        "registration_closes_1": "",
        "who_may_register": "everyone",
        "open_to_everyone_at_0": "",
        "open_to_everyone_at_1": "",
        "non_member_note": "",
        "attendance_minimum_share": "50",
        "attendance_code": "K7QX3M",
        "attendance_code_hours": "48",
        "external_registration_url": "",
        "status": "scheduled",
        "is_published": "on",
    }
    for prefix in ("presenter_slots", "outcomes", "questions", "evaluation_questions"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data.update(overrides)
    return data


def test_changelist_shows_seat_figures_and_the_local_start(admin_client):
    """Taken / capacity, the waitlist, "—" for no limit, and the event's zone."""
    full = make_event("Full Webinar", capacity=3, start=eastern(2031, 10, 21, 14))
    add_registrations(full, "confirmed", 3)
    add_registrations(full, "waitlisted", 2)
    add_registrations(full, "cancelled", 4)
    make_event(
        "Open Conference",
        capacity=None,
        start=datetime(2037, 3, 10, 20, tzinfo=UTC),
        time_zone="America/Los_Angeles",
    )

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    rows = {event.title: event for event in results(response)}
    assert (
        rows["Full Webinar"].confirmed_count,
        rows["Full Webinar"].waitlisted_count,
    ) == (
        3,
        2,
    )
    shown = {row["title"]: row for row in changelist_rows(response)}
    assert shown["Full Webinar"]["seats_taken"] == "3 / 3"
    assert shown["Full Webinar"]["waitlisted"] == "2"
    assert shown["Open Conference"]["seats_taken"] == "0 / —"
    assert (
        shown["Full Webinar"]["local_start"]
        == "Tue Oct 21, 2031, 2:00pm · Eastern Time - US & Canada"
    )
    assert (
        shown["Open Conference"]["local_start"]
        == "Tue Mar 10, 2037, 1:00pm · Pacific Time - US & Canada"
    )


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_changelist_runs_the_same_queries_for_3_and_30_events(admin_client):
    """The staff event list runs as many queries for 30 events, with presenters,
    categories and registrations, as for 3."""
    category = make_category("Vendor Webinar - ALA")
    organizer = make_organizer()

    def make_some(count):
        for _ in range(count):
            event = make_event(categories=[category], organizer=organizer)
            add_presenter(event, f"Presenter {event.pk}")
            add_registrations(event, "confirmed", 2)
            add_registrations(event, "waitlisted", 1)

    make_some(3)
    few = _changelist_queries(admin_client)
    make_some(27)
    many = _changelist_queries(admin_client)
    assert Event.objects.count() == 30
    assert few == many


def test_upcoming_past_and_field_filters(admin_client):
    """The staff event list filters by upcoming or past (cancelled events and drafts
    count as upcoming), status, category, format and publication."""
    category = make_category("Vendor Webinar - ALA")
    now = timezone.now()
    upcoming = make_event("Upcoming Webinar", categories=[category])
    past = make_event(
        "Past Webinar",
        start=now - timedelta(days=3),
        end=now - timedelta(days=3, hours=-1),
    )
    cancelled = make_event("Cancelled Webinar", status=Event.Status.CANCELLED)
    draft = make_event("Hybrid Draft", format=Event.Format.HYBRID, is_published=False)

    def titles(query):
        return {e.title for e in results(admin_client.get(f"{CHANGELIST}?{query}"))}

    assert titles("when=upcoming") == {upcoming.title, cancelled.title, draft.title}
    assert titles("when=past") == {past.title}
    assert titles("status__exact=cancelled") == {cancelled.title}
    assert titles(f"categories__id__exact={category.pk}") == {upcoming.title}
    assert titles("format__exact=hybrid") == {draft.title}
    assert titles("is_published__exact=0") == {draft.title}


def test_search_finds_title_description_and_presenter_without_inflating_seats(
    admin_client,
):
    """The staff search finds events by title, description or presenter name; two
    matching presenters neither list the event twice nor double its seats taken."""
    by_title = make_event("Minimizing Social Media")
    by_text = make_event("Another", description="Kent District Library frameworks.")
    by_presenter = make_event("SOS for Library Professionals", capacity=100)
    # Two matching presenters would double the seat count if joined naively.
    add_presenter(by_presenter, "Elana Karshmer", order=1)
    add_presenter(by_presenter, "Elana Smith", order=2)
    add_registrations(by_presenter, "confirmed", 2)
    make_event("Unrelated")

    def search(term):
        return admin_client.get(CHANGELIST, {"q": term})

    assert [e.pk for e in results(search("social media"))] == [by_title.pk]
    assert [e.pk for e in results(search("kent district"))] == [by_text.pk]
    response = search("Elana")
    assert [e.pk for e in results(response)] == [by_presenter.pk]
    assert results(response)[0].confirmed_count == 2
    assert [row["seats_taken"] for row in changelist_rows(response)] == ["2 / 100"]


def test_duplicate_action_makes_an_unpublished_copy_with_its_inlines(admin_client):
    """Duplicating makes an unpublished copy with a new slug and UID, the same time,
    presenters, outcomes and categories, but no recording or registrations; the message
    links to it."""
    category = make_category("Vendor Webinar - ALA")
    event = make_event(
        "SOS for Library Professionals",
        slug="sos",
        categories=[category],
        recording_url="https://recordings.example.org/sos",
        join_url="https://ala.example.org/sos/join",
    )
    Event.objects.filter(pk=event.pk).update(sequence=4)
    add_presenter(event, "Elana Karshmer", order=1)
    add_presenter(event, "Second Presenter", order=2)
    LearningOutcome.objects.create(event=event, text="First outcome", order=1)
    LearningOutcome.objects.create(event=event, text="Second outcome", order=2)
    add_registrations(event, "confirmed", 2)

    action = {"action": "duplicate_events", "_selected_action": [event.pk]}
    response = admin_client.post(CHANGELIST, action, follow=True)
    admin_client.post(CHANGELIST, action)

    copy = Event.objects.get(slug="sos-copy-1")
    assert Event.objects.filter(slug="sos-copy-2").exists()
    assert copy.title == event.title
    assert copy.uid != event.uid
    assert not copy.is_published
    assert copy.sequence == 0
    assert copy.start == event.start
    assert copy.join_url == event.join_url
    assert copy.recording_url == ""
    assert list(copy.categories.all()) == [category]
    assert [(s.presenter.name, s.order) for s in copy.presenter_slots.all()] == [
        ("Elana Karshmer", 1),
        ("Second Presenter", 2),
    ]
    assert [o.text for o in copy.outcomes.all()] == ["First outcome", "Second outcome"]
    assert not copy.registrations.exists()
    assert event.registrations.count() == 2
    assert event.outcomes.count() == 2
    message = str(next(iter(response.context["messages"])))
    assert text(find(parse(message), "a", href=change_url(copy))) == "sos-copy-1"


def test_add_form_creates_an_event_with_presenters_and_outcomes(admin_client):
    """Staff can add an event with its categories, presenters and learning outcomes in
    one form."""
    category = make_category("Vendor Webinar - ALA")
    presenter = Presenter.objects.create(name="Mark Wetherington")
    data = event_form_data(
        categories=[category.pk],
        **{
            "presenter_slots-TOTAL_FORMS": "1",
            "presenter_slots-0-presenter": str(presenter.pk),
            "presenter_slots-0-order": "1",
            "outcomes-TOTAL_FORMS": "2",
            "outcomes-0-text": "Recognize the conflicts.",
            "outcomes-0-order": "1",
            "outcomes-1-text": "Feel empowered.",
            "outcomes-1-order": "2",
        },
    )

    response = admin_client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="readers-advisory-for-teens")
    assert event.capacity == 50
    assert list(event.categories.all()) == [category]
    assert [s.presenter for s in event.presenter_slots.all()] == [presenter]
    assert [o.text for o in event.outcomes.all()] == [
        "Recognize the conflicts.",
        "Feel empowered.",
    ]


def test_add_form_page_puts_inlines_after_when_and_where(admin_client):
    """The add form puts presenters after "When and where" and before the registration
    settings, and offers time zones by name."""
    page = parse(admin_client.get(ADD))
    in_order = find_all(page)  # every element, in document order
    inlines = find(page, id="presenter_slots-group")
    positions = [
        next(n for n, element in enumerate(in_order) if text(element) == heading)
        for heading in ("When and where", "Registration settings")
    ]
    positions.insert(1, next(n for n, e in enumerate(in_order) if e is inlines))
    assert positions == sorted(positions)
    zones = find_all(page, "option", value="America/Los_Angeles")
    assert zones and all(attribute(zone, "selected") is None for zone in zones)


def test_times_are_entered_on_the_event_zones_wall_clock(admin_client):
    """12:00 for a Los Angeles event in March (PST) is 20:00 UTC, not 17:00."""
    response = admin_client.post(
        ADD,
        event_form_data(
            time_zone="America/Los_Angeles",
            registration_closes_0="2027-03-03",
            registration_closes_1="11:30",
        ),
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="readers-advisory-for-teens")
    assert event.start == datetime(2027, 3, 3, 20, 0, tzinfo=UTC)
    assert event.end == datetime(2027, 3, 3, 21, 0, tzinfo=UTC)
    assert event.registration_closes == datetime(2027, 3, 3, 19, 30, tzinfo=UTC)

    # Editing shows the same wall clock back, not the server's Eastern time.
    form = admin_client.get(change_url(event)).context["adminform"].form
    assert form["start"].value() == datetime(2027, 3, 3, 12, 0)
    clock = find(parse(str(form["start"])), "input", name="start_1")
    assert attribute(clock, "value") == "12:00:00"


def test_the_now_shortcut_works_in_the_events_zone(admin_client):
    """The admin's date widgets offset "Now" by the zone the page renders in."""
    event = make_event(time_zone="America/Los_Angeles")
    page = parse(admin_client.get(change_url(event)))
    offset = datetime.now(ZoneInfo("America/Los_Angeles")).utcoffset()
    assert find_all(page, data_admin_utc_offset=str(int(offset.total_seconds())))


def test_changing_the_zone_keeps_the_entered_wall_clock(admin_client):
    """Changing an event's time zone keeps the time staff typed: 2:00pm becomes 2:00pm
    in Chicago."""
    event = make_event(slug="moving", start=eastern(2027, 7, 7, 14))
    response = admin_client.post(
        change_url(event),
        event_form_data(
            slug="moving",
            start_0="2027-07-07",
            start_1="14:00",
            end_0="2027-07-07",
            end_1="15:00",
            time_zone="America/Chicago",
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.start == datetime(2027, 7, 7, 19, 0, tzinfo=UTC)  # 2:00pm CDT


def test_a_time_that_does_not_exist_in_the_events_zone_is_a_form_error(
    admin_client,
):
    """2:30am on the spring-forward night in Los Angeles: a message, not a crash."""
    response = admin_client.post(
        ADD,
        event_form_data(
            time_zone="America/Los_Angeles",
            start_0="2027-03-14",
            start_1="02:30",
            end_0="2027-03-14",
            end_1="04:00",
        ),
    )
    assert response.status_code == 200
    assert "start" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_an_unknown_time_zone_is_a_form_error(admin_client):
    """A time zone that does not exist is refused as an error on the time zone field,
    not saved."""
    response = admin_client.post(ADD, event_form_data(time_zone="Mars/Olympus"))
    assert response.status_code == 200
    assert "time_zone" in response.context["adminform"].form.errors


def _register(event, count, prefix):
    """Registrations through the service, as members would make them."""
    return [
        register_for_event(
            event_id=event.pk,
            name=f"{prefix} {n}",
            email=f"{prefix.lower()}{n}@library.example.org",
        ).registration
        for n in range(count)
    ]


def test_raising_capacity_in_the_form_promotes_the_waitlist(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    """Two more seats: the first two in line are confirmed and emailed."""
    event = make_event(slug="raised", capacity=2, start=eastern(2027, 3, 3, 12))
    _register(event, 2, "Seated")
    waiting = _register(event, 3, "Waiting")
    mailoutbox.clear()
    same_time = {"start_1": "12:00", "end_1": "13:00", "slug": "raised"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(event), event_form_data(**same_time, capacity="4"), follow=True
        )

    assert "2 people were promoted from the waiting list." in response.text
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert Event.objects.get(pk=event.pk).capacity == 4
    assert sorted(m.to[0] for m in mailoutbox) == [
        "waiting0@library.example.org",
        "waiting1@library.example.org",
    ]


def test_capacity_below_the_confirmed_count_is_refused_with_the_reason(admin_client):
    """Lowering capacity below the confirmed seats is refused with the number of seat
    holders, and nothing in the form is saved."""
    event = make_event(slug="lowered", capacity=5, start=eastern(2027, 3, 3, 12))
    _register(event, 3, "Seated")
    same_time = {"start_1": "12:00", "end_1": "13:00", "slug": "lowered"}

    response = admin_client.post(
        change_url(event), event_form_data(**same_time, capacity="2", title="New")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["capacity"]
    assert "3 people already hold a confirmed seat" in errors[0]
    event.refresh_from_db()
    assert event.capacity == 5
    assert event.title != "New"


def test_setting_the_status_to_cancelled_emails_every_registrant(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    """Confirmed and waitlisted alike hear that the event is cancelled."""
    event = make_event(slug="called-off", capacity=1, start=eastern(2027, 3, 3, 12))
    _register(event, 1, "Seated")
    _register(event, 1, "Waiting")
    mailoutbox.clear()
    same_time = {"start_1": "12:00", "end_1": "13:00", "slug": "called-off"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(event),
            event_form_data(**same_time, capacity="1", status="cancelled"),
            follow=True,
        )

    assert "2 registrants were emailed" in response.text
    event = Event.objects.get(pk=event.pk)
    assert event.status == "cancelled"
    assert event.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == [
        "seated0@library.example.org",
        "waiting0@library.example.org",
    ]


def test_cancel_action_cancels_and_notifies(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    """The "cancel events" action, confirmed on its page, marks the event
    cancelled and emails each registrant."""
    event = make_event(slug="actioned", start=eastern(2027, 3, 3, 12))
    _register(event, 2, "Seated")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            CHANGELIST,
            {"action": "cancel_events", "_selected_action": [event.pk], "post": "yes"},
        )

    assert Event.objects.get(pk=event.pk).status == "cancelled"
    assert len(mailoutbox) == 2


def test_event_editors_can_change_events_and_roster_viewers_cannot(client):
    """Roster viewers may only look at an event in the admin, neither saving nor adding;
    event editors can save changes."""
    event = make_event(slug="guarded", start=eastern(2027, 3, 3, 12))
    data = event_form_data(slug="guarded", title="Changed by staff")

    viewer = staff_client(client, ROSTER_VIEWERS)
    assert viewer.get(change_url(event)).status_code == 200  # read-only view
    assert viewer.post(change_url(event), data).status_code == 403
    assert viewer.get(ADD).status_code == 403
    event.refresh_from_db()
    assert event.title != "Changed by staff"

    viewer.logout()
    editor = staff_client(client, EVENT_EDITORS)
    assert editor.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    assert event.title == "Changed by staff"


def test_other_catalog_admins_render_with_event_counts(admin_client):
    """The category list shows how many events use each category; the organizer, series
    and presenter lists and the presenter search box all load."""
    category = make_category("Vendor Webinar - ALA")
    make_event(categories=[category])
    make_event(categories=[category])
    response = admin_client.get(reverse("admin:events_category_changelist"))
    assert [row["event_count"] for row in changelist_rows(response)] == ["2"]
    for name in ("organizer", "series", "presenter"):
        url = reverse(f"admin:events_{name}_changelist")
        assert admin_client.get(url).status_code == 200
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Karsh",
            "app_label": "events",
            "model_name": "eventpresenter",
            "field_name": "presenter",
        },
    )
    assert autocomplete.status_code == 200
