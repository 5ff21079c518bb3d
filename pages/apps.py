from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The consortium's own pages: flat pages staff write in the admin
    (django.contrib.flatpages), served through the page cache and listed in
    the footer."""

    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        # The site-wide checks `manage.py check --deploy` runs; Django asks
        # that checks be registered once the apps are ready.
        from . import checks  # noqa: F401
        from .signals import connect_marker_moves, follow_site_url

        connect_marker_moves()
        # After django.contrib.sites' own post_migrate has made the site.
        post_migrate.connect(follow_site_url, sender=self)
