"""The admin site staff sign in to: Django's, its first page the staff
overview (PRODUCT.md §12). ``StaffAdminConfig`` makes it the default site,
so every ``admin.register`` lands here; the titles stay as
``calendar_site/urls.py`` sets them."""

from django.contrib import admin

from .overview import staff_overview

# Who sees the overview: staff who may read rosters (roster viewers,
# registration managers). Event editors alone get the app list only.
OVERVIEW_PERMISSION = "registrations.view_registration"


class StaffAdminSite(admin.AdminSite):
    index_template = "reports/overview.html"

    def index(self, request, extra_context=None):
        """The app list, with this week's and next week's events and what
        needs attention above it for staff who read rosters. Each link is
        drawn only where the user may follow it."""
        user = request.user
        context = {}
        if user.has_perm(OVERVIEW_PERMISSION):
            context = {
                "overview": staff_overview(),
                "may_take_attendance": user.has_perm(
                    "registrations.change_registration"
                ),
                "may_view_outbox": user.has_perm("registrations.view_outboundemail"),
                "may_view_certificates": user.has_perm(
                    "registrations.view_certificate"
                ),
            }
        return super().index(request, {**context, **(extra_context or {})})
