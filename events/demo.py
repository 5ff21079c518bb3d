# The seeds use typographic quotes and apostrophes; they stay as written.
# ruff: noqa: RUF001
"""The demo calendar: the events of ``../shared/seeds/`` transcribed as data.

Three ALA webinars that a state library system offers its members, and the
first Library 2.020 mini-conference. The text is the seeds' own; only the
dates move (see ``move_to_future``) so that the demo can be registered for.

``load_demo_data()`` writes them idempotently: events, categories, organizers
and series are matched by slug, presenters by name, and each event's
presenter line-up and learning outcomes are replaced, never duplicated.
"""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .groups import (
    EVENT_EDITORS,
    REGISTRATION_MANAGERS,
    ROSTER_VIEWERS,
    ensure_staff_groups,
)
from .models import (
    DEFAULT_NON_MEMBER_NOTE,
    Category,
    Event,
    EventPresenter,
    LearningOutcome,
    Organizer,
    Presenter,
    Series,
)
from .search import refresh_search_names

EASTERN = "America/New_York"
PACIFIC = "America/Los_Angeles"


@dataclass(frozen=True)
class DemoPresenter:
    name: str
    role: str = ""
    affiliation: str = ""
    pronouns: str = ""
    bio: str = ""


@dataclass(frozen=True)
class DemoEvent:
    title: str
    slug: str
    seed_date: date  # the date on the seed page, in the event's zone
    starts: time  # wall-clock time in ``time_zone``
    ends: time
    time_zone: str
    description: str  # Markdown
    category: tuple[str, str]  # (name, slug)
    organizer: tuple[str, str]  # (name, slug)
    registration_note: str = ""
    outcomes_intro: str = ""
    outcomes: tuple[str, ...] = ()
    who_should_attend: str = ""
    presenters: tuple[DemoPresenter, ...] = ()
    series: tuple[str, str, str] | None = None  # (title, slug, description)
    capacity: int | None = None
    waitlist_enabled: bool = True
    accessibility_email: str = ""
    accessibility_phone: str = ""
    join_url: str = ""
    who_may_register: str = Event.WhoMayRegister.EVERYONE
    non_member_note: str = ""


# The sponsor's terms, as the seed pages print them above each ALA webinar.
MLS_REGISTRATION_NOTE = """\
The Massachusetts Library System is pleased to announce that we have \
contracted with ALA to provide our members with access to their live \
webinars. These webinars are free to MLS members who register through our \
calendar. Please do not register directly with ALA. Members who register \
directly with ALA are responsible for paying their registration fee.

Please help us keep MLS sponsored training free for all members. If you are \
unable to attend the live webinar, please cancel your registration. A \
cancellation link can be found in your confirmation email, or you may contact \
Sarah Donnelly at sdonnelly@masslibsystem.org to cancel."""

# Who may register for the ALA webinars, and what the seeds tell everyone
# else: they are free to members through the calendar; others register with
# ALA, and pay.
ALA_MEMBERS_ONLY = {
    "who_may_register": Event.WhoMayRegister.MEMBERS,
    "non_member_note": (
        "Non-members can register directly with ALA; a registration fee applies."
    ),
}

ALA_CATEGORY = ("Vendor Webinar - ALA", "vendor-webinar-ala")
LEARNING_SERVICES = ("Learning Services", "learning-services")
# The contacts the seeds name, by organizer slug: the system's own person
# for its ALA webinars. The Library 2.020 announcement names none, so that
# organizer (and the mini-conference's accessibility contact) stays blank
# rather than made up: the page then leaves the contact out.
ORGANIZER_EMAILS = {"learning-services": "sdonnelly@masslibsystem.org"}
ALA_ACCESSIBILITY = {
    "accessibility_email": "ce@ala.org",
    "accessibility_phone": "312-280-5100",
}
# Seats: every seed webinar has 100 seats; the "98 / 94 seats available" on
# the seed pages are the demo registrants that registrations.demo adds.
ALA_SEATS = 100


def _fake_join_url(slug: str) -> str:
    # Deliberately on example.org: the demo must never point at a real room.
    return f"https://ala.example.org/webinars/{slug}/join"


SOS = DemoEvent(
    title="SOS for Library Professionals (ALA Webinar)",
    slug="sos-for-library-professionals",
    seed_date=date(2025, 10, 21),
    starts=time(14, 0),
    ends=time(15, 0),
    time_zone=EASTERN,
    registration_note=MLS_REGISTRATION_NOTE,
    **ALA_MEMBERS_ONLY,
    description="""\
The creation of a compassionate library ecosystem requires librarians, \
paraprofessionals, and supervisors to work in tandem to ensure that the \
workplace environment incorporates collegiality, self-care, and an \
acknowledgement of personal difference that allows all employees to operate \
within a sphere of safety. Incorporating compassionate and respectful practices \
into everyday interactions is only the beginning; the process also includes \
empowering employees to engage in activities that reflect their value, support \
and celebrate individual differences, and provide opportunities for healthy \
disagreement.

While the recognition that everyone is different and worthy of respect can be \
difficult to achieve, developing a climate that emphasizes this ethos is \
essential and worthwhile, especially in times fraught with uncertainty. \
Creating this type of environment can be distilled down into three major \
elements that will be covered in this presentation: permitting librarians and \
library staff to set boundaries related to their work output and input, \
building a shared concept of collegiality and practicing those qualities every \
day, and promoting and supporting self-care strategies that are mindful of \
individual differences. This presentation will discuss how supervisors can \
work with their departments to integrate these elements, leading to a more \
connected and effective team.""",
    outcomes_intro="By the end of this webinar, attendees will learn:",
    outcomes=(
        "How to incorporate practices that promote positivity and well-being into "
        "their library environments in ways that promote department/team success;",
        "How respect, boundaries, and self-care can reduce interpersonal stress "
        "within the library; and",
        "How suggested activities can be scaled to fit their individual "
        "institutions, leading to actionable items.",
    ),
    who_should_attend=(
        "Librarians and library administrators working in middle to upper "
        "management who supervise others."
    ),
    presenters=(
        DemoPresenter(
            name="Elana Karshmer",
            role="Head of Reference & Research Services",
            affiliation="New Mexico State University",
            bio="""\
Elana Karshmer is the Head of Reference & Research Services at New Mexico \
State University. She completed her M.A. (L.I.S.) and PhD in English at USF. In \
2009 Elana was named an American Library Association Emerging Leader, and in \
2014, she won the ALA Library Instruction Roundtable’s Innovation in \
Instruction award for her work with first-year students. Elana is also a \
Past-President of the Florida Library Association and Florida ACRL. She has a \
PhD in postcolonial literature, focusing on the work of South African women \
writers, and has published articles in the fields of literature and library & \
information science. She has presented extensively both nationally and \
internationally and is especially concerned with the role of middle- and \
upper- administrators in promoting the success of libraries and libraries in \
the communities they serve. Elana believes that her work as a librarian allows \
her to teach critical thinking in a more efficient manner. Her work as a \
literary scholar enhances her ability to teach research skills and her work as \
a librarian gives her a unique perspective on the literary research process; \
in short, both fields contribute to one another and help her develop new ways \
of reaching students, faculty, and colleagues.""",
        ),
    ),
    category=ALA_CATEGORY,
    organizer=LEARNING_SERVICES,
    capacity=ALA_SEATS,
    join_url=_fake_join_url("sos-for-library-professionals"),
    **ALA_ACCESSIBILITY,
)

PATRON_RESPONSE = DemoEvent(
    title=(
        "Patron Response Framework: Responding with Kindness, Empathy, and Love "
        "in Difficult Situations (ALA Webinar)"
    ),
    slug="patron-response-framework",
    seed_date=date(2025, 10, 1),
    starts=time(13, 0),
    ends=time(14, 0),
    time_zone=EASTERN,
    registration_note=MLS_REGISTRATION_NOTE,
    **ALA_MEMBERS_ONLY,
    description="""\
In 2017, Kent District Library created a response framework for their \
employees to use to respond to difficult situations that occur in the library. \
Responding to concerns and complaints in a kind and empathetic way ensures \
people feel listened to and cared for. This prevents escalation and helps \
maintain a safe environment. In 2022, Kent District Library relaunched the \
Frameworks through the lens of Diversity, Equity and Inclusion. The new \
frameworks focus on learning and growing together, and de-escalating \
situations for the safety of all, while addressing unconscious bias.

In this session, step-by-step instructions for the development of the \
frameworks will be discussed, including planning, evaluation, and \
implementation.

The four frameworks will also be introduced with an acronym to help staff \
remember the steps, including example patron interactions.""",
    outcomes_intro="By the end of this webinar, participants will be able to:",
    outcomes=(
        "Plan for the development of a response framework for their communities",
        "Create an evaluation plan for existing patron behavior responses to ensure "
        "the diverse experiences and backgrounds of the community are respected "
        "and the policies are equitable.",
        "Employ responses for immediate use with their patrons.",
    ),
    presenters=(
        DemoPresenter(
            name="Michelle (Shelley) Roossien",
            role="Accessibility & Inclusion Specialist",
            affiliation="Kent District Library",
            bio=(
                "The presenter, Michelle (Shelley) Roossien, is Accessibility & "
                "Inclusion Specialist with the Kent District Library."
            ),
        ),
    ),
    category=ALA_CATEGORY,
    organizer=LEARNING_SERVICES,
    capacity=ALA_SEATS,
    join_url=_fake_join_url("patron-response-framework"),
    **ALA_ACCESSIBILITY,
)

SOCIAL_MEDIA = DemoEvent(
    title="Minimizing Social Media to Maximize Library Values (ALA Webinar)",
    slug="minimizing-social-media-to-maximize-library-values",
    seed_date=date(2025, 12, 10),
    starts=time(14, 0),
    ends=time(15, 0),
    time_zone=EASTERN,
    registration_note=MLS_REGISTRATION_NOTE,
    **ALA_MEMBERS_ONLY,
    # The seed page glues an image's alt text ("Decorative image of person
    # holding a mobile device...") to the first paragraph; only the prose stays.
    description="""\
While social media is an unavoidable reality of today's digital landscape, it \
has inherent conflicts with some of the core values of librarianship—including \
intellectual freedom and privacy. Indeed, many of the most important aspects \
of librarianship and public service are at odds with the defining \
characteristics of social media.

Is it worth reconsidering how we use this tool and examining its real and \
practical value for libraries, rather than the value attributed to it by Big \
Tech? Do we put our profession in an ethically compromised place by \
encouraging patrons to use social media platforms when we can communicate in \
other ways?

In this webinar, learn how a medium-sized public library in Montana minimized \
its social media use while still engaging with its community.""",
    outcomes_intro="At the conclusion of this webinar, participants will be able to:",
    outcomes=(
        "Recognize that social media and libraries have inherent conflicts in "
        "their values, including intellectual freedom and privacy, that are worth "
        "thinking deeply about;",
        "Understand that minimizing social media use by your library can save "
        "time, reduce the tension that comes with constantly managing a social "
        "media page, and redirect your marketing efforts to ways that might feel "
        "more authentic for your library and community; and",
        "Feel empowered to think outside the box and hopefully reconnect with "
        "some of the most important values of librarianship and better "
        "communicate them to other librarians as well as the public.",
    ),
    who_should_attend=(
        "This webinar is intended for public library staff involved in marketing "
        "and/or social media management, as well as library directors."
    ),
    presenters=(
        DemoPresenter(
            name="Mark Wetherington",
            pronouns="he/him",
            role="Director",
            affiliation="Bitterroot Public Library, Hamilton, Montana",
            bio="""\
Mark Wetherington (he/him) is the director of the Bitterroot Public Library in \
Hamilton, Montana, and an avid backpacker and outdoor enthusiast. He is a \
co-author of Backpacking Washington published by Wilderness Press and is a \
regular contributor to Trails Magazine. Mark began working in libraries in \
2006 and received his MLIS from the University of Kentucky in 2012.""",
        ),
    ),
    category=ALA_CATEGORY,
    organizer=LEARNING_SERVICES,
    capacity=ALA_SEATS,
    join_url=_fake_join_url("minimizing-social-media-to-maximize-library-values"),
    **ALA_ACCESSIBILITY,
)

LIBRARY_2020 = (
    "Library 2.020",
    "library-2020",
    """\
The 10th Annual Library 2.0 Worldwide Virtual Conference (the global \
conference series began in 2011), held online as three mini-conferences: the \
first in March, the second and third in June and October. All of the \
Library 2.020 web conferences are free to attend. Register in advance and \
receive links to the recorded sessions.""",
)

WHOLEHEARTED = DemoEvent(
    title=(
        "Wholehearted Libraries: Soft Skills for 21st Century Information Professionals"
    ),
    slug="wholehearted-libraries",
    seed_date=date(2020, 3, 10),
    starts=time(12, 0),
    ends=time(15, 0),
    time_zone=PACIFIC,
    registration_note=(
        "Registration is free. Register in advance and receive links to the "
        "recorded sessions."
    ),
    # The seed's announcement in full, its headline a heading under the
    # page's "Description" and Stephens' reflection a quotation.
    description="""\
### ‘Wholehearted Libraries: Soft Skills for 21st Century Information \
Professionals,’ First Library 2.020 Mini-conference Encourages Compassion, \
Empathy and Finding Balance

The first Library 2.020 mini-conference, “Wholehearted Libraries: Soft \
Skills for 21st Century Information Professionals,” kicks off the 10th \
Annual Library 2.0 Worldwide Virtual Conference—the global conference series \
began in 2011— embracing the idea that “soft skills are heart skills.”

Organized in partnership with Dr. Michael Stephens, associate professor at \
San José State University’s School of Information, the conference topic was \
inspired by Stephens’ book, “Wholehearted Librarianship: Finding Hope, \
Inspiration, and Balance.” The online and participatory conference will be \
held on Tuesday, March 10, 2020, from 12:00 – 3:00 p.m. Pacific Time, and \
registration is free.

“I am super excited to be working on this Library 2.0 conference,” Stephens \
enthused. “The emphasis these days on human connections, soft skills, and \
libraries as safe and encouraging spaces demonstrates how responsive we can \
be to user needs. We should always consider our users through a lens of \
compassion and empathy. What would make their lives easier? It’s about \
taking care of user needs.”

Conference sessions will focus on defining and expanding the understanding \
of soft skills, nurturing a positive mindset in employees, using the power \
of stories to promote understanding, and extending the reach of \
librarianship into global communities. Participants will learn how to engage \
users with soft skills such as compassion, empathy, creativity, curiosity, \
and finding balance, and explore ways to develop open-mindedness and \
emotional intelligence.

In “Hitting the Breaks on the Fast Track to Burnout,” an article by Laura \
O’Grady published in Public Libraries Magazine, Stephens reflected on the \
significance of “heart skills” in librarianship:

> “We do a lot of ‘taking care’ in our field, such as offering a safe space \
for every person who comes through our doors to learn and grow, designing \
welcoming spaces for folks to come together to collaborate and exchange \
ideas, creating thriving digital communities, and providing participatory \
services to promote learning and well-being. What we’ve done in the past can \
also be seen through this lens. Think of all the programs and services over \
the years that might fall under the ‘taking care’ banner. Even my own mantra \
of ‘the library should encourage the heart’ is all about tending to the \
needs of our people.”

A collection of columns, blog posts, and essays that celebrates compassion \
and empathy, teaches ways to develop and empower kindness, and encourages \
curiosity and creativity as keys to establishing “radical trust” and \
inclusivity, Stephens’ book, his second, was published in May 2019 by ALA \
Editions, an imprint of the American Library Association, was recently \
selected as Book of the Week by Against the Grain, and was included in the \
2019 Holiday Gift Guide for Librarians and Book Lovers by American \
Libraries.

The conference offers presenters an opportunity to showcase research, work, \
and thinking on the human side of 21st Century library and information work, \
and all are welcome to submit a presentation proposal. Proposals will be \
accepted on a first-come, first-served basis; the number of sessions is \
limited, and early submission proposals are recommended. The deadline to \
submit presentation proposals is February 21, 2020. For more details on \
presenting at the conference, visit the call for proposals.

“Wholehearted Librarianship” will be the first of three mini-conferences \
held online throughout 2020; the second and third will be held in June and \
October. All of the Library 2.020 web conferences are free to attend. \
Register in advance and receive links to the recorded sessions. Visit the \
conference website for more information.""",
    category=("Virtual Conference", "virtual-conference"),
    # The conference series itself organizes it (with SJSU's iSchool as partner).
    organizer=("Library 2.0", "library-2-0"),
    series=LIBRARY_2020,
    capacity=None,  # an open online conference: no seat limit
    waitlist_enabled=False,
    join_url="https://library20.example.org/wholehearted-libraries/join",
)

DEMO_EVENTS: tuple[DemoEvent, ...] = (SOS, PATRON_RESPONSE, SOCIAL_MEDIA, WHOLEHEARTED)


def move_to_future(seed_date: date, *, today: date) -> date:
    """The seed's month and day, moved forward by whole years.

    Picks the smallest number of years N (0 included) such that the date is
    after ``today`` *and* falls on the seed's weekday, so "Tuesday, October 21"
    stays a Tuesday: the weekday of a month/day repeats only every 5, 6 or 11
    years, so N is usually larger than one. Always ends: the Gregorian weekday
    pattern repeats every 28 years (Feb 29 simply skips non-leap years).
    """
    for years in itertools.count():
        try:
            candidate = seed_date.replace(year=seed_date.year + years)
        except ValueError:  # February 29 in a common year
            continue
        if candidate > today and candidate.weekday() == seed_date.weekday():
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def scheduled_times(spec: DemoEvent, *, today: date) -> tuple[datetime, datetime]:
    """Aware start and end on the seed's wall clock, on the moved date.

    The datetimes are built from the local wall time in the event's zone, never
    by adding a timedelta to a UTC instant: 2:00pm Eastern stays 2:00pm Eastern
    whether the new date falls in daylight saving time or not.
    """
    day = move_to_future(spec.seed_date, today=today)
    zone = ZoneInfo(spec.time_zone)
    return (
        datetime.combine(day, spec.starts, tzinfo=zone),
        datetime.combine(day, spec.ends, tzinfo=zone),
    )


def _save_presenter(spec: DemoPresenter) -> Presenter:
    fields = {
        "pronouns": spec.pronouns,
        "role": spec.role,
        "affiliation": spec.affiliation,
        "bio": spec.bio,
    }
    # Names are not unique: reuse the oldest presenter of that name.
    presenter = Presenter.objects.filter(name=spec.name).order_by("pk").first()
    if presenter is None:
        return Presenter.objects.create(name=spec.name, **fields)
    for name, value in fields.items():
        setattr(presenter, name, value)
    presenter.save()
    return presenter


def _save_event(spec: DemoEvent, *, today: date) -> Event:
    category, _ = Category.objects.update_or_create(
        slug=spec.category[1], defaults={"name": spec.category[0]}
    )
    organizer, _ = Organizer.objects.update_or_create(
        slug=spec.organizer[1],
        defaults={
            "name": spec.organizer[0],
            "email": ORGANIZER_EMAILS.get(spec.organizer[1], ""),
        },
    )
    series = None
    if spec.series:
        title, slug, description = spec.series
        series, _ = Series.objects.update_or_create(
            slug=slug, defaults={"title": title, "description": description}
        )
    start, end = scheduled_times(spec, today=today)
    event, _ = Event.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "description": spec.description,
            "outcomes_intro": spec.outcomes_intro,
            "who_should_attend": spec.who_should_attend,
            "registration_note": spec.registration_note,
            "organizer": organizer,
            "series": series,
            "start": start,
            "end": end,
            "time_zone": spec.time_zone,
            "format": Event.Format.ONLINE,
            "location": "",
            "join_url": spec.join_url,
            "accessibility_email": spec.accessibility_email,
            "accessibility_phone": spec.accessibility_phone,
            "status": Event.Status.SCHEDULED,
            "is_published": True,
            "registration_required": True,
            "capacity": spec.capacity,
            "waitlist_enabled": spec.waitlist_enabled,
            "waitlist_limit": None,
            "registration_opens": None,
            "registration_closes": None,
            "who_may_register": spec.who_may_register,
            "open_to_everyone_at": None,
            "non_member_note": spec.non_member_note or str(DEFAULT_NON_MEMBER_NOTE),
            "external_registration_url": "",
        },
    )
    event.categories.set([category])
    event.presenter_slots.all().delete()
    EventPresenter.objects.bulk_create(
        EventPresenter(event=event, presenter=_save_presenter(p), order=n)
        for n, p in enumerate(spec.presenters, start=1)
    )
    event.outcomes.all().delete()
    LearningOutcome.objects.bulk_create(
        LearningOutcome(event=event, text=text, order=n)
        for n, text in enumerate(spec.outcomes, start=1)
    )
    # bulk_create sends no signal: the presenters' names, searched.
    refresh_search_names([event.pk])
    return event


@transaction.atomic
def load_demo_data(*, today: date | None = None) -> list[Event]:
    """Create or refresh the demo events; return them in seed order."""
    today = today or timezone.localdate()
    return [_save_event(spec, today=today) for spec in DEMO_EVENTS]


@transaction.atomic
def refresh_demo_staff(*, username: str, password: str):
    """A staff account (not a superuser) in every staff group, as the seeds'
    learning-services team works: they edit the events, read the rosters and
    manage the registrants. The password is reset."""
    groups = ensure_staff_groups()
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.is_active = True
    user.is_superuser = False
    user.set_password(password)
    user.save()
    user.groups.add(
        groups[EVENT_EDITORS], groups[ROSTER_VIEWERS], groups[REGISTRATION_MANAGERS]
    )
    return user
