"""Staff sign-in is throttled after repeated failures (issue 5)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


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
    for _ in range(5):
        response = sign_in(client, "guess")
        assert "Please enter the correct username and password" in response.text
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_the_limit_follows_the_username_across_addresses(client, staff):
    for n in range(5):
        sign_in(client, "guess", address=f"10.0.0.{n}")
    response = sign_in(client, "correct horse battery", address="10.9.9.9")
    assert "Too many failed sign-in attempts" in response.text


def test_the_limit_follows_the_address_across_usernames(client, staff):
    for n in range(5):
        sign_in(client, "guess", username=f"someone{n}")
    response = sign_in(client, "correct horse battery")
    assert "Too many failed sign-in attempts" in response.text


def test_a_few_failures_then_the_right_password_signs_in(client, staff):
    for _ in range(4):
        sign_in(client, "guess")
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_wait_ends_with_the_window(client, staff, settings):
    settings.ADMIN_LOGIN_FAILURE_WINDOW = 60
    for _ in range(5):
        sign_in(client, "guess")
    cache.clear()  # the window has passed: the counts have expired
    assert sign_in(client, "correct horse battery").status_code == 302
