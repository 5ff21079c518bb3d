"""The only code that claims or frees a seat, or changes an event's capacity,
one module per process, as pretix's ``services`` and Zulip's ``actions``;
they also decide who may register (``membership``, ``approval``).

Every public function runs in one transaction, locks the event row first
(``locking``: always that row first, so two of them never deadlock), decides
from counts read under that lock, writes, and writes its emails to the outbox
in the same transaction; they are sent after the commit. The member-facing
ones (``register_for_event``, ``cancel_registration``) are durable: they
never run inside someone else's transaction, which could hold the lock
longer or roll back an email the member was told about.
"""

from .approval import NOT_AWAITING, approve_registration, decline_registration
from .attendance import (
    enter_attendance_code,
    mark_attended,
    record_attendance,
    record_report_attendance,
)
from .cancelling import cancel_registration
from .certificates import (
    certificates_due_for_purge,
    close_attendance,
    is_owed_certificate,
    mark_attendance_final,
    purge_certificates,
    reissue_certificate,
    revoke_certificate,
    store_certificate_pdf,
)
from .details import update_registration_details
from .duplicating import duplicate_event_with_questions
from .errors import CAPACITY_BELOW_CONFIRMED, NOT_FOUND, REFUSALS, RegistrationError
from .evaluation import (
    ALREADY_EVALUATED,
    NOT_ATTENDED,
    add_default_evaluation,
    evaluation_is_open,
    may_evaluate,
    submit_evaluation,
)
from .event_edits import EventEditResult, save_event_edit
from .links import link_token, revoke_links
from .membership import MEMBERS_FIRST, MEMBERS_ONLY
from .messages import send_message
from .moving import MoveResult, move_registration
from .notices import (
    cancel_event,
    notify_event_changed,
    resend_registration_email,
    send_recording,
    send_reminders,
)
from .purge import (
    PURGED_EMAIL_PREFIX,
    PURGED_EMAIL_SUFFIX,
    PURGED_NOT_SENT,
    PURGED_REPR,
    purge_personal_data,
    registrations_due_for_purge,
)
from .registering import (
    DEFAULT_RESEND_INTERVAL,
    RegistrationResult,
    register_for_event,
    resend_interval,
)
from .sign_in import (
    LINK_EXPIRED,
    LINK_USED,
    find_sign_in_link,
    forget_sign_in_links,
    request_sign_in_link,
    sign_in_with_link,
)
from .tally import recount_tallies
from .waitlist import change_capacity, promote_waitlist

__all__ = [
    "ALREADY_EVALUATED",
    "CAPACITY_BELOW_CONFIRMED",
    "DEFAULT_RESEND_INTERVAL",
    "LINK_EXPIRED",
    "LINK_USED",
    "MEMBERS_FIRST",
    "MEMBERS_ONLY",
    "NOT_ATTENDED",
    "NOT_AWAITING",
    "NOT_FOUND",
    "PURGED_EMAIL_PREFIX",
    "PURGED_EMAIL_SUFFIX",
    "PURGED_NOT_SENT",
    "PURGED_REPR",
    "REFUSALS",
    "EventEditResult",
    "MoveResult",
    "RegistrationError",
    "RegistrationResult",
    "add_default_evaluation",
    "approve_registration",
    "cancel_event",
    "cancel_registration",
    "certificates_due_for_purge",
    "change_capacity",
    "close_attendance",
    "decline_registration",
    "duplicate_event_with_questions",
    "enter_attendance_code",
    "evaluation_is_open",
    "find_sign_in_link",
    "forget_sign_in_links",
    "is_owed_certificate",
    "link_token",
    "mark_attendance_final",
    "mark_attended",
    "may_evaluate",
    "move_registration",
    "notify_event_changed",
    "promote_waitlist",
    "purge_certificates",
    "purge_personal_data",
    "record_attendance",
    "record_report_attendance",
    "recount_tallies",
    "register_for_event",
    "registrations_due_for_purge",
    "reissue_certificate",
    "request_sign_in_link",
    "resend_interval",
    "resend_registration_email",
    "revoke_certificate",
    "revoke_links",
    "save_event_edit",
    "send_message",
    "send_recording",
    "send_reminders",
    "sign_in_with_link",
    "store_certificate_pdf",
    "submit_evaluation",
    "update_registration_details",
]
