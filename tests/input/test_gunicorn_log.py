"""Issue 11, point 10: gunicorn's access log never holds a self-service
token. Gunicorn runs for real with the shipped config and an access log
in a file; requests carry tokens in their path and in their Referer."""

# Every URL opened here is our own server on 127.0.0.1.
# ruff: noqa: S310

import logging
import secrets
import time
import urllib.error
import urllib.request

from django.urls import URLPattern, get_resolver

from .servers import DEADLINE


def token_paths(token: str) -> list[str]:
    """Every registrations URL that carries a token or a certificate's
    code, with ``token`` in it."""
    paths = []
    for entry in get_resolver().url_patterns:
        for pattern in getattr(entry, "url_patterns", []):
            if not isinstance(pattern, URLPattern):
                continue
            converters = pattern.pattern.converters
            if "token" in converters or "code" in converters:
                route = str(pattern.pattern)
                for name in ("<str:token>", "<str:code>"):
                    route = route.replace(name, token)
                paths.append("/" + route)
    return paths


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, **headers: str) -> int:
    """The status of one GET, a redirect as it is (one line in the log)."""
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(
            urllib.request.Request(url, headers=headers), timeout=DEADLINE
        ) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def logged_lines(log, marker: str, count: int = 1) -> list[str]:
    """The access log's lines holding ``marker``, once there are ``count``
    (gunicorn writes each line after its response has gone)."""
    deadline = time.monotonic() + DEADLINE
    while True:
        lines = [line for line in log.read_text().splitlines() if marker in line]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_the_token_urls_are_found():
    """The registrant's page, its cancel page, its calendar file, its
    details, attendance-code and evaluation forms, its certificate, the My
    registrations sign-in link, and a certificate's verification page and
    download: a new URL with a token or a code must be added here, and to
    serving.logs' pattern."""
    assert sorted(token_paths("T")) == [
        "/certificates/T/",
        "/my/certificates/T.pdf",
        "/my/sign-in/T/",
        "/registrations/T/",
        "/registrations/T/attendance/",
        "/registrations/T/cancel/",
        "/registrations/T/certificate.pdf",
        "/registrations/T/details/",
        "/registrations/T/evaluation/",
        "/registrations/T/event.ics",
    ]


def test_tokens_in_paths_and_referers_are_not_logged(gunicorn):
    """Each token URL, requested with a token-bearing Referer (as our own
    cancel link sends it), is logged with [token] in place of the token,
    with its status, and the token appears nowhere in the log."""
    token = secrets.token_urlsafe(32)
    referer_token = secrets.token_urlsafe(32)
    paths = token_paths(token)
    for path in paths:
        status = request(
            gunicorn.url + path,
            Referer=f"{gunicorn.url}/registrations/{referer_token}/",
            **{"User-Agent": "log-check"},
        )
        # A made-up token: no such registration or link (the details form
        # takes only POSTs; a signed-out download from My registrations is
        # sent to sign in).
        assert status in {302, 404, 405}, path
    log = gunicorn.access_log
    lines = logged_lines(log, '"log-check"', count=len(paths))
    assert len(lines) == len(paths), log.read_text()
    text = log.read_text()
    assert token not in text
    assert referer_token not in text
    # "/my/certificates/<code>.pdf" loses its ".pdf" with the code.
    redacted = {
        path.replace(token, "[token]").replace("[token].pdf", "[token]")
        for path in paths
    }
    for line in lines:
        assert any(f'"GET {path} HTTP/1.1"' in line for path in redacted), line
        assert f'"{gunicorn.url}/registrations/[token]/"' in line


def test_django_log_holds_no_token():
    """Django's own log names the path of a refused request ("Not Found:
    /registrations/<token>/"); the console handler every log goes through
    writes [token] instead, for registrations' and sign-in links alike."""
    handler = next(
        h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler
    )
    token = secrets.token_urlsafe(32)
    for path in (f"/registrations/{token}/cancel/", f"/my/sign-in/{token}/"):
        record = logging.LogRecord(
            "django.request",
            logging.WARNING,
            __file__,
            1,
            "Not Found: %s",
            (path,),
            None,
        )
        assert handler.filter(record)
        assert record.getMessage() == "Not Found: " + path.replace(token, "[token]")


def test_a_percent_encoded_token_path_is_redacted_too(gunicorn):
    """/registr%61tions/<token>/ reaches the same page (Django decodes the
    path); the log still shows no token."""
    token = secrets.token_urlsafe(32)
    status = request(
        f"{gunicorn.url}/registr%61tions%2F{token}/",
        **{"User-Agent": "log-check-encoded"},
    )
    assert status == 404
    lines = logged_lines(gunicorn.access_log, "log-check-encoded")
    assert len(lines) == 1
    assert token not in gunicorn.access_log.read_text()
    assert "[token]" in lines[0]


def test_other_urls_are_logged_as_they_were(gunicorn):
    """Pages without a token keep their path in the log."""
    assert request(gunicorn.url + "/privacy/?q=1", **{"User-Agent": "plain"}) == 200
    lines = logged_lines(gunicorn.access_log, '"plain"')
    assert any('"GET /privacy/?q=1 HTTP/1.1" 200' in line for line in lines)
