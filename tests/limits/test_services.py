"""The counting underneath the limits: what a rate setting may say, what a
check and a record cost, how clients are told apart, and when rows go."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from limits import services
from limits.checks import check_rate_settings
from limits.models import Attempt
from limits.services import Rate

pytestmark = pytest.mark.django_db

SCOPE = "registration"
KEY = "0" * 32


def test_a_rate_is_attempts_per_seconds():
    """A rate written "40/600" is forty attempts in a ten-minute window."""
    rate = Rate.parse("40/600")
    assert (rate.attempts, rate.seconds) == (40, 600)
    assert rate.window == timedelta(minutes=10)


@pytest.mark.parametrize("value", ["10", "ten/600", "10/0", "-1/600", "5/86401", ""])
def test_a_rate_written_wrong_is_refused_with_what_it_should_look_like(value):
    """No slash, a word, no window, a negative count, or a window longer than
    a day (older rows are pruned) is refused, naming the setting."""
    with pytest.raises(ImproperlyConfigured, match="REGISTRATION_RATE_LIMIT must be"):
        Rate.parse(value, setting="REGISTRATION_RATE_LIMIT")


def test_the_settings_check_names_a_rate_written_wrong(settings):
    """``manage.py check`` (run by migrate, so by ``make serve``) reports a
    wrong REGISTRATION_POST_LIMIT as an error; right ones pass."""
    assert check_rate_settings() == []
    settings.REGISTRATION_POST_LIMIT = "300 per 10 minutes"
    errors = check_rate_settings()
    assert [error.id for error in errors] == ["limits.E001"]
    assert "REGISTRATION_POST_LIMIT must be attempts/seconds" in errors[0].msg


def test_a_check_is_one_query_and_a_record_one_insert(django_assert_num_queries):
    """What each registration POST pays for its limits: one query to count,
    one insert to record, while the client has made fewer attempts than it
    may have successes."""
    for _ in range(5):
        services.record_attempt(scope=SCOPE, key=KEY, succeeded=True)
    with django_assert_num_queries(1):
        over = services.is_over_limit(
            scope=SCOPE, key=KEY, successes=Rate(6, 600), attempts=Rate(10, 600)
        )
    assert not over
    with django_assert_num_queries(1):
        services.record_attempt(scope=SCOPE, key=KEY, succeeded=False)


def test_many_failed_attempts_take_a_second_query_and_count_for_nothing(
    django_assert_num_queries,
):
    """A client with more attempts than it may have successes (mistyped
    forms, say) is checked with a second count, of its successes, which
    failed attempts do not raise."""
    for _ in range(5):
        services.record_attempt(scope=SCOPE, key=KEY, succeeded=False)
    services.record_attempt(scope=SCOPE, key=KEY, succeeded=True)
    rates = {"attempts": Rate(100, 600)}
    with django_assert_num_queries(2):
        assert not services.is_over_limit(
            scope=SCOPE, key=KEY, successes=Rate(2, 600), **rates
        )
    services.record_attempt(scope=SCOPE, key=KEY, succeeded=True)
    assert services.is_over_limit(scope=SCOPE, key=KEY, successes=Rate(2, 600), **rates)


def test_the_count_is_per_scope_and_per_client():
    """Attempts in another scope or by another client do not count."""
    for _ in range(3):
        services.record_attempt(scope=SCOPE, key=KEY, succeeded=True)
        services.record_attempt(scope="other", key=KEY, succeeded=True)
        services.record_attempt(scope=SCOPE, key="1" * 32, succeeded=True)
    rates = {"successes": Rate(3, 600), "attempts": Rate(100, 600)}
    assert services.is_over_limit(scope=SCOPE, key=KEY, **rates)
    assert not services.is_over_limit(scope=SCOPE, key="2" * 32, **rates)
    rates = {"successes": Rate(4, 600), "attempts": Rate(100, 600)}
    assert not services.is_over_limit(scope=SCOPE, key=KEY, **rates)


def test_each_rate_counts_over_its_own_window(clock):
    """Two successes a minute ago are outside a 30-second success window but
    inside a two-minute attempts window or a 90-second success window, even
    when attempts are counted over a shorter one."""
    services.record_attempt(scope=SCOPE, key=KEY, succeeded=True)
    services.record_attempt(scope=SCOPE, key=KEY, succeeded=True)
    clock.advance(seconds=60)
    assert not services.is_over_limit(
        scope=SCOPE, key=KEY, successes=Rate(2, 30), attempts=Rate(3, 120)
    )
    assert services.is_over_limit(
        scope=SCOPE, key=KEY, successes=Rate(2, 30), attempts=Rate(2, 120)
    )
    assert services.is_over_limit(
        scope=SCOPE, key=KEY, successes=Rate(2, 90), attempts=Rate(3, 120)
    )
    # Attempts counted over a shorter window than successes: none in the
    # last 30 seconds, but both successes in the last 90.
    assert services.is_over_limit(
        scope=SCOPE, key=KEY, successes=Rate(2, 90), attempts=Rate(3, 30)
    )


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("2001:DB8:1:2::ffff", "2001:db8:1:2::"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("not an address", "not an address"),
        ("", ""),
    ],
)
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(address, network):
    """An IPv4 address is a client; so is an IPv6 /64 (written as its first
    address), and an IPv4 address written as IPv6 is the IPv4 one."""
    assert services.client_network(address) == network


def test_the_key_is_keyed_by_the_secret(settings):
    """The same network gives the same key; another secret key gives
    another, so no one without the secret can tell which address it was."""
    factory = RequestFactory()
    first = services.client_key(factory.post("/", REMOTE_ADDR="2001:db8::1"))
    again = services.client_key(factory.post("/", REMOTE_ADDR="2001:db8::2"))
    other = services.client_key(factory.post("/", REMOTE_ADDR="2001:db9::1"))
    assert first == again != other
    settings.SECRET_KEY = "another-secret-key"
    assert services.client_key(factory.post("/", REMOTE_ADDR="2001:db8::1")) != first


def test_the_daily_purge_forgets_attempts_older_than_a_day(clock):
    """``manage.py purge_personal_data`` (daily) deletes the attempts no
    window can count (over a day old) and keeps the rest."""
    services.record_attempt(scope=SCOPE, key=KEY, succeeded=True)
    clock.advance(hours=23)
    services.record_attempt(scope=SCOPE, key=KEY, succeeded=False)
    clock.advance(hours=2)
    call_command("purge_personal_data", stdout=StringIO())
    assert list(Attempt.objects.values_list("succeeded", flat=True)) == [False]
    assert services.prune_attempts(now=timezone.now() + timedelta(days=2)) == 1
    assert not Attempt.objects.exists()
