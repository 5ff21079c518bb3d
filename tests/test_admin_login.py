"""Staff sign-in is throttled after repeated failures (issue 5)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "librarian", password="correct horse battery", is_staff=True
    )


def sign_in(client, password, username="librarian", address="10.0.0.1"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_after_five_failures_even_the_right_password_must_wait(client, staff):
    """Five wrong passwords are each refused as wrong; the sixth attempt is
    refused as throttled, right password or not, and signs no one in."""
    for _ in range(5):
        response = sign_in(client, "guess")
        assert "Please enter the correct username and password" in response.text
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_the_limit_follows_the_username_across_addresses(client, staff):
    """Failures for one username from five addresses lock that username out
    from a sixth address too."""
    for n in range(5):
        sign_in(client, "guess", address=f"10.0.0.{n}")
    response = sign_in(client, "correct horse battery", address="10.9.9.9")
    assert "Too many failed sign-in attempts" in response.text


def test_the_limit_follows_the_address_across_usernames(client, staff):
    """Failures from one address for five usernames lock that address out
    for any username."""
    for n in range(5):
        sign_in(client, "guess", username=f"someone{n}")
    response = sign_in(client, "correct horse battery")
    assert "Too many failed sign-in attempts" in response.text


def test_a_few_failures_then_the_right_password_signs_in(client, staff):
    """Four failures stay under the limit: the right password then signs in."""
    for _ in range(4):
        sign_in(client, "guess")
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_lock_holds_until_the_window_ends_then_lifts(
    client, staff, settings, clock
):
    """Locked out one second before the window (counted from the first
    failure) ends; signed in one second after it."""
    settings.ADMIN_LOGIN_FAILURE_WINDOW = 60
    for _ in range(5):
        sign_in(client, "guess")

    clock.advance(seconds=59)
    response = sign_in(client, "correct horse battery")
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session

    clock.advance(seconds=2)
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_window_starts_at_the_first_failure_and_later_ones_do_not_extend_it(
    client, staff, settings, clock
):
    """A failure at 0s and four at 50s lock the account; the lock lifts at
    61s, a minute after the first failure, not a minute after the last, and
    refused attempts while locked do not extend it either."""
    settings.ADMIN_LOGIN_FAILURE_WINDOW = 60
    sign_in(client, "guess")
    clock.advance(seconds=50)
    for _ in range(4):
        sign_in(client, "guess")
    response = sign_in(client, "correct horse battery")
    assert "Too many failed sign-in attempts" in response.text

    clock.advance(seconds=9)  # 59s after the first failure
    response = sign_in(client, "guess")
    assert "Too many failed sign-in attempts" in response.text

    clock.advance(seconds=2)  # 61s
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 302
