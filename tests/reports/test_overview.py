"""The staff overview, the admin's first page: this week's and next week's
events with their seats (Monday to Sunday on the site's clock), and what
needs attention, each item shown when it should be and not otherwise; the
figures on hand-built data; a fixed number of queries however many events;
and only staff who read rosters see it."""

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from events.groups import EVENT_EDITORS, ROSTER_VIEWERS, ensure_staff_groups
from events.models import CertificatePolicy, Event
from registrations import services
from registrations.models import Certificate, OutboundEmail, Registration
from reports.overview import SHOWN, staff_overview, week_start
from tests import dom
from tests.builders import (
    eastern,
    make_category,
    make_event,
    update_registrations,
    write_registration,
)
from tests.credit import past_webinar_with_attendees
from tests.registrations.conftest import register

pytestmark = pytest.mark.django_db

Status = Registration.Status
# A Wednesday, noon in New York (the test settings' TIME_ZONE).
WEDNESDAY_NOON = eastern(2031, 10, 22, 12)
PASSWORD = "a-long-test-password"


@pytest.fixture
def now(clock):
    """The clock stopped on a Wednesday at noon, site time."""
    clock.now = WEDNESDAY_NOON
    return clock


def days_ahead(clock, days: float, **fields) -> Event:
    return make_event(start=clock.now + timedelta(days=days), **fields)


def add_registrants(event: Event, status: str, count: int) -> None:
    """Registrations in ``status`` made directly: data for the figures, not
    the way the services decide (the approval path needs member libraries)."""
    for n in range(count):
        email = f"{status}{n}-{event.pk}@example.org"
        write_registration(
            event,
            name=f"{status} {n}",
            email=email,
            email_normalized=email,
            status=status,
            token_hash=hashlib.sha256(email.encode()).hexdigest(),
        )


def move_to_past(event: Event, clock, *, days: float) -> Event:
    """The event as if it had ended ``days`` ago (registered for while it
    was ahead)."""
    start = clock.now - timedelta(days=days, hours=1)
    Event.objects.filter(pk=event.pk).update(
        start=start, end=start + timedelta(hours=1)
    )
    event.refresh_from_db()
    return event


def titles(events) -> list[str]:
    return [event.title for event in events]


def user_in(*group_names: str, username: str = "someone"):
    groups = ensure_staff_groups()
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True
    )
    user.groups.add(*(groups[name] for name in group_names))
    return user


# The weeks.


def test_week_starts_on_monday_midnight_site_time():
    """A week starts on Monday at midnight on the site's clock (New York): a
    Wednesday's week starts the Monday before, and Sunday evening in Los
    Angeles, already Monday in New York, starts the next week."""
    monday = week_start(WEDNESDAY_NOON)
    assert monday == eastern(2031, 10, 20, 0)
    # Sunday night in Los Angeles is already Monday in New York.
    la_sunday = datetime(2031, 10, 26, 21, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert week_start(la_sunday) == eastern(2031, 10, 27, 0)


def test_this_week_and_next_week_monday_to_sunday(now):
    """Events from Monday 00:00 to Sunday 23:59 this week (including the
    ones already over), then next week's; last Sunday, the week after next
    and cancelled events are left out."""
    make_event("Last Sunday", start=eastern(2031, 10, 19, 23, 59))
    make_event("Monday morning", start=eastern(2031, 10, 20, 0, 30))
    make_event("Thursday", start=eastern(2031, 10, 23, 14))
    make_event("Sunday night", start=eastern(2031, 10, 26, 23, 30))
    make_event(
        "Sunday in Los Angeles",
        start=datetime(2031, 10, 26, 21, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
        time_zone="America/Los_Angeles",
    )
    make_event("Next Sunday", start=eastern(2031, 11, 2, 23, 0))
    make_event("Week after next", start=eastern(2031, 11, 3, 0, 0))
    make_event(
        "Cancelled Thursday",
        start=eastern(2031, 10, 23, 10),
        status=Event.Status.CANCELLED,
    )
    overview = staff_overview()
    assert titles(overview.this_week) == ["Monday morning", "Thursday", "Sunday night"]
    assert titles(overview.next_week) == ["Sunday in Los Angeles", "Next Sunday"]
    assert overview.this_week_starts.isoformat() == "2031-10-20"
    assert overview.next_week_starts.isoformat() == "2031-10-27"


def test_each_event_counts_its_seats_waiting_and_awaiting(now):
    """Capacity 2, three registered: 2 confirmed, 1 waiting; 2 awaiting
    approval; a cancelled and a declined registration count nowhere."""
    event = make_event("Genealogy", start=eastern(2031, 10, 23, 14), capacity=2)
    for n in range(3):
        register(event, n)
    add_registrants(event, Status.AWAITING_APPROVAL, 2)
    add_registrants(event, Status.CANCELLED, 1)
    add_registrants(event, Status.DECLINED, 1)
    make_event("Other", start=eastern(2031, 10, 24, 14))
    overview = staff_overview()
    first, other = overview.this_week
    assert (first.confirmed_count, first.waitlisted_count, first.awaiting_count) == (
        2,
        1,
        2,
    )
    assert (other.confirmed_count, other.waitlisted_count, other.awaiting_count) == (
        0,
        0,
        0,
    )


# Needs attention.


def test_full_events_with_people_waiting(now):
    """An upcoming full event with someone waiting is listed, with 1 waiting; a
    full event with no one waiting, one that is over and a cancelled one are
    not."""
    full_waiting = days_ahead(now, 3, title="Full and waiting", capacity=1)
    register(full_waiting, 1)
    register(full_waiting, 2)
    full_alone = days_ahead(now, 3, title="Full, no one waiting", capacity=1)
    register(full_alone, 1)
    past = days_ahead(now, 3, title="Past, full and waiting", capacity=1)
    register(past, 1)
    register(past, 2)
    move_to_past(past, now, days=1)
    cancelled = days_ahead(now, 4, title="Cancelled", capacity=1)
    register(cancelled, 1)
    register(cancelled, 2)
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    items = staff_overview().full_with_waitlist.items
    assert titles(items) == ["Full and waiting"]
    assert items[0].waitlisted_count == 1


def test_events_within_a_week_under_a_quarter_full(now):
    """Under a quarter of the seats taken and starting within 7 days;
    exactly a quarter, further off, already started, without a seat limit
    or unpublished: not listed."""
    low = days_ahead(now, 3, title="Low", capacity=8)
    register(low, 1)
    quarter = days_ahead(now, 3, title="A quarter", capacity=8)
    register(quarter, 1)
    register(quarter, 2)
    days_ahead(now, 8, title="Next month", capacity=8)
    days_ahead(now, -1 / 48, title="Started", capacity=8)
    days_ahead(now, 2, title="No limit", capacity=None)
    days_ahead(now, 2, title="Unpublished", capacity=8, is_published=False)
    days_ahead(now, 6.9, title="Empty, in six days", capacity=8)
    items = staff_overview().filling_slowly.items
    assert titles(items) == ["Low", "Empty, in six days"]
    assert items[0].confirmed_count == 1


def test_failing_emails_are_counted(now):
    """No failing emails at first; two emails marked failed are counted (a sent
    one is not) and the overview needs attention; once one is 15 days old and
    the other's registrant has been purged, none are counted."""
    event = days_ahead(now, 10)
    for n in range(4):
        register(event, n)
    assert staff_overview().failing_emails == 0
    emails = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))
    assert len(emails) == 4
    OutboundEmail.objects.filter(pk__in=emails[:2]).update(
        status=OutboundEmail.Status.FAILED
    )
    OutboundEmail.objects.filter(pk=emails[2]).update(status=OutboundEmail.Status.SENT)
    overview = staff_overview()
    assert overview.failing_emails == 2
    assert overview.needs_attention
    # Past helping: one failed weeks ago, one whose registrant was purged.
    OutboundEmail.objects.filter(pk=emails[0]).update(
        created_at=now.now - timedelta(days=15)
    )
    Registration.objects.filter(emails__pk=emails[1]).update(purged_at=now.now)
    assert staff_overview().failing_emails == 0


def test_past_events_without_attendance(now):
    """Ended in the last 60 days, confirmed registrants, no one marked
    attended: listed. One attendee marked, no one confirmed, 61 days ago or
    not over yet: not listed."""
    unmarked = days_ahead(now, 1, title="Unmarked")
    marked = days_ahead(now, 1, title="Marked")
    empty = days_ahead(now, 1, title="No one confirmed")
    long_ago = days_ahead(now, 1, title="Long ago")
    upcoming = days_ahead(now, 1, title="Upcoming")
    for event in (unmarked, marked, long_ago, upcoming):
        register(event, 1)
        register(event, 2)
    add_registrants(empty, Status.CANCELLED, 1)
    update_registrations(
        Registration.objects.filter(
            event=marked, email_normalized__startswith="person1"
        ),
        attended=True,
    )
    taken = days_ahead(now, 1, title="Taken, nobody came")
    register(taken, 1)
    for event in (unmarked, marked, empty, taken):
        move_to_past(event, now, days=2)
    Event.objects.filter(pk=taken.pk).update(attendance_final_at=now.now)
    move_to_past(long_ago, now, days=61)
    items = staff_overview().without_attendance.items
    assert titles(items) == ["Unmarked"]
    assert items[0].confirmed_count == 2


@pytest.fixture
def final_webinar(clock):
    """A past webinar, two attendees, attendance made final: their
    certificates issued, their PDFs not made yet (the worker runs after the
    commit, which a test does not reach)."""

    def make(title: str, **fields):
        event, _attendees = past_webinar_with_attendees(
            clock, ("Ada Reader", "Ben Reader"), title=title, **fields
        )
        services.mark_attendance_final(event_id=event.pk)
        return event

    return make


def test_certificates_whose_pdf_is_stalled(clock, final_webinar):
    """Issued more than 10 minutes ago and still no PDF: listed, with the
    number stalled; once the PDFs are made, not listed."""
    event = final_webinar("Stalled")
    clock.advance(minutes=9)
    assert not staff_overview().certificates_not_sent
    clock.advance(minutes=2)
    (item,) = staff_overview().certificates_not_sent.items
    assert (item.title, item.stalled_count, item.owed_count) == ("Stalled", 2, 0)
    Certificate.objects.filter(event=event).update(pdf_made_at=clock.now)
    assert not staff_overview().certificates_not_sent


def test_attendees_owed_a_certificate_without_one(clock, final_webinar):
    """Attendance made final while the event granted no hours; staff then
    set its CE hours: both attendees are owed a certificate and have none."""
    event = final_webinar("Hours added later", hours="")
    assert not Certificate.objects.filter(event=event).exists()
    assert not staff_overview().certificates_not_sent
    Event.objects.filter(pk=event.pk).update(ce_hours=Decimal("1.5"))
    (item,) = staff_overview().certificates_not_sent.items
    assert (item.title, item.owed_count, item.stalled_count) == (
        "Hours added later",
        2,
        0,
    )


def test_hours_and_policy_from_the_category(clock, final_webinar):
    """An event that sets neither takes its category's, as ce_credit() does."""
    event = final_webinar("From its category", hours="", policy="")
    assert not staff_overview().certificates_not_sent
    category = make_category(
        "Cataloging", ce_hours=Decimal("1.0"), certificate_policy="attendees"
    )
    event.categories.add(make_category("Aardvarks"), category)
    assert event.ce_credit().gives_certificates
    (item,) = staff_overview().certificates_not_sent.items
    assert item.owed_count == 2


def test_a_category_saying_no_certificates_owes_none(clock, final_webinar):
    """An event with no hours or policy of its own, in a category whose policy
    is no certificates, gives none, so no one is listed as owed a certificate."""
    event = final_webinar("No certificates here", hours="", policy="")
    event.categories.add(
        make_category("Chat", ce_hours=Decimal("1.0"), certificate_policy="none")
    )
    assert not event.ce_credit().gives_certificates
    assert not staff_overview().certificates_not_sent


def test_evaluated_policy_owes_only_those_who_sent_the_evaluation(clock, final_webinar):
    """Where only attendees who completed the evaluation get a certificate,
    none is owed until one of them completes it; then that one attendee is owed
    one."""
    event = final_webinar("Evaluated", policy=CertificatePolicy.EVALUATED)
    assert not Certificate.objects.filter(event=event).exists()
    assert not staff_overview().certificates_not_sent
    Registration.objects.filter(event=event, name="Ada Reader").update(
        evaluation_completed=True
    )
    (item,) = staff_overview().certificates_not_sent.items
    assert item.owed_count == 1


def test_not_final_yet_or_withdrawn_owes_nothing(clock):
    """Before attendance is final nothing is owed; a certificate withdrawn
    from someone unmarked is not owed again."""
    event, (_ada, ben) = past_webinar_with_attendees(
        clock, ("Ada Reader", "Ben Reader")
    )
    assert not staff_overview().certificates_not_sent
    services.mark_attendance_final(event_id=event.pk)
    Certificate.objects.filter(event=event).update(pdf_made_at=clock.now)
    services.mark_attended(registration_id=ben.pk, attended=False)
    assert Certificate.objects.get(registration=ben).is_revoked
    clock.advance(hours=1)
    assert not staff_overview().certificates_not_sent


def test_registrations_awaiting_approval(now):
    """An upcoming event with two registrations awaiting approval is listed
    with 2 awaiting; an event already over, and one with no one awaiting, are
    not."""
    waiting = days_ahead(now, 5, title="Members only")
    add_registrants(waiting, Status.AWAITING_APPROVAL, 2)
    past = days_ahead(now, 5, title="Over")
    add_registrants(past, Status.AWAITING_APPROVAL, 1)
    move_to_past(past, now, days=1)
    days_ahead(now, 5, title="No one waiting")
    items = staff_overview().awaiting_approval.items
    assert titles(items) == ["Members only"]
    assert items[0].awaiting_count == 2


def test_nothing_needs_attention_on_a_quiet_calendar(now, client):
    """With one event, half full, nothing needs attention, and the admin's
    first page says "Nothing needs attention." to a roster viewer."""
    days_ahead(now, 2, title="Half full", capacity=2)
    register(Event.objects.get(), 1)
    overview = staff_overview()
    assert not overview.needs_attention
    client.force_login(user_in(ROSTER_VIEWERS))
    page = client.get(reverse("admin:index"))
    assert "Nothing needs attention." in dom.text_of(page)


# A fixed number of queries.


def busy_calendar(clock, count: int) -> None:
    """``count`` events of each kind the overview lists."""
    for n in range(count):
        full = days_ahead(clock, 1 + n / 100, title=f"Full {n}", capacity=1)
        register(full, 1)
        register(full, 2)
        add_registrants(full, Status.AWAITING_APPROVAL, 1)
        low = days_ahead(clock, 2 + n / 100, title=f"Low {n}", capacity=10)
        register(low, 1)
        past = days_ahead(clock, 3, title=f"Past {n}")
        register(past, 1)
        move_to_past(past, clock, days=1 + n / 100)
    OutboundEmail.objects.update(status=OutboundEmail.Status.FAILED)


@pytest.mark.parametrize("count", [2, 20])
def test_the_overview_costs_seven_queries_however_many_events(
    now, count, django_assert_num_queries
):
    """The overview takes seven queries with 2 or with 20 events of each kind;
    this week lists them all, each list of things to fix stops at the number
    shown, and the full events' list says when there are more."""
    busy_calendar(now, count)
    with django_assert_num_queries(7):
        overview = staff_overview()
    # Full, low, and past (ended since Monday): all this week.
    assert len(overview.this_week) == 3 * count
    assert len(overview.full_with_waitlist.items) == min(count, SHOWN)
    assert overview.full_with_waitlist.more == (count > SHOWN)
    assert len(overview.awaiting_approval.items) == min(count, SHOWN)
    assert len(overview.without_attendance.items) == min(count, SHOWN)


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_costs_the_same_however_many_events(
    now, count, client, django_assert_num_queries
):
    """The whole first page in a fixed number of queries: the session, the
    user, their permissions (2), the overview (7), their recent actions."""
    client.force_login(user_in(ROSTER_VIEWERS, EVENT_EDITORS))
    busy_calendar(now, count)
    with django_assert_num_queries(PAGE_QUERIES):
        page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert len(dom.find_all(dom.parse(page), "meter")) == 3 * count


PAGE_QUERIES = 12


# The page.


@pytest.fixture
def manager():
    from events.demo import refresh_demo_staff

    return refresh_demo_staff(username="staff", password=PASSWORD)


def test_the_fill_bar_says_its_figures_in_words(now, client, manager):
    """Each event: its title links to its roster; a meter of seats taken
    out of the capacity, named by the words beside it."""
    event = make_event("Genealogy", start=eastern(2031, 10, 23, 14), capacity=3)
    register(event, 1)
    register(event, 2)
    client.force_login(manager)
    root = dom.parse(client.get(reverse("admin:index")))
    week = dom.find(root, "section", aria_labelledby="this-week-heading")
    link = dom.find(
        week,
        "a",
        href=f"{reverse('admin:registrations_registration_changelist')}?event__id__exact={event.pk}",
    )
    assert dom.text(link) == "Genealogy"
    meter = dom.find(week, "meter")
    assert (dom.attribute(meter, "value"), dom.attribute(meter, "max")) == ("2", "3")
    words = dom.find(week, "span", id=dom.attribute(meter, "aria-labelledby"))
    assert dom.text(words) == "2 of 3 seats"
    assert "Thu Oct 23, 2:00 p.m. EDT" in dom.text(week)


def test_an_event_without_a_seat_limit_has_no_bar(now, client, manager):
    """An event this week with no seat limit has no fill bar, only the words "1
    registered, no seat limit"."""
    event = make_event("Open house", start=eastern(2031, 10, 23, 14), capacity=None)
    register(event, 1)
    client.force_login(manager)
    root = dom.parse(client.get(reverse("admin:index")))
    week = dom.find(root, "section", aria_labelledby="this-week-heading")
    assert dom.find_all(week, "meter") == []
    assert "1 registered, no seat limit" in dom.text(week)


def attention_hrefs(page) -> list[str]:
    section = dom.find(dom.parse(page), "section", aria_labelledby="attention-heading")
    return dom.hrefs(section)


@pytest.fixture
def troubled(now):
    """One of each thing that needs attention but certificates."""
    full = days_ahead(now, 1, title="Full", capacity=1)
    register(full, 1)
    register(full, 2)
    add_registrants(full, Status.AWAITING_APPROVAL, 1)
    low = days_ahead(now, 2, title="Low", capacity=10)
    past = days_ahead(now, 3, title="Past")
    register(past, 1)
    move_to_past(past, now, days=1)
    OutboundEmail.objects.update(status=OutboundEmail.Status.FAILED)
    return full, low, past


def test_each_line_links_to_the_page_that_fixes_it(client, manager, troubled):
    """For staff in every group, each line that needs attention links, in
    order, to the full event's waiting list, the slow-filling event's edit
    page, the failing emails, the past event's "Take attendance" page and the
    registrations awaiting approval."""
    full, low, past = troubled
    client.force_login(manager)
    roster = reverse("admin:registrations_registration_changelist")
    assert attention_hrefs(client.get(reverse("admin:index"))) == [
        f"{roster}?event__id__exact={full.pk}&status__exact=waitlisted",
        reverse("admin:events_event_change", args=[low.pk]),
        f"{reverse('admin:registrations_outboundemail_changelist')}?attention=failing",
        reverse("admin:registrations_registration_take_attendance", args=[past.pk]),
        f"{roster}?event__id__exact={full.pk}&status__exact=awaiting_approval",
    ]


def test_the_failing_emails_link_lists_exactly_those_counted(
    client, manager, troubled, now
):
    """The outbox list the overview links to holds the failures it counts:
    not one that failed weeks ago, nor one to a registrant since purged."""
    full, low, _past = troubled
    register(full, 3)
    register(low, 4)
    old, purged = OutboundEmail.objects.order_by("-pk")[:2]
    OutboundEmail.objects.filter(pk__in=[old.pk, purged.pk]).update(
        status=OutboundEmail.Status.FAILED
    )
    OutboundEmail.objects.filter(pk=old.pk).update(
        created_at=now.now - timedelta(days=15)
    )
    Registration.objects.filter(pk=purged.registration_id).update(purged_at=now.now)
    counted = staff_overview().failing_emails
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count() > (
        counted
    )
    client.force_login(manager)
    [link] = [
        h
        for h in attention_hrefs(client.get(reverse("admin:index")))
        if "outboundemail" in h
    ]
    listed = dom.find_all(
        dom.find(dom.parse(client.get(link)), "table", id="result_list"), "tr"
    )
    assert len(listed) - 1 == counted  # less the header row


def test_roster_viewers_get_links_only_where_they_may_go(client, troubled):
    """No outbox for them (text instead), and the roster rather than the
    "Take attendance" page they may not open."""
    _full, _low, past = troubled
    client.force_login(user_in(ROSTER_VIEWERS))
    page = client.get(reverse("admin:index"))
    hrefs = attention_hrefs(page)
    roster = reverse("admin:registrations_registration_changelist")
    assert f"{roster}?event__id__exact={past.pk}" in hrefs
    assert not [href for href in hrefs if "outboundemail" in href or "take" in href]
    assert "3 emails could not be sent" in dom.text_of(page)


def test_certificate_lines_link_to_take_attendance_and_the_certificates(
    clock, client, manager, final_webinar
):
    """An event whose certificate PDFs are stalled links to its certificates,
    one whose attendees are owed certificates to its "Take attendance" page;
    the lines say "2 certificates' PDFs not made" and "2 attendees owed a
    certificate have none"."""
    stalled = final_webinar("Stalled")
    owed = final_webinar("Owed", hours="")
    Event.objects.filter(pk=owed.pk).update(ce_hours=Decimal("1.0"))
    clock.advance(minutes=11)
    client.force_login(manager)
    page = client.get(reverse("admin:index"))
    hrefs = attention_hrefs(page)
    assert (
        f"{reverse('admin:registrations_certificate_changelist')}?event__id__exact={stalled.pk}"
        in hrefs
    )
    assert (
        reverse("admin:registrations_registration_take_attendance", args=[owed.pk])
        in hrefs
    )
    text = dom.text_of(page)
    assert "2 certificates' PDFs not made" in text
    assert "2 attendees owed a certificate have none" in text


# Who sees it.


def test_event_editors_alone_see_the_app_list_only(now, client):
    """A staff member who is only an event editor gets the admin's first page
    with its list of apps, but no overview: no needs-attention section, none of
    the week's events and no overview stylesheet."""
    days_ahead(now, 1, title="Thursday webinar")
    client.force_login(user_in(EVENT_EDITORS))
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    root = dom.parse(page)
    assert dom.find_all(root, "section", aria_labelledby="attention-heading") == []
    assert "Thursday webinar" not in dom.text_of(page)
    assert reverse("admin:events_event_changelist") in dom.hrefs(root)
    assert b"css/overview.css" not in page.content


def test_roster_viewers_see_the_overview_and_the_app_list(now, client):
    """A roster viewer sees the overview (the needs-attention section and this
    week's event) and the list of apps with its link to the registrations."""
    days_ahead(now, 1, title="Thursday webinar")
    client.force_login(user_in(ROSTER_VIEWERS))
    page = client.get(reverse("admin:index"))
    root = dom.parse(page)
    dom.find(root, "section", aria_labelledby="attention-heading")
    assert "Thursday webinar" in dom.text_of(page)
    assert reverse("admin:registrations_registration_changelist") in dom.hrefs(root)


def test_the_overview_links_to_the_reports_once_they_exist(now, client, manager):
    """The reports pages (another module, under /admin/reports/) are one
    click away, when their URLs are installed; no broken link before."""
    client.force_login(manager)
    hrefs = dom.hrefs(dom.parse(client.get(reverse("admin:index"))))
    try:
        reports = reverse("reports:report")
    except NoReverseMatch:
        assert not [href for href in hrefs if "/reports/" in href]
    else:
        assert reports in hrefs


def test_signed_out_visitors_are_sent_to_sign_in(client):
    """Someone not signed in who opens the admin's first page is sent to sign
    in."""
    page = client.get(reverse("admin:index"))
    assert page.status_code == 302
    assert reverse("admin:login") in page["Location"]
