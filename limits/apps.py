from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LimitsConfig(AppConfig):
    """How often one client may try something: registrations per network
    address, and (through django-axes) staff sign-in failures. Counted in
    the database, where neither a cache eviction nor a cache outage can
    erase a count."""

    name = "limits"
    verbose_name = _("Limits")

    def ready(self):
        from . import checks  # noqa: F401 - registers the settings check
