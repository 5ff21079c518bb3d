"""The registration box on an event page (placeholder until registration lands)."""

from django import template

register = template.Library()


@register.inclusion_tag("registrations/_registration_box.html", takes_context=True)
def registration_box(context, event):
    return {"event": event, "request": context.get("request")}
