"""Production settings for the gunicorn servers of the load benchmark.

Everything else comes from the environment exactly as in production
(DEBUG=0, HTTPS=0, DATABASE_URL, CACHE_URL=redis://..., TASKS_BACKEND);
see ``bench.load``. Only what a benchmark must change is changed here.
"""

import os
import tempfile

from calendar_site.settings import *  # noqa: F403

# Every request comes from 127.0.0.1, so the per-address limits (40
# registrations and 300 POSTs per ten minutes by default) would refuse most
# POSTs. They stay on, counted in the database on every POST (one query and
# one insert), just high enough never to trigger.
REGISTRATION_RATE_LIMIT = "1000000/600"
REGISTRATION_POST_LIMIT = "1000000/600"
# Collected by bench.run with these settings; never the project's own dir.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or os.path.join(
    tempfile.gettempdir(), "almanac_bench_static"
)
