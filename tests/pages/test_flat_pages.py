"""Issue 12, point 12: pages staff write in the admin (django.contrib.flatpages)
are served in the site's layout with their Markdown sanitized as event
descriptions are, listed in the footer when staff say so, and kept in the page
cache until any of them changes."""

import pytest
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.models import FooterLink
from pages.services import place_in_footer
from pages.signals import follow_site_url
from tests import dom
from tests.builders import make_event

pytestmark = pytest.mark.django_db


def make_page(
    url="/how-ce-works/",
    title="How CE works",
    content="Contact hours count **once**.",
    *,
    footer: int | None = None,
    on_site=True,
    **fields,
) -> FlatPage:
    page = FlatPage.objects.create(url=url, title=title, content=content, **fields)
    if on_site:
        page.sites.add(settings.SITE_ID)
    if footer is not None:
        place_in_footer(page=page, shown=True, position=footer)
    return page


def footer_links(response) -> list[tuple[str, str]]:
    footer = dom.find(dom.parse(response), "footer")
    found = dom.find_all(footer, "p", **{"class": "footer-pages"})
    if not found:
        return []
    links = dom.find_all(found[0], "a")
    return [(dom.text(link), dom.attribute(link, "href")) for link in links]


# Serving


def test_a_page_is_served_at_its_address_in_the_site_layout(client):
    """The page's title is its heading and its <title>, its Markdown is
    rendered, and it has the site's header, skip link and footer."""
    make_page(content="## Credit\n\nContact hours count **once**.\n\n- one\n- two")
    response = client.get("/how-ce-works/")
    assert response.status_code == 200
    page = dom.parse(response)
    assert dom.text(dom.find(page, "h1")) == "How CE works"
    assert dom.text(dom.find(page, "title")).startswith("How CE works | ")
    content = dom.find(page, "div", **{"class": "flat-page-content"})
    assert dom.text(dom.find(content, "h2")) == "Credit"
    assert dom.text(dom.find(content, "strong")) == "once"
    assert len(dom.find_all(content, "li")) == 2
    assert dom.find(page, "footer")
    assert "Skip to main content" in dom.text_of(response)


def test_html_staff_type_is_sanitized_like_event_descriptions(client):
    """Scripts, styles, images, event handlers and javascript: links never
    reach the page; plain links and emphasis do."""
    make_page(
        content=(
            '<p onclick="steal()">Hello <em>members</em></p>\n\n'
            "<script>alert('x')</script>\n\n"
            "<style>body{display:none}</style>\n\n"
            '<img src="https://tracker.example.net/p.gif" alt="">\n\n'
            '<a href="javascript:alert(1)">bad</a> '
            "[ALA](https://www.ala.org/)"
        )
    )
    html = client.get("/how-ce-works/").content.decode()
    content = html.split('class="flat-page-content">', 1)[1].split("</article>")[0]
    for unsafe in ("onclick", "<script", "alert(", "<style", "<img", "javascript:"):
        assert unsafe not in content, unsafe
    assert "<em>members</em>" in content
    assert 'href="https://www.ala.org/"' in content


def test_the_title_is_escaped(client):
    """A title is text, never markup."""
    make_page(title="<b>Resources</b>")
    page = client.get("/how-ce-works/").content.decode()
    assert "<b>Resources</b>" not in page
    assert "&lt;b&gt;Resources&lt;/b&gt;" in page


def test_unknown_addresses_and_other_sites_pages_are_the_404_page(client):
    """An address no page has, a page on another site only, or an address no
    page could have (a NUL byte, a line break) is the site's own 404 page,
    never a database error."""
    other = Site.objects.create(domain="other.example.net", name="Other")
    make_page(url="/elsewhere/", on_site=False).sites.add(other)
    for path in ("/no/such/page/", "/elsewhere/", "/%00/", "/a%0Ab/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in dom.text_of(response), path


def test_the_address_without_its_slash_redirects(client):
    """/how-ce-works goes to /how-ce-works/, as every page of the site."""
    make_page()
    response = client.get("/how-ce-works")
    assert response.status_code == 301
    assert response.headers["Location"] == "/how-ce-works/"


def test_head_answers_and_other_methods_are_refused(client):
    """HEAD gets GET's status and no body; a POST is refused with 405."""
    make_page()
    head = client.head("/how-ce-works/")
    assert head.status_code == 200
    assert head.content == b""
    assert client.post("/how-ce-works/").status_code == 405


def test_a_page_for_signed_in_staff_sends_others_to_sign_in(client, admin_client):
    """A page marked "registration required" (from the shell: the admin form
    has no such box) asks visitors to sign in, and is not in the footer."""
    make_page(registration_required=True, footer=1)
    response = client.get("/how-ce-works/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("admin:login"))
    assert admin_client.get("/how-ce-works/").status_code == 200
    assert footer_links(client.get(reverse("events:home"))) == []


def test_an_event_page_still_wins_over_a_page_with_its_address(client):
    """The flat pages answer only addresses nothing else answers."""
    event = make_event("Copyright Basics")
    make_page(url=event.get_absolute_url(), title="Shadow")
    response = client.get(event.get_absolute_url())
    assert "Copyright Basics" in dom.text_of(response)
    assert "Shadow" not in dom.text_of(response)


# The footer


def test_the_footer_lists_the_pages_marked_for_it_in_their_order(client):
    """Every page's footer links to the flat pages staff marked for it, by
    position then title; unmarked pages are not listed."""
    make_page("/resources/", "Resources", footer=2)
    make_page("/about/", "About the programme", footer=1)
    make_page("/how-ce-works/", "How CE works", footer=2)
    make_page("/draft-notes/", "Draft notes")
    event = make_event("Copyright Basics")
    expected = [
        ("About the programme", "/about/"),
        ("How CE works", "/how-ce-works/"),
        ("Resources", "/resources/"),
    ]
    for path in (
        reverse("events:home"),
        event.get_absolute_url(),
        reverse("events:accessibility"),
        "/draft-notes/",
        "/no/such/page/",
    ):
        assert footer_links(client.get(path)) == expected, path


def test_the_footer_marks_the_page_being_read(client):
    """On a page the footer lists, its own link says it is the current
    page."""
    make_page(footer=1)
    footer = dom.find(dom.parse(client.get("/how-ce-works/")), "footer")
    link = dom.find(footer, "a", href="/how-ce-works/")
    assert dom.attribute(link, "aria-current") == "page"


def test_no_marked_page_no_footer_line(client):
    """Without footer pages the footer has no empty line for them."""
    make_page()
    footer = dom.find(dom.parse(client.get(reverse("events:home"))), "footer")
    assert dom.find_all(footer, "p", **{"class": "footer-pages"}) == []


def test_the_footer_costs_one_query_however_many_pages(client):
    """A page built afresh runs one query for the footer's pages, whether
    none, one or ten are listed (Issue 6: a fixed number of queries). The
    accessibility statement is never kept in the page cache, so each visit
    builds it."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("events:accessibility")).status_code == 200
        return len(captured)

    none = queries()
    make_page("/p0/", "Page 0", footer=0)
    one = queries()
    for n in range(1, 10):
        make_page(f"/p{n}/", f"Page {n}", footer=n)
    ten = queries()
    assert none == one == ten


# The page cache


def test_a_page_is_served_from_the_page_cache(client, django_assert_num_queries):
    """A second visitor gets the stored page: no query at all, no cookie."""
    make_page(footer=1)
    first = client.get("/how-ce-works/")
    assert dict(first.cookies) == {}
    with django_assert_num_queries(0):
        again = client.get("/how-ce-works/")
    assert again.content == first.content


def test_an_edit_shows_at_once_on_the_page_and_in_every_footer(client):
    """Editing a page's content or title, taking it out of the footer, or
    off the site, shows on the very next visit, cached pages included."""
    page = make_page(footer=1)
    home = reverse("events:home")
    client.get("/how-ce-works/")
    client.get(home)

    page.title = "How continuing education works"
    page.content = "Now with **certificates**."
    page.save()
    response = client.get("/how-ce-works/")
    assert "certificates" in dom.text_of(response)
    assert footer_links(client.get(home)) == [
        ("How continuing education works", "/how-ce-works/")
    ]

    place_in_footer(page=page, shown=False)
    assert footer_links(client.get(home)) == []

    page.sites.clear()
    assert client.get("/how-ce-works/").status_code == 404


def test_deleting_a_page_takes_it_off_the_footer_at_once(client):
    """A deleted page leaves the footer and its address with it."""
    page = make_page(footer=1)
    home = reverse("events:home")
    assert footer_links(client.get(home)) == [("How CE works", "/how-ce-works/")]
    page.delete()
    assert not FooterLink.objects.exists()
    assert footer_links(client.get(home)) == []
    assert client.get("/how-ce-works/").status_code == 404


# The sites framework


def test_the_site_takes_the_host_of_site_url(settings):
    """The one site is named after SITE_URL's host, not "example.com", and
    follows it on the next migrate."""
    assert Site.objects.get_current().domain == "calendar.example.org"
    settings.SITE_URL = "https://events.masslibsystem.org"
    follow_site_url()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == (
        "events.masslibsystem.org",
        settings.ALMANAC_SITE_NAME,
    )


def test_the_rss_feeds_own_address_is_on_the_sites_host(client):
    """With the sites framework installed, Django's feed names itself from
    the site: the calendar's host, never example.com."""
    body = client.get(reverse("events:feed_rss")).content.decode()
    assert "example.com" not in body
    assert "calendar.example.org/events/feed.rss" in body
