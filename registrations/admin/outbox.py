"""The outgoing email queue: what was sent, what failed, and a resend."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..emails import requeue_email
from ..models import OutboundEmail


class NeedsAttention(admin.SimpleListFilter):
    """The failing emails the staff overview counts, and links to."""

    title = _("needs attention")
    parameter_name = "attention"
    FAILING = "failing"

    def lookups(self, request, model_admin):
        return [(self.FAILING, _("Failed lately, and can be resent"))]

    def queryset(self, request, queryset):
        if self.value() == self.FAILING:
            return queryset.failing(timezone.now())
        return queryset


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
    list_filter = (NeedsAttention, "status", "kind")
    search_fields = ("recipient", "subject")
    # The bodies are left out: a sign-in email's holds a member's secret link.
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
        """Failed emails go out again, written afresh from their
        registration, so one that carried a link carries its current link."""
        queued = sum(
            requeue_email(email_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
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
                    "%d was left alone: sent already, being sent, a sign-in link "
                    "given up on, or its "
                    "registrant's details were erased.",
                    "%d were left alone: sent already, being sent, sign-in links "
                    "given up on, or their "
                    "registrants' details were erased.",
                    skipped,
                )
                % skipped,
                messages.INFO,
            )
