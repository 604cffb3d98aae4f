"""Two servers through the real discord.py client: nothing one community decides or sees can be
reached from the other, whoever clicks and whatever their roles are called there."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from fakediscord import MEMBER, MODERATOR, FakeDiscord, FakeUser, InProcessBot, make_user
from fakediscord.config import bot_toml
from fakediscord.guilds import FakeGuild
from flows import submit_report

MESSAGE_COMPONENT = 3
ADMINISTRATOR = 1 << 3


@pytest.fixture
def other(fake: FakeDiscord) -> FakeGuild:
    """A second server, where a member holds a role merely named "Moderator" and another is
    its administrator."""
    guild = fake.add_guild("Other server", roles=("Moderator", "Admin"))
    guild.roles["Admin"]["permissions"] = ADMINISTRATOR
    return guild


@pytest.fixture
def intruder(other: FakeGuild) -> FakeUser:
    return other.add_member(make_user("intruder", n=70), "Moderator")


@pytest.fixture
def boss(other: FakeGuild) -> FakeUser:
    return other.add_member(make_user("boss", n=71), "Admin")


@pytest.fixture
async def both(
    fake: FakeDiscord, other: FakeGuild, intruder, boss, tmp_path: Path, bot_database: str
):
    config = tmp_path / "bot.toml"
    config.write_text(bot_toml(list(fake.guilds), database=bot_database), encoding="utf-8")
    bot = await InProcessBot(fake, config).start()
    try:
        yield bot
    finally:
        await bot.stop()


async def _home_report(fake: FakeDiscord) -> tuple[dict[str, Any], int]:
    start = len(fake.requests)
    await submit_report(fake)
    post = await fake.wait_for_message("mod-queue", since=start)
    return post, int(re.search(r"#(\d+)", post["embeds"][0]["title"]).group(1))


async def _click_in(
    fake: FakeDiscord, guild: FakeGuild, user: FakeUser, message: dict[str, Any], custom_id: str
):
    """Press ``custom_id`` as if it were on a message in ``guild``'s general channel."""
    copied = copy.deepcopy(fake.messages.get(int(message["id"]), message))
    copied["channel_id"] = str(guild.channels["general"])
    data = {"custom_id": custom_id, "component_type": 2}
    return await fake.interact(
        MESSAGE_COMPONENT, data, user=user, channel="general", message=copied, guild=guild
    )


async def test_nobody_in_another_server_can_reach_a_report(
    fake: FakeDiscord, both: InProcessBot, other: FakeGuild, intruder, boss
) -> None:
    post, report_id = await _home_report(fake)
    for user in (intruder, boss):
        for action in ("approve", "reject", "edit"):
            answer = await _click_in(fake, other, user, post, f"vetbot:report:{action}:{report_id}")
            assert answer.ephemeral, (user.name, action)
            assert f"There is no report #{report_id} here." in answer.text, answer.text
        shown = await fake.slash("reports show", {"id": report_id}, user=user, guild=other)
        assert f"There is no report #{report_id} here." in shown.text
        assert "staged a raid" not in shown.text and "Reporter" not in shown.text
        approve = await fake.slash("reports approve", {"id": report_id}, user=user, guild=other)
        assert f"There is no report #{report_id} here." in approve.text
        for command in ("reports reject", "reports retract"):
            answer = await fake.slash(
                command, {"id": report_id, "reason": "no"}, user=user, guild=other
            )
            assert f"There is no report #{report_id} here." in answer.text
    report = await both.core.reports.get(report_id, both.core.config.guild_ids[0])
    assert report is not None and report.status.value == "pending"
    # Its own moderators still can.
    approved = await fake.click(post, f"vetbot:report:approve:{report_id}", user=MODERATOR)
    assert f"Report #{report_id} is now approved" in approved.text
    await both.settle()


async def test_blocks_and_queues_stay_in_their_server(
    fake: FakeDiscord, both: InProcessBot, other: FakeGuild, boss
) -> None:
    await _home_report(fake)
    queue = await fake.slash("reports queue", user=boss, guild=other)
    assert "No reports are waiting" in queue.text
    blocked = await fake.slash("reports block", {"user": MEMBER.id}, user=boss, guild=other)
    assert "no longer send reports" in blocked.text
    # Blocked over there, not here: the member can still report at home.
    again = await fake.slash("report", {"org": "Polaris", "criterion": "2"}, user=MEMBER)
    assert again.modal is not None


async def test_setup_changes_take_effect_at_once(
    fake: FakeDiscord, both: InProcessBot, other: FakeGuild, boss, intruder
) -> None:
    refused = await fake.slash("setup show", user=intruder, guild=other)
    assert "server administrators" in refused.text
    shown = await fake.slash("setup show", user=boss, guild=other)
    assert shown.ephemeral and "vetbot settings for Other server" in shown.embed["title"]
    # The "Moderator" role there stops counting once the admin picks other moderator roles.
    admin_role = other.roles["Admin"]["id"]
    await fake.slash(
        "setup set",
        {"setting": "moderator_roles", "value": f"<@&{admin_role}>"},
        user=boss,
        guild=other,
    )
    queue = await fake.slash("reports queue", user=intruder, guild=other)
    assert "Only moderators" in queue.text


async def test_a_server_outside_guild_ids_gets_one_short_refusal(
    fake: FakeDiscord, tmp_path: Path, bot_database: str
) -> None:
    stranger = fake.add_guild("Not configured")
    config = tmp_path / "bot.toml"
    home = fake.state.default_guild.id
    config.write_text(bot_toml([home], database=bot_database), encoding="utf-8")
    bot = await InProcessBot(fake, config).start()
    try:
        # Commands left over from an earlier, global deployment still reach the bot.
        fake.commands[stranger.id] = fake.commands[home]
        answer = await fake.slash("about", guild=stranger)
        assert answer.ephemeral and answer.text == "vetbot is not set up for this server."
        assert "About vetbot" in (await fake.slash("about")).text
    finally:
        await bot.stop()
