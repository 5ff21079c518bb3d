from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# The pages every page links to, from its header and footer.
SITE_PAGES = (
    "home",
    "list",
    "past",
    "calendar",
    "feed_ics",
    "feed_rss",
    "accessibility",
    "privacy",
)


def site(request):
    """What every page's header and footer need."""
    return {
        "site_name": settings.ALMANAC_SITE_NAME,
        "site_urls": _site_urls(get_script_prefix(), get_urlconf()),
    }


# Eight reverse() calls on every page otherwise; the addresses change only
# with the script prefix and the URLconf.
@lru_cache(maxsize=16)
def _site_urls(prefix: str, urlconf: str | None) -> dict[str, str]:
    return {name: reverse(f"events:{name}", urlconf) for name in SITE_PAGES}
