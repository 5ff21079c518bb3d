"""The outgoing email queue: what was sent, what failed, and a resend."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..emails import requeue_email
from ..models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "recipient",
        "kind",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "error",
    )
    list_filter = ("status", "kind")
    search_fields = ("recipient", "subject")
    # The bodies are left out: until sent they may hold a member's secret link.
    fields = (
        "registration",
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
        "next_attempt_at",
    )
    readonly_fields = fields
    actions = ("resend",)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("last error"))
    def error(self, email):
        return (
            (email.last_error[:80] + "…")
            if len(email.last_error) > 80
            else email.last_error
        )

    @admin.action(
        description=_("Resend selected failed emails"), permissions=["change"]
    )
    def resend(self, request, queryset):
        """Failed emails go out again. One that carried a registrant's link
        had its bodies cleared when it was given up on: its registration's
        own email is sent instead, with the same link, once per person."""
        unsent = queryset.filter(
            status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.PENDING]
        )
        queued = sum(
            requeue_email(email_id=pk)
            for pk in unsent.exclude(body_text="").values_list("pk", flat=True)
        )
        registration_ids = set(
            unsent.filter(body_text="", registration__isnull=False).values_list(
                "registration_id", flat=True
            )
        )
        for registration_id in sorted(registration_ids):
            try:
                services.resend_registration_email(registration_id=registration_id)
            except services.RegistrationError:
                continue  # cancelled since, or purged: nothing to resend
            queued += 1
        skipped = queryset.count() - queued
        self.message_user(
            request,
            ngettext("Queued %d email again.", "Queued %d emails again.", queued)
            % queued,
            messages.SUCCESS if queued else messages.WARNING,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d was left alone: sent already, being sent, or its "
                    "registration is no longer active.",
                    "%d were left alone: sent already, being sent, or their "
                    "registrations are no longer active.",
                    skipped,
                )
                % skipped,
                messages.INFO,
            )
