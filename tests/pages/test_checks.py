"""Issue 12, point 8: `manage.py check --deploy` warns when the site-wide
accessibility contact is missing or a placeholder, and when email would be
sent from a placeholder address."""

import secrets

import pytest
from django.core.checks import registry

from pages.checks import (
    ACCESSIBILITY_CONTACT_MISSING,
    ACCESSIBILITY_CONTACT_PLACEHOLDER,
    SENDER_PLACEHOLDER,
    check_public_contacts,
)
from tests.subprocess_settings import run_python

REAL_SENDER = "Learning Services <sdonnelly@masslibsystem.org>"


def warning_ids(settings, *, contact: str, sender: str = REAL_SENDER) -> list[str]:
    settings.ALMANAC_ACCESSIBILITY_EMAIL = contact
    settings.DEFAULT_FROM_EMAIL = sender
    return [warning.id for warning in check_public_contacts()]


def test_a_real_contact_and_sender_raise_nothing(settings):
    """Real addresses: no warning."""
    assert warning_ids(settings, contact="ce@ala.org") == []


def test_a_missing_contact_is_a_warning(settings):
    """No ACCESSIBILITY_EMAIL: a warning that says what to set."""
    settings.ALMANAC_ACCESSIBILITY_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = REAL_SENDER
    [warning] = check_public_contacts()
    assert warning.id == ACCESSIBILITY_CONTACT_MISSING
    assert "ACCESSIBILITY_EMAIL" in warning.hint


@pytest.mark.parametrize(
    "contact", ["accessibility@almanac.invalid", "accessibility@example.org"]
)
def test_a_placeholder_contact_is_a_warning(settings, contact):
    """The old built-in placeholder, or .env.example's example address: a
    warning naming it."""
    assert warning_ids(settings, contact=contact) == [ACCESSIBILITY_CONTACT_PLACEHOLDER]
    assert contact in check_public_contacts()[0].msg


@pytest.mark.parametrize(
    "sender", ["Learning Services <learning@almanac.invalid>", "", "not an address"]
)
def test_a_placeholder_sender_is_a_warning(settings, sender):
    """Email sent from the built-in .invalid sender, or from no address at
    all, is a warning."""
    assert warning_ids(settings, contact="ce@ala.org", sender=sender) == [
        SENDER_PLACEHOLDER
    ]


def test_the_check_runs_only_with_deploy():
    """Registered as a deployment check: `check --deploy` runs it, a plain
    `check` (every `runserver` and `migrate`) does not."""
    assert check_public_contacts in registry.registry.get_checks(
        include_deployment_checks=True
    )
    assert check_public_contacts not in registry.registry.get_checks()


def production_env(tmp_path, **extra) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "calendar.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "HTTPS": "1",
        **extra,
    }


def test_check_deploy_warns_about_the_defaults(tmp_path):
    """A production environment that sets neither ACCESSIBILITY_EMAIL nor
    DEFAULT_FROM_EMAIL gets both warnings from `manage.py check --deploy`,
    and fails at --fail-level WARNING."""
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(tmp_path),
    )
    assert result.returncode != 0
    assert f"({ACCESSIBILITY_CONTACT_MISSING})" in result.stderr
    assert f"({SENDER_PLACEHOLDER})" in result.stderr
    assert "Set ACCESSIBILITY_EMAIL" in result.stderr


def test_check_deploy_is_quiet_with_real_addresses(tmp_path):
    """With both set to real addresses, none of these warnings."""
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        env=production_env(
            tmp_path,
            ACCESSIBILITY_EMAIL="ce@ala.org",
            DEFAULT_FROM_EMAIL=REAL_SENDER,
        ),
    )
    assert result.returncode == 0, result.stderr
    assert "almanac.W" not in result.stdout + result.stderr
