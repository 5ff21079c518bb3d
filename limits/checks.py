"""A limit written wrong stops `manage.py check` (and so `migrate` and
`make serve`) with a clear message, not the first registration with a 500."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .services import Rate

# Every setting that holds an "attempts/seconds" rate.
RATE_SETTINGS = ("REGISTRATION_RATE_LIMIT", "REGISTRATION_POST_LIMIT")


@checks.register(checks.Tags.security)
def check_rate_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for name in RATE_SETTINGS:
        try:
            Rate.parse(getattr(settings, name, None), setting=name)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="limits.E001"))
    return errors
