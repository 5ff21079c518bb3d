"""Settings of the ``db_worker`` process the worker test starts: the real
ones, read from the environment it is given, with the gated file backend
(tests/outbox/mail_backends.py) writing to the directory of ``EMAIL_URL``."""

from calendar_site.settings import *  # noqa: F403
from calendar_site.settings import MAILERS

MAILERS = {
    "default": {
        **MAILERS["default"],
        "BACKEND": "tests.outbox.mail_backends.GatedFileBackend",
    }
}
