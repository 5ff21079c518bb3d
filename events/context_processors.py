from django.conf import settings


def site(request):
    """What every page's header and footer need."""
    return {"site_name": settings.ALMANAC_SITE_NAME}
