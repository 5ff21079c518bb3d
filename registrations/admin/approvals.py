"""Staff's decisions on registrations awaiting approval (PRODUCT.md §9):
people who named a member library from an address not on its domain.
Mixed into the roster's admin, whose ``_each`` reports per person."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import Registration


class ApprovalActions:
    approval_actions = ("approve_registrations", "decline_registrations")

    @admin.action(
        description=_(
            "Approve selected (a seat if one is free, else the waiting list)"
        ),
        permissions=["change"],
    )
    def approve_registrations(self, request, queryset):
        # In order of arrival: with fewer seats than approvals, the earliest
        # registrants get them. Anyone not awaiting approval is named in a
        # warning, with their status; anyone the event was too full for, in
        # one of their own.
        too_full = []

        def approve(registration):
            decided = services.approve_registration(registration_id=registration.pk)
            if decided.status == Registration.Status.TURNED_AWAY:
                too_full.append(decided.name)

        self._each(
            request,
            queryset.order_by("pk"),
            approve,
            lambda n: (
                ngettext("Approved %d registration.", "Approved %d registrations.", n)
                % n
            ),
        )
        if too_full:
            self.message_user(
                request,
                _(
                    "%(names)s: approved, but the event had no seat or place in "
                    "line left; they were told, and hold no seat."
                )
                % {"names": ", ".join(too_full)},
                messages.WARNING,
            )

    @admin.action(
        description=_("Decline selected (not members; they are emailed)"),
        permissions=["change"],
    )
    def decline_registrations(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.decline_registration(registration_id=r.pk),
            lambda n: (
                ngettext("Declined %d registration.", "Declined %d registrations.", n)
                % n
            ),
        )
