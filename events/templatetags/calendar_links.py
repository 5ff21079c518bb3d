"""Add-to-calendar links for an event (placeholder until the feeds land)."""

from django import template

register = template.Library()


@register.inclusion_tag("events/_add_to_calendar.html", takes_context=True)
def add_to_calendar(context, event, private_ics_url=""):
    return {"event": event, "private_ics_url": private_ics_url}
