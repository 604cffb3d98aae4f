"""Open-data export: approved reports only, exact text, and no reporter or moderator ids."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from reports_fixtures import GUILD, MOD, NOW, TEXT, open_service, submit_ok

from bot.reports.export import FIELDS, ExportFormat, export_approved
from bot.reports.service import ReportService

REPORTER = 777_000_111_222_333_444
REPORTER2 = 555_444_333_222_111_999
EVERYONE = "@everyone " + TEXT + ' with "quotes", commas\nand a new line'


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[ReportService]:
    svc = await open_service(tmp_path)
    approved = await submit_ok(svc, reporter_id=REPORTER, text=EVERYONE)
    await svc.approve(approved.id, GUILD, MOD, NOW)
    await submit_ok(svc, reporter_id=REPORTER, criterion=None, text="pending " + TEXT)
    rejected = await submit_ok(svc, reporter_id=REPORTER, criterion=1, text="rejected " + TEXT)
    await svc.reject(rejected.id, GUILD, MOD, "no", NOW)
    general = await submit_ok(
        svc, reporter_id=REPORTER2, org_id=None, org_name="New Org", criterion=None
    )
    await svc.approve(general.id, GUILD, MOD, NOW)
    yield svc
    await svc.db.close()


async def test_json_has_approved_reports_with_public_fields_only(service: ReportService) -> None:
    data = json.loads(await export_approved(service, ExportFormat.JSON))
    assert [tuple(row) for row in data] == [FIELDS, FIELDS]
    first, second = data
    assert first["text"] == EVERYONE  # exactly as typed, mention text included
    assert first["evidence"] == ["https://example.org/article"]
    assert first["basis"] == "first-hand" and first["criterion"] == 3
    assert first["approved_at"].startswith("2026-03-01T12:00:00")
    assert (second["org_id"], second["criterion"]) == ("new-org", None)


async def test_csv_has_approved_reports_with_public_fields_only(service: ReportService) -> None:
    text = await export_approved(service, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == FIELDS
    assert len(rows) == 2
    assert rows[0]["text"] == EVERYONE
    assert rows[1]["criterion"] == ""


@pytest.mark.parametrize("fmt", ["json", "csv"])
async def test_no_reporter_or_moderator_ids_anywhere(service: ReportService, fmt: str) -> None:
    out = await export_approved(service, fmt)
    for secret in (REPORTER, REPORTER2, MOD):
        assert str(secret) not in out
    for word in ("reporter", "decided_by", "moderator"):
        assert word not in out


async def test_spreadsheet_safe_csv_defuses_formulas(service: ReportService) -> None:
    rows = list(
        csv.DictReader(io.StringIO(await export_approved(service, "csv", spreadsheet_safe=True)))
    )
    assert rows[0]["text"] == "'" + EVERYONE
