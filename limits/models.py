"""What the limits count: one row per attempt, kept only as long as a window
needs it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Attempt(models.Model):
    """One request from one client, counted against a limit.

    Rows are only inserted and counted, never updated, so clients racing
    each other never wait on a shared row.
    """

    scope = models.CharField(
        _("scope"),
        max_length=40,
        help_text=_("What was attempted, e.g. “registration”."),
    )
    key = models.CharField(
        _("client key"),
        max_length=64,
        help_text=_(
            "A keyed fingerprint (HMAC) of the client's network address; "
            "the address itself is never stored."
        ),
    )
    succeeded = models.BooleanField(
        _("succeeded"),
        default=False,
        help_text=_("Whether the attempt did what it asked, e.g. registered."),
    )
    at = models.DateTimeField(_("at"), help_text=_("When the attempt was made."))

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        indexes = [
            # Every count reads one client's rows in one scope, by time.
            # (The daily prune reads the whole table instead: a day's rows
            # once a day cost less than one more index on every insert.)
            models.Index(fields=["scope", "key", "at"], name="limits_attempt_lookup"),
        ]

    def __str__(self):
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M:%S}"
