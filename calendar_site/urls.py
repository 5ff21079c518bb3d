from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Almanac staff"
admin.site.site_title = "Almanac staff"
admin.site.index_title = "Events and registrations"


class FaviconRedirect(RedirectView):
    """Browsers and feed readers ask any site for ``/favicon.ico``; the icon
    is a static file, whose served name changes with its content."""

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.ico")


urlpatterns = [
    # Before the admin: its catch-all would answer any address under it.
    path("admin/reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
    # Last: staff's flat pages answer any address nothing above answers.
    path("", include("pages.urls")),
]

handler404 = "events.views.page_not_found"
handler500 = "events.views.server_error"
