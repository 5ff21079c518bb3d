from django.contrib import admin
from django.urls import include, path

from events.admin_login import ThrottledAdminLoginForm

admin.site.site_header = "Almanac staff"
admin.site.site_title = "Almanac staff"
admin.site.index_title = "Events and registrations"
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
]

handler404 = "events.views.page_not_found"
handler500 = "events.views.server_error"
