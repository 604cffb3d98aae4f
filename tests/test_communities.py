"""Communities through the core, as the console drives them: nothing of one server reaches
another unless it chose to trust it, and each server's settings are its own."""

from __future__ import annotations

import json

import pytest
from fakediscord.config import bot_toml

from bot.commands import COMMANDS
from bot.console import Console, console_actor
from bot.replies import Actor, Role, Tone

TEXT = "They staged a raid in 2019; the people arrested were offered no services at all."
PHONE_TEXT = "Their outreach worker gave out the number 555-867-5309 to everyone at the shelter."


async def run(core, actor: Actor, name: str, **options):
    return await COMMANDS[name].run(core, actor, **options)


def people(guild: str) -> dict[str, Actor]:
    return {
        "member": console_actor(f"member-{guild}", Role.MEMBER, guild),
        "moderator": console_actor(f"mod-{guild}", Role.MODERATOR, guild),
        "admin": console_actor(f"admin-{guild}", Role.ADMIN, guild),
    }


@pytest.fixture
def a() -> dict[str, Actor]:
    return people("alpha")


@pytest.fixture
def b() -> dict[str, Actor]:
    return people("beta")


async def _report(core, actor: Actor, org: str = "OUR", text: str = TEXT) -> int:
    ack = await run(core, actor, "report", org=org, criterion="6", text=text)
    assert ack.tone is Tone.SUCCESS, ack.text
    return int(ack.data["report_id"])


async def test_another_communitys_report_is_exactly_like_a_missing_one(core, a, b) -> None:
    report_id = await _report(core, a["member"])
    missing = await run(core, b["moderator"], "reports show", id=999_999)
    for name, options in [
        ("reports show", {}),
        ("reports approve", {"confirm": True}),
        ("reports reject", {"reason": "not credible"}),
        ("reports edit", {"text": "redacted"}),
        ("reports retract", {"reason": "wrong"}),
    ]:
        for who in (b["moderator"], b["admin"]):
            reply = await run(core, who, name, id=report_id, **options)
            first_line = reply.text.split("\n")[0]  # an admin may also be pointed at /setup
            assert first_line == f"There is no report #{report_id} here.", (name, reply.text)
            assert TEXT[:20] not in json.dumps(reply.data, default=str) + reply.text
    assert missing.text == "There is no report #999999 here."
    withdrawn = await run(core, b["member"], "withdraw", id=report_id)
    assert withdrawn.tone is Tone.ERROR
    shown = await run(core, a["moderator"], "reports show", id=report_id)
    assert shown.data["status"] == "pending"  # nothing changed
    queue_b = await run(core, b["moderator"], "reports queue")
    assert "No reports are waiting" in queue_b.text


async def test_approved_reports_and_listed_orgs_show_only_where_approved(core, a, b) -> None:
    report_id = await _report(core, a["member"], org="Harbor Light Rescue Mission")
    asked = await run(core, a["moderator"], "reports approve", id=report_id)
    assert asked.tone is Tone.WARNING  # a new organization: asks first
    done = await run(core, a["moderator"], "reports approve", id=report_id, confirm=True)
    assert done.tone is Tone.SUCCESS and "Harbor Light Rescue Mission" in done.text
    seen_a = await run(core, a["member"], "rate", org="Harbor Light Rescue Mission")
    assert seen_a.data["match"]["name"] == "Harbor Light Rescue Mission"
    seen_b = await run(core, b["member"], "rate", org="Harbor Light Rescue Mission")
    assert seen_b.data["match"] is None

    our_id = await _report(core, a["member"])
    await run(core, a["moderator"], "reports approve", id=our_id)
    card_a = await run(core, a["member"], "rate", org="O.U.R.")
    card_b = await run(core, b["member"], "rate", org="O.U.R.")
    assert card_a.data["match"]["community"]["total"] == 1
    assert card_b.data["match"]["community"]["total"] == 0


async def test_a_trusted_community_shows_with_its_name(core, a, b) -> None:
    our_id = await _report(core, a["member"])
    await run(core, a["moderator"], "reports approve", id=our_id)
    alpha_id = a["member"].guild_id
    # Alpha's name is remembered once someone there used vetbot.
    await core.communities.get(alpha_id, "Alpha collective")
    changed = await run(
        core, b["admin"], "setup set", setting="trusted_guilds", value=str(alpha_id)
    )
    assert changed.tone is Tone.SUCCESS, changed.text
    card_b = await run(core, b["member"], "rate", org="O.U.R.")
    assert card_b.data["match"]["community"]["total"] == 1
    rendered = "".join(f.value for f in card_b.fields)
    assert "approved by the moderators of Alpha collective" in rendered
    # Trust goes one way: alpha does not see beta's reports.
    beta_report = await _report(core, b["member"], text=TEXT + " (beta)")
    await run(core, b["moderator"], "reports approve", id=beta_report)
    card_a = await run(core, a["member"], "rate", org="O.U.R.")
    assert card_a.data["match"]["community"]["total"] == 1


async def test_settings_are_per_community_and_say_where_they_come_from(core, a, b) -> None:
    shown = await run(core, a["admin"], "setup show")
    assert shown.data["from"]["per_user_per_hour"] == "default from bot.toml"
    refused = await run(core, a["moderator"], "setup set", setting="per_user_per_hour", value="1")
    assert refused.tone is Tone.ERROR and "administrators" in refused.text
    await run(core, a["admin"], "setup set", setting="per_user_per_hour", value="1")
    after = await run(core, a["admin"], "setup show")
    assert after.data["from"]["per_user_per_hour"] == "set with /setup"
    assert after.data["settings"]["per_user_per_hour"] == "1"

    await _report(core, a["member"])
    second = await run(core, a["member"], "report", org="Polaris hotline", text=TEXT)
    assert second.tone is Tone.WARNING and "hourly limit" in second.text
    # Beta keeps the default: two reports in an hour are fine there.
    await _report(core, b["member"])
    await _report(core, b["member"], org="Hacking//Hustling")

    bad = await run(core, a["admin"], "setup set", setting="per_user_per_hour", value="lots")
    assert bad.tone is Tone.ERROR and "whole number" in bad.text
    reset = await run(core, a["admin"], "setup reset", setting="per_user_per_hour")
    assert reset.data["from"]["per_user_per_hour"] == "default from bot.toml"


async def test_blocks_are_per_community(core, a, b) -> None:
    member = a["member"]
    await run(core, a["moderator"], "reports block", user=member.user_id, reason="spam")
    there = await run(core, member, "report", org="OUR", text=TEXT)
    assert there.tone is Tone.WARNING and "can't submit reports on this server" in there.text
    elsewhere = console_actor(member.name, Role.MEMBER, "beta")
    await _report(core, elsewhere)


async def test_a_direct_message_gets_what_needs_no_community(core) -> None:
    dm = Actor(user_id=5, name="someone", guild_id=None)
    answer = await run(core, dm, "ask", question="what is criterion 2?")
    assert answer.tone is not Tone.ERROR
    card = await run(core, dm, "rate", org="O.U.R.")
    assert card.data["match"]["community"]["total"] == 0
    for name in ("myreports", "reports queue", "setup show"):
        refused = await run(core, dm, name)
        assert refused.tone is Tone.ERROR and "inside a server" in refused.text, name


async def test_first_contact_points_administrators_at_setup(core, a) -> None:
    first = await run(core, a["admin"], "reports queue")
    assert "/setup show" in first.text
    await run(core, a["admin"], "setup set", setting="per_user_per_day", value="5")
    later = await run(core, a["admin"], "reports queue")
    assert "/setup show" not in later.text


async def test_flagged_text_needs_redaction_or_publish_as_is(core, a) -> None:
    report_id = await _report(core, a["member"], text=PHONE_TEXT)
    asked = await run(core, a["moderator"], "reports approve", id=report_id)
    assert asked.tone is Tone.WARNING and "phone" in asked.text
    assert [b.label for b in asked.buttons] == ["Publish as it is", "Edit"]
    card = await run(core, a["member"], "rate", org="O.U.R.")
    assert card.data["match"]["community"]["total"] == 0  # not published by a plain approve
    done = await run(core, a["moderator"], "reports approve", id=report_id, confirm=True)
    assert done.tone is Tone.SUCCESS


async def test_retracting_takes_a_report_off_the_card_and_keeps_the_audit(core, a) -> None:
    report_id = await _report(core, a["member"])
    await run(core, a["moderator"], "reports approve", id=report_id)
    assert (await run(core, a["member"], "rate", org="O.U.R.")).data["match"]["community"][
        "total"
    ] == 1
    no_reason = await run(core, a["moderator"], "reports retract", id=report_id, reason=" ")
    assert no_reason.tone is Tone.ERROR
    gone = await run(core, a["moderator"], "reports retract", id=report_id, reason="doxxing")
    assert "retracted" in gone.text
    card = await run(core, a["member"], "rate", org="O.U.R.")
    assert card.data["match"]["community"]["total"] == 0
    history = [e.action for e in await core.reports.history(report_id)]
    assert history == ["approve", "retract"]
    exported = await core.reports.approved_reports(a["member"].guild_id)
    assert exported == []


async def test_an_edit_after_approval_reads_as_the_moderators(core, a) -> None:
    report_id = await _report(core, a["member"])
    await run(core, a["moderator"], "reports approve", id=report_id)
    edited = TEXT.replace("2019", "2019 (date checked)")
    await run(core, a["moderator"], "reports edit", id=report_id, text=edited)
    card = await run(core, a["member"], "rate", org="O.U.R.")
    assert card.data["match"]["community"]["recent"][0]["edited_by_moderators"] is True
    assert "(edited by the moderators)" in "".join(f.value for f in card.fields)


async def test_the_console_plays_several_communities_and_names_people(core) -> None:
    member = Console(core, console_actor("ana", Role.MEMBER, "alpha"))
    moderator = Console(core, console_actor("bo", Role.MODERATOR, "alpha"))
    other = Console(core, console_actor("cy", Role.MODERATOR, "beta"))
    ack = await member.handle(f"/report org:OUR criterion:6 text:{TEXT}")
    report_id = ack.data["report_id"]
    from bot.textview import render_text

    shown = await moderator.handle(f"/reports show id:{report_id}")
    assert "@ana" in render_text(shown, names={**moderator.names, **member.names})
    assert "There is no report" in (await other.handle(f"/reports show id:{report_id}")).text
    blocked = await moderator.handle("/reports block user:ana reason:testing")
    assert blocked.tone is Tone.SUCCESS
    assert moderator.names[member.actor.user_id] == "ana"


async def test_a_database_from_before_communities_moves_without_loss(tmp_path) -> None:
    import sqlite3

    from bot.communities import CommunityStore, Unassigned
    from bot.config import load_config
    from bot.storage import Database, load_migrations

    path = tmp_path / "old.db"
    old = await Database.open(path, migrations=[m for m in load_migrations() if m.version <= 4])
    async with old.transaction() as conn:
        for n in range(3):
            await conn.execute(
                "INSERT INTO reports (org_id, org_name, criterion, text, basis, reporter_id, "
                "status, created_at) VALUES ('our', 'OUR', 6, ?, 'first-hand', ?, 'pending', "
                "'2026-01-01T00:00:00.000000+00:00')",
                (f"{TEXT} #{n}", 100 + n),
            )
        await conn.execute(
            "INSERT INTO blocklist (user_id, blocked_by, reason, blocked_at) "
            "VALUES (7, 1, 'spam', '2026-01-01T00:00:00.000000+00:00')"
        )
    await old.close()

    config_path = tmp_path / "bot.toml"
    config_path.write_text(bot_toml(guild_ids=(111, 222)))
    config = load_config(config_path)
    db = await Database.open(path)  # migrates to communities
    store = CommunityStore(db, config)
    with pytest.raises(Unassigned, match="assign-guild"):
        await store.settle_unassigned()  # two servers configured: which one?
    assert await store.assign(222) == 4
    await store.settle_unassigned()
    await db.close()
    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT guild_id, text, reporter_id FROM reports ORDER BY id").fetchall()
        assert [(g, r) for g, _, r in rows] == [(222, 100), (222, 101), (222, 102)]
        assert raw.execute("SELECT guild_id, user_id FROM blocklist").fetchall() == [(222, 7)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_one_configured_server_takes_the_old_records_by_itself(tmp_path) -> None:
    from bot.communities import CommunityStore
    from bot.config import load_config
    from bot.storage import Database, load_migrations

    path = tmp_path / "old.db"
    old = await Database.open(path, migrations=[m for m in load_migrations() if m.version <= 4])
    await old.execute(
        "INSERT INTO feedback (kind, entry_id, helpful, created_at) "
        "VALUES ('myths', 'super-bowl', 1, '2026-01-01T00:00:00.000000+00:00')"
    )
    await old.close()
    config_path = tmp_path / "bot.toml"
    config_path.write_text(bot_toml(guild_ids=(333,)))
    config = load_config(config_path)
    assert len(config.guild_ids) == 1
    db = await Database.open(path)
    await CommunityStore(db, config).settle_unassigned()
    assert await db.fetchval("SELECT guild_id FROM feedback") == config.guild_ids[0]
    await db.close()


def test_run_refuses_to_start_until_old_records_have_a_community(tmp_path) -> None:
    import os
    import sqlite3
    import subprocess
    import sys

    from tests.conftest import REPO

    config = tmp_path / "bot.toml"
    config.write_text(bot_toml(guild_ids=(111, 222)))
    database = tmp_path / "vetbot.db"
    with sqlite3.connect(database) as raw:  # a database as version 4 left it, with one report
        for migration in sorted((REPO / "bot" / "migrations").glob("000[1-4]_*.sql")):
            raw.executescript(migration.read_text())
        raw.execute("PRAGMA user_version = 4")
        raw.execute(
            "INSERT INTO reports (org_name, text, basis, created_at) "
            "VALUES ('OUR', 'old report text', 'first-hand', '2026-01-01T00:00:00+00:00')"
        )
    env = {**os.environ, "DISCORD_TOKEN": "not-used"}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.strip().endswith("python -m bot db assign-guild GUILD_ID")
    assert "Traceback" not in run.stderr
    assigned = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "db", "assign-guild", "222"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert assigned.returncode == 0, assigned.stderr
    assert "Gave 1 record(s)" in assigned.stdout


async def test_ask_names_the_organization_a_member_would_give_to(core, a) -> None:
    """/ask through the command: an organization named inside a sentence gets its card, and one
    the knowledge base does not know, named only by what the member would give it, gets "I
    don't know that organization" with the report button, never a guess."""
    card = await run(
        core,
        a["member"],
        "ask",
        question="i keep seeing ads for the aclu everywhere, are they legit",
    )
    assert card.data["match"]["name"] == "American Civil Liberties Union", card.text
    unknown = await run(
        core,
        a["member"],
        "ask",
        question="i was going to donate 20 bucks to shared hope before i saw this, bad idea?",
    )
    assert "No organization called “shared hope”" in unknown.text
    assert unknown.data["match"] is None and not unknown.public
