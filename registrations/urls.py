from django.urls import path

from . import certificate_views, evaluation_views, my_views, views

app_name = "registrations"

urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/registered/", views.registered, name="registered"),
    path("registrations/<str:token>/", views.manage, name="manage"),
    path("registrations/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registrations/<str:token>/event.ics", views.private_ics, name="ics"),
    path("registrations/<str:token>/details/", views.update_details, name="details"),
    path(
        "registrations/<str:token>/attendance/",
        views.enter_attendance_code,
        name="attendance",
    ),
    path(
        "registrations/<str:token>/evaluation/",
        evaluation_views.evaluation,
        name="evaluation",
    ),
    path(
        "registrations/<str:token>/certificate.pdf",
        certificate_views.download_certificate,
        name="certificate_pdf",
    ),
    path(
        "certificates/<str:code>/",
        certificate_views.verify_certificate,
        name="certificate",
    ),
    path(
        "my/certificates/<str:code>.pdf",
        my_views.my_certificate_pdf,
        name="my_certificate_pdf",
    ),
    path("my/record/<int:year>.pdf", my_views.my_record_pdf, name="my_record_pdf"),
    path("my/", my_views.my_registrations, name="my_registrations"),
    path("my/link-sent/", my_views.my_link_sent, name="my_link_sent"),
    path("my/sign-in/<str:token>/", my_views.my_sign_in, name="my_sign_in"),
    path("my/sign-out/", my_views.my_sign_out, name="my_sign_out"),
]
