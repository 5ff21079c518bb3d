"""``{% add_to_calendar event private_ics_url %}``: subscribe and add links.

The links are built in ``events.calendar_links``; this tag only renders them.
"""

from django import template

from events.calendar_links import calendar_links

register = template.Library()


@register.inclusion_tag("events/_add_to_calendar.html", takes_context=True)
def add_to_calendar(context, event, private_ics_url=""):
    """Links for one event; ``private_ics_url`` is the registrant's own file
    (with the join URL) and replaces the public download."""
    return {
        "event": event,
        "private_ics_url": private_ics_url,
        "links": calendar_links(event, private_ics_url=private_ics_url or ""),
    }
