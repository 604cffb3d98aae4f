"""Faults: restarts, a dropped gateway, rate limits, a failing command, SIGTERM and SIGKILL.

SIGTERM and SIGKILL run on both storage backends (``bot_database``); a restart of PostgreSQL
itself is in ``test_e2e_postgres_outage.py``.
"""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest
from fakediscord import (
    MODERATOR,
    ErrorLog,
    FakeDiscord,
    InProcessBot,
    RecordedRequest,
    SubprocessBot,
    write_config,
)
from fakediscord.exchange import CALLBACK, FOLLOWUP
from flows import start_report_burst, submit_report

from bot.storage import Database, is_database_url

ACK_ROUTES = (CALLBACK, FOLLOWUP)


def database_of(tmp_path: Path, bot_database: str) -> Path | str:
    """What ``storage.database`` in the test's bot.toml (in ``tmp_path``) opens."""
    return bot_database if is_database_url(bot_database) else tmp_path / bot_database


async def stored_reports(target: Path | str) -> tuple[dict[int, int], str]:
    """Every stored report's reporter by report id, and the backend's integrity check."""
    db = await Database.open(target)
    try:
        rows = await db.fetchall("SELECT id, reporter_id FROM reports")
        return {int(r[0]): int(r[1]) for r in rows}, await db.integrity_check()
    finally:
        await db.close()


async def test_moderation_button_survives_a_restart(fake: FakeDiscord, bot: InProcessBot) -> None:
    start = len(fake.requests)
    await submit_report(fake)
    post = await fake.wait_for_message("mod-queue", since=start)
    report_id = int(re.search(r"#(\d+)", post["embeds"][0]["title"]).group(1))

    await bot.restart()  # a new client on the same database; nothing remembered per message

    approved = await fake.click(post, f"vetbot:report:approve:{report_id}", user=MODERATOR)
    assert f"Report #{report_id} is now approved" in approved.text


async def test_gateway_drop_resumes_and_keeps_answering(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    assert (await fake.slash("about")).response_type == 4
    how = await fake.drop_gateway()
    assert how == "resumed"
    assert fake.resumes == [fake.resume_url.removeprefix(f"ws://127.0.0.1:{fake.port}")]
    assert fake.identifies == 1
    assert "About vetbot" in (await fake.slash("about")).text


async def test_event_sent_while_disconnected_is_replayed_on_resume(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    back = await fake.disconnect()
    # Sent while the bot is away: kept by the fake and replayed on RESUME, as Discord does.
    answer = await fake.slash("about")
    assert await fake.wait_connection(back) == "resumed"
    assert "About vetbot" in answer.text


async def test_rate_limited_callback_is_retried(fake: FakeDiscord, bot: InProcessBot) -> None:
    fake.rate_limit("POST", CALLBACK, retry_after=0.05)
    answer = await fake.slash("about")
    assert "About vetbot" in answer.text
    assert [r.status for r in answer.requests if r.route == CALLBACK] == [429, 200]


async def test_rate_limited_channel_post_is_retried(fake: FakeDiscord, bot: InProcessBot) -> None:
    fake.rate_limit("POST", "/channels/{channel_id}/messages", retry_after=0.05)
    start = len(fake.requests)
    await submit_report(fake)
    post = await fake.wait_for_message("mod-queue", since=start)
    assert "pending" in post["embeds"][0]["title"]
    statuses = [r.status for r in fake.requests_to("POST", "/channels/{channel_id}/messages")]
    assert statuses == [429, 200]


async def test_failing_command_gives_a_short_private_error(
    fake: FakeDiscord, bot: InProcessBot, error_log: ErrorLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index exploded")

    search = bot.core.state.search
    monkeypatch.setattr(search, "answer", broken)
    error_log.expect(r"Command /ask failed")

    answer = await fake.slash("ask", {"question": "What is criterion 2?"})
    assert answer.ephemeral
    assert answer.text == "Sorry, something went wrong answering that. It has been logged."
    [record] = error_log.matching(r"Command /ask failed")
    assert record.exc_info is not None and "index exploded" in str(record.exc_info[1])
    assert "index exploded" not in answer.text  # no internals shown to the user


async def test_sigterm_closes_cleanly(fake: FakeDiscord, tmp_path: Path, bot_database: str) -> None:
    config = write_config(tmp_path, database=bot_database)
    bot = await SubprocessBot(fake, config, tmp_path / "bot.log").start()
    assert "About vetbot" in (await fake.slash("about")).text

    assert await bot.terminate() == 0
    log = bot.log()
    assert "Received SIGTERM, shutting down" in log
    assert "Closed database" in log
    assert "Traceback" not in log and " ERROR " not in log
    if not is_database_url(bot_database):
        # The last connection closed cleanly: SQLite folded the write-ahead log back in.
        assert not (tmp_path / "vetbot.db-wal").exists()
    _, integrity = await stored_reports(database_of(tmp_path, bot_database))
    assert integrity == "ok"


async def test_sigkill_during_a_burst_loses_no_acknowledged_report(
    fake: FakeDiscord, tmp_path: Path, bot_database: str
) -> None:
    config = write_config(tmp_path, database=bot_database)
    database = database_of(tmp_path, bot_database)
    bot = await SubprocessBot(fake, config, tmp_path / "bot.log").start()
    people, burst = await start_report_burst(fake, 100, first_user=100)

    # SIGKILL the process the moment its second acknowledgement reaches "Discord", with the
    # rest of the burst still in flight: exact, where waiting on futures would be too late.
    acks: list[RecordedRequest] = []

    # The form answers Discord first ("thinking…") and says "Report received" in a follow-up
    # once the report is committed.
    def kill_on_second_ack(request: RecordedRequest) -> None:
        if request.route in ACK_ROUTES and "Report received" in json.dumps(request.body):
            acks.append(request)
            if len(acks) == 2:
                os.kill(bot.pid, signal.SIGKILL)

    fake.observe(kill_on_second_ack)
    for exchange in burst:
        await fake.send_interaction(exchange, wait_for_bot=False)
    await bot.wait()

    # Acknowledged = the callback reached Discord, so the user saw "Report received".
    acked = {}
    for exchange in burst:
        for request in exchange.requests:
            text = json.dumps(request.body)
            if request.route in ACK_ROUTES and "Report received" in text:
                acked[exchange.user.id] = int(re.search(r"report #(\d+)", text).group(1))
    assert len(acked) >= 2
    assert len(acked) < len(burst), "the kill came too late to test anything"

    stored, integrity = await stored_reports(database)
    assert integrity == "ok"
    for user_id, report_id in acked.items():
        assert stored.get(report_id) == user_id, f"acknowledged report #{report_id} was lost"

    # And the bot comes back on that database and still knows them.
    again = await SubprocessBot(fake, config, tmp_path / "bot2.log").start()
    try:
        user_id, report_id = next(iter(acked.items()))
        reporter = next(p for p in people if p.id == user_id)
        mine = await fake.slash("myreports", user=reporter)
        assert f"#{report_id}" in mine.text
    finally:
        assert await again.terminate() == 0
    assert (await stored_reports(database))[1] == "ok"
