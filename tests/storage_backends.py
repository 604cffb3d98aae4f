"""The storage backends the tests run on, and a fresh database on each.

PostgreSQL needs a server: ``VETBOT_TEST_POSTGRES`` is the URL of one where the tests may
create databases (``.ci/run`` starts a throw-away cluster and sets it). Without it the
PostgreSQL runs are skipped on a developer's machine, and fail in CI (``CI`` set), where
skipping would hide that half of the suite never ran.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

POSTGRES_ENV = "VETBOT_TEST_POSTGRES"
BACKENDS = ["sqlite", "postgresql"]


def postgres_server() -> str:
    """The server URL, or skip (fail in CI) when there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PostgreSQL tests: set {POSTGRES_ENV} (.ci/run does)")
    pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV}=postgresql://… to run these")


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def in_schema(url: str, schema: str) -> str:
    """``url`` whose connections work in ``schema`` (asyncpg passes unknown query parameters
    to the server as settings)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode({"search_path": schema})
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _admin(url: str, sql: str) -> None:
    """Run one statement on the server, outside the test's event loop."""
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    # A thread of its own: the test's event loop may already be running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL schema for one test, dropped afterwards.

    A schema, not a database: CREATE DATABASE takes seconds on a busy machine, a schema
    milliseconds, and to vetbot (which names no schema) it is just as empty and as separate.
    """
    server = postgres_server()
    name = f"vetbot_test_{uuid.uuid4().hex[:12]}"
    _admin(server, f"CREATE SCHEMA {name}")
    try:
        yield in_schema(server, name)
    finally:
        _admin(server, f"DROP SCHEMA IF EXISTS {name} CASCADE")


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[Path | str]:
    """An SQLite file path in ``tmp_path``, or the URL of a new PostgreSQL database."""
    if backend == "sqlite":
        yield tmp_path / "vetbot.db"
        return
    with postgres_database() as url:
        yield url
