"""Staff sign-in that slows down password guessing, through django-axes.

After ``ADMIN_LOGIN_FAILURE_LIMIT`` failed attempts for one username, or
from one address, further attempts are refused, even with the right
password, until ``ADMIN_LOGIN_FAILURE_WINDOW`` seconds after the last
failure; attempts refused meanwhile do not extend the wait. Axes keeps the
failures in the database (its "access attempts", which a superuser may
delete in the admin to lift a lock early), so neither a cache eviction nor
a cache outage resets them. The settings point Axes at the functions here.
"""

import ipaddress
import math
import unicodedata
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .services import client_address, client_network

# Axes keeps usernames in a column of this many characters.
USERNAME_KEY_LENGTH = 255


def failure_limit(request, credentials=None) -> int:
    return settings.ADMIN_LOGIN_FAILURE_LIMIT


def cool_off(request=None) -> timedelta:
    return timedelta(seconds=settings.ADMIN_LOGIN_FAILURE_WINDOW)


def username_key(request, credentials=None) -> str | None:
    """The username failures are counted under: the name as Django looks it
    up, NFKC-normalized (the sign-in form and ``normalize_username`` do
    that, so "victim" in fullwidth or mathematical bold letters signs in as
    "victim"), trimmed as the form trims it, and case-folded, so that no
    spelling of a name gets guesses of its own. (Case variants locked
    together only make the lock stricter.)"""
    field = get_user_model().USERNAME_FIELD
    if credentials:
        name = credentials.get(field)
    else:
        name = getattr(request, "data", request.POST).get(field)
    if name is None:
        return None
    name = unicodedata.normalize("NFKC", str(name)).strip()
    # Case folding can leave a string that NFKC changes again ("ﬀ" ...).
    name = unicodedata.normalize("NFKC", name.casefold())
    # Folding can lengthen a name ("ß" to "ss"): a name too long for the
    # column is counted under its beginning; no real account is that long.
    return name[:USERNAME_KEY_LENGTH]


def client_ip(request) -> str | None:
    """The address failures are counted under: the client's as the
    registration limit sees it (REGISTRATION_CLIENT_IP_HEADER behind a
    proxy), an IPv6 client's whole /64, or None if it is no address."""
    network = client_network(client_address(request))
    try:
        ipaddress.ip_address(network)
    except ValueError:
        return None
    return network


def forget_old_failures(*, now=None) -> int:
    """Delete the failures no lock counts any more (older than the window),
    with the addresses they hold; how many records went. Axes does this
    itself at each sign-in; ``manage.py purge_personal_data`` does it daily
    for when no one signs in."""
    now = now or timezone.now()
    deleted, _ = AccessAttempt.objects.filter(
        attempt_time__lt=now - cool_off()
    ).delete()
    return deleted


def lockout_response(request, original_response=None, credentials=None):
    """A page that says why, and for how long, with 429 Too Many Requests."""
    window = settings.ADMIN_LOGIN_FAILURE_WINDOW
    context = {
        **admin.site.each_context(request),
        "minutes": max(math.ceil(window / 60), 1),
        "login_url": reverse("admin:login"),
    }
    response = render(request, "limits/sign_in_locked.html", context, status=429)
    response["Retry-After"] = str(window)
    return response


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check that refuses a locked-out sign-in before any password is
    tried. It needs the request for the client's address; a sign-in without
    one (a shell, the test client's ``login()``) has no visitor to slow
    down, so it skips the check rather than fail."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
