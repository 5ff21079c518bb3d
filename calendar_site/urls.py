from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Almanac staff"
admin.site.site_title = "Almanac staff"
admin.site.index_title = "Events and registrations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
]

handler404 = "events.views.page_not_found"
handler500 = "events.views.server_error"
