"""Issue 5, production run: ``bin/serve`` with production settings migrates,
collects compressed, hashed static files, serves pages through gunicorn with
the security headers, and runs the email worker beside it; a TERM stops both.

No test database: everything happens in subprocesses against a temporary
SQLite file, as a real deployment would.
"""

# Every URL opened here is our own server on 127.0.0.1.
# ruff: noqa: S310

import gzip
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

from tests import dom
from tests.builders import registration_data

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("gunicorn") is None,
    reason="gunicorn is not installed: pip install -e . installs it",
)

BASE_DIR = Path(__file__).resolve().parent.parent
HASHED_CSS = re.compile(r"/static/css/almanac\.([0-9a-f]{12})\.css")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_processes(sid: int) -> list[int]:
    """Every live process in session ``sid`` (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state, ppid, pgrp, session.
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


class Server:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.static_root = tmp / "static"
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir()
        self.log = tmp / "serve.log"
        # STATIC_ROOT is fixed in the settings; everything else comes from
        # the environment exactly as in production.
        (tmp / "production_settings.py").write_text(
            "from calendar_site.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(self.static_root)!r}\n"
        )
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))
        } | {
            "DJANGO_SETTINGS_MODULE": "production_settings",
            "PYTHONPATH": os.pathsep.join([str(tmp), str(BASE_DIR)]),
            "PYTHON": sys.executable,
            "DEBUG": "0",
            "SECRET_KEY": get_random_secret_key(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "0",
            "DATABASE_URL": f"sqlite:///{tmp / 'almanac.sqlite3'}",
            "TASKS_BACKEND": "database",
            "CACHE_URL": "locmem://",
            "EMAIL_URL": f"file://{self.mail_dir}",
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
        }
        self.process = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                [str(BASE_DIR / "bin" / "serve")],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"bin/serve exited:\n{self.log.read_text()}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=10).close()
                return
            except OSError:  # not listening yet, or a worker still booting
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"bin/serve did not answer in 60 s:\n{self.log.read_text()}")

    def manage(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def stop(self) -> int | None:
        """TERM the script and wait; kill whatever is left of it if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return self.process and self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            for pid in session_processes(self.process.pid):
                os.kill(pid, signal.SIGKILL)
            self.process.wait()
            return None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("production"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def wait_for_mail(mail_dir: Path, timeout: float = 30) -> list[str]:
    """The messages Django's file backend wrote, once each file is complete
    (it ends every message with a line of dashes)."""
    deadline = time.monotonic() + timeout
    while True:
        messages = [path.read_text() for path in sorted(mail_dir.iterdir())]
        done = messages and all(m.rstrip().endswith("-" * 79) for m in messages)
        if done or time.monotonic() > deadline:
            return messages
        time.sleep(0.2)


def test_pages_come_with_the_security_headers(server):
    """The home page is served by gunicorn with nosniff, a same-origin
    referrer policy, frame denial and a CSP without inline code."""
    status, headers, body = get(server.url + "/")
    assert status == 200
    dom.find(dom.parse(body), "html")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    # Plain HTTP (HTTPS=0): no HSTS promise the site could not keep.
    assert "Strict-Transport-Security" not in headers
    assert "Set-Cookie" not in headers


def test_static_files_are_hashed_compressed_and_cached_forever(server):
    """The stylesheet's name carries its content hash, a gzip copy exists in
    STATIC_ROOT, and WhiteNoise serves that copy to a client that accepts it
    with a far-future cache lifetime."""
    _status, _headers, body = get(server.url + "/")
    stylesheets = [
        dom.attribute(link, "href")
        for link in dom.find_all(dom.parse(body), "link", rel="stylesheet")
    ]
    hashed = [path for path in stylesheets if HASHED_CSS.fullmatch(path)]
    assert len(hashed) == 1, f"no hashed almanac.css link: {stylesheets}"
    path = hashed[0]
    on_disk = server.static_root / path.removeprefix("/static/")
    assert on_disk.is_file()
    assert on_disk.with_name(on_disk.name + ".gz").is_file()

    status, headers, body = get(server.url + path, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert gzip.decompress(body) == on_disk.read_bytes()

    _status, headers, body = get(server.url + path)
    assert "Content-Encoding" not in headers
    assert body == on_disk.read_bytes()


def test_the_worker_sends_registration_email(server):
    """With TASKS_BACKEND=database the web process only queues the email;
    the db_worker started beside gunicorn sends it."""
    event_url = server.manage(
        "shell",
        "--no-imports",
        "-c",
        "from tests.builders import make_event; "
        "print(make_event('Production check').get_absolute_url())",
    ).splitlines()[-1]
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar())
    )
    page = dom.parse(opener.open(server.url + event_url, timeout=10).read())
    forms = [
        form
        for form in dom.find_all(page, "form", method="post")
        if (dom.attribute(form, "action") or "").endswith("/register/#register")
    ]
    assert len(forms) == 1, "no registration form on the event page"
    csrf = dom.find(forms[0], "input", name="csrfmiddlewaretoken")
    data = urllib.parse.urlencode(
        registration_data(csrfmiddlewaretoken=dom.attribute(csrf, "value"))
    ).encode()
    with opener.open(
        urllib.request.Request(
            server.url + dom.attribute(forms[0], "action"),
            data=data,
            headers={"Referer": server.url + event_url},
        ),
        timeout=10,
    ) as response:
        assert response.status == 200
        assert "/registered/" in response.url

    messages = wait_for_mail(server.mail_dir)
    assert len(messages) == 1, server.log.read_text()
    assert "To: ada@example.org" in messages[0]
    assert "Production check" in messages[0]


def test_term_stops_the_web_server_and_the_worker(server):
    """One TERM to bin/serve stops gunicorn and db_worker, and it exits 0;
    the access log was written to stdout."""
    pid = server.process.pid
    assert len(session_processes(pid)) >= 3  # script, gunicorn (+workers), worker
    assert server.stop() == 0
    deadline = time.monotonic() + 5
    while session_processes(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(pid) == []
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.url + "/", timeout=2)
    # Gunicorn's access log went to stdout, for the process manager to keep.
    assert '"GET / HTTP/1.1" 200' in server.log.read_text()
