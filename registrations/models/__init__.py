"""What ``registrations`` keeps: registrations and their answers, the
outbox, sign-in links, evaluations and certificates."""

from .certificate import Certificate, format_hours, new_certificate_code
from .evaluation import (
    DEFAULT_EVALUATION,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
)
from .message import Message
from .outbox import OutboundEmail
from .questions import Answer, Question
from .registration import (
    LINE_ORDER,
    LINK_SALT,
    Registration,
    SignInLink,
    attendee_key,
    hash_token,
    in_line_before,
    link_token,
    normalize_email,
)
from .tally import EventTally

__all__ = [
    "DEFAULT_EVALUATION",
    "LINE_ORDER",
    "LINK_SALT",
    "Answer",
    "Certificate",
    "EvaluationAnswer",
    "EvaluationQuestion",
    "EvaluationResponse",
    "EventTally",
    "Message",
    "OutboundEmail",
    "Question",
    "Registration",
    "SignInLink",
    "attendee_key",
    "format_hours",
    "hash_token",
    "in_line_before",
    "link_token",
    "new_certificate_code",
    "normalize_email",
]
