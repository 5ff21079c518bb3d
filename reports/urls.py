"""The reports pages, under /admin/reports/ (included before the admin's
own URLs, so the admin's catch-all doesn't answer them)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("csv/<slug:table>/", views.report_csv, name="report_csv"),
    path("annual/", views.annual_index, name="annual_index"),
    path("annual/<int:year>/", views.annual_report, name="annual"),
    path("annual/<int:year>/csv/", views.annual_csv, name="annual_csv"),
]
