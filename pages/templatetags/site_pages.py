from django import template
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.db.models import QuerySet

register = template.Library()


@register.simple_tag
def footer_pages() -> QuerySet[FlatPage]:
    """The flat pages staff linked from the footer, in their order, in one
    query (run only if the template uses them). Pages only signed-in staff
    may read are left out: the footer is the same for everyone."""
    return (
        FlatPage.objects.filter(
            sites=settings.SITE_ID,
            footer_link__isnull=False,
            registration_required=False,
        )
        .order_by("footer_link__position", "title")
        .only("url", "title")
    )
