"""The rating card: what the sources and the community say about one organization.

Pure core: returns a neutral :class:`~bot.replies.Reply` that the Discord cog renders as an embed
and the console as text. "Not assessed" is always shown distinctly from "fails", and peer reports
are shown by basis only ("a community member (first-hand)"), never with who wrote them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from bot import ids, limits
from bot.community import CommunityReport, CommunitySummary
from bot.knowledge.loader import Knowledge
from bot.knowledge.models import CriterionRating, Organization, OrgKind, Rating
from bot.limits import cut
from bot.markdown import escape
from bot.replies import Button, ButtonStyle, Field, Reply, Tone

log = logging.getLogger(__name__)

FIELD_NAME_MAX = limits.FIELD_NAME
FIELD_VALUE_MAX = limits.FIELD_VALUE
SUMMARY_MAX = 700  # the card is a summary; the full entry is one /ask away
NOTE_MAX = 400
RECENT_REPORTS = 3
REPORT_SUMMARY_MAX = 240
CRITERIA = range(1, 11)
REPORT_BUTTON_LABEL = "Report about this organization"

VERDICTS: dict[Rating, str] = {
    Rating.MEETS: "✅ Meets",
    Rating.PARTLY: "🟡 Partly",
    Rating.FAILS: "❌ Fails",
    Rating.NOT_ASSESSED: "⚪ Not assessed",
    Rating.CONTESTED: "⚖️ Contested",
}

ORG_KIND_LABELS: dict[OrgKind, str] = {
    OrgKind.SEX_WORKER_RIGHTS: "Sex worker rights group",
    OrgKind.SURVIVOR_NETWORK: "Survivor network",
    OrgKind.HUMAN_RIGHTS: "Human rights organization",
    OrgKind.RESCUE: "Rescue organization",
    OrgKind.ANTI_TRAFFICKING: "Anti-trafficking nonprofit",
    OrgKind.SERVICE_PROVIDER: "Service provider",
    OrgKind.ADVOCACY: "Advocacy group",
    OrgKind.GOVERNMENT: "Government agency",
    OrgKind.DATA_SOURCE: "Data source",
    OrgKind.RESEARCH: "Research or publication",
    OrgKind.FUNDER: "Funder or charity",
    OrgKind.MEDIA: "Media",
    OrgKind.COMPANY: "Company",
    OrgKind.OTHER: "Other",
}

BASES = {
    "first-hand": "first-hand",
    "documented": "documented",
    "heard from others": "heard from others",
}


def _criterion_title(knowledge: Knowledge, number: int) -> str:
    criterion = knowledge.criterion_by_number(number)
    title = f"{number}. {criterion.title}" if criterion else f"Criterion {number}"
    return cut(title, FIELD_NAME_MAX)


def _rating_value(rating: CriterionRating, knowledge: Knowledge) -> str:
    """One criterion's verdict, note and evidence, within a field's 1,024 characters."""
    head = f"{VERDICTS[rating.verdict]}: "
    cited = ", ".join(s.short for s in knowledge.cite(rating.sources))
    tail = f"\n— {cited}" if cited else ""
    links = [f"\n<{url}>" for url in rating.evidence]
    # The note is cut first so that the verdict, source and at least one link always show.
    room = FIELD_VALUE_MAX - len(head) - len(tail) - sum(len(link) for link in links[:1])
    value = head + cut(rating.note, max(40, min(NOTE_MAX, room)))
    for link in links:
        if len(value) + len(link) + len(tail) > FIELD_VALUE_MAX:
            break
        value += link
    return cut(value + tail, FIELD_VALUE_MAX)


def _unrated_field(knowledge: Knowledge, numbers: list[int]) -> Field:
    """The criteria no source rates, as one field: ten identical "not assessed" fields would
    bury the ones that say something."""
    if len(numbers) == len(CRITERIA):
        return Field(
            VERDICTS[Rating.NOT_ASSESSED],
            "The reviewed sources rate this organization on none of the ten criteria yet. "
            "`/criteria` explains them; the button below shares what you know.",
        )
    titles = "\n".join(_criterion_title(knowledge, n) for n in numbers)
    return Field(
        VERDICTS[Rating.NOT_ASSESSED],
        cut(f"The reviewed sources do not rate these:\n{titles}", FIELD_VALUE_MAX),
    )


def _views_value(org: Organization, knowledge: Knowledge) -> str:
    lines = []
    for view in org.views:
        source = knowledge.sources.get(view.source)
        who = source.short if source else view.source
        lines.append(f"**{who}**: {view.position}")
    each = max(80, FIELD_VALUE_MAX // max(1, len(lines)) - 2)
    return cut("\n".join(cut(line, each) for line in lines), FIELD_VALUE_MAX)


def _source_ids(org: Organization) -> list[str]:
    """Every source the card relies on, in order of first mention, without repeats."""
    ids = [*org.sources]
    for rating in org.ratings:
        ids.extend(rating.sources)
    ids.extend(view.source for view in org.views)
    return list(dict.fromkeys(ids))


def _basis(report: CommunityReport) -> str:
    return BASES.get(report.basis, cut(report.basis, 30))


def _credit(report: CommunityReport, others: Mapping[int, str]) -> str:
    """Who vouches for a report in public: its basis, and the community that approved it when
    that is another, trusted one. Never who wrote it."""
    line = f"A community member ({_basis(report)})"
    if report.guild_id is not None and report.guild_id in others:
        line += f", approved by the moderators of {escape(others[report.guild_id])}"
    return line


def _community_field(
    community: CommunitySummary | None, others: Mapping[int, str] | None = None
) -> Field:
    if community is None or community.total == 0:
        return Field(
            "Community reports",
            "No peer reports yet. Use the button below to share what you know.",
        )
    counts = []
    for number in CRITERIA:
        if community.counts.get(number):
            counts.append(f"criterion {number}: {community.counts[number]}")
    if community.counts.get(None):
        counts.append(f"general: {community.counts[None]}")
    noun = "report" if community.total == 1 else "reports"
    lines = [f"{community.total} approved {noun} ({', '.join(counts)})."]
    recent = sorted(community.recent, key=lambda r: r.decided_at, reverse=True)[:RECENT_REPORTS]
    each = (FIELD_VALUE_MAX - len(lines[0])) // max(1, len(recent)) - 1
    for report in recent:
        about = f"criterion {report.criterion}" if report.criterion else "general"
        edited = " (edited by the moderators)" if report.edited else ""
        line = (
            f"• {_credit(report, others or {})}, {report.decided_at.date().isoformat()}, "
            f"{about}{edited}: {escape(cut(report.summary, REPORT_SUMMARY_MAX))}"
        )
        lines.append(cut(line, each))
    return Field("Community reports", cut("\n".join(lines), FIELD_VALUE_MAX))


def _community_data(community: CommunitySummary | None) -> dict[str, Any]:
    if community is None:
        return {"total": 0, "counts": {}, "recent": []}
    recent = sorted(community.recent, key=lambda r: r.decided_at, reverse=True)[:RECENT_REPORTS]
    return {
        "total": community.total,
        "counts": {
            ("general" if number is None else str(number)): count
            for number, count in community.counts.items()
        },
        # Only what the card shows: no report ids, never who wrote them.
        "recent": [
            {
                "criterion": r.criterion,
                "basis": r.basis,
                "summary": r.summary,
                "decided_at": r.decided_at.isoformat(),
                "edited_by_moderators": r.edited,
            }
            for r in recent
        ],
    }


def build_card(
    org: Organization,
    knowledge: Knowledge,
    community: CommunitySummary | None,
    *,
    today: dt.date,
    stale_after_days: int = 365,
    trusted_names: Mapping[int, str] | None = None,
    site_url: str | None = None,
) -> Reply:
    """The rating card of ``org``: the rated criteria one by one, the unrated ones together,
    what the sources say, and peer reports."""
    kind = ORG_KIND_LABELS.get(org.kind, str(org.kind))
    first_line = f"**{kind}**" + (f" · {org.location}" if org.location else "")
    text_lines = [first_line]
    if org.website:
        text_lines.append(org.website)
    if site_url:  # the full card on the public site (site.base_url)
        text_lines.append(f"Full page with every report: <{site_url}>")
    text_lines.append("")
    text_lines.append(cut(org.summary, SUMMARY_MAX))

    age = (today - org.reviewed).days
    stale = age > stale_after_days
    if stale:
        text_lines.append("")
        text_lines.append(
            f"⚠️ Last reviewed {org.reviewed.isoformat()}, {age} days ago: "
            "this card may be out of date."
        )

    by_number = {r.criterion: r for r in org.ratings}
    fields = [
        Field(_criterion_title(knowledge, n), _rating_value(by_number[n], knowledge))
        for n in CRITERIA
        if n in by_number
    ]
    unrated = [n for n in CRITERIA if n not in by_number]
    if unrated:
        fields.append(_unrated_field(knowledge, unrated))
    if org.views:
        fields.append(Field("What the sources say", _views_value(org, knowledge)))
    sources = knowledge.cite(_source_ids(org))
    if sources:
        listed = "\n".join(f"{s.short}: <{s.url}>" if s.url else s.short for s in sources)
        fields.append(Field("Sources", cut(listed, FIELD_VALUE_MAX)))
    reviewed = org.reviewed.isoformat() + (" ⚠️ may be out of date" if stale else "")
    fields.append(Field("Last reviewed", reviewed, inline=True))
    fields.append(_community_field(community, trusted_names))

    data = {
        "id": org.id,
        "name": org.name,
        "aliases": list(org.aliases),
        "kind": str(org.kind),
        "location": org.location,
        "website": org.website,
        "ratings": {
            str(n): (
                {
                    "verdict": str(by_number[n].verdict),
                    "note": by_number[n].note,
                    "evidence": list(by_number[n].evidence),
                    "sources": list(by_number[n].sources),
                }
                if n in by_number
                else {"verdict": str(Rating.NOT_ASSESSED)}
            )
            for n in CRITERIA
        },
        "reviewed": org.reviewed.isoformat(),
        "stale": stale,
        "sources": [{"id": s.id, "short": s.short, "url": s.url} for s in sources],
        "community": _community_data(community),
        "site_url": site_url,
    }
    return Reply(
        title=org.name,
        text="\n".join(text_lines),
        fields=fields,
        url=org.website,
        tone=Tone.WARNING if stale else Tone.INFO,
        footer="Not assessed means the sources reviewed here say nothing either way; "
        "it is not a fail.",
        buttons=[
            Button(
                REPORT_BUTTON_LABEL,
                custom_id=ids.ReportAbout(org.id).custom_id,
                style=ButtonStyle.PRIMARY,
            )
        ],
        data=data,
    )
