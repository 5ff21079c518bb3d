import re

import pytest
from django.core import mail

from registrations import services

SIGN_IN_IN_LINK = re.compile(r"https?://\S+?(/my/sign-in/[A-Za-z0-9_-]{40,}/)")


def register(event, email: str = "ada@example.org", **fields):
    """Register ``email`` for ``event`` (no email sent); returns the
    registration and the token of its self-service link."""
    fields.setdefault("name", "Ada Lovelace")
    fields.setdefault("organization", "Springfield Public Library")
    registration = services.register_for_event(
        event_id=event.pk, email=email, notify=False, **fields
    ).registration
    return registration, services.link_token(registration)


def sign_in_path(address: str) -> str:
    """The sign-in path in the last email sent to ``address``."""
    messages = [m for m in mail.outbox if address in m.to]
    assert messages, f"no email to {address}: {[m.to for m in mail.outbox]}"
    match = SIGN_IN_IN_LINK.search(messages[-1].body)
    assert match, messages[-1].body
    return match.group(1)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the email tasks) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
