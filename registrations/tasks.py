"""Background work: sending the outbox.

With the immediate backend (tests, ``make run``) the task runs inside the
``on_commit`` callback of the request that queued the email; it catches
everything, so a mail server's failure never reaches the member.
"""

from django.tasks import task

from .emails import deliver_outbound_email, release_broken_connection


@task()
def send_outbound_email(email_id: int) -> str:
    """Send one outbox row; record a failure on it and schedule the retry."""
    try:
        return deliver_outbound_email(email_id=email_id)
    finally:
        # db_worker writes the task's result on this connection next; one
        # that died under the task (PostgreSQL restarted) would stop it.
        release_broken_connection()


@task()
def make_certificate(certificate_id: int) -> str:
    """Make one certificate's PDF, keep it, and email it if it is owed."""
    from .services.certificates import make_certificate_pdf

    try:
        return make_certificate_pdf(certificate_id=certificate_id)
    finally:
        release_broken_connection()
