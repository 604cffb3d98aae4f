"""The seam between peer reports and the rating card: what the community has said about an org."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CommunityReport:
    """One approved peer report, as it may be shown publicly: never who wrote it."""

    report_id: int
    criterion: int | None  # None means "general"
    basis: str  # "first-hand", "documented" or "heard from others"
    summary: str
    decided_at: dt.datetime
    guild_id: int | None = None  # the community whose moderators approved it
    edited: bool = False  # moderators changed the text after it was sent


@dataclass(frozen=True)
class CommunitySummary:
    """Approved reports about one organization: counts per criterion and the most recent ones."""

    counts: dict[int | None, int] = field(default_factory=dict)
    recent: list[CommunityReport] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())
