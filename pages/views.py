from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages.models import FlatPage
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from events import page_cache


# A flat page shows no seats: it is stale only when content changes, and
# pages.signals moves the content marker whenever a flat page does.
@require_safe
@page_cache.cached_page(page_cache.no_seats)
def flat_page(request, url: str):
    """A page staff wrote in the admin, at the address they gave it.

    Not Django's own flatpages view: that one puts the content in the page
    as typed (here it is Markdown, sanitized as event descriptions are) and
    lets staff pick any template by name."""
    page = get_object_or_404(FlatPage, url=f"/{url}", sites=settings.SITE_ID)
    if page.registration_required and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "flatpages/default.html", {"flatpage": page})
