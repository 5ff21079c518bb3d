"""Staff sign-in that slows down password guessing.

After ``ADMIN_LOGIN_FAILURE_LIMIT`` failed attempts for one username, or
from one address, within ``ADMIN_LOGIN_FAILURE_WINDOW`` seconds, further
attempts are refused (even with the right password) until the window has
passed. Counts live in the shared cache, so every app server sees them.
"""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _client_address(request) -> str:
    header = getattr(settings, "REGISTRATION_CLIENT_IP_HEADER", None)
    if request is not None and header and request.META.get(header):
        # The proxy appends the address it saw: the last one can't be forged.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed sign-in attempts. Please wait %(minutes)s minutes "
            "and try again."
        ),
    }

    def failure_keys(self) -> list[str]:
        username = (self.data.get("username") or "").strip().lower()
        digest = hashlib.sha256(username.encode()).hexdigest()
        return [
            f"admin-login-failures:user:{digest}",
            f"admin-login-failures:addr:{_client_address(self.request)}",
        ]

    def clean(self):
        limit = settings.ADMIN_LOGIN_FAILURE_LIMIT
        window = settings.ADMIN_LOGIN_FAILURE_WINDOW
        keys = self.failure_keys()
        if any(count >= limit for count in cache.get_many(keys).values()):
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(window // 60, 1)},
            )
        try:
            return super().clean()
        except ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                for key in keys:
                    # add() starts the window; incr() never extends it.
                    cache.add(key, 0, timeout=window)
                    try:
                        cache.incr(key)
                    except ValueError:  # expired in between
                        cache.set(key, 1, timeout=window)
            raise
