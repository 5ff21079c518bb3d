"""Mail backends for the outbox tests: a server that takes the message and
then drops the line, and one that holds every send until the test says go."""

import os
import smtplib
import time
from pathlib import Path

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class TakesThenDropsBackend(BaseEmailBackend):
    """The server stores the message, then the connection drops before its
    reply: the sender sees a failure, the message is in ``mail.outbox``."""

    def send_messages(self, email_messages):
        mail.outbox.extend(email_messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


# The worker subprocess finds its gate here (tests/outbox/worker_settings.py).
GATE_ENV = "ALMANAC_TEST_MAIL_GATE"
GATE_DEADLINE_SECONDS = 120


class GatedFileBackend(FileBackend):
    """Django's file backend, in another process, that stops inside each send:
    it writes ``sending`` in the gate directory, waits for the test to write
    ``go`` there, then writes the message to its directory. The test does
    to the worker's database connection what it wants while the send is
    held open."""

    def send_messages(self, email_messages):
        gate = Path(os.environ[GATE_ENV])
        (gate / "sending").touch()
        deadline = time.monotonic() + GATE_DEADLINE_SECONDS
        while not (gate / "go").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test never opened the gate")
            time.sleep(0.05)
        return super().send_messages(email_messages)
