"""Every page names the site's icon, and /favicon.ico leads to it."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.dom import attribute, find_all, parse

pytestmark = pytest.mark.django_db


def test_pages_link_the_icon(client):
    """The head links an SVG icon and an .ico, both served as static files."""
    links = find_all(parse(client.get(reverse("events:home"))), "link", rel="icon")
    assert [attribute(link, "type") for link in links] == ["image/svg+xml", None]
    svg, ico = (attribute(link, "href") for link in links)
    assert svg == "/static/img/favicon.svg"
    assert ico == "/static/img/favicon.ico"
    assert finders.find("img/favicon.svg") and finders.find("img/favicon.ico")


def test_favicon_ico_is_never_a_404(client):
    """Browsers and feed readers ask /favicon.ico: it redirects to the icon,
    a real .ico file (the browser tests see it served)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    body = Path(finders.find("img/favicon.ico")).read_bytes()
    # An ICO file: reserved 0, type 1, then its count of images.
    assert body[:4] == b"\x00\x00\x01\x00"
    assert int.from_bytes(body[4:6], "little") >= 2
