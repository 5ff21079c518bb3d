from datetime import UTC, date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.core.management import CommandError, call_command

from events.demo import DEMO_EVENTS, load_demo_data, move_to_future
from events.groups import (
    EVENT_EDITORS,
    REGISTRATION_MANAGERS,
    ROSTER_VIEWERS,
    ensure_staff_groups,
)
from events.models import (
    Category,
    Event,
    EventPresenter,
    LearningOutcome,
    Organizer,
    Presenter,
    Series,
)
from pages.models import FooterLink
from tests import dom

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 15)
SOS = "sos-for-library-professionals"
PATRON = "patron-response-framework"
SOCIAL = "minimizing-social-media-to-maximize-library-values"
WHOLEHEARTED = "wholehearted-libraries"


@pytest.fixture
def demo():
    load_demo_data(today=TODAY)
    return {event.slug: event for event in Event.objects.all()}


def _load(capsys, monkeypatch, *args):
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "a-demo-password")
    call_command("load_demo", "--today", TODAY.isoformat(), *args)
    return capsys.readouterr().out


def test_moving_forward_keeps_the_weekday_with_the_fewest_whole_years():
    """Tuesday October 21, 2025 next falls on a Tuesday in 2031."""
    assert move_to_future(date(2025, 10, 21), today=date(2026, 11, 22)) == date(
        2031, 10, 21
    )
    # Nothing sooner would do: every year in between is another weekday.
    for year in range(2026, 2031):
        assert date(year, 10, 21).weekday() != date(2025, 10, 21).weekday()


def test_a_date_already_in_the_future_stays_put_and_today_is_not_the_future():
    """A seed date still ahead stays as it is; a seed date of today moves on to a later
    year."""
    assert move_to_future(date(2025, 10, 21), today=date(2025, 10, 20)) == date(
        2025, 10, 21
    )
    assert move_to_future(date(2025, 10, 21), today=date(2025, 10, 21)) == date(
        2031, 10, 21
    )


def test_february_29_moves_to_a_leap_year_on_the_same_weekday():
    """A February 29 seed moves to February 29 of a leap year, on the same weekday."""
    moved = move_to_future(date(2024, 2, 29), today=date(2024, 3, 1))
    assert (moved.month, moved.day) == (2, 29)
    assert moved.weekday() == date(2024, 2, 29).weekday()


def test_demo_has_the_four_seed_events_published_in_the_right_places(demo):
    """Three ALA webinars by Learning Services and the Library 2.020 conference."""
    assert {e.title for e in demo.values()} == {
        "SOS for Library Professionals (ALA Webinar)",
        "Patron Response Framework: Responding with Kindness, Empathy, and Love "
        "in Difficult Situations (ALA Webinar)",
        "Minimizing Social Media to Maximize Library Values (ALA Webinar)",
        "Wholehearted Libraries: Soft Skills for 21st Century Information "
        "Professionals",
    }
    for slug in (SOS, PATRON, SOCIAL):
        event = demo[slug]
        assert [c.name for c in event.categories.all()] == ["Vendor Webinar - ALA"]
        assert event.organizer.name == "Learning Services"
        assert event.format == Event.Format.ONLINE
        assert event.is_published
        assert event.status == Event.Status.SCHEDULED
        assert event.capacity == 100
        assert event.waitlist_enabled
        assert event.registration_required
        assert event.accessibility_contact_email == "ce@ala.org"
        assert event.accessibility_contact_phone == "312-280-5100"
        assert event.time_zone == "America/New_York"
        assert event.series is None
        paragraphs = event.registration_note.split("\n\n")
        assert len(paragraphs) == 2
        assert paragraphs[0].startswith("The Massachusetts Library System is pleased")
        assert paragraphs[1].endswith(
            "contact Sarah Donnelly at sdonnelly@masslibsystem.org to cancel."
        )

    conference = demo[WHOLEHEARTED]
    assert conference.series.title == "Library 2.020"
    assert "10th Annual Library 2.0" in conference.series.description
    assert conference.time_zone == "America/Los_Angeles"
    assert conference.format == Event.Format.ONLINE
    assert conference.capacity is None
    assert "soft skills are heart skills" in conference.description
    assert conference.is_published


def test_outcomes_intros_and_who_should_attend_are_the_seeds(demo):
    """Each demo webinar has its seed's outcomes intro, three learning outcomes in
    order, and its "Who should attend" text (empty where the seed has none)."""
    assert [
        (demo[slug].outcomes_intro, demo[slug].outcomes.count())
        for slug in (SOS, PATRON, SOCIAL)
    ] == [
        ("By the end of this webinar, attendees will learn:", 3),
        ("By the end of this webinar, participants will be able to:", 3),
        ("At the conclusion of this webinar, participants will be able to:", 3),
    ]
    assert [o.text for o in demo[PATRON].outcomes.all()] == [
        "Plan for the development of a response framework for their communities",
        "Create an evaluation plan for existing patron behavior responses to "
        "ensure the diverse experiences and backgrounds of the community are "
        "respected and the policies are equitable.",
        "Employ responses for immediate use with their patrons.",
    ]
    assert demo[SOS].who_should_attend.startswith("Librarians and library admin")
    assert demo[PATRON].who_should_attend == ""
    assert demo[SOCIAL].who_should_attend.endswith("as well as library directors.")


def test_descriptions_keep_the_seed_paragraphs_without_the_image_alt_text(demo):
    """Demo descriptions keep the seeds' paragraphs and leave out the seed pages'
    decorative image text."""
    assert demo[SOS].description.count("\n\n") == 1
    assert demo[PATRON].description.count("\n\n") == 2
    social = demo[SOCIAL].description
    assert social.count("\n\n") == 2
    assert social.startswith("While social media is an unavoidable reality")
    assert "Decorative image" not in social


def test_presenters_have_name_pronouns_role_affiliation_and_bio(demo):
    """Each demo presenter has the seed's name, pronouns, role, affiliation and bio, the
    bio not starting with the name twice."""
    [karshmer] = [s.presenter for s in demo[SOS].presenter_slots.all()]
    assert karshmer.name == "Elana Karshmer"
    assert karshmer.role == "Head of Reference & Research Services"
    assert karshmer.affiliation == "New Mexico State University"
    assert karshmer.bio.endswith("reaching students, faculty, and colleagues.")

    [roossien] = [s.presenter for s in demo[PATRON].presenter_slots.all()]
    assert roossien.name == "Michelle (Shelley) Roossien"
    assert roossien.affiliation == "Kent District Library"

    [wetherington] = [s.presenter for s in demo[SOCIAL].presenter_slots.all()]
    assert wetherington.name == "Mark Wetherington"
    assert wetherington.pronouns == "he/him"
    assert wetherington.bio.startswith("Mark Wetherington (he/him) is the director")
    assert not wetherington.bio.startswith("Mark WetheringtonMark")


@pytest.mark.parametrize(
    ("slug", "weekday", "start", "end"),
    [
        (SOS, "Tuesday", "2:00pm", "3:00pm"),
        (PATRON, "Wednesday", "1:00pm", "2:00pm"),
        (SOCIAL, "Wednesday", "2:00pm", "3:00pm"),
        (WHOLEHEARTED, "Tuesday", "12:00pm", "3:00pm"),
    ],
)
def test_dates_are_in_the_future_on_the_seed_weekday_and_wall_clock(
    demo, slug, weekday, start, end
):
    """Each demo event falls after today, in a later year than its seed, on the seed's
    month, day and weekday, from its start to its end time."""
    event = demo[slug]
    seed = next(spec for spec in DEMO_EVENTS if spec.slug == slug)
    local_start, local_end = event.local_start, event.local_end
    assert local_start.date() > TODAY
    assert (local_start.month, local_start.day) == (
        seed.seed_date.month,
        seed.seed_date.day,
    )
    assert local_start.year > seed.seed_date.year
    assert f"{local_start:%A}" == weekday
    assert f"{local_start:%-I:%M%p}".lower() == start
    assert f"{local_end:%-I:%M%p}".lower() == end


def test_two_pm_eastern_is_two_pm_in_summer_and_winter_time(demo):
    """Built from the wall clock: 2:00pm EDT is 18:00 UTC, 2:00pm EST 19:00 UTC."""
    assert demo[SOS].start.astimezone(UTC).hour == 18  # October: daylight time
    assert demo[SOCIAL].start.astimezone(UTC).hour == 19  # December: standard


def test_loading_twice_changes_nothing(demo, capsys, monkeypatch):
    """Same rows, same UIDs, no duplicated presenters, outcomes or categories."""
    _load(capsys, monkeypatch)
    before = {e.slug: (e.pk, e.uid, e.sequence) for e in Event.objects.all()}
    counts = [
        m.objects.count()
        for m in (Presenter, EventPresenter, LearningOutcome, Category, Organizer)
    ]
    _load(capsys, monkeypatch)
    _load(capsys, monkeypatch)
    assert {e.slug: (e.pk, e.uid, e.sequence) for e in Event.objects.all()} == before
    assert (
        [
            m.objects.count()
            for m in (Presenter, EventPresenter, LearningOutcome, Category, Organizer)
        ]
        == counts
        == [3, 4, 12, 2, 2]
    )
    assert Series.objects.count() == 1
    assert get_user_model().objects.filter(username="staff").count() == 1


def test_loading_again_restores_edited_demo_content(demo):
    """Loading the demo again puts back a demo event's title, publication and outcomes
    after staff edited them."""
    event = demo[SOS]
    event.outcomes.all().delete()
    Event.objects.filter(pk=event.pk).update(title="Edited", is_published=False)
    load_demo_data(today=TODAY)
    event.refresh_from_db()
    assert event.title == "SOS for Library Professionals (ALA Webinar)"
    assert event.is_published
    assert event.outcomes.count() == 3


def test_join_urls_are_stored_but_never_on_the_public_page(demo, client):
    """The demo events keep their join links, which never appear on the public event
    page."""
    event = demo[SOS]
    assert event.join_url == (
        "https://ala.example.org/webinars/sos-for-library-professionals/join"
    )
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "SOS for Library Professionals" in response.text
    assert event.join_url not in response.text
    assert "ala.example.org" not in response.text


def test_command_prints_the_admin_url_and_a_login_that_works(
    capsys, monkeypatch, client
):
    """load_demo prints the events loaded, the staff admin address and a login; that
    staff account (editor, roster viewer and registration manager, not superuser)
    signs in to the admin."""
    out = _load(capsys, monkeypatch)
    assert out.splitlines() == [
        "Loaded 4 demo events, and a past copy of one with an attendee's CE "
        "certificate.",
        "Staff admin: https://calendar.example.org/admin/",
        "Login: staff / a-demo-password",
    ]
    user = get_user_model().objects.get(username="staff")
    assert user.is_staff
    assert not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == {
        EVENT_EDITORS,
        ROSTER_VIEWERS,
        REGISTRATION_MANAGERS,
    }
    assert client.login(username="staff", password="a-demo-password")
    assert client.get("/admin/events/event/").status_code == 200


def test_a_second_run_resets_the_demo_password(capsys, monkeypatch, client):
    """Running load_demo again with another DEMO_STAFF_PASSWORD changes the staff
    password: only the new one signs in."""
    _load(capsys, monkeypatch)
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "another-password")
    call_command("load_demo", "--today", TODAY.isoformat())
    assert "Login: staff / another-password" in capsys.readouterr().out
    assert not client.login(username="staff", password="a-demo-password")
    assert client.login(username="staff", password="another-password")


def test_default_demo_password_is_only_used_in_debug(capsys, monkeypatch, settings):
    """Outside DEBUG the public demo password is refused; in DEBUG it is used."""
    monkeypatch.delenv("DEMO_STAFF_PASSWORD", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEMO_STAFF_PASSWORD"):
        call_command("load_demo")
    assert not Event.objects.exists()

    call_command("load_demo", "--no-staff")
    # The four seed events, and the past copy of one that shows CE credit.
    assert Event.objects.count() == 5
    assert not get_user_model().objects.filter(username="staff").exists()

    settings.DEBUG = True
    call_command("load_demo")
    assert "Login: staff / almanac-demo" in capsys.readouterr().out


def test_bad_today_is_a_clear_error():
    """A --today that is not an ISO date stops the command with a message saying it
    wants a date."""
    with pytest.raises(CommandError, match="--today wants a date"):
        call_command("load_demo", "--today", "21/10/2025", "--no-staff")


def test_staff_groups_hold_exactly_their_permissions():
    """Editors edit the catalog, and an event's own questions and evaluation
    on its page; roster viewers only read events, rosters and certificates."""
    ensure_staff_groups()
    ensure_staff_groups()  # idempotent
    editors = Group.objects.get(name=EVENT_EDITORS)
    viewers = Group.objects.get(name=ROSTER_VIEWERS)

    def perms(group):
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }

    for model in ("event", "presenter", "category", "organizer", "series"):
        for action in ("add", "change", "delete", "view"):
            assert f"events.{action}_{model}" in perms(editors)
    assert "events.change_eventpresenter" in perms(editors)
    assert {p for p in perms(editors) if p.startswith("registrations.")} == {
        f"registrations.{action}_{model}"
        for model in ("question", "evaluationquestion")
        for action in ("add", "change", "delete", "view")
    }
    assert perms(viewers) == {
        "events.view_event",
        "registrations.view_registration",
        "registrations.view_certificate",
    }


def test_the_command_makes_the_seed_seat_lines_true(capsys, monkeypatch, client):
    """The seeds read "There are 98 / 94 / 100 seats available.", and so does
    the demo, however often it is loaded."""
    _load(capsys, monkeypatch)
    _load(capsys, monkeypatch)
    for slug, seats in ((SOS, 98), (PATRON, 94), (SOCIAL, 100)):
        page = client.get(Event.objects.get(slug=slug).get_absolute_url()).text
        assert f"There are {seats} seats available." in page


def test_the_mini_conference_carries_the_announcement_in_full(demo, client):
    """The Library 2.020 description is the seed announcement whole: its
    headline (a heading under "Description"), every paragraph, and Stephens'
    reflection as a quotation."""
    description = demo[WHOLEHEARTED].description
    paragraphs = description.split("\n\n")
    assert len(paragraphs) == 10
    assert paragraphs[0].startswith("### ‘Wholehearted Libraries")  # noqa: RUF001
    for sentence in (
        "the global conference series began in 2011",
        "March 10, 2020, from 12:00 – 3:00 p.m. Pacific Time",  # noqa: RUF001
        "“I am super excited to be working on this Library 2.0 conference,”",
        "an article by Laura O’Grady published in",  # noqa: RUF001
        "was recently selected as Book of the Week by Against the Grain",
        "The deadline to submit presentation proposals is February 21, 2020.",
    ):
        assert sentence in description, sentence
    assert paragraphs[6].startswith("> “We do a lot of ‘taking")  # noqa: RUF001
    assert description.endswith("Visit the conference website for more information.")

    page = dom.parse(client.get(demo[WHOLEHEARTED].get_absolute_url()))
    body = dom.find(page, "div", **{"class": "event-description"})
    assert dom.text(dom.find(body, "h3")).endswith("Empathy and Finding Balance")
    assert "the library should encourage the heart" in dom.text(
        dom.find(body, "blockquote")
    )


def test_demo_contacts_are_the_seeds_and_none_is_made_up(demo, client, settings):
    """The ALA webinars give ALA's contact, Learning Services is Sarah
    Donnelly's team; the conference's announcement names no contact, so
    without a site-wide one its page shows none (and no placeholder)."""
    settings.ALMANAC_ACCESSIBILITY_EMAIL = ""
    assert demo[SOS].organizer.email == "sdonnelly@masslibsystem.org"
    conference = demo[WHOLEHEARTED]
    assert conference.organizer.email == ""
    assert conference.accessibility_email == ""
    assert conference.accessibility_contact_email == ""
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "almanac.invalid" not in page
    assert "Accessibility Information" not in page
    webinar = client.get(demo[SOS].get_absolute_url()).content.decode()
    assert "mailto:ce@ala.org" in webinar


def test_the_command_publishes_the_seed_blog_post_in_the_footer(
    capsys, monkeypatch, client
):
    """load_demo publishes "Overwhelmed By: Professional Connections" as a
    flat page linked from every footer, once however often it runs, without
    the seed page's photo captions or comment form."""
    _load(capsys, monkeypatch)
    _load(capsys, monkeypatch)
    [post] = FlatPage.objects.all()
    assert FooterLink.objects.get().page == post
    response = client.get("/professional-connections/")
    assert response.status_code == 200
    page = dom.parse(response)
    assert dom.text(dom.find(page, "h1")) == "Overwhelmed By: Professional Connections"
    assert [dom.text(h) for h in dom.find_all(page, "h2")] == [
        "Embrace Professional Development",
        "Consider Different Approaches",
        "Study Best Practices",
        "Key Takeaways",
        "For More Information",
    ]
    words = dom.text_of(response)
    assert "Jaime Eastman is a Public Services Librarian" in words
    for left_out in ("Bulletin board with sticky notes", "Leave a Reply"):
        assert left_out not in words
    home = dom.find(dom.parse(client.get("/")), "footer")
    assert "/professional-connections/" in dom.hrefs(home)
