"""The PostgreSQL backend through a server outage, on a private cluster (never the shared one).

A stopped server is a :class:`StorageUnavailable` at once (the bot turns it into "try again"),
logged once per outage; the same database object works again when the server is back, and
says so once.
"""

from __future__ import annotations

import logging

import pytest
from private_postgres import private_cluster

from bot.storage import Database, StorageUnavailable


async def test_a_stopped_server_is_unavailable_then_reconnected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.storage.postgres")
    with private_cluster() as cluster:
        db = await Database.open(cluster.url)
        try:
            await db.set_meta("before", "kept")
            cluster.stop()
            for _ in range(3):
                with pytest.raises(StorageUnavailable, match="is unreachable"):
                    await db.get_meta("before")
            with pytest.raises(StorageUnavailable):
                async with db.transaction() as conn:
                    await db.set_meta("during", "lost", conn=conn)
            assert caplog.text.count("Lost the connection to PostgreSQL") == 1

            cluster.start()
            assert await db.get_meta("before") == "kept"
            assert await db.get_meta("during") is None
            await db.set_meta("after", "saved")
            assert caplog.text.count("Reconnected to PostgreSQL") == 1
        finally:
            await db.close()
