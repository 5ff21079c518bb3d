"""PDFs made with WeasyPrint from Django templates: the CE certificate of
attendance (PRODUCT.md §11), and whatever other document shares the way.

Every PDF is tagged for accessibility (PDF/UA-1: a structure tree, the
document's language and title from ``<html lang>`` and ``<title>``), and
fetches nothing from any other host: the templates carry their CSS in a
``<style>`` element (the CSP governs pages, not PDFs), the QR code is a
``data:`` URI, and the fetcher refuses anything else but the project's own
static folder, so a template edit can't make the worker call out.

Rendering takes a while, so certificates, made by the hundred after a
webinar, are made by the task worker (``services.certificates.
make_certificate_pdf``), never in a request. The one exception is a
member's year of CE record (``my_views.my_record_pdf``): one small document
for someone signed in, made when they ask (about 0.1 s). Importing WeasyPrint does too
(about 0.7 s and 35 MB): callers import this module where they make a PDF,
so a web worker or a management command that makes none never loads it.
"""

import logging
import ssl
import threading
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetchingError

from events.templatetags.event_tags import event_when

logger = logging.getLogger(__name__)

# PDF/UA-1 turns on the tags (pdf_tags) and writes the identification in
# the XMP metadata. Fonts stay subsetted (WeasyPrint's default): a whole
# DejaVu face would add half a megabyte to each certificate.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}

# The one folder a document may read files from: logos, if one ever wants
# them. Everything else comes inline.
STATIC_DIR = Path(settings.BASE_DIR) / "static"

CERTIFICATE_TEMPLATE = "registrations/documents/certificate.html"

# Tighter and tighter type for the certificate, tried in turn until it fits
# on its one page: a 200-character title and a long line-up need the last.
CERTIFICATE_LAYOUTS = ("regular", "compact", "tight")


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, allowed ``data:`` URLs and files inside the
    project's static folder only. Anything else (another host, another
    file) is refused and logged; WeasyPrint leaves the resource out."""

    def __init__(self, **kwargs):
        # It never opens a connection, so its HTTPS handler needs no
        # certificates: loading the system's cost 30 ms a PDF.
        kwargs.setdefault("ssl_context", _unused_tls_context())
        kwargs.setdefault("allowed_protocols", ("data", "file"))
        super().__init__(**kwargs)

    def fetch(self, url, headers=None):
        if not is_local_resource(url):
            logger.warning("Refused to fetch %s for a PDF: not a local resource.", url)
            raise URLFetchingError(f"Not a local resource: {url}")
        return super().fetch(url, headers)


@cache
def _unused_tls_context() -> ssl.SSLContext:
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def is_local_resource(url: str) -> bool:
    """A ``data:`` URL, or a ``file:`` URL (no host) of a file inside
    ``STATIC_DIR`` once ``..`` and links are resolved."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in {"", "localhost"}:
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return path.is_relative_to(STATIC_DIR.resolve())


# One font configuration per thread, kept for the process's life. WeasyPrint
# makes a new one for each document unless given one, and a new one loads
# the system's fonts again (20 ms) and is never wholly freed: a worker
# making 500 certificates grew by 90 MB. Per thread, as Pango's font maps
# are not to be shared between threads.
_fonts = threading.local()


def font_configuration() -> FontConfiguration:
    if not hasattr(_fonts, "configuration"):
        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def _document(html: str):
    """Lay the HTML out as pages (a ``weasyprint.Document``)."""
    return HTML(
        string=html,
        base_url=STATIC_DIR.as_uri() + "/",
        url_fetcher=LocalOnlyFetcher(),
    ).render(font_config=font_configuration(), **PDF_OPTIONS)


def render_pdf(*, template_name: str, context: dict) -> bytes:
    """The template rendered to HTML, then to a tagged PDF. The template
    sets ``<html lang>`` and ``<title>``: PDF/UA takes the document's
    language and title from them (``documents/base.html`` does)."""
    html = render_to_string(template_name, context)
    return _document(html).write_pdf(**PDF_OPTIONS)


def qr_code_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI, drawn to any size
    (a viewBox, no width or height): vector, crisp in print, a few KB."""
    return segno.make(url, error="m").svg_data_uri(border=0, omitsize=True)


def verification_url(certificate) -> str:
    return settings.SITE_URL + certificate.get_absolute_url()


def certificate_context(certificate) -> dict:
    """What the certificate prints; the event's date in its own zone, as
    the event page writes it."""
    event = certificate.event
    organizer = event.organizer
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "event": event,
        "when": event_when(event),
        "hours": certificate.hours_text,
        "presenters": [
            slot.presenter.name
            for slot in event.presenter_slots.select_related("presenter")
        ],
        "organizer_name": organizer.name if organizer else "",
        "signature": organizer.certificate_signature if organizer else "",
        "site_name": settings.ALMANAC_SITE_NAME,
        "verification_url": url,
        "qr_code": qr_code_data_uri(url),
        "document_title": gettext("Certificate of attendance: %(name)s")
        % {"name": certificate.name},
    }


def render_certificate(certificate) -> bytes:
    """The one-page, US Letter landscape certificate of attendance as a PDF.

    Laid out in the regular type first; should a long title, name or
    line-up push it onto a second page, in tighter type (each try costs a
    layout, so only such certificates pay for it)."""
    context = certificate_context(certificate)
    for layout in CERTIFICATE_LAYOUTS:
        html = render_to_string(CERTIFICATE_TEMPLATE, {**context, "layout": layout})
        document = _document(html)
        if len(document.pages) == 1:
            break
    else:
        logger.warning("Certificate %s does not fit on one page.", certificate.pk)
    return document.write_pdf(**PDF_OPTIONS)
