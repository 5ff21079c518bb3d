from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Registrations"

    def ready(self):
        from .signals import connect_marker_moves

        connect_marker_moves()
