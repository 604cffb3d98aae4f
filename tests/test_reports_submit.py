"""Submitting reports: what is accepted, and every refusal says why, when, with the text back."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from reports_fixtures import (
    GUILD,
    MOD,
    NOW,
    TEXT,
    open_service,
    submission,
    submit_ok,
    submit_refused,
)

from bot.reports.models import Basis, PiiKind, Refusal, RefusalReason, Report, Status
from bot.reports.policy import ReportPolicy
from bot.reports.service import ReportService


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[ReportService]:
    svc = await open_service(tmp_path)
    yield svc
    await svc.db.close()


async def test_accepted_report_is_stored_pending(service: ReportService) -> None:
    report = await submit_ok(
        service, evidence="https://a.example/x  http://b.example/y", basis="heard from others"
    )
    assert report.status is Status.PENDING
    assert report.reporter_id == 1
    assert report.text == TEXT
    assert report.evidence == ("https://a.example/x", "http://b.example/y")
    assert report.basis is Basis.HEARD_FROM_OTHERS
    assert report.created_at == NOW
    assert await service.get(report.id, GUILD) == report


async def test_general_report_about_unknown_org(service: ReportService) -> None:
    report = await submit_ok(service, org_id=None, org_name="  New   Shelter ", criterion=None)
    assert (report.org_id, report.org_name, report.criterion) == (None, "New Shelter", None)


async def test_pii_is_flagged_on_submission(service: ReportService) -> None:
    report = await submit_ok(service, text=TEXT + " Call her on +44 20 7946 0958.")
    assert report.pii_flags == (PiiKind.PHONE,)


async def test_everyone_mention_is_stored_as_typed(service: ReportService) -> None:
    text = "@everyone this org " + TEXT
    report = await submit_ok(service, text=text)
    assert report.text == text


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"text": "too short"}, RefusalReason.TOO_SHORT),
        ({"text": " " * 40 + "short" + " " * 40}, RefusalReason.TOO_SHORT),
        ({"text": "x" * 2001}, RefusalReason.TOO_LONG),
        ({"evidence": "javascript:alert(1)"}, RefusalReason.BAD_LINK),
        ({"evidence": "https://ok.example ftp://files.example/x"}, RefusalReason.BAD_LINK),
        ({"evidence": "https://"}, RefusalReason.BAD_LINK),
        ({"evidence": " ".join(f"https://e.example/{i}" for i in range(11))}, "too-many-links"),
        ({"basis": "a dream"}, RefusalReason.BAD_BASIS),
        ({"criterion": 11}, RefusalReason.BAD_CRITERION),
        ({"org_name": "   "}, RefusalReason.BAD_ORG),
    ],
)
async def test_invalid_input_is_refused_with_text_back(
    service: ReportService, overrides: dict[str, object], reason: str
) -> None:
    refusal = await submit_refused(service, **overrides)
    assert refusal.reason == reason
    assert refusal.retry_after is None
    assert refusal.message
    assert await service.list_mine(GUILD, 1) == []


async def test_bad_link_message_names_the_link(service: ReportService) -> None:
    refusal = await submit_refused(service, evidence="https://fine.example javascript:alert(1)")
    assert "javascript:alert(1)" in refusal.message
    assert "http" in refusal.message


async def test_length_limits_are_inclusive(service: ReportService) -> None:
    await submit_ok(service, text="x" * 30, criterion=1)
    await submit_ok(service, text="y" * 2000, criterion=2)


async def test_per_hour_limit_says_when_to_retry(service: ReportService) -> None:
    for minute in range(3):
        await submit_ok(service, criterion=minute + 1, now=NOW + dt.timedelta(minutes=minute))
    later = NOW + dt.timedelta(minutes=30)
    refusal = await submit_refused(service, criterion=9, now=later)
    assert refusal.reason is RefusalReason.PER_HOUR
    assert refusal.retry_after == NOW + dt.timedelta(hours=1)
    # At the moment given, the oldest report has left the window: accepted.
    await submit_ok(service, criterion=9, now=refusal.retry_after + dt.timedelta(microseconds=1))


async def test_per_day_limit_says_when_to_retry(service: ReportService) -> None:
    for i in range(10):
        at = NOW + dt.timedelta(hours=2 * i)
        await submit_ok(service, criterion=None, org_id=f"org-{i}", now=at)
    later = NOW + dt.timedelta(hours=21)
    refusal = await submit_refused(service, org_id="org-x", now=later)
    assert refusal.reason is RefusalReason.PER_DAY
    assert refusal.retry_after == NOW + dt.timedelta(days=1)


async def test_limits_are_per_user(service: ReportService) -> None:
    for criterion in (1, 2, 3):
        await submit_ok(service, criterion=criterion)
    await submit_ok(service, reporter_id=2, criterion=1)


async def test_refused_submissions_do_not_count_towards_limits(service: ReportService) -> None:
    for _ in range(5):
        await submit_refused(service, text="short")
    for criterion in (1, 2, 3):
        await submit_ok(service, criterion=criterion)


async def test_one_pending_report_per_org_and_criterion(service: ReportService) -> None:
    first = await submit_ok(service)
    refusal = await submit_refused(service, text=TEXT + " More detail.")
    assert refusal.reason is RefusalReason.DUPLICATE
    assert f"#{first.id}" in refusal.message
    # Another criterion, or a general report, about the same org is fine.
    await submit_ok(service, criterion=4)
    await submit_ok(service, criterion=None)


async def test_duplicate_unknown_org_is_matched_by_name(service: ReportService) -> None:
    await submit_ok(service, org_id=None, org_name="Safe Haven")
    refusal = await submit_refused(service, org_id=None, org_name="safe  HAVEN")
    assert refusal.reason is RefusalReason.DUPLICATE


async def test_duplicate_check_ends_when_the_first_is_decided(service: ReportService) -> None:
    first = await submit_ok(service)
    await service.withdraw(first.id, GUILD, 1, NOW)
    await submit_ok(service)


async def test_account_too_new(tmp_path: Path) -> None:
    service = await open_service(tmp_path, ReportPolicy(min_account_age_days=7))
    try:
        refusal = await submit_refused(service, account_age_days=2.0)
        assert refusal.reason is RefusalReason.ACCOUNT_TOO_NEW
        assert refusal.retry_after == NOW + dt.timedelta(days=5)
        unknown = await submit_refused(service, account_age_days=None)
        assert unknown.reason is RefusalReason.ACCOUNT_TOO_NEW
        await submit_ok(service, account_age_days=7.0)
    finally:
        await service.db.close()


async def test_account_age_check_off_by_default(service: ReportService) -> None:
    await submit_ok(service, account_age_days=0.0)


async def test_blocked_user_is_refused_until_unblocked(service: ReportService) -> None:
    assert await service.block(GUILD, 1, MOD, "spam", NOW)
    assert not await service.block(GUILD, 1, MOD, "again", NOW)
    refusal = await submit_refused(service)
    assert refusal.reason is RefusalReason.BLOCKED
    assert refusal.retry_after is None
    assert await service.unblock(GUILD, 1, MOD, NOW)
    assert not await service.unblock(GUILD, 1, MOD, NOW)
    await submit_ok(service)


async def test_naive_time_is_rejected(service: ReportService) -> None:
    with pytest.raises(ValueError, match="naive"):
        await service.submit(**submission(now=dt.datetime(2026, 1, 1)))


async def test_list_mine_only_shows_own_reports_newest_first(service: ReportService) -> None:
    a = await submit_ok(service, criterion=1)
    b = await submit_ok(service, criterion=2)
    await submit_ok(service, reporter_id=2)
    mine = await service.list_mine(GUILD, 1)
    assert [r.id for r in mine] == [b.id, a.id]
    assert all(isinstance(r, Report) and r.reporter_id == 1 for r in mine)


async def test_concurrent_submissions_cannot_exceed_the_limit(service: ReportService) -> None:
    results = await asyncio.gather(
        *(service.submit(**submission(criterion=c)) for c in range(1, 7)),
        *(service.submit(**submission(reporter_id=2)) for _ in range(3)),
    )
    own = results[:6]
    assert sum(isinstance(r, Report) for r in own) == 3
    assert {r.reason for r in own if isinstance(r, Refusal)} == {RefusalReason.PER_HOUR}
    duplicates = results[6:]
    assert sum(isinstance(r, Report) for r in duplicates) == 1
    assert {r.reason for r in duplicates if isinstance(r, Refusal)} == {RefusalReason.DUPLICATE}
    assert len(await service.list_mine(GUILD, 1)) == 3
