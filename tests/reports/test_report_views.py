"""The reports pages: who may see them, the filters and their messages, a
chart beside each data table, the CSV downloads, and the annual report."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from events.groups import REGISTRATION_MANAGERS, ROSTER_VIEWERS, ensure_staff_groups
from registrations.models import Registration
from reports import tables
from tests import dom

from .dataset import NOW, add, build_dataset
from .test_figures import grow, queries_for

pytestmark = pytest.mark.django_db

REPORT = reverse("reports:report")
YEAR_2031 = {"start": "2031-01-01", "end": "2031-12-31"}


def csv_url(table: str) -> str:
    return reverse("reports:report_csv", kwargs={"table": table})


def sign_in(client, *, group=None, is_staff=True, permissions=()):
    user = get_user_model().objects.create_user(
        "someone", password="a-long-test-password", is_staff=is_staff
    )
    if group:
        user.groups.add(ensure_staff_groups()[group])
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client):
    """A staff member in the roster viewers group only."""
    return sign_in(client, group=ROSTER_VIEWERS)


@pytest.fixture(autouse=True)
def at_now(clock):
    """The clock at the data set's "now" (June 1, 2031), before anyone
    signs in (a session started earlier would have expired by then)."""
    clock.now = NOW
    return clock


@pytest.fixture
def data():
    return build_dataset()


def read_csv(response) -> list[list[str]]:
    """The rows of a CSV download, which starts with the byte-order mark
    that tells Excel it is UTF-8."""
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# Who may see the reports


@pytest.mark.parametrize(
    "url",
    [
        REPORT,
        csv_url("month"),
        reverse("reports:annual_index"),
        reverse("reports:annual", kwargs={"year": 2031}),
        reverse("reports:annual_csv", kwargs={"year": 2031}),
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    """Someone not signed in who opens the report, a CSV download, the annual
    report's index, the annual report or its CSV is sent to the admin's sign-in
    page."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url",
    [
        REPORT,
        csv_url("month"),
        reverse("reports:annual", kwargs={"year": 2031}),
        reverse("reports:annual_csv", kwargs={"year": 2031}),
    ],
)
def test_staff_who_may_not_view_registrations_are_refused(client, url):
    """Staff who may view and change events but not view registrations get 403
    on the report, its CSV, the annual report and the annual CSV."""
    sign_in(client, permissions=["view_event", "change_event"])
    assert client.get(url).status_code == 403


def test_a_user_who_is_not_staff_is_refused_even_with_the_permission(client):
    """Someone who may view registrations but is not staff gets 403 on the
    report."""
    sign_in(client, is_staff=False, permissions=["view_registration"])
    assert client.get(REPORT).status_code == 403


@pytest.mark.parametrize("group", [ROSTER_VIEWERS, REGISTRATION_MANAGERS])
def test_roster_viewers_and_managers_see_the_reports(client, group):
    """Roster viewers and registration managers alike open the report, the
    month CSV and the 2031 annual report."""
    sign_in(client, group=group)
    assert client.get(REPORT).status_code == 200
    assert client.get(csv_url("month")).status_code == 200
    assert client.get(reverse("reports:annual", kwargs={"year": 2031})).status_code == (
        200
    )


# The page


def section(page, name):
    return dom.find(page, "section", aria_labelledby=f"heading-{name}")


def row_cells(table, label: str) -> list[str]:
    """The cells of the row whose header reads ``label``."""
    for tr in dom.find_all(table, "tr"):
        heads = dom.find_all(tr, "th", scope="row")
        if heads and dom.text(heads[0]) == label:
            return [dom.text(cell) for cell in dom.find_all(tr, "td")]
    raise AssertionError(f"no row {label!r}")


def test_the_page_shows_totals_and_each_breakdown_with_chart_and_table(viewer, data):
    """For 2031 the totals table has its columns and figures (4 events, 14
    registrations, 9 confirmed, 6 attended); the months, member libraries,
    categories, fullest events and evaluations each have a named chart, a table
    and a CSV link for the range; the events and the evaluations by event have
    a table and no chart; the library table has a "No member library" row and
    Springfield's figures; and the page links to the annual report."""
    page = dom.parse(viewer.get(REPORT, YEAR_2031))
    totals = dom.find(page, "table", id="table-totals")
    headers = [dom.text(th) for th in dom.find_all(totals, "th", scope="col")]
    assert headers[:5] == [
        "Events starting",
        "Events",
        "Registrations",
        "Confirmed",
        "Attended",
    ]
    cells = [dom.text(td) for td in dom.find_all(totals, "td")]
    assert cells[:4] == ["4", "14", "9", "6"]
    for name in ("month", "library", "category", "fullest", "evaluation"):
        part = section(page, name)
        svg = dom.find(part, "svg", role="img")
        assert dom.text(dom.find_all(svg, "title")[0])
        dom.find(part, "table", id=f"table-{name}")
        assert f"{csv_url(name)}?start=2031-01-01" in dom.hrefs(part)[0]
    for name in ("event", "evaluation_event"):
        part = section(page, name)
        assert not dom.find_all(part, "svg")
        dom.find(part, "table", id=f"table-{name}")
    library = dom.find(page, "table", id="table-library")
    assert row_cells(library, "No member library")[:3] == ["2", "1", "1"]
    assert row_cells(library, "Springfield Public Library")[:4] == [
        "7",
        "5",
        "3",
        "25.0%",
    ]
    assert "Annual report" in dom.text(
        dom.find(page, "a", href=reverse("reports:annual_index"))
    )


def bar_labels(svg) -> list[str]:
    """Each bar's label in full (a shortened one carries it in a title)."""
    labels = []
    for point in dom.find_all(svg, "g", class_="chart-point"):
        label = dom.find(point, "text", class_="chart-label")
        full = dom.find_all(label, "title")
        labels.append(dom.text(full[0]) if full else dom.text(label))
    return labels


def percent(text: str) -> float:
    """ "50%" and "50.0%" alike: the chart rounds as it draws, the table
    to one decimal."""
    return float(text.removesuffix("%"))


def row_labels(table) -> list[str]:
    return [dom.text(th) for th in dom.find_all(table, "th", scope="row")]


def test_each_chart_draws_the_rows_of_the_table_beside_it(viewer, data, monkeypatch):
    """On the page, every chart has one bar per row of its table, in the
    same order, with the figure the table gives; the fullest events too,
    even when the event table stops before them."""
    monkeypatch.setattr(tables, "PAGE_ROWS", 1)
    page = dom.parse(viewer.get(REPORT, YEAR_2031))
    sections = dom.find_all(page, "section", class_="report-section")
    charted = [part for part in sections if dom.find_all(part, "svg")]
    assert len(charted) == 5
    for part in charted:
        svg = dom.find(part, "svg", role="img")
        table = dom.find(part, "table")
        assert bar_labels(svg) == row_labels(table) != []
        assert len(dom.find_all(svg, "rect", class_="chart-bar")) == len(
            row_labels(table)
        )
    fullest = dom.find(section(page, "fullest"), "table")
    assert "Fill rate" in [dom.text(th) for th in dom.find_all(fullest, "th")]
    values = [
        dom.text(text)
        for text in dom.find_all(section(page, "fullest"), "text", class_="chart-value")
    ]
    fill_rates = [row_cells(fullest, label)[-1] for label in row_labels(fullest)]
    assert [percent(value) for value in values] == [percent(r) for r in fill_rates]
    shown_events = row_labels(dom.find(section(page, "event"), "table"))
    assert len(shown_events) == 1
    assert set(row_labels(fullest)) - set(shown_events)


def test_the_page_defaults_to_this_calendar_year(viewer, clock):
    """With no dates given, the report covers this calendar year: the start and
    end fields read January 1 and December 31 of this year, and the totals are
    shown."""
    page = dom.parse(viewer.get(REPORT))
    year = clock.now.year
    assert dom.attribute(dom.find(page, "input", name="start"), "value") == (
        f"{year}-01-01"
    )
    assert dom.attribute(dom.find(page, "input", name="end"), "value") == (
        f"{year}-12-31"
    )
    dom.find(page, "table", id="table-totals")


def test_the_filters_narrow_the_figures(viewer, data):
    """Choosing Springfield and the Outreach category narrows the 2031 totals
    to Springfield's registrations at Outreach events: 2 events, 5
    registrations."""
    response = viewer.get(
        REPORT,
        {**YEAR_2031, "library": data.springfield.pk, "category": data.outreach.pk},
    )
    totals = dom.find(dom.parse(response), "table", id="table-totals")
    # Springfield's registrations at the two Outreach events: a1, a2, a5,
    # b1, b3.
    assert [dom.text(td) for td in dom.find_all(totals, "td")][:2] == ["2", "5"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2031-13-01", "end": "2031-12-31"}, "start", "Enter a valid date."),
        (
            {"start": "2031-06-01", "end": "2031-01-01"},
            "end",
            "The end of the range must not be before its start.",
        ),
        ({"start": "", "end": "2031-12-31"}, "start", "This field is required."),
        (
            {"start": "2021-01-01", "end": "2031-01-01"},
            "end",
            "Choose a range of at most 10 years.",
        ),
        (
            {"start": "9990-01-01", "end": "9999-12-31"},
            "end",
            "Enter a date before the year 3000.",
        ),
        (
            {"start": "0001-01-01", "end": "0001-12-31"},
            "start",
            "Enter a date from 1900 on.",
        ),
        (
            {**YEAR_2031, "category": "nonsense"},
            "category",
            "Select a valid choice.",
        ),
        ({**YEAR_2031, "format": "<script>"}, "format", "Select a valid choice."),
        ({**YEAR_2031, "library": "999999"}, "library", "Select a valid choice."),
    ],
)
def test_bad_filters_are_a_message_on_their_field(viewer, query, field, message):
    """200, the message under the field it is about, and no figures."""
    for url in (REPORT, csv_url("month")):
        response = viewer.get(url, query)
        assert response.status_code == 200
        page = dom.parse(response)
        errors = dom.find(page, "ul", id=f"id_{field}_error")
        assert message in dom.text(errors)
        control = dom.find(page, None, name=field)
        assert dom.attribute(control, "aria-invalid") == "true"
        dom.find(page, "div", role="alert")
        assert dom.find_all(dom.find(page, id="content-main"), "table") == []


def test_the_page_names_nobody(viewer, data):
    """The report gives figures only: no registrant's email address or name
    (Pat's) appears on it."""
    content = viewer.get(REPORT, YEAR_2031).content.decode()
    assert "pat@spring.example" not in content
    assert "Pat" not in content


# CSV


def test_each_table_downloads_as_csv_with_its_columns(viewer, data):
    """The member library table downloads as a UTF-8 CSV file named for the
    table and the range, with the table's column headings and a row for each
    library, the "No member library" row last."""
    response = viewer.get(csv_url("library"), YEAR_2031)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="almanac-library-2031-01-01-to-2031-12-31.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Member library",
        "Registrations",
        "Confirmed",
        "Attended",
        "No-show rate",
        "Left waiting",
        "Turned away",
        "Awaiting approval",
    ]
    assert rows[1:] == [
        ["Shelbyville Library", "5", "3", "2", "33.3", "0", "1", "0"],
        ["Springfield Public Library", "7", "5", "3", "25.0", "1", "0", "0"],
        ["No member library", "2", "1", "1", "0.0", "0", "0", "1"],
    ]


def test_the_month_csv(viewer, data):
    """The 2031 month CSV has a heading row and a row for each of the 12
    months; March has 2 events, 10 registrations, 14 seats and a 42.9 fill
    rate; April, whose only event has no seat limit, leaves its seats and fill
    rate blank."""
    rows = read_csv(viewer.get(csv_url("month"), YEAR_2031))
    assert rows[0][:3] == ["Month", "Events", "Registrations"]
    assert rows[0][-2:] == ["Seats", "Fill rate"]
    assert len(rows) == 13
    assert rows[3][:3] == ["March 2031", "2", "10"]
    assert rows[3][-2:] == ["14", "42.9"]
    assert rows[4][-2:] == ["", ""]


@pytest.mark.parametrize(
    "table",
    [
        "totals",
        "month",
        "library",
        "category",
        "event",
        "fullest",
        "evaluation",
        "evaluation_event",
    ],
)
def test_every_table_downloads(viewer, data, table):
    """Every table of the report downloads as a CSV file named for the table
    and the range, with a heading row and at least one row of figures."""
    response = viewer.get(csv_url(table), YEAR_2031)
    assert response.status_code == 200
    assert (
        f"almanac-{table}-2031-01-01-to-2031-12-31.csv"
        in (response["Content-Disposition"])
    )
    assert len(read_csv(response)) >= 2


def test_each_csv_has_the_columns_and_rows_of_its_table_on_the_page(viewer, data):
    """Every table's CSV: the page table's headers, and a row for each of
    its rows, first cells alike (the data set has fewer events than the
    page shows)."""
    page = dom.parse(viewer.get(REPORT, YEAR_2031))
    for name in tables.TABLE_BUILDERS:
        table = dom.find(page, "table", id=f"table-{name}")
        headers = [dom.text(th) for th in dom.find_all(table, "th", scope="col")]
        rows = read_csv(viewer.get(csv_url(name), YEAR_2031))
        assert rows[0] == headers, name
        first_cells = [dom.text(th) for th in dom.find_all(table, "th", scope="row")]
        assert len(rows) - 1 == len(first_cells) > 0, name
        if name != "totals":  # the page words its range as a sentence too
            assert [row[0] for row in rows[1:]] == first_cells, name


def test_an_unknown_table_is_a_404(viewer):
    """Asking for the CSV of a table that does not exist ("people") is a 404."""
    assert viewer.get(csv_url("people")).status_code == 404


def test_a_cell_that_looks_like_a_formula_is_made_safe(viewer, data):
    """A category or event named by staff as "=HYPERLINK(...)" opens in a
    spreadsheet as text, not as a formula."""
    data.outreach.name = '=HYPERLINK("http://evil.example","x")'
    data.outreach.save()
    data.both.title = "+1 webinar"
    data.both.save()
    categories = read_csv(viewer.get(csv_url("category"), YEAR_2031))
    assert [row[0] for row in categories[1:]] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "Cataloging",
        "No category",
    ]
    events = read_csv(viewer.get(csv_url("event"), YEAR_2031))
    assert events[1][0] == "'+1 webinar"


# The annual report


ANNUAL_2031 = reverse("reports:annual", kwargs={"year": 2031})


def test_the_annual_report(viewer, data):
    """The 2031 annual report says 4 different people attended; its table gives
    Springfield 2 people and 3 attendances, and everyone 4 people, 6
    attendances, 2 certificates and 2.5 CE hours; it has a chart, a link to its
    CSV, 2031 and 2030 in its year picker, and no warning."""
    response = viewer.get(ANNUAL_2031)
    assert "In 2031, 4 different people" in dom.text_of(response)
    page = dom.parse(response)
    table = dom.find(page, "table", id="table-annual")
    assert row_cells(table, "Springfield Public Library") == ["2", "3", "—", "—"]
    assert row_cells(table, "Everyone (each person once)") == ["4", "6", "2", "2.5"]
    dom.find(page, "svg", role="img")
    assert reverse("reports:annual_csv", kwargs={"year": 2031}) in dom.hrefs(page)
    # The year picker: every year from the first event's to this one.
    years = dom.find(page, "nav", class_="report-years")
    assert ANNUAL_2031 in dom.hrefs(years)
    assert reverse("reports:annual", kwargs={"year": 2030}) in dom.hrefs(years)
    assert dom.find_all(page, "p", class_="report-warning") == []


def test_attendances_purged_before_fingerprints_are_said(viewer, data):
    """Registrations purged before fingerprints were kept have none: they
    count as attendances, not people, and the page says how many."""
    Registration.objects.filter(pk=data.registrations["c1"].pk).update(attendee_key="")
    response = viewer.get(ANNUAL_2031)
    text = dom.text_of(response)
    assert "In 2031, 3 different people" in text
    assert "1 attendance was erased before Almanac kept fingerprints" in text


def test_the_annual_csv(viewer, data):
    """The 2031 annual report downloads as almanac-annual-report-2031.csv: a
    row per member library (people and attendances, certificates and CE hours
    left blank), then everyone, each person once, with 2 certificates and 2.5
    hours."""
    response = viewer.get(reverse("reports:annual_csv", kwargs={"year": 2031}))
    assert (
        'filename="almanac-annual-report-2031.csv"' in (response["Content-Disposition"])
    )
    assert read_csv(response) == [
        [
            "Member library",
            "People trained",
            "Attendances",
            "Certificates",
            "CE hours on certificates",
        ],
        ["Shelbyville Library", "2", "2", "", ""],
        ["Springfield Public Library", "2", "3", "", ""],
        ["No member library", "1", "1", "", ""],
        ["Everyone (each person once)", "4", "6", "2", "2.5"],
    ]


def test_one_person_at_two_events_counts_once(viewer, data):
    """Robin attends another event: one more attendance, no more people."""
    add(data.april, "ROBIN@elsewhere.example", attended=True)
    page = dom.parse(viewer.get(ANNUAL_2031))
    table = dom.find(page, "table", id="table-annual")
    assert row_cells(table, "No member library")[:2] == ["1", "2"]
    assert row_cells(table, "Everyone (each person once)")[:2] == ["4", "7"]


def test_the_annual_index_goes_to_this_year(viewer, clock):
    """The annual report's index sends staff on to this year's annual report."""
    response = viewer.get(reverse("reports:annual_index"))
    assert response["Location"] == reverse(
        "reports:annual", kwargs={"year": clock.now.year}
    )


def test_a_ten_year_range_is_allowed(viewer):
    """A range of exactly ten years (2021 through 2030) is accepted: the report
    shows its tables, more than 120 rows in all."""
    response = viewer.get(REPORT, {"start": "2021-01-01", "end": "2030-12-31"})
    assert len(dom.find_all(dom.parse(response), "tr")) > 120


def test_a_year_out_of_range_is_a_404(viewer):
    """An annual report or annual CSV for a year out of range (0, 1899, 99999)
    is a 404."""
    assert viewer.get(reverse("reports:annual", kwargs={"year": 0})).status_code == 404
    assert (
        viewer.get(reverse("reports:annual_csv", kwargs={"year": 1899})).status_code
        == 404
    )
    assert (
        viewer.get(reverse("reports:annual", kwargs={"year": 99999})).status_code == 404
    )


def test_an_empty_year(viewer):
    """The annual report of a year without events (2001) is shown and says 0
    different people."""
    response = viewer.get(reverse("reports:annual", kwargs={"year": 2001}))
    assert "In 2001, 0 different people" in dom.text_of(response)


def test_the_privacy_page_says_the_fingerprint_is_kept(client):
    """The privacy page tells anyone that a one-way fingerprint of each email
    address is kept, and that it cannot be turned back into the address."""
    text = dom.text_of(client.get("/privacy/"))
    assert "we keep a one-way fingerprint of each email address" in text
    assert "it cannot be turned back into the address" in text


def test_the_page_takes_as_many_queries_with_more_events(viewer, data):
    """The page's queries: the session and user, the form's choices, the
    admin's sidebar, and the report's ten; 20 more events add none."""
    grow(2)
    small = queries_for(lambda: viewer.get(REPORT, YEAR_2031))
    grow(20)
    assert queries_for(lambda: viewer.get(REPORT, YEAR_2031)) == small
    annual = reverse("reports:annual", kwargs={"year": 2031})
    before = queries_for(lambda: viewer.get(annual))
    grow(20)
    assert queries_for(lambda: viewer.get(annual)) == before
