"""``python -m bot ratings export``: a community's current decisions, ready to go upstream.

As TOML, the export is a whole knowledge folder: a copy of the deployed knowledge base in which
every organization the community decided on carries the community's verdicts (note, evidence,
date) citing a ``community-<server id>`` source entry, so ``kb check OUT/`` validates it and a
diff against ``knowledge/`` is the pull request to propose. As JSON, it is open data: every
current decision and every shown response, with no moderator or sender ids.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from bot.knowledge.loader import Knowledge
from bot.knowledge.models import CriterionRating, Organization, OrgKind, Rating, Source
from bot.limits import cut
from bot.ratings.models import Proposal, Response

ORG_DIR = "organizations"
SOURCES_FILE = "sources.toml"


class ExportError(Exception):
    """The export cannot be written; the message says why, in one line."""


def source_id(guild_id: int) -> str:
    """The knowledge-base source that stands for one community's moderators."""
    return f"community-{guild_id}"


def current(decisions: Sequence[Proposal]) -> dict[str, dict[int, Proposal]]:
    """The newest decision per organization and criterion (``decisions`` oldest first)."""
    latest: dict[str, dict[int, Proposal]] = {}
    for decision in decisions:
        latest.setdefault(decision.org_id, {})[decision.criterion] = decision
    return latest


# -- TOML ---------------------------------------------------------------------------------
# The standard library reads TOML but does not write it; the knowledge files need only
# strings, integers, dates, lists of strings and arrays of tables.


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        # JSON's escapes are TOML's (for a basic string), except DEL, which TOML wants escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(data: Mapping[str, Any]) -> str:
    """A flat table with arrays of tables (``[[ratings]]``), as the knowledge files use."""
    lines: list[str] = []
    tables: list[tuple[str, list[Mapping[str, Any]]]] = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_value(value)}")
    for key, items in tables:
        for item in items:
            lines.append("")
            lines.append(f"[[{key}]]")
            lines.extend(f"{k} = {_value(v)}" for k, v in item.items() if v is not None)
    return "\n".join(lines) + "\n"


def _source(guild_id: int, name: str, today: dt.date) -> dict[str, Any]:
    entry = Source(
        id=source_id(guild_id),
        title=cut(f"Decisions of the moderators of {name} (vetbot community ratings)", 256),
        author=cut(f"The moderators of {name}", 256),
        year=str(today.year),
        short=cut(f"Moderators of {name}", 60),
        reviewed=today,
    )
    return msgspec.to_builtins(entry, builtin_types=(dt.date,))


def _with_decisions(org: Organization, decided: Mapping[int, Proposal]) -> Organization:
    ratings = {r.criterion: r for r in org.ratings}
    for criterion, decision in decided.items():
        ratings[criterion] = CriterionRating(
            criterion=criterion,
            verdict=Rating(str(decision.verdict)),
            note=decision.note,
            evidence=list(decision.evidence),
            sources=[source_id(decision.guild_id)],
        )
    newest = max(d.decided_at for d in decided.values() if d.decided_at)
    sources = list(
        dict.fromkeys([*org.sources, *(source_id(d.guild_id) for d in decided.values())])
    )
    return msgspec.structs.replace(
        org,
        ratings=[ratings[n] for n in sorted(ratings)],
        sources=sources,
        reviewed=max(org.reviewed, newest.date()),
    )


def _listed(org_id: str, name: str, guild_id: int, today: dt.date) -> Organization:
    return Organization(
        id=org_id,
        name=name,
        kind=OrgKind.OTHER,
        summary="Listed by a community's moderators after a peer report; not yet reviewed "
        "from published sources.",
        sources=[source_id(guild_id)],
        reviewed=today,
    )


def write_knowledge(
    out: Path,
    knowledge: Knowledge,
    decisions: Sequence[Proposal],
    names: Mapping[int, str],
    listed: Mapping[str, str],
    today: dt.date,
) -> list[str]:
    """Write the knowledge folder with the community's verdicts to ``out`` (which must be new
    or empty); the ids of the organizations it changed."""
    if out.exists() and any(out.iterdir()):
        raise ExportError(f"{out} is not empty; choose a new folder.")
    shutil.copytree(knowledge.path, out, dirs_exist_ok=True)
    latest = current(decisions)
    guilds = sorted({d.guild_id for d in decisions})
    if guilds:
        with (out / SOURCES_FILE).open("a", encoding="utf-8") as sources:
            for guild_id in guilds:
                entry = _source(guild_id, names.get(guild_id, f"server {guild_id}"), today)
                sources.write("\n" + to_toml({"source": [entry]}).lstrip("\n"))
    changed = []
    for org_id, decided in sorted(latest.items()):
        org = knowledge.orgs.get(org_id)
        if org is None:
            if org_id not in listed:
                continue  # no longer listed: nothing to attach the verdicts to
            org = _listed(org_id, listed[org_id], next(iter(decided.values())).guild_id, today)
        updated = _with_decisions(org, decided)
        data = msgspec.to_builtins(updated, builtin_types=(dt.date,))
        (out / ORG_DIR / f"{org_id}.toml").write_text(to_toml(data), encoding="utf-8")
        changed.append(org_id)
    return changed


def as_json(
    decisions: Sequence[Proposal],
    responses: Sequence[Response],
    names: Mapping[int, str],
    org_names: Mapping[str, str],
) -> str:
    """Every current decision and shown response as open data (no moderator or sender ids)."""
    rows = []
    for org_id, decided in sorted(current(decisions).items()):
        for criterion, d in sorted(decided.items()):
            rows.append(
                {
                    "community": names.get(d.guild_id, f"server {d.guild_id}"),
                    "guild_id": d.guild_id,
                    "org_id": org_id,
                    "org_name": org_names.get(org_id, org_id),
                    "criterion": criterion,
                    "verdict": str(d.verdict),
                    "note": d.note,
                    "evidence": list(d.evidence),
                    "supporting_reports": list(d.report_ids),
                    "decided_at": d.decided_at.isoformat() if d.decided_at else None,
                    "confirmations": len(d.confirmed_by),
                }
            )
    answers = [
        {
            "guild_id": r.guild_id,
            "org_id": r.org_id,
            "criterion": r.criterion,
            "report_id": r.report_id,
            "text": r.text,
            "links": list(r.links),
            "approved_at": r.decided_at.isoformat() if r.decided_at else None,
        }
        for r in responses
    ]
    return (
        json.dumps({"decisions": rows, "responses": answers}, indent=2, ensure_ascii=False) + "\n"
    )
