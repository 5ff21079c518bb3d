"""The email worker outlives its database connection (issue 11, point 3).

A real ``manage.py db_worker`` runs against the test database; its mail
backend (tests/outbox/mail_backends.py) holds the send open while the test
kills the worker's PostgreSQL connection, as a database restart would. The
email must still be recorded as sent, once, and the worker keep working.
PostgreSQL only: ``pg_terminate_backend`` is what a restart does to a
session.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from registrations import services
from registrations.models import OutboundEmail
from tests.builders import make_event
from tests.outbox.mail_backends import GATE_ENV

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL): it kills a server session",
    ),
]

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEADLINE_SECONDS = 90


def database_url() -> str:
    """The test database (not the one DATABASE_URL names) as a URL."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """``manage.py db_worker`` in a process of its own, with the real
    settings read from the environment it is given."""

    def __init__(self, tmp: Path):
        self.mail_dir = tmp / "mail"
        self.gate = tmp / "gate"
        self.mail_dir.mkdir()
        self.gate.mkdir()
        self.log = tmp / "worker.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "tests.outbox.worker_settings",
            "SECRET_KEY": "tests-only-not-secret",
            "DATABASE_URL": database_url(),
            "TASKS_BACKEND": "database",
            "CACHE_URL": "locmem://",
            "SITE_URL": settings.SITE_URL,
            "EMAIL_URL": f"file://{self.mail_dir}",
            GATE_ENV: str(self.gate),
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.1",
                    "--no-startup-delay",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_for(self, condition, what: str):
        """Poll ``condition`` until it holds; fail with the worker's log if
        it never does or the worker exits first."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited before {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} in {DEADLINE_SECONDS} s:\n{self.output()}")
            time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def worker(tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Worker(tmp_path)
    yield worker
    worker.stop()


def register(event, n: int) -> OutboundEmail:
    """Register person ``n``; the commit queues the email's task for the
    worker. Returns the outbox row."""
    services.register_for_event(
        event_id=event.pk, name=f"Person {n}", email=f"person{n}@example.org"
    )
    return OutboundEmail.objects.get(recipient=f"person{n}@example.org")


def status_of(row: OutboundEmail) -> str:
    row.refresh_from_db()
    return row.status


def kill_worker_sessions() -> list[bool]:
    """What a PostgreSQL restart does to the worker: end every other
    session on the test database (only the worker has one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [killed for (killed,) in cursor.fetchall()]


def test_a_connection_killed_mid_send_loses_neither_the_email_nor_the_worker(worker):
    """The worker's database session is killed while the mail server has the
    message: the email is still recorded as sent (so no sweep sends it
    again), its task is marked successful, the worker keeps running, and it
    sends the next email too."""
    event = make_event("Copyright Basics")
    first = register(event, 1)
    worker.wait_for(lambda: (worker.gate / "sending").exists(), "send in progress")
    assert status_of(first) == OutboundEmail.Status.SENDING

    killed = kill_worker_sessions()
    assert killed and all(killed), "the worker had no session to kill"
    (worker.gate / "go").touch()

    worker.wait_for(lambda: status_of(first) == "sent", "email recorded as sent")
    [message] = [path.read_text() for path in worker.mail_dir.iterdir()]
    assert "To: person1@example.org" in message
    assert f"Message-ID: <almanac.outbound.{first.pk}." in message
    task = DBTaskResult.objects.get()
    worker.wait_for(
        lambda: DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL",
        "task marked successful",
    )
    assert worker.process.poll() is None

    second = register(event, 2)
    worker.wait_for(lambda: status_of(second) == "sent", "second email sent")
    assert len(list(worker.mail_dir.iterdir())) == 2
    assert worker.process.poll() is None
