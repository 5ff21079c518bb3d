"""Staff at work in the admin: the demo's staff login and a roster viewer.
The browser tests of these pages are in ``tests/e2e/test_staff_admin.py``,
beside the one Chromium the suite starts."""

import pytest
from django.contrib.auth import get_user_model

from events.demo import refresh_demo_staff
from events.groups import ROSTER_VIEWERS, ensure_staff_groups
from tests.registrations.conftest import commit  # noqa: F401

STAFF_PASSWORD = "a-long-test-password"


@pytest.fixture
def demo_staff():
    """The account ``load_demo`` makes for the learning-services team."""
    return refresh_demo_staff(username="staff", password=STAFF_PASSWORD)


@pytest.fixture
def staff_client(client, demo_staff):
    client.force_login(demo_staff)
    return client


@pytest.fixture
def viewer_client(client):
    """A staff member in the roster viewers group only."""
    groups = ensure_staff_groups()
    user = get_user_model().objects.create_user(
        "viewer", password=STAFF_PASSWORD, is_staff=True
    )
    user.groups.add(groups[ROSTER_VIEWERS])
    client.force_login(user)
    return client
