"""PostgreSQL restarted under the bot, mid-burst: on a cluster of the test's own.

What must hold: every report a person was told was received is stored after the restart;
whoever hits the outage is told to try again (and gets their text back), never silence; the bot
says in its log that it lost the server and that it is back, and serves again without a restart.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakediscord import Exchange, FakeDiscord, InProcessBot, RecordedRequest
from fakediscord.exchange import CALLBACK, FOLLOWUP
from fakediscord.runner import write_config
from flows import start_report_burst, submit_report
from private_postgres import PrivateCluster, private_cluster

from bot.storage import Database

ACK_ROUTES = (CALLBACK, FOLLOWUP)
RECEIVED = "Report received"
NOT_SENT = "vetbot lost its database while saving this, so your report may not have been saved"


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as running:
        yield running


def answers(exchange: Exchange) -> str:
    """Everything the bot sent the person for ``exchange`` (callback and follow-ups)."""
    return "\n".join(json.dumps(r.body) for r in exchange.requests if r.route in ACK_ROUTES)


async def stored_reporters(url: str) -> dict[int, int]:
    db = await Database.open(url)
    try:
        rows = await db.fetchall("SELECT id, reporter_id FROM reports")
        return {int(r[0]): int(r[1]) for r in rows}
    finally:
        await db.close()


async def test_postgres_restart_mid_burst_loses_no_acknowledged_report(
    fake: FakeDiscord, tmp_path: Path, cluster: PrivateCluster, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.storage.postgres")
    bot = await InProcessBot(fake, write_config(tmp_path, database=cluster.url)).start()
    try:
        _, burst = await start_report_burst(fake, 24, first_user=300)

        # Stop the server (as a crash: no clean shutdown) the moment the third "received"
        # reaches Discord, with the rest of the burst in flight. This runs on the event loop,
        # so the bot resumes with the server already gone.
        acks: list[RecordedRequest] = []

        def stop_on_third_ack(request: RecordedRequest) -> None:
            if request.route in ACK_ROUTES and RECEIVED in json.dumps(request.body):
                acks.append(request)
                if len(acks) == 3:
                    cluster.stop()

        fake.observe(stop_on_third_ack)
        for exchange in burst:
            await fake.send_interaction(exchange, wait_for_bot=False)
        # Everyone gets an answer (settled fails the test on silence).
        await asyncio.gather(*(exchange.settled(within=30) for exchange in burst))

        acked: dict[int, int] = {}
        refused: list[Exchange] = []
        for exchange in burst:
            text = answers(exchange)
            if RECEIVED in text:
                acked[exchange.user.id] = int(re.search(r"report #(\d+)", text).group(1))
            else:
                assert NOT_SENT in text, f"{exchange.describe()} was told: {text}"
                assert f"Seen by {exchange.user.name}." in text  # their words, to send again
                refused.append(exchange)
        assert len(acked) >= 3
        assert refused, "the outage came too late to test anything"

        # A command that reads while the server is down: a clear "try again" too.
        mine = await fake.slash("myreports", user=refused[0].user)
        assert "cannot reach its database right now" in mine.text and mine.ephemeral
        assert caplog.text.count("Lost the connection to PostgreSQL") == 1  # once an outage

        cluster.start()
        # The same bot, not restarted: the person who was refused sends their report again.
        # Received, or (when the server committed it just before going away) already pending.
        again = await submit_report(fake, user=refused[0].user)
        assert RECEIVED in again.text or "You already have a pending report" in again.text
        assert caplog.text.count("Reconnected to PostgreSQL") == 1
        await bot.settle()
    finally:
        await bot.stop()

    stored = await stored_reporters(cluster.url)
    for user_id, report_id in acked.items():
        assert stored.get(report_id) == user_id, f"acknowledged report #{report_id} was lost"
    assert refused[0].user.id in stored.values()
