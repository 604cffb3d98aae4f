"""Buttons through the real discord.py: ids that vetbot did not make are answered, never ignored,
and reloading any extension keeps old buttons working."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import pytest
from fakediscord import MODERATOR, Exchange, FakeDiscord, InProcessBot
from flows import submit_report

from bot.client import extension_names

MESSAGE_COMPONENT = 3
BAD_REPORT_IDS = ["-1", "abc", "1:2", "%31", "²", "１", "٣", "99999999999999999999", "0"]


async def _click_forged(fake: FakeDiscord, message: dict[str, Any], old: str, new: str) -> Exchange:
    """Press button ``old`` of ``message`` as if it carried the id ``new`` (a forged click)."""
    forged = copy.deepcopy(fake.messages.get(int(message["id"]), message))
    buttons = [c for row in forged.get("components", []) for c in row.get("components", [])]
    button = next(b for b in buttons if b.get("custom_id") == old)
    button["custom_id"] = new
    data = {"custom_id": new, "component_type": 2}
    return await fake.interact(
        MESSAGE_COMPONENT, data, user=MODERATOR, channel="mod-queue", message=forged
    )


async def _queue_post(fake: FakeDiscord) -> tuple[dict[str, Any], int]:
    start = len(fake.requests)
    await submit_report(fake)
    post = await fake.wait_for_message("mod-queue", since=start)
    report_id = int(re.search(r"#(\d+)", post["embeds"][0]["title"]).group(1))
    return post, report_id


async def test_reloading_every_extension_keeps_old_buttons_working(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    post, report_id = await _queue_post(fake)
    for name in extension_names():
        await bot.client.reload_extension(name)

    approved = await fake.click(post, f"vetbot:report:approve:{report_id}", user=MODERATOR)
    assert f"Report #{report_id} is now approved" in approved.text
    await bot.settle()


@pytest.mark.parametrize("bad", BAD_REPORT_IDS)
async def test_a_report_button_with_a_bad_id_gets_a_private_answer(
    fake: FakeDiscord, bot: InProcessBot, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    post, report_id = await _queue_post(fake)
    good = f"vetbot:report:approve:{report_id}"
    with caplog.at_level(logging.WARNING, logger="cogs.components"):
        answer = await _click_forged(fake, post, good, f"vetbot:report:approve:{bad}")

    assert answer.ephemeral
    assert "That report no longer exists" in answer.text
    assert any("Unusable component id" in r.getMessage() for r in caplog.records)
    # Nothing was decided: "１" must not be read as report #1.
    still = await fake.click(post, good, user=MODERATOR)
    assert f"Report #{report_id} is now approved" in still.text
    await bot.settle()


async def test_an_unknown_kind_of_button_says_it_no_longer_works(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    post, report_id = await _queue_post(fake)
    edit = f"vetbot:report:edit:{report_id}"
    answer = await _click_forged(fake, post, edit, "vetbot:poll:vote:3")
    assert answer.ephemeral
    assert "no longer does anything" in answer.text
