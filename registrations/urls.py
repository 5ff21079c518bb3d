from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/registered/", views.registered, name="registered"),
    path("registrations/<str:token>/", views.manage, name="manage"),
    path("registrations/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registrations/<str:token>/event.ics", views.private_ics, name="ics"),
]
