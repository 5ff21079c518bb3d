from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """The member library directory: the consortium's libraries and the
    email domains their staff use. Knows nothing of events or seats; the
    registration services ask it who is a member."""

    name = "members"
    verbose_name = _("Member libraries")

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
