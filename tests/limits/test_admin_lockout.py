"""Staff sign-in is locked after repeated failures (issue 5), the failures
are counted in the database, where a cache eviction or outage cannot erase
them (issue 11.2), and under the username as Django looks it up, so that
no look-alike spelling gets guesses of its own (issue 11.6)."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import dom

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery"
WRONG = "Please enter the correct username and password"
LOCKED = "Too many failed sign-in attempts"
# "victim" in fullwidth (U+FF56...) and in mathematical bold (U+1D42F...)
# letters: each signs in as "victim", as the sign-in form NFKC-normalizes.
FULLWIDTH = "".join(chr(ord(letter) + 0xFEE0) for letter in "victim")
MATH_BOLD = "".join(chr(ord(letter) - ord("a") + 0x1D41A) for letter in "victim")


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "librarian", password=PASSWORD, is_staff=True
    )


@pytest.fixture
def victim():
    return get_user_model().objects.create_user(
        "victim", password=PASSWORD, is_staff=True
    )


def sign_in(client, password, username="librarian", address="10.0.0.1", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def is_locked_page(response) -> bool:
    return response.status_code == 429 and LOCKED in response.text


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def fail(client, times, **kwargs):
    for _ in range(times):
        sign_in(client, "guess", **kwargs)


def test_the_fifth_failure_locks_and_even_the_right_password_must_wait(client, staff):
    """Four wrong passwords are each refused as wrong; the fifth is answered
    with the lock's page (429), and so is the right password after it,
    which signs no one in."""
    for _ in range(4):
        response = sign_in(client, "guess")
        assert response.status_code == 200
        assert WRONG in response.text
    assert is_locked_page(sign_in(client, "guess"))
    assert is_locked_page(sign_in(client, PASSWORD))
    assert not signed_in_as(client, staff)


def test_the_lock_page_says_how_long_and_leads_back_to_sign_in(client, staff):
    """The lock's page is a page, not a stack trace: it has the staff site's
    header, says how many minutes to wait (ADMIN_LOGIN_FAILURE_WINDOW),
    links back to the sign-in page and tells clients when to retry."""
    fail(client, 5)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    text = dom.text_of(response)
    assert "Almanac staff" in text
    assert "Please wait 15 minutes and try again." in text
    assert LOGIN in dom.hrefs(dom.parse(response))


def test_the_limit_follows_the_username_across_addresses(client, staff):
    """Failures for one username from five addresses lock that username out
    from a sixth address too."""
    for n in range(5):
        sign_in(client, "guess", address=f"10.0.0.{n}")
    assert is_locked_page(sign_in(client, PASSWORD, address="10.9.9.9"))
    assert not signed_in_as(client, staff)


def test_the_limit_follows_the_address_across_usernames(client, staff):
    """Failures from one address for five usernames lock that address out
    for any username."""
    for n in range(5):
        sign_in(client, "guess", username=f"someone{n}")
    assert is_locked_page(sign_in(client, PASSWORD))
    assert not signed_in_as(client, staff)


def test_a_few_failures_then_the_right_password_signs_in(client, staff):
    """Four failures stay under the limit: the right password then signs in."""
    fail(client, 4)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client, staff)


def test_the_lock_lifts_a_window_after_the_last_failure(
    client, staff, settings, sign_in_clock
):
    """With a one-minute window, a lock set by a failure at 0s holds at 59s
    and lifts at 61s: the right password then signs in."""
    settings.ADMIN_LOGIN_FAILURE_WINDOW = 60
    fail(client, 5)

    sign_in_clock.advance(seconds=59)
    assert is_locked_page(sign_in(client, PASSWORD))
    assert not signed_in_as(client, staff)

    sign_in_clock.advance(seconds=2)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client, staff)


def test_attempts_refused_while_locked_do_not_extend_the_lock(
    client, staff, settings, sign_in_clock
):
    """A failure at 0s and four at 50s lock the account until a minute after
    the last failure (110s); guesses refused meanwhile, at 60s and 109s, do
    not push that further: the right password signs in at 111s."""
    settings.ADMIN_LOGIN_FAILURE_WINDOW = 60
    sign_in(client, "guess")
    sign_in_clock.advance(seconds=50)
    fail(client, 4)
    sign_in_clock.advance(seconds=10)  # 60s
    assert is_locked_page(sign_in(client, "guess"))
    sign_in_clock.advance(seconds=49)  # 109s
    assert is_locked_page(sign_in(client, "guess"))

    sign_in_clock.advance(seconds=2)  # 111s
    assert sign_in(client, PASSWORD).status_code == 302
    assert signed_in_as(client, staff)


def test_failures_far_apart_are_forgotten(client, staff, settings, sign_in_clock):
    """Failures more than a window apart never add up to a lock: four, then
    a window later four more, and the right password still signs in."""
    settings.ADMIN_LOGIN_FAILURE_WINDOW = 60
    fail(client, 4)
    sign_in_clock.advance(seconds=61)
    fail(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302


def test_look_alike_spellings_of_a_username_sign_in_as_it(client, victim):
    """Django looks names up NFKC-normalized: the fullwidth and the
    mathematical bold spellings of "victim" sign in as victim. That is why
    the lock must treat them as victim."""
    for spelling in (FULLWIDTH, MATH_BOLD):
        client = Client()
        response = sign_in(client, PASSWORD, username=spelling)
        assert response.status_code == 302
        assert signed_in_as(client, victim)


def test_a_locked_username_locks_its_look_alikes(client, victim):
    """Once victim is locked, neither its fullwidth nor its mathematical bold
    spelling nor another case signs in with the right password, from
    another address either."""
    fail(client, 5, username="victim")
    for n, spelling in enumerate((FULLWIDTH, MATH_BOLD, "Victim", " victim ")):
        other = Client()
        response = sign_in(other, PASSWORD, username=spelling, address=f"10.1.0.{n}")
        assert is_locked_page(response), spelling
        assert not signed_in_as(other, victim)


def test_guesses_spread_over_spellings_and_addresses_add_up(client, victim):
    """Thirty guesses over six spellings of victim, each from its own
    address, are counted as one username's: from the fifth on they are
    refused, and the right password is refused after them."""
    spellings = [
        FULLWIDTH,
        MATH_BOLD,
        "VICTIM",
        "Victim",
        FULLWIDTH[:3] + "tim",
        "victim",
    ]
    answers = []
    for n in range(30):
        spelling = spellings[n % len(spellings)]
        response = sign_in(client, "guess", username=spelling, address=f"10.2.{n}.1")
        answers.append(is_locked_page(response))
    assert answers == [False] * 4 + [True] * 26
    assert is_locked_page(sign_in(client, PASSWORD, username="victim"))
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"victim"}


def test_the_lock_survives_every_cache_being_cleared(client, staff):
    """The failures live in the database: clearing every cache (as an
    eviction or a restarted Redis would) between the failures and the next
    attempt lifts nothing."""
    fail(client, 3)
    for cache in caches.all():
        cache.clear()
    fail(client, 2)
    for cache in caches.all():
        cache.clear()
    assert is_locked_page(sign_in(client, PASSWORD))
    assert not signed_in_as(client, staff)


def test_the_lock_holds_with_the_cache_down(client, staff, caches_down):
    """With every cache a Redis that is not there, sign-in still works and
    failures still lock: nothing of either depends on the cache."""
    fail(client, 4)
    assert sign_in(Client(), PASSWORD).status_code == 302
    sign_in(client, "guess")
    assert is_locked_page(sign_in(client, PASSWORD))
    assert not signed_in_as(client, staff)


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings, staff):
    """With REGISTRATION_CLIENT_IP_HEADER set, failures are counted under the
    last address in the proxy's header, which the client cannot forge: a
    client that varies the first entry is still locked; another client
    behind the same proxy is not."""
    settings.REGISTRATION_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    guesser, colleague = Client(), Client()
    for n in range(5):
        sign_in(
            guesser,
            "guess",
            username=f"someone{n}",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7",
        )
    response = sign_in(
        guesser, PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert is_locked_page(response)
    response = sign_in(
        colleague, PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert response.status_code == 302


def test_an_ipv6_network_counts_as_one_address(client, staff):
    """A client picks any address in its IPv6 /64: failures from five of
    them, for five usernames, lock the sixth address of that network, not
    another network."""
    for n in range(1, 6):
        sign_in(client, "guess", username=f"someone{n}", address=f"2001:db8:1:2::{n}")
    assert is_locked_page(sign_in(client, PASSWORD, address="2001:db8:1:2::ff"))
    response = sign_in(Client(), PASSWORD, address="2001:db8:1:3::1")
    assert response.status_code == 302


def test_a_name_that_grows_when_folded_gets_a_page_not_an_error(client, staff):
    """A 150-letter "ß" name (the longest the form takes) folds to 300
    letters, longer than Axes' column: failures for it are still counted,
    and answered with pages, never a server error."""
    name = "ß" * 150
    statuses = [sign_in(client, "guess", username=name).status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429] * 2


def test_a_sign_in_without_a_request_skips_the_check(client, staff):
    """Code that signs in without a web request (the test client's login,
    a shell) has no address to count: it is neither refused nor an error,
    even while the username is locked."""
    fail(client, 5)
    assert client.login(username="librarian", password=PASSWORD)


def test_the_daily_purge_forgets_failures_older_than_the_window(
    client, staff, settings, sign_in_clock
):
    """Failures keep a staff member's address; ``manage.py
    purge_personal_data`` (daily) deletes those older than the window even
    when no one signs in again, and keeps a lock that still holds."""
    settings.ADMIN_LOGIN_FAILURE_WINDOW = 60
    sign_in(client, "guess", username="someone", address="10.3.0.1")
    sign_in_clock.advance(seconds=40)
    fail(client, 5, address="10.3.0.2")
    sign_in_clock.advance(seconds=30)  # the first failure is 70s old
    call_command("purge_personal_data", stdout=StringIO())
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        "10.3.0.2"
    ]
    assert is_locked_page(sign_in(client, PASSWORD, address="10.3.0.2"))
