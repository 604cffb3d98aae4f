"""What the public site shows, gathered once: the page-data layer between the core and templates.

Everything a template may print passes through the records here, and none of them has a field
for a reporter, a moderator or a responder: a forgotten filter in a template cannot leak an
identity that was never handed to it. Peer reports come only from the approved ones
(:meth:`ReportService.approved_reports`), turned at once into :class:`PublicReport`.

``guild_id`` selects one community (Discord server): its approved reports, the organizations
its moderators listed, and its moderation figures; without it the site shows every community's.

Later features plug in here, not in the templates: community verdicts (``Verdict.community``),
organizations' approved responses (``OrgPage.responses``) and registry facts
(``OrgPage.registry``) are empty until their data exists.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.knowledge.loader import Knowledge
from bot.knowledge.models import Criterion, Myth, Organization, Rating, Source, Term, Topic
from bot.orgs.card import ORG_KIND_LABELS
from bot.reports.export import ExportRow, to_rows
from bot.storage import from_db_time

CRITERIA = range(1, 11)

# Words, not colours, carry the verdict; the symbol is a second cue for people who skim.
RATING_LABELS: dict[Rating, str] = {
    Rating.MEETS: "Meets",
    Rating.PARTLY: "Partly",
    Rating.FAILS: "Fails",
    Rating.NOT_ASSESSED: "Not assessed",
}
RATING_SYMBOLS: dict[Rating, str] = {
    Rating.MEETS: "✓",
    Rating.PARTLY: "~",
    Rating.FAILS: "✗",
    Rating.NOT_ASSESSED: "?",
}
BASIS_LABELS = {
    "first-hand": "first-hand",
    "documented": "documented",
    "heard-from-others": "heard from others",
}
COMMUNITY_KIND = "Listed by the community"


class _ShownRating:
    """The words and symbol the site shows for a verdict's ``rating``."""

    rating: Rating

    @property
    def label(self) -> str:
        return RATING_LABELS[self.rating]

    @property
    def symbol(self) -> str:
        return RATING_SYMBOLS[self.rating]


@dataclass(frozen=True)
class CommunityVerdict(_ShownRating):
    """The community's own verdict on one criterion (filled in once community ratings exist)."""

    rating: Rating
    note: str
    decided: dt.date


@dataclass(frozen=True)
class Verdict(_ShownRating):
    """One criterion on one organization: the knowledge base's verdict, with its evidence."""

    number: int
    title: str
    rating: Rating
    note: str | None
    evidence: tuple[str, ...]
    sources: tuple[Source, ...]
    community: CommunityVerdict | None = None


@dataclass(frozen=True)
class PublicReport:
    """An approved peer report as published: what was said and when, never who said it."""

    id: int
    org_id: str | None
    criterion: int | None
    basis: str
    text: str
    evidence: tuple[str, ...]
    approved: dt.date | None


@dataclass(frozen=True)
class Response:
    """An organization's approved response to what is said about it (a later feature)."""

    text: str
    published: dt.date


@dataclass(frozen=True)
class RegistryFact:
    """A fact from a public registry of charities or companies (a later feature)."""

    label: str
    value: str
    source: str
    as_of: dt.date


@dataclass(frozen=True)
class OrgPage:
    """Everything one organization's page shows."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    location: str | None
    website: str | None
    summary: str | None
    reviewed: dt.date | None
    stale: bool
    verdicts: tuple[Verdict, ...]
    views: tuple[tuple[str, str], ...]  # (who, position)
    sources: tuple[Source, ...]
    reports: tuple[PublicReport, ...]
    responses: tuple[Response, ...] = ()
    registry: tuple[RegistryFact, ...] = ()

    @property
    def in_knowledge_base(self) -> bool:
        return self.reviewed is not None

    @property
    def rated(self) -> int:
        """How many criteria the knowledge base rates (anything but "not assessed")."""
        return sum(v.rating is not Rating.NOT_ASSESSED for v in self.verdicts)

    @property
    def search_text(self) -> str:
        """What the index's search box matches: names, kind, location."""
        return " ".join([self.name, *self.aliases, self.kind, self.location or ""]).lower()


@dataclass(frozen=True)
class Month:
    """Reports received, approved and rejected in one calendar month (UTC)."""

    month: str  # "2026-03"
    received: int
    approved: int
    rejected: int
    median_days: float | None  # median time to a decision, of the decisions made this month


@dataclass(frozen=True)
class Activity:
    """How the community's moderation went: counts only, never content or people."""

    months: tuple[Month, ...]
    median_days: float | None

    @property
    def totals(self) -> dict[str, int]:
        return {
            "received": sum(m.received for m in self.months),
            "approved": sum(m.approved for m in self.months),
            "rejected": sum(m.rejected for m in self.months),
        }


@dataclass(frozen=True)
class Site:
    """One community's public knowledge, ready to render."""

    knowledge: Knowledge
    orgs: tuple[OrgPage, ...]
    criteria: tuple[Criterion, ...]
    myths: tuple[Myth, ...]
    terms: tuple[Term, ...]
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    exports: tuple[ExportRow, ...]
    activity: Activity
    today: dt.date
    guild_id: int | None = None
    stale_after_days: int = 365
    extra: dict[str, Any] = field(default_factory=dict)

    def org(self, org_id: str) -> OrgPage | None:
        """One organization's page data by id."""
        return next((o for o in self.orgs if o.id == org_id), None)

    def source(self, source_id: str) -> Source | None:
        return self.knowledge.sources.get(source_id)


def _public(row: ExportRow) -> PublicReport:
    return PublicReport(
        id=row.id,
        org_id=row.org_id,
        criterion=row.criterion,
        basis=BASIS_LABELS.get(row.basis, row.basis),
        text=row.text,
        evidence=tuple(row.evidence),
        approved=row.approved_at.date() if row.approved_at else None,
    )


def _verdicts(org: Organization | None, knowledge: Knowledge) -> tuple[Verdict, ...]:
    rated = {r.criterion: r for r in org.ratings} if org else {}
    verdicts = []
    for number in CRITERIA:
        criterion = knowledge.criterion_by_number(number)
        title = criterion.title if criterion else f"Criterion {number}"
        rating = rated.get(number)
        verdicts.append(
            Verdict(
                number=number,
                title=title,
                rating=rating.verdict if rating else Rating.NOT_ASSESSED,
                note=rating.note if rating else None,
                evidence=tuple(rating.evidence) if rating else (),
                sources=tuple(knowledge.cite(rating.sources)) if rating else (),
            )
        )
    return tuple(verdicts)


def _org_page(
    org: Organization,
    knowledge: Knowledge,
    reports: tuple[PublicReport, ...],
    today: dt.date,
    stale_after: int,
) -> OrgPage:
    source_ids = [*org.sources]
    for rating in org.ratings:
        source_ids.extend(rating.sources)
    source_ids.extend(view.source for view in org.views)
    shorts = {s.id: s.short for s in knowledge.sources.values()}
    views = tuple((shorts.get(v.source, v.source), v.position) for v in org.views)
    return OrgPage(
        id=org.id,
        name=org.name,
        aliases=tuple(org.aliases),
        kind=ORG_KIND_LABELS.get(org.kind, str(org.kind)),
        location=org.location,
        website=org.website,
        summary=org.summary,
        reviewed=org.reviewed,
        stale=(today - org.reviewed).days > stale_after,
        verdicts=_verdicts(org, knowledge),
        views=views,
        sources=tuple(knowledge.cite(dict.fromkeys(source_ids))),
        reports=reports,
    )


def _community_page(
    org_id: str, name: str, knowledge: Knowledge, reports: tuple[PublicReport, ...]
) -> OrgPage:
    """An organization known only because moderators approved a report about it."""
    return OrgPage(
        id=org_id,
        name=name,
        aliases=(),
        kind=COMMUNITY_KIND,
        location=None,
        website=None,
        summary=None,
        reviewed=None,
        stale=False,
        verdicts=_verdicts(None, knowledge),
        views=(),
        sources=(),
        reports=reports,
    )


def _median_days(spans: list[float]) -> float | None:
    return round(statistics.median(spans), 1) if spans else None


def activity_from(rows: list[tuple[str, str, str | None]]) -> Activity:
    """Monthly counts and decision times from ``(status, created_at, decided_at)`` rows.

    Withdrawn reports count as received, not as decisions; pending ones only as received.
    """
    received: Counter[str] = Counter()
    approved: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    spans: dict[str, list[float]] = {}
    every: list[float] = []
    for status, created_text, decided_text in rows:
        created = from_db_time(created_text)
        if created is None:
            continue
        received[_month(created)] += 1
        decided = from_db_time(decided_text)
        if decided is None or status not in ("approved", "rejected"):
            continue
        month = _month(decided)
        (approved if status == "approved" else rejected)[month] += 1
        days = (decided - created).total_seconds() / 86400
        spans.setdefault(month, []).append(days)
        every.append(days)
    months = sorted({*received, *approved, *rejected})
    return Activity(
        months=tuple(
            Month(
                month=m,
                received=received[m],
                approved=approved[m],
                rejected=rejected[m],
                median_days=_median_days(spans.get(m, [])),
            )
            for m in _fill_months(months)
        ),
        median_days=_median_days(every),
    )


def _month(moment: dt.datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"  # strftime costs ten times as much


def _fill_months(months: list[str]) -> list[str]:
    """Every month from the first to the last, so a quiet month shows as a gap, not nothing."""
    if not months:
        return []
    year, month = map(int, months[0].split("-"))
    last = months[-1]
    filled = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        filled.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


async def _report_activity(core: Any, guild_id: int | None) -> Activity:
    return activity_from(await core.reports.store.lifecycle(guild_id))


async def report_version(core: Any) -> tuple[Any, ...]:
    """A value that changes whenever a report is sent or decided (for the server; approvals
    and edits also change ``ReportService.published``).

    A rejection stamped earlier than the latest decision would go unseen until the next
    change, which a live clock never does.
    """
    return await core.reports.store.version()


async def load_site(
    core: Any, *, guild_id: int | None = None, today: dt.date | None = None
) -> Site:
    """Gather one community's public knowledge from a running :class:`bot.core.Core`, or every
    community's when ``guild_id`` is ``None``."""
    from bot.commands.reports import linked_org_name  # the export's naming, for the same rows

    knowledge: Knowledge = core.knowledge
    today = today or dt.datetime.now(dt.UTC).date()
    stale_after = core.config.stale_after_days
    approved = await core.reports.approved_reports(guild_id)
    exports = tuple(to_rows(approved, lambda report: linked_org_name(core, report)))
    by_org: dict[str, list[PublicReport]] = {}
    for row in exports:
        if row.org_id:
            by_org.setdefault(row.org_id, []).append(_public(row))
    newest_first = {k: tuple(reversed(v)) for k, v in by_org.items()}
    orgs = [
        _org_page(org, knowledge, newest_first.get(org.id, ()), today, stale_after)
        for org in knowledge.orgs.values()
    ]
    listed_names: dict[str, str] = {}
    for listed in await core.reports.community_orgs():
        if guild_id is None or listed.guild_id == guild_id:
            listed_names.setdefault(listed.id, listed.name)  # two communities, one slug: one page
    for org_id, name in listed_names.items():
        if org_id not in knowledge.orgs and org_id in newest_first:
            orgs.append(_community_page(org_id, name, knowledge, newest_first[org_id]))
    return Site(
        knowledge=knowledge,
        orgs=tuple(sorted(orgs, key=lambda o: o.name.casefold())),
        criteria=tuple(sorted(knowledge.criteria.values(), key=lambda c: c.number)),
        myths=tuple(knowledge.myths.values()),
        terms=tuple(sorted(knowledge.terms.values(), key=lambda t: t.name.casefold())),
        topics=tuple(knowledge.topics.values()),
        sources=tuple(knowledge.sources.values()),
        exports=exports,
        activity=await _report_activity(core, guild_id),
        today=today,
        guild_id=guild_id,
        stale_after_days=stale_after,
    )
