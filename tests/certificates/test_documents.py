"""The certificate's PDF (registrations.documents): what it prints, that it
is tagged and one page whatever the title, that it fetches nothing from any
other host, and that its QR code holds the verification address."""

import io
import re
import socket
import threading
from datetime import UTC, timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from events.models import Event, Organizer
from registrations import documents, services
from registrations.models import Certificate, format_hours
from tests.builders import make_presenter
from tests.credit import past_webinar_with_attendees

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to open a connection to another host."""
    attempts = []

    def refuse(sock, address):
        attempts.append(address)
        raise AssertionError(f"connection attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    return attempts


def issue_certificate(clock, django_capture_on_commit_callbacks, **fields):
    """A certificate made as the worker makes it: attendance made final, the
    immediate task backend running ``make_certificate`` on commit."""
    event, (registration,) = past_webinar_with_attendees(clock, **fields)
    for order, name in enumerate(["Elana Karshmer", "Dana Oyelaran-Whitfield"]):
        make_presenter(name, event=event, order=order)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_attendance_final(event_id=event.pk)
    return Certificate.objects.select_related("event__organizer").get(
        registration=registration
    )


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, its lines joined with single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def organizer():
    return Organizer.objects.create(
        name="Learning Services",
        certificate_signature="Jordan Lee, Continuing Education Coordinator",
    )


def test_the_pdf_prints_who_what_when_who_presented_and_the_hours(
    clock, django_capture_on_commit_callbacks, organizer
):
    """The worker's PDF holds the attendee's name, the event's title, its date
    in the event's zone, the presenters, "1.0 CE hours", the organizer and
    its signature line, the site's name and the verification code and
    address."""
    certificate = issue_certificate(
        clock,
        django_capture_on_commit_callbacks,
        title="Fake News and Media Literacy",
        organizer=organizer,
    )
    assert certificate.pdf_made_at is not None
    pdf = bytes(certificate.pdf)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    local_start = certificate.event.start.astimezone(certificate.event.tz)
    expected_date = f"{local_start:%A, %B} {local_start.day}, {local_start.year}"
    for expected in [
        "Pat Reader",
        "Fake News and Media Literacy",
        expected_date,
        "Elana Karshmer, Dana Oyelaran-Whitfield",
        "1.0 CE hours",
        "Learning Services",
        "Jordan Lee, Continuing Education Coordinator",
        settings.ALMANAC_SITE_NAME,
        certificate.code,
    ]:
        assert expected in text, expected
    assert page_count(pdf) == 1


def test_the_date_is_the_day_in_the_events_zone(
    clock, django_capture_on_commit_callbacks
):
    """A webinar at 7pm in Los Angeles is dated the day it was there, not
    the next day, as it already is in UTC."""
    certificate = issue_certificate(
        clock, django_capture_on_commit_callbacks, time_zone="America/Los_Angeles"
    )
    event = certificate.event
    local = (clock.now - timedelta(days=3)).astimezone(event.tz)
    local = local.replace(hour=19, minute=0, second=0, microsecond=0)
    Event.objects.filter(pk=event.pk).update(
        start=local, end=local + timedelta(hours=1)
    )
    certificate.event.refresh_from_db()
    utc_day = local.astimezone(UTC).date()
    assert utc_day != local.date()
    text = pdf_text(documents.render_certificate(certificate))
    assert f"{local:%A, %B} {local.day}, {local.year}" in text
    assert f"{utc_day:%A, %B} {utc_day.day}," not in text


@pytest.mark.parametrize(
    ("hours", "printed"),
    [("1", "1.0"), ("1.50", "1.5"), ("0.75", "0.75"), ("12", "12.0")],
)
def test_hours_keep_one_decimal_at_least(hours, printed):
    """Hours are written alike on every certificate: "1.0", "1.5", "0.75"."""
    assert format_hours(Decimal(hours)) == printed


def test_the_pdf_is_tagged_for_accessibility(clock, django_capture_on_commit_callbacks):
    """PDF/UA: marked content with a structure tree, the document's language
    and title, and the PDF/UA identification in its XMP metadata."""
    certificate = issue_certificate(clock, django_capture_on_commit_callbacks)
    reader = PdfReader(io.BytesIO(bytes(certificate.pdf)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("en")
    assert reader.metadata.title == "Certificate of attendance: Pat Reader"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp), xmp


def test_a_long_title_name_and_line_up_still_fit_on_one_page(
    clock, django_capture_on_commit_callbacks, organizer
):
    """The longest title and name the fields take, six presenters and a long
    signature: still one page, everything printed."""
    title = ("Supporting Neurodivergent Patrons and Colleagues in Libraries " * 4)[
        :200
    ].strip()
    certificate = issue_certificate(
        clock,
        django_capture_on_commit_callbacks,
        names=[
            ("Maximiliana Alexandrina Wolfeschlegelsteinhausen-Bergerdorff " * 4)[
                :200
            ].strip()
        ],
        title=title,
        slug="a-long-title",
        organizer=organizer,
    )
    for n in range(4):
        make_presenter(
            f"Presenter Number {n} With A Rather Long Hyphenated-Name",
            event=certificate.event,
            order=10 + n,
        )
    signature = "Jordan Alexandra Lee-Montgomery, Coordinator " * 4
    certificate.event.organizer.certificate_signature = signature
    # Hyphens, where a line could break: the code stays whole on its line.
    certificate.code = "Zx-9_" * 5 + "Q-"
    pdf = documents.render_certificate(certificate)
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    assert " ".join(title.split()[:5]) in text
    assert "Presenter Number 3" in text
    assert "Jordan Alexandra Lee-Montgomery" in text
    assert certificate.code in text


REMOTE_RESOURCES = """{% extends "registrations/documents/base.html" %}
{% block style %}<style>
@import url(https://fonts.googleapis.com/css2?family=Lato);
@font-face { font-family: Remote; src: url(https://fonts.gstatic.com/s/lato.woff2); }
body { font-family: Remote, serif; background: url(http://example.com/bg.png); }
</style>{% endblock style %}
{% block content %}<p>Hello</p>
<img src="http://example.com/x.png" alt="x"><img src="//example.com/y.png" alt="y">
<img src="file:///etc/hostname" alt="z"><img src="{{ data }}" alt="d">
{% endblock content %}"""

# A 1x1 PNG: a data: URL, which the fetcher lets through.
DOT = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
    "2mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def remote_template(settings, tmp_path):
    """A PDF template, in a folder of its own, that asks for a style sheet, a
    web font and images from other hosts, a file outside the static folder
    and an inline image."""
    (tmp_path / "remote.html").write_text(REMOTE_RESOURCES)
    engine = {**settings.TEMPLATES[0]}
    engine["DIRS"] = [tmp_path, *engine.get("DIRS", [])]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    return "remote.html"


def test_rendering_fetches_nothing_from_another_host(
    remote_template, no_network, monkeypatch, caplog
):
    """Every resource but the inline one is refused (and logged), the PDF is
    made without them, and no connection is attempted."""
    asked = []
    real_check = documents.is_local_resource

    def recording(url):
        allowed = real_check(url)
        asked.append((url, allowed))
        return allowed

    monkeypatch.setattr(documents, "is_local_resource", recording)
    pdf = documents.render_pdf(
        template_name=remote_template, context={"document_title": "Remote", "data": DOT}
    )
    assert "Hello" in pdf_text(pdf)
    refused = {url for url, allowed in asked if not allowed}
    assert refused >= {
        "https://fonts.googleapis.com/css2?family=Lato",
        "https://fonts.gstatic.com/s/lato.woff2",
        "http://example.com/bg.png",
        "http://example.com/x.png",
        "file:///etc/hostname",
    }
    assert any(url.endswith("//example.com/y.png") for url in refused)
    assert (DOT, True) in asked
    assert no_network == []
    assert "Refused to fetch http://example.com/x.png for a PDF" in caplog.text


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ((settings.BASE_DIR / "static" / "img" / "favicon.svg").as_uri(), True),
        ((settings.BASE_DIR / "static" / ".." / "db.sqlite3").as_uri(), False),
        ("file:///etc/passwd", False),
        ("file://evil.example.com/static/x.png", False),
        ("http://example.com/x.png", False),
        ("https://fonts.googleapis.com/css2?family=Lato", False),
        ("ftp://example.com/x.png", False),
    ],
)
def test_only_data_urls_and_the_static_folder_are_local(url, allowed):
    """Only data: URLs and files inside the static folder count as local; a path
    that climbs out of it, any other file, a file URL naming a host, and web or
    FTP addresses do not."""
    assert documents.is_local_resource(url) is allowed


def svg_modules(data_uri: str) -> list[list[bool]]:
    """The dark modules of a QR code drawn as segno draws it (one path of
    horizontal runs: ``M x y`` then ``h n`` and relative ``m dx dy``)."""
    svg = unquote(data_uri.split(",", 1)[1])
    size = int(re.search(r"viewBox=.0 0 (\d+) (\d+)", svg).group(1))
    path = re.search(r" d=.([^'\"]+)", svg).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x) + int(a)):
                grid[int(y)][column] = True
            x += int(a)
    return grid


def test_the_qr_code_holds_the_verification_address(
    clock, django_capture_on_commit_callbacks
):
    """The certificate's QR code, read module by module from its SVG, is the
    QR code of SITE_URL + the verification page's path (and no other)."""
    import segno

    certificate = issue_certificate(clock, django_capture_on_commit_callbacks)
    context = documents.certificate_context(certificate)
    url = f"https://calendar.example.org/certificates/{certificate.code}/"
    assert context["verification_url"] == url
    modules = svg_modules(context["qr_code"])
    expected = [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]
    assert modules == expected
    other = segno.make(url.replace(certificate.code, "x" * 27), error="m").matrix
    assert modules != [[bool(v) for v in row] for row in other]


def test_a_certificate_that_fits_is_laid_out_once(
    clock, django_capture_on_commit_callbacks, monkeypatch
):
    """Only a certificate too long for the regular type pays for another
    layout: 500 of them must be made within two minutes by one worker (the
    bench, ``python -m bench.run --only certificates``, times that)."""
    certificate = issue_certificate(clock, django_capture_on_commit_callbacks)
    layouts = []
    real_document = documents._document

    def counting(html):
        layouts.append(html)
        return real_document(html)

    monkeypatch.setattr(documents, "_document", counting)
    documents.render_certificate(certificate)
    assert len(layouts) == 1
    assert 'class="regular"' in layouts[0]


def test_fonts_are_loaded_once_per_thread(
    clock, django_capture_on_commit_callbacks, monkeypatch
):
    """Certificates made one after another share one font configuration (a
    new one per PDF cost 20 ms and leaked memory); another thread has its
    own."""
    certificate = issue_certificate(clock, django_capture_on_commit_callbacks)
    created = []

    class Counting(documents.FontConfiguration):
        def __init__(self):
            created.append(self)
            super().__init__()

    monkeypatch.setattr(documents, "FontConfiguration", Counting)
    monkeypatch.setattr(documents, "_fonts", threading.local())
    documents.render_certificate(certificate)
    documents.render_certificate(certificate)
    assert len(created) == 1
    thread = threading.Thread(target=documents.font_configuration)
    thread.start()
    thread.join()
    assert len(created) == 2
