"""Self-service links out of the logs.

A link's token is its holder's key (to a registration: /registrations/<token>/,
.../cancel/, .../event.ics; to My registrations: /my/sign-in/<token>/), and
a certificate's code shows whose it is (/certificates/<code>/). It
arrives in the request line and, from our own pages, in the Referer, and
Django names the path of a refused request in its own log. Whoever reads the
logs must not be able to cancel anyone or sign in as them: the token is
written as "[token]". The path's letters may come percent-encoded (Django
decodes them before it routes), so they are matched either way.

Plain Python, no Django: gunicorn's config imports it before Django starts.
"""

import logging
import re


def _spelled(word: str) -> str:
    return "".join(f"(?:{c}|%{ord(c):02x})" for c in word)


_SLASH = "(?:/|%2f)"
_BEFORE_TOKEN = (
    f"{_SLASH}{_spelled('registrations')}{_SLASH}"
    f"|{_SLASH}{_spelled('my')}{_SLASH}{_spelled('sign-in')}{_SLASH}"
    f"|{_SLASH}{_spelled('certificates')}{_SLASH}"
)
TOKEN_IN_URL = re.compile(rf"((?:{_BEFORE_TOKEN}))[^/?#\s\"]+", re.IGNORECASE)


def redact_tokens(text: str) -> str:
    return TOKEN_IN_URL.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
    """A logging filter: the record's message, tokens redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # the handler reports a bad format
            return True
        record.msg, record.args = redact_tokens(message), ()
        return True
