"""Staff write the flat pages in the admin: address, title, Markdown content,
and a box that links the page from the footer."""

import pytest
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.models import FooterLink
from pages.services import place_in_footer
from tests import dom

pytestmark = pytest.mark.django_db

ADD = reverse("admin:flatpages_flatpage_add")


def page_form(**fields) -> dict:
    return {
        "url": "/about/",
        "title": "About the programme",
        "content": "We offer **free** webinars to member libraries.",
        "sites": [settings.SITE_ID],
        "footer_position": "0",
        **fields,
    }


def test_the_add_form_has_the_footer_box_and_no_template_choice(admin_client):
    """The form asks for the address, title, content (with Markdown help)
    and the footer; this site is chosen already; staff cannot name a template
    or restrict the page to signed-in staff."""
    page = dom.parse(admin_client.get(ADD))
    names = dom.control_names(page)
    assert {"url", "title", "content", "sites", "in_footer", "footer_position"} <= (
        names
    )
    assert not names & {"template_name", "registration_required", "enable_comments"}
    selected = dom.find(dom.find(page, "select", name="sites"), "option", selected=True)
    assert dom.attribute(selected, "value") == str(settings.SITE_ID)
    assert "Markdown" in dom.text_of(admin_client.get(ADD))


def test_saving_with_the_box_ticked_puts_the_page_in_the_footer(admin_client, client):
    """A page saved with "Link from the footer" is listed in every footer at
    its position; unticking the box takes it out."""
    response = admin_client.post(ADD, page_form(in_footer="on", footer_position="3"))
    assert response.status_code == 302
    page = FlatPage.objects.get(url="/about/")
    assert page.footer_link.position == 3
    home = client.get(reverse("events:home")).content.decode()
    assert 'href="/about/"' in home

    change = reverse("admin:flatpages_flatpage_change", args=[page.pk])
    form = dom.parse(admin_client.get(change))
    box = dom.find(form, "input", name="in_footer")
    position = dom.find(form, "input", name="footer_position")
    assert dom.attribute(box, "checked") is not None
    assert dom.attribute(position, "value") == "3"
    assert admin_client.post(change, page_form()).status_code == 302
    assert not FooterLink.objects.exists()
    assert 'href="/about/"' not in client.get(reverse("events:home")).content.decode()


def test_an_address_the_calendar_already_uses_is_refused(admin_client):
    """/events/ is the events list: the form says so and saves nothing."""
    response = admin_client.post(ADD, page_form(url="/events/"))
    assert response.status_code == 200
    assert "Another page of the calendar already has the address /events/" in (
        dom.text_of(response)
    )
    assert not FlatPage.objects.exists()


def test_an_address_without_its_slashes_is_refused(admin_client):
    """Django's own rule: a leading and a trailing slash."""
    response = admin_client.post(ADD, page_form(url="/about"))
    assert "URL is missing a trailing slash." in dom.text_of(response)
    assert not FlatPage.objects.exists()


def add_pages(count: int) -> None:
    for _ in range(count):
        n = FlatPage.objects.count()
        page = FlatPage.objects.create(url=f"/p{n}/", title=f"Page {n}")
        page.sites.add(settings.SITE_ID)
        if n % 2:
            place_in_footer(page=page, shown=True)


def test_the_list_shows_which_pages_are_in_the_footer(admin_client):
    """The page list says which pages the footer links to, in as many
    queries for 12 pages as for 2."""
    changelist = reverse("admin:flatpages_flatpage_changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(changelist)
        assert "in the footer" in dom.text_of(response).lower()
        return len(captured)

    add_pages(2)
    few = queries()
    add_pages(10)
    assert queries() == few
