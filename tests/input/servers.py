"""Real servers for this folder's tests, each on a free port of 127.0.0.1:
gunicorn run with ``deploy/gunicorn.conf.py``, and nginx run with
``deploy/nginx/almanac.conf`` in front of it.

The app runs with the test settings against a SQLite file of its own (no
test database: other processes serve it) and an environment that holds only
what is named here, so nothing leaks in from the test run.
"""

# Every URL opened here is our own server on 127.0.0.1.
# ruff: noqa: S310

import getpass
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
GUNICORN_CONF = BASE_DIR / "deploy" / "gunicorn.conf.py"
NGINX_SITE = BASE_DIR / "deploy" / "nginx" / "almanac.conf"
# A generous guard against a hung server: never a measure of speed.
DEADLINE = 60


def program(name: str, debian_path: str) -> str | None:
    """A program on PATH, or where Debian puts it (/usr/sbin is not on a
    user's PATH)."""
    found = shutil.which(name)
    if found:
        return found
    return debian_path if os.access(debian_path, os.X_OK) else None


NGINX = program("nginx", "/usr/sbin/nginx")
OPENSSL = program("openssl", "/usr/bin/openssl")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(database: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        **extra,
    }


def migrate(database: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=app_environment(database),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def stop(process: subprocess.Popen) -> None:
    """TERM a server we started, and KILL it if it does not go."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Gunicorn:
    """``gunicorn -c deploy/gunicorn.conf.py`` with ONE sync worker,
    its access log in a file."""

    def __init__(self, tmp: Path, database: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = tmp / "access.log"
        self.output = tmp / "gunicorn.out"
        self.env = app_environment(
            database,
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="1",
            BEHIND_PROXY="1",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(GUNICORN_CONF),
            "--access-logfile",
            str(self.access_log),
            "calendar_site.wsgi",
        ]
        with self.output.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own server
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.output.read_text()}")
            try:
                urllib.request.urlopen(self.url + "/privacy/", timeout=10).close()
                return
            except OSError:  # not listening yet, or its worker still booting
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"gunicorn did not answer:\n{self.output.read_text()}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


class Nginx:
    """nginx from a temporary prefix, serving the shipped site file with only
    its addresses, certificate and (``overrides``) timeouts changed."""

    def __init__(self, tmp: Path, upstream_port: int, overrides: dict[str, str]):
        self.tmp = tmp
        self.https_port = free_port()
        self.http_port = free_port()
        self.upstream_port = upstream_port
        self.overrides = overrides
        self.process: subprocess.Popen | None = None

    def site(self) -> str:
        """The shipped site file, with what a test must change changed; each
        change must find its line, so the test serves that very file."""
        certificate, key = self.certificate()
        changes = {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl;": f"listen 127.0.0.1:{self.https_port} ssl;",
            "listen [::]:443 ssl;": "",
            "/etc/letsencrypt/live/calendar.example.org/fullchain.pem": str(
                certificate
            ),
            "/etc/letsencrypt/live/calendar.example.org/privkey.pem": str(key),
            "http://127.0.0.1:8000;": f"http://127.0.0.1:{self.upstream_port};",
            **self.overrides,
        }
        text = NGINX_SITE.read_text()
        for old, new in changes.items():
            assert text.count(old) == 1, f"{old!r} is not in {NGINX_SITE}"
            text = text.replace(old, new)
        return text

    def certificate(self) -> tuple[Path, Path]:
        certificate, key = self.tmp / "cert.pem", self.tmp / "key.pem"
        subprocess.run(  # noqa: S603 - openssl, with our arguments
            [
                OPENSSL,
                "req",
                "-x509",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-keyout",
                str(key),
                "-out",
                str(certificate),
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
            ],
            check=True,
            capture_output=True,
        )
        return certificate, key

    def start(self) -> None:
        site = self.tmp / "almanac.conf"
        site.write_text(self.site())
        main = self.tmp / "nginx.conf"
        # Debian's build keeps temporary files under /var/lib/nginx; these
        # live in the prefix instead. "user" matters only when run as root
        # (workers would otherwise switch to "nobody", who cannot read here).
        temp_paths = "\n".join(
            f"    {kind}_temp_path {self.tmp / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        main.write_text(
            f"user {getpass.getuser()};\n"
            "worker_processes 1;\n"
            f"pid {self.tmp / 'nginx.pid'};\n"
            f"error_log {self.tmp / 'error.log'} info;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"    access_log {self.tmp / 'access.log'};\n"
            f"{temp_paths}\n"
            f"    include {site};\n"
            "}\n"
        )
        self.error_log = self.tmp / "error.log"
        with (self.tmp / "nginx.out").open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - nginx, our config
                [
                    NGINX,
                    "-p",
                    str(self.tmp),
                    "-c",
                    str(main),
                    "-e",
                    str(self.error_log),
                    "-g",
                    "daemon off;",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"nginx did not listen:\n{self.log()}")

    def log(self) -> str:
        parts = [self.tmp / "nginx.out", self.tmp / "error.log"]
        return "\n".join(p.read_text() for p in parts if p.exists())

    def connect(self) -> ssl.SSLSocket:
        """A TLS connection to the site, as a browser would open one (the
        certificate is our own throwaway one, so it is not checked)."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = socket.create_connection(("127.0.0.1", self.https_port), DEADLINE)
        return context.wrap_socket(sock, server_hostname="localhost")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


def read_response_head(conn: socket.socket) -> bytes:
    """The status line and headers of the response on ``conn``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.partition(b"\r\n\r\n")[0]


def status_of(head: bytes) -> int | None:
    """The status code of a response head; None when there was none."""
    parts = head.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
