"""Real-browser fixtures: Debian's Chromium driven by Playwright for Python,
against the app served by pytest-django's ``live_server``.

Without Chromium or Playwright every browser test skips and says how to get
them. Playwright's sync API runs an asyncio loop in this thread, so Django
would refuse ORM calls from the test body without DJANGO_ALLOW_ASYNC_UNSAFE;
nothing here is actually concurrent: the test waits while the live server's
thread answers the browser.
"""

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events.demo import refresh_demo_staff
from events.models import Event
from registrations.services import register_for_event
from tests.builders import make_category, make_event, make_series

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
# The rule sets for WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        pytest.skip(
            "Playwright for Python is not installed: `make test` installs it "
            "(or `.venv/bin/pip install playwright`)."
        )
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: `apt-get install chromium` "
            "(or set CHROMIUM_PATH)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Recorder:
    """Every URL the browser asked for, and every CSP violation it reported."""

    def __init__(self):
        self.urls: list[str] = []
        self.csp_violations: list[str] = []

    def on_request(self, request):
        self.urls.append(request.url)

    def on_console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def foreign_urls(self, base_url: str) -> list[str]:
        own = urlsplit(base_url).netloc
        return [
            url
            for url in self.urls
            # data: URLs (Bootstrap's form arrows) are not requests to a host.
            if not url.startswith("data:") and urlsplit(url).netloc != own
        ]


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts on the live server; each page they open is
    recorded, and all are closed at the end of the test."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.recorder = Recorder()
        context.on("request", context.recorder.on_request)
        context.on("page", lambda page: page.on("console", context.recorder.on_console))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context, live_server):
    """A page on the live server. The test fails if the page ever broke the
    Content-Security-Policy or asked another host for anything."""
    page = context.new_page()
    yield page
    recorder = context.recorder
    assert recorder.csp_violations == []
    assert recorder.foreign_urls(live_server.url) == []


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.skip(
            f"axe-core not found at {AXE_JS}: `make test` installs it with npm "
            "(or run `npm install` in the project directory)."
        )
    return AXE_JS.read_text()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture
def axe_violations(axe_source):
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now.

    ``page.evaluate`` is not subject to the page's CSP, so axe runs without
    loosening the policy the pages are served with.
    """

    def run(page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        return page.evaluate(
            """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}})
                .then((results) => results.violations.map((v) => ({
                    id: v.id, help: v.help,
                    nodes: v.nodes.map((n) => ({
                        target: n.target.join(" "), failureSummary: n.failureSummary,
                    })),
                })))""",
            WCAG_TAGS,
        )

    return run


MANAGE_LINK = re.compile(r"https?://\S+?(/registrations/[A-Za-z0-9_-]{20,}/)")


def fill_one_seat(event: Event) -> None:
    register_for_event(event_id=event.pk, name="Seat Holder", email="held@example.org")


def self_service_path(address: str) -> str:
    """The self-service path in the last email sent to ``address``."""
    messages = [m for m in mail.outbox if address in m.to]
    assert messages, f"no email to {address}: {[m.to for m in mail.outbox]}"
    match = MANAGE_LINK.search(messages[-1].body)
    assert match, messages[-1].body
    return match.group(1)


@pytest.fixture
def site():
    """One of each kind of page, on the demo calendar: name -> path."""
    call_command("load_demo", "--no-staff", verbosity=0)
    now = timezone.now()
    category = make_category("Cataloging")
    series = make_series(
        "Metadata Mondays", description="Four short sessions on *metadata*."
    )
    open_event = make_event(
        "Open Webinar", categories=[category], series=series, capacity=40
    )
    waitlist = make_event("Waitlist Webinar", capacity=1, series=series)
    fill_one_seat(waitlist)
    full = make_event("Full Webinar", capacity=1, waitlist_enabled=False)
    fill_one_seat(full)
    closed = make_event("Closed Webinar", registration_closes=now - timedelta(hours=1))
    cancelled = make_event("Cancelled Webinar", status=Event.Status.CANCELLED)
    past = make_event("Past Webinar", start=now - timedelta(days=3), series=series)
    waiting = register_for_event(
        event_id=waitlist.pk, name="Wendy Wait", email="wendy@example.org"
    ).registration
    assert waiting.status == "waitlisted"
    month = timezone.localtime(open_event.start)
    return {
        "home": "/",
        "list": "/events/",
        "list with filters": (
            "/events/?q=webinar&category=cataloging&format=online&tz=America%2FChicago"
        ),
        "list with no match": "/events/?q=zzzz&format=nonsense&tz=Mars%2FBase",
        "past events": "/events/past/",
        "month grid": f"/events/calendar/{month.year}/{month.month}/",
        "seed webinar": "/events/sos-for-library-professionals/",
        "event open with seats": open_event.get_absolute_url(),
        "event full with waiting list": waitlist.get_absolute_url(),
        "event full without waiting list": full.get_absolute_url(),
        "event registration closed": closed.get_absolute_url(),
        "event cancelled": cancelled.get_absolute_url(),
        "event past": past.get_absolute_url(),
        "series": series.get_absolute_url(),
        "self-service, confirmed": self_service_path("held@example.org"),
        "self-service, waitlisted": self_service_path("wendy@example.org"),
        "cancel confirmation": self_service_path("held@example.org") + "cancel/",
        "unknown self-service link": "/registrations/not-a-real-token-at-all/",
        "404": "/no/such/page/",
        "accessibility statement": "/accessibility/",
        "privacy": "/privacy/",
        # The seed blog post load_demo publishes as a flat page.
        "flat page": "/professional-connections/",
    }


STAFF_PASSWORD = "a-long-test-password"


def sign_in_as_staff(page) -> None:
    """Create (or refresh) the demo staff login and sign in with it."""
    from playwright.sync_api import expect

    refresh_demo_staff(username="staff", password=STAFF_PASSWORD)
    page.goto("/admin/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
