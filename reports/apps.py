from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Staff overview and reports (PRODUCT.md §12): figures about events
    and registrations, on top of both apps; neither imports it."""

    default = True
    name = "reports"
    verbose_name = _("Reports")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the staff overview as its first page."""

    default = False
    default_site = "reports.sites.StaffAdminSite"
