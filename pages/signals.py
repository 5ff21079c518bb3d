"""Cache bookkeeping and the site's address; no business rules.

Every page lists the footer's flat pages, so any change to a flat page, its
sites or its footer link makes every cached page stale (``events.page_cache``):
an edit shows at once.
"""

from urllib.parse import urlsplit

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save

from events import page_cache

from .models import FooterLink


def move_pages_content_marker(sender, **kwargs) -> None:
    page_cache.mark_content_changed()


def connect_marker_moves() -> None:
    for model in (FlatPage, FooterLink):
        uid = f"pages:{model._meta.label}"
        post_save.connect(
            move_pages_content_marker, sender=model, dispatch_uid=f"{uid}:save"
        )
        post_delete.connect(
            move_pages_content_marker, sender=model, dispatch_uid=f"{uid}:delete"
        )
    m2m_changed.connect(
        move_pages_content_marker,
        sender=FlatPage.sites.through,
        dispatch_uid="pages:flatpages.FlatPage:sites",
    )


def follow_site_url(*, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """Give the site of SITE_ID the host of SITE_URL and the site's name.

    django.contrib.sites names it "example.com", and Django builds addresses
    from that name where it has no request: the admin's "View on site" link
    of a flat page, the RSS feed's own address. Run on every migrate (each
    deploy), so a changed SITE_URL follows."""
    try:
        site_model = apps.get_model("sites", "Site")
    except LookupError:  # sites' tables are not migrated yet
        return
    domain = urlsplit(settings.SITE_URL).netloc[:100] or "localhost"
    site_model.objects.using(using).filter(pk=settings.SITE_ID).update(
        domain=domain, name=settings.ALMANAC_SITE_NAME[:50]
    )
    # update() sends no signal, and Site.objects caches the site per process.
    Site.objects.clear_cache()
