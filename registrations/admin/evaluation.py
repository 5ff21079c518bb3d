"""The event's evaluation, edited on the event's own admin form."""

from django.contrib import admin

from ..models import EvaluationQuestion


class EvaluationQuestionInline(admin.TabularInline):
    """The questions attendees are asked after the event, in their order. A
    new event starts with the default set (``EventWithSeatsAdmin.save_related``)
    for staff to edit here."""

    model = EvaluationQuestion
    fields = ["label", "kind", "required", "order"]
    # Right after "Attendance and CE credit", where staff set up what the
    # attendance earns (registrations/admin/event_change_form.html).
    after_fieldset = 4
    ordering = ["order", "pk"]
    extra = 0
