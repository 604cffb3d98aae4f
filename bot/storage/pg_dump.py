"""Backups of a PostgreSQL database with ``pg_dump``, and URLs made safe to show.

Apart from the backend's connection pool: a backup is a separate program run now and then,
and the only place vetbot hands its database URL to another tool.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import urllib.parse
from pathlib import Path

from bot.storage.base import StorageError

# URL parameters that pg_dump (libpq) understands as well as asyncpg.
_LIBPQ_PARAMETERS = frozenset(
    {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name"}
)


async def dump(url: str, dest_path: str | Path) -> None:
    """``pg_dump`` of the database at ``url`` into ``dest_path`` (custom format, which
    ``pg_restore`` reads); a :class:`StorageError` without pg_dump or when it fails."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise StorageError(
            "pg_dump is not installed here: install the PostgreSQL client tools "
            "(Debian: postgresql-client) or use your PostgreSQL provider's backups."
        )
    # The password, if the URL has one, goes through the environment, never the arguments.
    parts = urllib.parse.urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
    # asyncpg passes unknown URL parameters to the server as settings; libpq (pg_dump)
    # refuses them, so keep its own and turn a search_path into the schema to dump.
    query = urllib.parse.parse_qsl(parts.query)
    kept = urllib.parse.urlencode([(k, v) for k, v in query if k in _LIBPQ_PARAMETERS])
    schemas = [f"--schema={v}" for k, v in query if k == "search_path"]
    dsn = redact(urllib.parse.urlunsplit(parts._replace(query=kept)))
    process = await asyncio.create_subprocess_exec(
        pg_dump,
        "--format=custom",
        f"--file={dest_path}",
        f"--dbname={dsn}",
        *schemas,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise StorageError(f"pg_dump failed: {err.decode(errors='replace').strip()}")


def redact(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}{host}"))
