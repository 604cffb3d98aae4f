"""Moderation: one decision per report even under races, audit trail, orgs, purge, summary."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from reports_fixtures import GUILD, MOD, MOD2, NOW, TEXT, open_service, submit_ok

from bot.community import CommunitySummary
from bot.reports.models import Decided, Invalid, NotFound, PiiKind, Report, Status
from bot.reports.policy import ReportPolicy
from bot.reports.service import ReportService

LATER = NOW + dt.timedelta(minutes=5)
KNOWN_ORGS = {"rescue-org", "known-group"}


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[ReportService]:
    svc = await open_service(tmp_path, org_exists=KNOWN_ORGS.__contains__)
    yield svc
    await svc.db.close()


async def _status_in_db(service: ReportService, report_id: int) -> tuple[str, int | None]:
    row = await service.db.fetchone(
        "SELECT status, decided_by FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None
    return row[0], row[1]


async def test_approve_records_decision_and_audit(service: ReportService) -> None:
    report = await submit_ok(service)
    result = await service.approve(report.id, GUILD, MOD, LATER)
    assert isinstance(result, Report)
    assert (result.status, result.decided_by, result.decided_at) == (Status.APPROVED, MOD, LATER)
    [entry] = await service.history(report.id)
    assert (entry.action, entry.actor_id, entry.at) == ("approve", MOD, LATER)
    assert entry.before == {"status": "pending", "org_id": "rescue-org"}
    assert entry.after == {"status": "approved", "org_id": "rescue-org"}


async def test_concurrent_approvals_make_exactly_one_decision(service: ReportService) -> None:
    report = await submit_ok(service)
    results = await asyncio.gather(
        service.approve(report.id, GUILD, MOD, LATER),
        service.approve(report.id, GUILD, MOD2, LATER + dt.timedelta(seconds=1)),
    )
    winners = [r for r in results if isinstance(r, Report)]
    losers = [r for r in results if isinstance(r, Decided)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].decided_by == winners[0].decided_by
    assert [e.action for e in await service.history(report.id)] == ["approve"]


async def test_concurrent_approve_and_reject_make_exactly_one_decision(
    service: ReportService,
) -> None:
    report = await submit_ok(service)
    results = await asyncio.gather(
        service.reject(report.id, GUILD, MOD2, "not credible", LATER),
        service.approve(report.id, GUILD, MOD, LATER),
    )
    assert sorted(type(r).__name__ for r in results) == ["Decided", "Report"]
    assert len(await service.history(report.id)) == 1


async def test_store_guard_alone_allows_one_decision(service: ReportService) -> None:
    # Even without the service's lock (e.g. another backend with many connections), the
    # status guard in the UPDATE lets only the first decision through.
    report = await submit_ok(service)
    first = await service.store.decide(
        report.id, GUILD, status=Status.APPROVED, decided_by=MOD, decided_at=LATER
    )
    second = await service.store.decide(
        report.id, GUILD, status=Status.REJECTED, decided_by=MOD2, decided_at=LATER
    )
    assert (first, second) == (True, False)
    assert await _status_in_db(service, report.id) == ("approved", MOD)


async def test_second_moderator_is_told_who_decided_how_and_when(service: ReportService) -> None:
    report = await submit_ok(service)
    await service.reject(report.id, GUILD, MOD, "  duplicate of #3 ", LATER)
    for late in (
        await service.approve(report.id, GUILD, MOD2, LATER),
        await service.reject(report.id, GUILD, MOD2, "other", LATER),
    ):
        assert late == Decided(
            report_id=report.id,
            status=Status.REJECTED,
            decided_by=MOD,
            decided_at=LATER,
            reason="duplicate of #3",
        )
    assert await _status_in_db(service, report.id) == ("rejected", MOD)


@pytest.mark.parametrize("reason", ["", "   \n "])
async def test_reject_needs_a_reason(service: ReportService, reason: str) -> None:
    report = await submit_ok(service)
    assert isinstance(await service.reject(report.id, GUILD, MOD, reason, LATER), Invalid)
    assert await _status_in_db(service, report.id) == ("pending", None)
    assert await service.history(report.id) == []


async def test_moderator_cannot_decide_own_report(service: ReportService) -> None:
    report = await submit_ok(service, reporter_id=MOD)
    assert isinstance(await service.approve(report.id, GUILD, MOD, LATER), Invalid)
    assert isinstance(await service.reject(report.id, GUILD, MOD, "mine", LATER), Invalid)
    assert await _status_in_db(service, report.id) == ("pending", None)


async def test_unknown_report_is_not_found(service: ReportService) -> None:
    assert await service.approve(404, GUILD, MOD, LATER) == NotFound(404)
    assert await service.reject(404, GUILD, MOD, "x", LATER) == NotFound(404)
    assert await service.edit(404, GUILD, MOD, "x", LATER) == NotFound(404)
    assert await service.withdraw(404, GUILD, 1, LATER) == NotFound(404)
    assert await service.get(404, GUILD) is None


async def test_withdraw_own_pending_only(service: ReportService) -> None:
    mine = await submit_ok(service)
    theirs = await submit_ok(service, reporter_id=2)
    assert await service.withdraw(theirs.id, GUILD, 1, LATER) == NotFound(theirs.id)
    assert await _status_in_db(service, theirs.id) == ("pending", None)

    result = await service.withdraw(mine.id, GUILD, 1, LATER)
    assert isinstance(result, Report) and result.status is Status.WITHDRAWN
    again = await service.withdraw(mine.id, GUILD, 1, LATER)
    assert isinstance(again, Decided) and again.status is Status.WITHDRAWN
    # A moderator arriving after the withdrawal is told so, and nothing changes.
    late = await service.approve(mine.id, GUILD, MOD, LATER)
    assert isinstance(late, Decided) and late.decided_by is None


async def test_withdraw_after_decision_is_refused(service: ReportService) -> None:
    report = await submit_ok(service)
    await service.approve(report.id, GUILD, MOD, LATER)
    result = await service.withdraw(report.id, GUILD, 1, LATER)
    assert isinstance(result, Decided) and result.status is Status.APPROVED
    assert await _status_in_db(service, report.id) == ("approved", MOD)


async def test_redact_records_before_and_after(service: ReportService) -> None:
    original = TEXT + " Email jane@example.org for proof."
    report = await submit_ok(service, text=original)
    assert report.pii_flags == (PiiKind.EMAIL,)
    redacted = TEXT + " Email [redacted] for proof."
    result = await service.edit(report.id, GUILD, MOD, redacted, LATER)
    assert isinstance(result, Report)
    assert (result.text, result.pii_flags, result.edited_at) == (redacted, (), LATER)
    assert result.status is Status.PENDING
    [entry] = await service.history(report.id)
    assert (entry.action, entry.actor_id) == ("edit", MOD)
    assert entry.before == {"text": original, "pii_flags": ["email"]}
    assert entry.after == {"text": redacted, "pii_flags": []}


async def test_edit_rejects_empty_text(service: ReportService) -> None:
    report = await submit_ok(service)
    assert isinstance(await service.edit(report.id, GUILD, MOD, "  ", LATER), Invalid)
    assert (await service.get(report.id, GUILD)) == report


async def test_queue_pages_pending_oldest_first(service: ReportService) -> None:
    ids = [(await submit_ok(service, reporter_id=100 + i)).id for i in range(7)]
    await service.approve(ids[0], GUILD, MOD, LATER)
    first = await service.queue(GUILD, 1, 3)
    assert [r.id for r in first.items] == ids[1:4]
    assert (first.total, first.pages) == (6, 2)
    last = await service.queue(GUILD, 99, 3)
    assert last.page == 2 and [r.id for r in last.items] == ids[4:7]


async def test_queue_message_ids_are_remembered(service: ReportService) -> None:
    report = await submit_ok(service)
    assert await service.set_queue_message(report.id, GUILD, 11, 22)
    stored = await service.get(report.id, GUILD)
    assert stored is not None
    assert (stored.queue_channel_id, stored.queue_message_id) == (11, 22)


async def test_approving_unknown_org_lists_a_community_org(service: ReportService) -> None:
    report = await submit_ok(service, org_id=None, org_name="Hope Shelter Ñandú")
    result = await service.approve(report.id, GUILD, MOD, LATER)
    assert isinstance(result, Report) and result.org_id == "hope-shelter-nandu"
    orgs = await service.community_orgs()
    assert [(o.id, o.name) for o in orgs] == [("hope-shelter-nandu", "Hope Shelter Ñandú")]
    # A second report about it reuses the listing.
    other = await submit_ok(service, reporter_id=2, org_id=None, org_name="hope shelter ñandú")
    again = await service.approve(other.id, GUILD, MOD, LATER)
    assert isinstance(again, Report) and again.org_id == "hope-shelter-nandu"
    assert len(await service.community_orgs()) == 1
    summary = await service.community_summary("hope-shelter-nandu", (GUILD,))
    assert summary.total == 2


async def test_approving_unknown_org_with_new_name(service: ReportService) -> None:
    report = await submit_ok(service, org_id=None, org_name="hope shelter")
    result = await service.approve(report.id, GUILD, MOD, LATER, new_org_name="Hope Shelter Inc.")
    assert isinstance(result, Report) and result.org_id == "hope-shelter-inc"


async def test_approving_links_to_existing_org(service: ReportService) -> None:
    report = await submit_ok(service, org_id=None, org_name="KG")
    result = await service.approve(report.id, GUILD, MOD, LATER, link_org_id="known-group")
    assert isinstance(result, Report) and result.org_id == "known-group"
    assert await service.community_orgs() == []


async def test_linking_to_a_missing_org_is_refused(service: ReportService) -> None:
    report = await submit_ok(service, org_id=None, org_name="KG")
    assert isinstance(
        await service.approve(report.id, GUILD, MOD, LATER, link_org_id="nope"), Invalid
    )
    assert await _status_in_db(service, report.id) == ("pending", None)


async def test_new_org_clashing_with_a_known_id_is_refused(service: ReportService) -> None:
    report = await submit_ok(service, org_id=None, org_name="Known Group")
    result = await service.approve(report.id, GUILD, MOD, LATER)
    assert isinstance(result, Invalid) and "known-group" in result.message
    assert await service.community_orgs() == []


async def test_lost_race_rolls_back_the_new_community_org(
    service: ReportService, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = await submit_ok(service, org_id=None, org_name="Raced Org")

    async def someone_else_was_faster(*args: object, **kwargs: object) -> bool:
        await service.db.execute(
            "UPDATE reports SET status = 'rejected', decided_by = ? WHERE id = ?",
            (MOD2, report.id),
        )
        return False

    monkeypatch.setattr(service.store, "decide", someone_else_was_faster)
    result = await service.approve(report.id, GUILD, MOD, LATER)
    assert isinstance(result, Decided)
    assert await service.community_orgs() == []
    assert await service.history(report.id) == []


async def test_community_summary_is_public_safe(service: ReportService) -> None:
    ids = []
    for i, criterion in enumerate((1, 1, 2, None, 3)):
        report = await submit_ok(service, reporter_id=10 + i, criterion=criterion)
        await service.approve(report.id, GUILD, MOD, LATER + dt.timedelta(minutes=i))
        ids.append(report.id)
    pending = await submit_ok(service, reporter_id=50, criterion=4)
    rejected = await submit_ok(service, reporter_id=51, criterion=5)
    await service.reject(rejected.id, GUILD, MOD, "no", LATER)
    summary = await service.community_summary("rescue-org", (GUILD,))
    assert isinstance(summary, CommunitySummary)
    assert summary.counts == {1: 2, 2: 1, None: 1, 3: 1}
    assert [r.report_id for r in summary.recent] == ids[:-4:-1]
    assert pending.id not in [r.report_id for r in summary.recent]
    assert summary.recent[0].basis == "first-hand"
    assert not any(hasattr(r, "reporter_id") for r in summary.recent)
    assert (await service.community_summary("no-such-org", (GUILD,))).total == 0


async def test_purge_erases_reporter_ids_after_retention(tmp_path: Path) -> None:
    service = await open_service(tmp_path, ReportPolicy(retention_days=90))
    try:
        old = await submit_ok(service, reporter_id=1, criterion=1)
        await service.approve(old.id, GUILD, MOD, NOW)
        withdrawn = await submit_ok(service, reporter_id=2, criterion=2)
        await service.withdraw(withdrawn.id, GUILD, 2, NOW)
        await service.edit(old.id, GUILD, MOD, TEXT + " (phone removed)", NOW)
        recent = await submit_ok(service, reporter_id=3, criterion=3)
        await service.approve(recent.id, GUILD, MOD, NOW + dt.timedelta(days=80))
        pending = await submit_ok(service, reporter_id=4, criterion=4)

        just_before = NOW + dt.timedelta(days=90)
        assert await service.purge_reporter_ids(just_before) == 0
        after = NOW + dt.timedelta(days=91)
        assert await service.purge_reporter_ids(after) == 2
        assert await service.purge_reporter_ids(after) == 0  # idempotent

        ids = {r.id: r.reporter_id for r in [await service.get(i, GUILD) for i in range(1, 5)] if r}
        assert ids == {old.id: None, withdrawn.id: None, recent.id: 3, pending.id: 4}
        [withdrawal] = await service.history(withdrawn.id)
        assert withdrawal.actor_id is None
        edit = next(e for e in await service.history(old.id) if e.action == "edit")
        assert edit.before is None  # the pre-redaction text is gone too
        assert edit.actor_id == MOD  # moderators stay accountable
        # Their old reports no longer show up as theirs.
        assert await service.list_mine(GUILD, 1) == []
    finally:
        await service.db.close()


async def test_returned_reports_equal_what_is_stored(service: ReportService) -> None:
    submitted = await submit_ok(service, org_id=None, org_name="Fresh Org")
    assert submitted == await service.get(submitted.id, GUILD)
    local = dt.timezone(dt.timedelta(hours=-5))
    when = LATER.astimezone(local)  # any timezone in, UTC stored
    second = (await submit_ok(service, reporter_id=2)).id
    third = (await submit_ok(service, reporter_id=3)).id
    for action in (
        service.edit(submitted.id, GUILD, MOD, TEXT + " edited", when),
        service.approve(submitted.id, GUILD, MOD, when),
        service.reject(second, GUILD, MOD, "no", when),
        service.withdraw(third, GUILD, 3, when),
    ):
        result = await action
        assert isinstance(result, Report)
        assert result == await service.get(result.id, GUILD)
