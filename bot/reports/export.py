"""Approved reports as open data (JSON or CSV): what was said, never who said or approved it.

:class:`ExportRow` is the whole public record; it has no field for a reporter or moderator id,
so none can leak through a forgotten filter.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Iterable

import msgspec

from bot.reports.models import Report, Status
from bot.reports.service import ReportService

FIELDS = ("id", "org_id", "org_name", "criterion", "basis", "text", "evidence", "approved_at")
# Spreadsheets run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(enum.StrEnum):
    JSON = "json"
    CSV = "csv"


class ExportRow(msgspec.Struct, frozen=True, kw_only=True):
    """One approved report as published."""

    id: int
    org_id: str | None
    org_name: str
    criterion: int | None
    basis: str
    text: str
    evidence: list[str]
    approved_at: dt.datetime | None


def to_rows(reports: Iterable[Report]) -> list[ExportRow]:
    """The public rows for the approved reports among ``reports``."""
    return [
        ExportRow(
            id=r.id,
            org_id=r.org_id,
            org_name=r.org_name,
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
    service: ReportService, fmt: ExportFormat | str, *, spreadsheet_safe: bool = False
) -> str:
    """Every approved report, oldest first, in ``fmt`` (``json`` or ``csv``)."""
    rows = to_rows(await service.approved_reports())
    if ExportFormat(fmt) is ExportFormat.JSON:
        return to_json(rows)
    return to_csv(rows, spreadsheet_safe=spreadsheet_safe)
