"""Dedicated benchmark databases, never the project's own.

From DATABASE_URL (PostgreSQL) the harness derives one database per purpose,
``<name>_<purpose>``, dropped and created afresh; without it, SQLite files
under /tmp. Nothing here imports Django, so ``bench.run`` can prepare a
database before the process that uses it starts.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "sqlite:////tmp/almanac_bench.sqlite3"


def base_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def database_url(purpose: str, url: str | None = None) -> str:
    """The URL of the database for ``purpose`` ("small", "large", "load")."""
    url = url or base_url()
    parts = urlsplit(url)
    if is_postgres(url):
        name = parts.path.lstrip("/") or "almanac_bench"
        return urlunsplit(parts._replace(path=f"/{name}_{purpose}"))
    stem = Path(parts.path).stem or "almanac_bench"
    return f"sqlite:////tmp/{stem}_{purpose}.sqlite3"


def describe(url: str) -> str:
    """The URL without its password, for the report."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def recreate(url: str) -> None:
    """Drop and create the database at ``url`` (empty, no tables)."""
    if is_postgres(url):
        _postgres(url, create=True)
    else:
        _sqlite_path(url).unlink(missing_ok=True)


def drop(url: str) -> None:
    if is_postgres(url):
        _postgres(url, create=False)
    else:
        _sqlite_path(url).unlink(missing_ok=True)


def _sqlite_path(url: str) -> Path:
    path = Path(urlsplit(url).path)
    # sqlite:////tmp/x.sqlite3 has the path //tmp/x.sqlite3
    return Path("/" + str(path).lstrip("/"))


def _postgres(url: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("almanac_bench") and "_bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: not a benchmark database.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        if create:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
