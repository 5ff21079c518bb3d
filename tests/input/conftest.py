import pytest

from .servers import Gunicorn, migrate


@pytest.fixture(scope="session")
def gunicorn(tmp_path_factory):
    """The app under gunicorn (one sync worker, the shipped config), on a
    migrated SQLite file of its own; its access log in ``access_log``."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    database = tmp / "almanac.sqlite3"
    migrate(database)
    server = Gunicorn(tmp, database)
    try:
        server.start()
        yield server
    finally:
        server.stop()
