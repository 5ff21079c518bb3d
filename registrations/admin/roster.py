"""The roster: registrations by event, with their member library and their
answers to the event's questions, its CSV, and the actions staff take on
them (cancel, promote, attendance, resend, revoke links; approving is in
``approvals``, adding someone and moving people in ``registrants``). Every
seat change calls the services."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Event
from members.models import MemberLibrary

from .. import services
from ..models import LINE_ORDER, Answer, Question, Registration
from ..roster import answer_text, roster_response
from ..selectors import with_waitlist_positions
from .approvals import ApprovalActions
from .attendance import AttendanceReportPages
from .registrants import EVENT_FILTER, RegistrantPages, event_when


def filtered_event_id(request) -> int | None:
    """The event the roster is filtered to, if exactly one."""
    value = request.GET.get(EVENT_FILTER, "")
    return int(value) if value.isdigit() else None


def answers_with_questions():
    """A registration's answers with their questions, in the questions'
    order: one query for a whole page of registrations."""
    return Prefetch("answers", queryset=Answer.objects.select_related("question"))


class RosterChangeList(ChangeList):
    """The roster's page: the answers of the registrations shown, fetched
    in one query for the page, not one per row. Only the rows shown: the
    actions and the count run on the plain queryset."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = self.result_list.prefetch_related(answers_with_questions())


@admin.register(Registration)
class RegistrationAdmin(
    ApprovalActions, RegistrantPages, AttendanceReportPages, admin.ModelAdmin
):
    # Status first after the name: at 1280 px it shows without scrolling
    # however long the addresses and titles are.
    list_display = (
        "name",
        "status",
        "position",
        "attended",
        "email",
        "organization",
        "library",
        "answers_in_brief",
        "event",
        "created_at",
    )
    list_filter = (
        "status",
        "attended",
        ("purged_at", admin.EmptyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "email", "organization", "library__name")
    list_select_related = ("event", "library")
    change_list_template = "registrations/admin/change_list.html"
    date_hierarchy = "created_at"
    # Typo fixes and the library the registration counts for; everything
    # about the seat goes through the actions.
    editable_fields = ("name", "organization", "library", "accommodation_request")
    fields = (
        "event",
        "name",
        "email",
        "organization",
        "library",
        "accommodation_request",
        "answer_list",
        "status",
        "position",
        "attended",
        "attendance_source",
        "attendance_marked_by",
        "attendance_marked_at",
        "minutes_attended",
        "evaluation_completed",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "decided_at",
        "last_emailed_at",
        "reminder_sent_at",
        "purged_at",
    )
    readonly_fields = tuple(set(fields) - set(editable_fields))
    actions = (
        *ApprovalActions.approval_actions,
        "cancel_registrations",
        "promote_registrations",
        "mark_attended",
        "mark_not_attended",
        "resend_emails",
        "revoke_links",
        "move_registrations",
        "export_roster",
    )

    def get_list_display(self, request):
        # One event's roster: its title is the page's heading, not a column
        # repeated on every row; and no answers column when it asks nothing.
        event_id = filtered_event_id(request)
        if event_id is None:
            return self.list_display
        hidden = {"event"}
        if not Question.objects.filter(event_id=event_id).exists():
            hidden.add("answers_in_brief")
        return tuple(name for name in self.list_display if name not in hidden)

    def get_changelist(self, request, **kwargs):
        return RosterChangeList

    def get_queryset(self, request):
        return with_waitlist_positions(super().get_queryset(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        library = form.base_fields.get("library")
        if library is not None:
            # Active libraries to choose from, and the one it has even if it
            # left the consortium since: saving a typo fix must not drop it.
            current = obj.library_id if obj is not None else None
            library.queryset = MemberLibrary.objects.filter(
                Q(is_active=True) | Q(pk=current)
            ).order_by("name")
        return form

    @admin.display(description=_("waitlist position"))
    def position(self, registration):
        return registration.position

    @admin.display(description=_("answers"))
    def answers_in_brief(self, registration):
        """Each answer on a line of its own, long ones shortened: the whole
        text is on the registration's page."""
        answers = [
            (answer.question.label, answer_text(answer, answer.question))
            for answer in registration.answers.all()
        ]
        if not answers:
            return self.get_empty_value_display()
        return render_to_string(
            "registrations/admin/_answers_in_brief.html", {"answers": answers}
        )

    @admin.display(description=_("answers to the event's questions"))
    def answer_list(self, registration):
        """Every question of the event with what this registrant answered,
        or that they left it empty, or that the answers were purged."""
        answers = {answer.question_id: answer for answer in registration.answers.all()}
        questions = [
            (
                question.label,
                answer_text(answers[question.pk], question)
                if question.pk in answers
                else "",
            )
            for question in registration.event.questions.all()
        ]
        return render_to_string(
            "registrations/admin/_answer_list.html",
            {"questions": questions, "purged": registration.purged_at is not None},
        )

    def has_add_permission(self, request):
        # Registrations come from the form, through the service.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would free a seat without promoting anyone: cancel instead.
        return False

    def save_model(self, request, obj, form, change):
        # Only the edited fields: a full save could write back a status that a
        # cancellation changed while this form was open.
        obj.save(update_fields=[f for f in self.editable_fields if f in form.fields])
        # A corrected name is a corrected certificate, with the same code.
        if "name" in form.changed_data and services.reissue_certificate(
            registration_id=obj.pk
        ):
            self.message_user(
                request,
                _("Their certificate is being made again with the new name."),
                messages.INFO,
            )

    def _each(self, request, queryset, call, done_message):
        done = 0
        # One warning per reason, naming everyone it held back: forty
        # attendees ticked too early make one line, not forty.
        refused: dict[str, list[str]] = {}
        for registration in queryset.select_related("event"):
            try:
                call(registration)
            except services.RegistrationError as error:
                refused.setdefault(error.message, []).append(registration.name)
            else:
                done += 1
        for reason, names in refused.items():
            self.message_user(
                request, f"{', '.join(names)}: {reason}", messages.WARNING
            )
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(
        description=_("Cancel selected registrations (and promote the waitlist)"),
        permissions=["change"],
    )
    def cancel_registrations(self, request, queryset):
        self._each(
            request,
            queryset.filter(status__in=Registration.OPEN),
            lambda r: services.cancel_registration(registration_id=r.pk, by_staff=True),
            lambda n: (
                ngettext("Cancelled %d registration.", "Cancelled %d registrations.", n)
                % n
            ),
        )

    @admin.action(
        description=_("Promote selected from the waiting list"),
        permissions=["change"],
    )
    def promote_registrations(self, request, queryset):
        # In line order: with fewer seats than people ticked, the first in
        # line get them.
        self._each(
            request,
            queryset.order_by(*LINE_ORDER),
            lambda r: services.promote_waitlist(
                event_id=r.event_id, registration_id=r.pk
            ),
            lambda n: ngettext("Promoted %d person.", "Promoted %d people.", n) % n,
        )

    @admin.action(description=_("Mark selected as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.mark_attended(registration_id=r.pk, by=request.user),
            lambda n: ngettext("Marked %d attended.", "Marked %d attended.", n) % n,
        )

    @admin.action(
        description=_("Mark selected as not attended"), permissions=["change"]
    )
    def mark_not_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.mark_attended(
                registration_id=r.pk, attended=False, by=request.user
            ),
            lambda n: (
                ngettext("Marked %d not attended.", "Marked %d not attended.", n) % n
            ),
        )

    @admin.action(
        description=_("Resend the registration email (with their link)"),
        permissions=["change"],
    )
    def resend_emails(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.resend_registration_email(registration_id=r.pk),
            lambda n: ngettext("Queued %d email.", "Queued %d emails.", n) % n,
        )

    @admin.action(
        description=_("Revoke their links (the next email carries a new one)"),
        permissions=["change"],
    )
    def revoke_links(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.revoke_links(registration_id=r.pk),
            lambda n: (
                ngettext(
                    "Revoked the link of %d registration.",
                    "Revoked the links of %d registrations.",
                    n,
                )
                % n
            ),
        )

    @admin.action(
        description=_("Export selected as a CSV roster"), permissions=["view"]
    )
    def export_roster(self, request, queryset):
        return roster_response(
            Registration.objects.filter(pk__in=queryset.values("pk")),
            "registrations.csv",
        )

    def get_urls(self):
        return [
            path(
                "roster/<int:event_id>.csv",
                self.admin_site.admin_view(self.event_roster),
                name="registrations_registration_roster",
            ),
            path(
                "roster/<int:event_id>/add/",
                self.admin_site.admin_view(self.add_registrant),
                name="registrations_registration_add_registrant",
            ),
            path(
                "roster/<int:event_id>/attendance/",
                self.admin_site.admin_view(self.take_attendance),
                name="registrations_registration_take_attendance",
            ),
            path(
                "roster/<int:event_id>/attendance-report/",
                self.admin_site.admin_view(self.attendance_report),
                name="registrations_registration_attendance_report",
            ),
            *super().get_urls(),
        ]

    def event_roster(self, request, event_id: int):
        """Every registration of one event (cancelled ones too), as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        return roster_response(
            Registration.objects.filter(event=event),
            f"roster-{slugify(event.slug)[:80]}.csv",
        )

    def changelist_view(self, request, extra_context=None):
        # One event filtered: its roster, headed by the event, offered whole
        # as CSV, and a way to add someone to it.
        extra_context = extra_context or {}
        event_id = filtered_event_id(request)
        event = Event.objects.filter(pk=event_id).first() if event_id else None
        if event is not None:
            extra_context["title"] = _("Roster: %(event)s") % {"event": event.title}
            extra_context["subtitle"] = event_when(event)
            extra_context["roster_url"] = reverse(
                "admin:registrations_registration_roster", args=[event.pk]
            )
            if self.has_change_permission(request):
                extra_context["add_registrant_url"] = reverse(
                    "admin:registrations_registration_add_registrant",
                    args=[event.pk],
                )
                extra_context["take_attendance_url"] = reverse(
                    "admin:registrations_registration_take_attendance",
                    args=[event.pk],
                )
                extra_context["attendance_report_url"] = reverse(
                    "admin:registrations_registration_attendance_report",
                    args=[event.pk],
                )
        return super().changelist_view(request, extra_context)
