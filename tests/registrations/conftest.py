import re
import threading

import pytest
from django.core import mail
from django.db import connections

from registrations import services
from registrations.services import locking

TOKEN_IN_LINK = re.compile(r"/registrations/([A-Za-z0-9_-]{20,})/")


def register(event, n: int | str = 1, **fields):
    """Register person ``n`` (or the given email) for ``event``."""
    email = n if isinstance(n, str) else f"person{n}@example.org"
    fields.setdefault("name", f"Person {n}")
    return services.register_for_event(event_id=event.pk, email=email, **fields)


def token_from(message) -> str:
    """The self-service token in a sent email's plain-text body."""
    match = TOKEN_IN_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def sent_to(address: str):
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the email tasks) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def failing_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.registrations.mail_backends.FailingEmailBackend"}
    }


def race(jobs):
    """Run the callables in threads at once (a barrier lets them all go
    together), each on its own database connection; return what each
    returned or raised. For the races on PostgreSQL."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def widen_after_counting(monkeypatch, wait) -> list:
    """Call ``wait()`` right after each seat count the services make (the
    count that registering, cancelling, promoting and a capacity change all
    run under the event lock), to hold the decision open where a race would
    slip in. Returns the list of counts taken, to show the seam was used."""
    count = locking.read_seat_counts
    counted = []

    def count_then_wait(*args, **kwargs):
        counts = count(*args, **kwargs)
        counted.append(counts)
        wait()
        return counts

    monkeypatch.setattr(locking, "read_seat_counts", count_then_wait)
    return counted
