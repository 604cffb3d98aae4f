"""Community ratings through the console and on the card, and the export upstream: the same
commands as Discord, the community's verdict beside the knowledge base's, and an export that
``kb check`` accepts."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.commands.rate import card_for
from bot.console import Console, console_actor
from bot.knowledge.loader import validate_knowledge
from bot.ratings.export import as_json, source_id, to_toml, write_knowledge
from bot.replies import Role, Tone
from bot.textview import render_text

OUR = "operation-underground-railroad"
NOTE = "Its raids led to arrests of the people it says it rescues."


async def _adopt(core, criterion: int = 6, verdict: str = "fails", guild: str = "home") -> int:
    first = Console(core, console_actor("alice", Role.MODERATOR, guild))
    proposed = await first.handle(
        f"/rating propose org:O.U.R. criterion:{criterion} verdict:{verdict} note:{NOTE} "
        "evidence:https://example.org/raids"
    )
    assert proposed is not None and proposed.tone is Tone.SUCCESS, proposed.text
    number = proposed.data["proposal_id"]
    second = Console(core, console_actor("bea", Role.MODERATOR, guild))
    confirmed = await second.handle(f"/rating confirm {number}")
    assert confirmed is not None and "adopted" in confirmed.text
    return number


async def test_the_console_runs_the_whole_flow(core, member) -> None:
    number = await _adopt(core)
    console = Console(core, member)
    refused = await console.handle(f"/rating confirm {number}")
    assert refused is not None and "Only moderators" in refused.text
    history = await console.handle("/rating history org:O.U.R.")
    assert history is not None
    assert "decided by the moderators of home" in render_text(history)
    reverted = await Console(core, console_actor("cy", Role.MODERATOR)).handle(
        f"/rating revert {number}"
    )
    assert reverted is not None and "waiting for 1 more" in reverted.text
    elsewhere = await Console(core, console_actor("dee", Role.MODERATOR, "other")).handle(
        f"/rating confirm {number}"
    )
    assert elsewhere is not None and f"There is no proposal #{number} here" in elsewhere.text


async def test_card_shows_both_verdicts_side_by_side(core) -> None:
    await _adopt(core, criterion=4, verdict="contested")
    sees = await core.sees(console_actor("member", Role.MEMBER))
    card = await card_for(core, OUR, sees)
    [field] = [f for f in card.fields if f.name.startswith("4.")]
    assert "**Community**: ⚖️ Contested" in field.value
    assert "**Knowledge base**: ❌ Fails" in field.value
    ratings = card.data["match"]["community_ratings"]
    assert ratings["4"]["verdict"] == "contested" and ratings["4"]["knowledge_base"] == "fails"
    # In a DM there is no community: the knowledge base's card only.
    dm = await card_for(core, OUR, ())
    assert "**Community**" not in "".join(f.value for f in dm.fields)
    assert "community_ratings" not in dm.data["match"]


async def test_unrated_criterion_decided_by_the_community(core) -> None:
    await _adopt(core, criterion=1, verdict="not assessed")
    card = await card_for(core, OUR, await core.sees(console_actor("m", Role.MEMBER)))
    [field] = [f for f in card.fields if f.name.startswith("1.")]
    assert "⚪ Not assessed" in field.value and "❌" not in field.value.split("\n")[0]


async def test_stale_community_decisions_are_flagged(core) -> None:
    await _adopt(core)
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC).isoformat()
    await core.db.execute("UPDATE rating_proposals SET decided_at = ?", (old,))
    core.ratings.version += 1
    card = await card_for(core, OUR, await core.sees(console_actor("m", Role.MEMBER)))
    assert "community's newest decision here is from 2020-01-01" in card.text


async def test_export_passes_kb_check(core, tmp_path: Path) -> None:
    await _adopt(core)
    await _adopt(core, criterion=4, verdict="contested")
    decisions = await core.ratings.store.all_adopted(None)
    out = tmp_path / "out"
    changed = write_knowledge(out, core.knowledge, decisions, {}, {}, dt.date.today())
    assert changed == [OUR]
    knowledge, errors = validate_knowledge(out)
    assert errors == [] and knowledge is not None
    org = knowledge.orgs[OUR]
    by = {r.criterion: r for r in org.ratings}
    assert by[6].verdict == "fails" and by[6].note == NOTE
    assert by[4].verdict == "contested"
    assert by[6].sources == [source_id(decisions[0].guild_id)]
    data = as_json(decisions, [], {}, {OUR: "O.U.R."})
    assert '"verdict": "contested"' in data and "alice" not in data


@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True),
        st.one_of(st.text(max_size=40), st.lists(st.text(max_size=10), max_size=3), st.integers()),
        max_size=5,
    )
)
def test_the_toml_writer_round_trips(data: dict) -> None:
    assert tomllib.loads(to_toml(data)) == data


async def test_setup_changes_how_many_moderators_must_agree(core) -> None:
    admin = Console(core, console_actor("ada", Role.ADMIN))
    shown = await admin.handle("/setup show")
    assert shown is not None and shown.tone is not Tone.ERROR
    assert "Moderators who must agree on a rating" in render_text(shown)
    changed = await admin.handle("/setup set setting:rating_confirmations value:1")
    assert changed is not None and changed.tone is Tone.SUCCESS, changed.text
    proposed = await Console(core, console_actor("alice", Role.MODERATOR)).handle(
        f"/rating propose org:O.U.R. criterion:6 verdict:partly note:{NOTE}"
    )
    assert proposed is not None and "adopted" in proposed.text


def test_the_ratings_benchmark_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_ratings",
            "--history",
            "1",
            "--confirms",
            "5",
            "--rounds",
            "1",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "confirm that adopts" in result.stdout and "ceiling" in result.stdout


async def test_rating_queue_lists_pending_proposals_with_confirm_buttons(core) -> None:
    moderator = Console(core, console_actor("alice", Role.MODERATOR))
    empty = await moderator.handle("/rating queue")
    assert empty is not None and "No proposal is waiting" in empty.text
    proposed = await moderator.handle(
        f"/rating propose org:O.U.R. criterion:2 verdict:meets note:{NOTE}"
    )
    number = proposed.data["proposal_id"]
    listed = await moderator.handle("/rating queue")
    assert listed.data["pending"] == [number]
    assert [b.custom_id for b in listed.buttons] == [f"vetbot:rating:confirm:{number}"]
    elsewhere = await Console(core, console_actor("dee", Role.MODERATOR, "other")).handle(
        "/rating queue"
    )
    assert elsewhere.data["pending"] == []
