"""Report queries are planned for the range they ask about
(``reports.planning``): on PostgreSQL, inside the report views only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.planning import SETTINGS, planned_for_their_range

from .test_report_views import sign_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's planner settings"
    ),
]


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_inside_each_query_gets_its_own_plan_and_parallel_workers():
    """Within the block a prepared statement is planned again for its
    parameters and may use parallel workers; after it (its transaction
    committed: no test transaction around it here), the connection's own
    settings (generic plans allowed, no parallel workers) are back."""
    before = (show("plan_cache_mode"), show("max_parallel_workers_per_gather"))
    assert before == ("auto", "0")
    with planned_for_their_range():
        assert show("plan_cache_mode") == "force_custom_plan"
        assert show("max_parallel_workers_per_gather") == "2"
    assert (show("plan_cache_mode"), show("max_parallel_workers_per_gather")) == before


@pytest.mark.parametrize(
    "url",
    [
        reverse("reports:report"),
        reverse("reports:report_csv", kwargs={"table": "month"}),
        reverse("reports:annual", kwargs={"year": 2031}),
    ],
)
def test_the_report_views_plan_for_their_range(client, url):
    """Each report view sets both before its figures are counted."""
    sign_in(client, permissions=["view_registration"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"start": "2031-01-01", "end": "2031-12-31"})
    assert response.status_code == 200
    statements = [query["sql"] for query in queries]
    assert all(setting in statements for setting in SETTINGS)
