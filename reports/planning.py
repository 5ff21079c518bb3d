"""How PostgreSQL plans the reports' queries.

Every other page reads a handful of rows through an index; a report reads
thousands, as many as its date range holds. Two settings of the connection
(``calendar_site.settings``) suit the handful, not the reports:

- Prepared statements: once a statement has run five times, PostgreSQL may
  keep one generic plan for any parameters, so a decade's report ran with
  the plan a year's had settled on (measured on the bench's decade: the
  categories took 230 ms instead of 140).
- No parallel workers: a report's scan of every registration in a range is
  the one query that gains from them (the decade's months: 80 ms instead of
  130).

So the report views run their queries in a transaction whose settings plan
each query for its own range and let it use parallel workers; nothing
outside that transaction changes.
"""

from contextlib import contextmanager

from django.db import connection, transaction

# SET LOCAL: for this transaction only, on PostgreSQL.
SETTINGS = (
    "SET LOCAL plan_cache_mode = force_custom_plan",
    "SET LOCAL max_parallel_workers_per_gather = 2",
)


@contextmanager
def planned_for_their_range():
    """Run the report's queries inside this (a no-op on SQLite)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in SETTINGS:
                cursor.execute(statement)
        yield
