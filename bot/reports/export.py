"""Approved reports as open data (JSON or CSV): what was said, never who said or approved it.

:class:`ExportRow` is the whole public record; it has no field for a reporter or moderator id,
so none can leak through a forgotten filter.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Callable, Iterable

import msgspec

from bot.reports.models import Report, Status
from bot.reports.service import ReportService

FIELDS = (
    "id",
    "guild_id",
    "org_id",
    "org_name",
    "criterion",
    "basis",
    "text",
    "evidence",
    "approved_at",
)
# Spreadsheets run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(enum.StrEnum):
    JSON = "json"
    CSV = "csv"


class ExportRow(msgspec.Struct, frozen=True, kw_only=True):
    """One approved report as published."""

    id: int
    guild_id: int | None  # the community whose moderators approved it
    org_id: str | None
    org_name: str  # the linked organization's name (the typed one only if it has none)
    criterion: int | None
    basis: str
    text: str
    evidence: list[str]
    approved_at: dt.datetime | None


def to_rows(
    reports: Iterable[Report], org_name: Callable[[Report], str] | None = None
) -> list[ExportRow]:
    """The public rows for the approved reports among ``reports``; ``org_name`` names the
    organization a report is linked to (default: the name the reporter typed)."""
    name = org_name or (lambda r: r.org_name)
    return [
        ExportRow(
            id=r.id,
            guild_id=r.guild_id,
            org_id=r.org_id,
            org_name=name(r),
            criterion=r.criterion,
            basis=r.basis.value,
            text=r.text,
            evidence=list(r.evidence),
            approved_at=r.decided_at,
        )
        for r in reports
        if r.status is Status.APPROVED
    ]


def to_json(rows: Iterable[ExportRow]) -> str:
    """A JSON array of rows, text exactly as stored."""
    return msgspec.json.format(msgspec.json.encode(list(rows)), indent=2).decode()


def to_csv(rows: Iterable[ExportRow], *, spreadsheet_safe: bool = False) -> str:
    """CSV with a header row; evidence links are separated by spaces.

    By default text is exactly as stored (open data). ``spreadsheet_safe`` prefixes cells that
    a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) with an apostrophe, for
    people who will open the file in Excel or LibreOffice.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        cells = [
            row.id,
            "" if row.guild_id is None else row.guild_id,
            row.org_id or "",
            row.org_name,
            "" if row.criterion is None else row.criterion,
            row.basis,
            row.text,
            " ".join(row.evidence),
            "" if row.approved_at is None else row.approved_at.isoformat(),
        ]
        if spreadsheet_safe:
            cells = [_defuse(c) if isinstance(c, str) else c for c in cells]
        writer.writerow(cells)
    return out.getvalue()


def _defuse(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


async def export_approved(
    service: ReportService,
    fmt: ExportFormat | str,
    *,
    spreadsheet_safe: bool = False,
    guild_id: int | None = None,
    org_name: Callable[[Report], str] | None = None,
) -> str:
    """Every approved report (of one community, or all), oldest first, in ``fmt``."""
    rows = to_rows(await service.approved_reports(guild_id), org_name)
    if ExportFormat(fmt) is ExportFormat.JSON:
        return to_json(rows)
    return to_csv(rows, spreadsheet_safe=spreadsheet_safe)
