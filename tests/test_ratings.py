"""Community ratings in the core: proposals, confirmations by different moderators, races,
declines, history, what each community sees, and organizations' responses."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from reports_fixtures import GUILD, MOD, MOD2, NOW, open_service, submit_ok

from bot.ratings import RatingService, ResponseService
from bot.ratings.models import Missing, Proposal, Refused, Response, Settled, Verdict
from bot.ratings.service import parse_report_ids
from bot.reports.service import ReportService

MOD3 = 9003
OTHER_GUILD = 5353
LATER = NOW + dt.timedelta(minutes=5)
NOTE = "Their own annual report says they fund police stings."
RESPONSE = "We ended our work with police in 2024 and now fund peer-led outreach only."


@pytest.fixture
async def reports(tmp_path: Path) -> AsyncIterator[ReportService]:
    service = await open_service(tmp_path, org_exists=lambda _: True)
    yield service
    await service.db.close()


@pytest.fixture
def ratings(reports: ReportService) -> RatingService:
    return RatingService(reports.db)


@pytest.fixture
def responses(reports: ReportService) -> ResponseService:
    return ResponseService(reports.db)


async def propose(ratings: RatingService, **overrides: object) -> Proposal:
    values: dict = {
        "guild_id": GUILD,
        "org_id": "rescue-org",
        "criterion": 3,
        "verdict": Verdict.FAILS,
        "note": NOTE,
        "evidence": "https://example.org/annual-report",
        "report_ids": "",
        "proposer": MOD,
        "needed": 2,
        "now": NOW,
    }
    values.update(overrides)
    result = await ratings.propose(**values)
    assert isinstance(result, Proposal), result
    return result


async def test_a_proposal_waits_for_a_different_moderator(ratings: RatingService) -> None:
    proposal = await propose(ratings)
    assert proposal.status == "pending" and proposal.confirmed_by == (MOD,)
    again = await ratings.confirm(proposal.id, GUILD, MOD, LATER)
    assert isinstance(again, Refused) and "already proposed" in again.message
    assert await ratings.current((GUILD,), "rescue-org") == {}

    adopted = await ratings.confirm(proposal.id, GUILD, MOD2, LATER)
    assert isinstance(adopted, Proposal) and adopted.status == "adopted"
    assert adopted.confirmed_by == (MOD, MOD2)
    assert (await ratings.current((GUILD,), "rescue-org"))[3].id == proposal.id
    actions = await ratings.db.fetchall(
        "SELECT action, actor_id FROM ratings_audit WHERE proposal_id = ? ORDER BY id",
        (proposal.id,),
    )
    assert [tuple(r) for r in actions] == [("propose", MOD), ("confirm", MOD2), ("adopt", MOD2)]


async def test_three_confirmations_count_different_people(ratings: RatingService) -> None:
    proposal = await propose(ratings, needed=3)
    await ratings.confirm(proposal.id, GUILD, MOD2, LATER)
    twice = await ratings.confirm(proposal.id, GUILD, MOD2, LATER)
    assert isinstance(twice, Refused) and "already confirmed" in twice.message
    done = await ratings.confirm(proposal.id, GUILD, MOD3, LATER)
    assert isinstance(done, Proposal) and done.status == "adopted"


async def test_one_confirmation_adopts_at_once(ratings: RatingService) -> None:
    proposal = await propose(ratings, needed=1)
    assert proposal.status == "adopted"


async def test_racing_confirmations_make_one_decision(ratings: RatingService) -> None:
    proposal = await propose(ratings, needed=2)
    results = await asyncio.gather(
        *(ratings.confirm(proposal.id, GUILD, m, LATER) for m in (MOD2, MOD3, 9004, 9005))
    )
    adopted = [r for r in results if isinstance(r, Proposal)]
    assert len(adopted) == 1
    assert all(isinstance(r, Settled) for r in results if r not in adopted)
    count = await ratings.db.fetchval(
        "SELECT COUNT(*) FROM ratings_audit WHERE action = 'adopt' AND proposal_id = ?",
        (proposal.id,),
    )
    assert count == 1


async def test_racing_confirm_and_decline_make_one_decision(ratings: RatingService) -> None:
    proposal = await propose(ratings)
    confirmed, declined = await asyncio.gather(
        ratings.confirm(proposal.id, GUILD, MOD2, LATER),
        ratings.decline(proposal.id, GUILD, MOD3, "Not enough evidence.", LATER),
    )
    assert [isinstance(confirmed, Settled), isinstance(declined, Settled)].count(True) == 1


async def test_decline_needs_a_reason(ratings: RatingService) -> None:
    proposal = await propose(ratings)
    refused = await ratings.decline(proposal.id, GUILD, MOD2, "   ", LATER)
    assert isinstance(refused, Refused)
    declined = await ratings.decline(proposal.id, GUILD, MOD2, "Needs a date.", LATER)
    assert isinstance(declined, Proposal) and declined.status == "declined"
    late = await ratings.confirm(proposal.id, GUILD, MOD3, LATER)
    assert isinstance(late, Settled)


async def test_another_communitys_proposal_answers_like_a_missing_one(
    ratings: RatingService,
) -> None:
    proposal = await propose(ratings)
    for result in (
        await ratings.confirm(proposal.id, OTHER_GUILD, MOD2, LATER),
        await ratings.decline(proposal.id, OTHER_GUILD, MOD2, "No.", LATER),
        await ratings.confirm(proposal.id + 100, GUILD, MOD2, LATER),
    ):
        assert isinstance(result, Missing)
    assert await ratings.get(proposal.id, OTHER_GUILD) is None
    assert (await ratings.get(proposal.id, GUILD)).status == "pending"


async def test_only_approved_reports_of_this_org_here_can_be_cited(
    ratings: RatingService, reports: ReportService
) -> None:
    report = await submit_ok(reports)
    refused = await ratings.propose(
        guild_id=GUILD,
        org_id="rescue-org",
        criterion=3,
        verdict=Verdict.FAILS,
        note=NOTE,
        evidence="",
        report_ids=str(report.id),
        proposer=MOD,
        needed=2,
        now=NOW,
    )
    assert isinstance(refused, Refused) and "approved" in refused.message  # still pending
    await reports.approve(report.id, GUILD, MOD2, NOW)
    proposal = await propose(ratings, report_ids=f"#{report.id}")
    assert proposal.report_ids == (report.id,)
    elsewhere = await ratings.propose(
        **{**_args(), "guild_id": OTHER_GUILD, "report_ids": str(report.id)}
    )
    assert isinstance(elsewhere, Refused)


def _args() -> dict:
    return {
        "guild_id": GUILD,
        "org_id": "rescue-org",
        "criterion": 3,
        "verdict": Verdict.FAILS,
        "note": NOTE,
        "evidence": "",
        "report_ids": "",
        "proposer": MOD,
        "needed": 2,
        "now": NOW,
    }


@pytest.mark.parametrize("typed", ["１", "12a", "-3", "1" * 19, " ".join(["1"] * 26)])
def test_report_numbers_are_strict(typed: str) -> None:
    assert isinstance(parse_report_ids(typed), Refused)


async def test_notes_and_links_are_checked(ratings: RatingService) -> None:
    short = await ratings.propose(**{**_args(), "note": "bad"})
    assert isinstance(short, Refused)
    link = await ratings.propose(**{**_args(), "evidence": "javascript:alert(1)"})
    assert isinstance(link, Refused)


async def test_history_is_newest_first_with_what_each_replaced(ratings: RatingService) -> None:
    first = await propose(ratings, needed=1)
    second = await propose(ratings, needed=1, verdict=Verdict.CONTESTED, now=LATER)
    history = await ratings.history(GUILD, "rescue-org", 3)
    assert [d.proposal.id for d in history] == [second.id, first.id]
    assert history[0].replaced == Verdict.FAILS and history[1].replaced is None


async def test_own_community_decision_wins_over_a_trusted_one(ratings: RatingService) -> None:
    await propose(ratings, needed=1, guild_id=OTHER_GUILD, verdict=Verdict.MEETS)
    assert (await ratings.current((GUILD, OTHER_GUILD), "rescue-org"))[3].verdict == "meets"
    await propose(ratings, needed=1, verdict=Verdict.PARTLY)
    assert (await ratings.current((GUILD, OTHER_GUILD), "rescue-org"))[3].verdict == "partly"
    assert (await ratings.current((OTHER_GUILD,), "rescue-org"))[3].verdict == "meets"


async def test_review_is_prompted_when_the_count_is_reached(
    ratings: RatingService, reports: ReportService
) -> None:
    for n in range(3):
        report = await submit_ok(reports, reporter_id=100 + n, text=f"Report {n}: " + NOTE * 2)
        await reports.approve(report.id, GUILD, MOD, NOW + dt.timedelta(seconds=n))
        due = await ratings.needs_review(GUILD, "rescue-org", 3, 3)
        assert due is (n == 2)
    await propose(ratings, needed=1, now=NOW + dt.timedelta(minutes=1))
    assert not await ratings.needs_review(GUILD, "rescue-org", 3, 3)


# -- responses ------------------------------------------------------------------------------


async def respond(responses: ResponseService, **overrides: object) -> Response:
    values: dict = {
        "guild_id": GUILD,
        "org_id": "rescue-org",
        "criterion": 3,
        "report_id": None,
        "text": RESPONSE,
        "links": "https://example.org/statement",
        "verification": "Write to press@example.org",
        "sender_id": 77,
        "now": NOW,
    }
    values.update(overrides)
    result = await responses.submit(**values)
    assert isinstance(result, Response), result
    return result


async def test_a_newer_approved_response_replaces_the_older(responses: ResponseService) -> None:
    first = await respond(responses)
    assert await responses.shown((GUILD,), "rescue-org") == []
    await responses.approve(first.id, GUILD, MOD, LATER)
    second = await respond(responses, text=RESPONSE + " Updated.")
    await responses.approve(second.id, GUILD, MOD, LATER + dt.timedelta(minutes=1))
    shown = await responses.shown((GUILD,), "rescue-org")
    assert [r.id for r in shown] == [second.id]
    assert (await responses.get(first.id, GUILD)).status == "replaced"


async def test_responses_follow_the_report_rules(responses: ResponseService) -> None:
    short = await responses.submit(
        guild_id=GUILD,
        org_id="rescue-org",
        criterion=None,
        report_id=None,
        text="Too short.",
        links="",
        verification="",
        sender_id=77,
        now=NOW,
    )
    assert isinstance(short, Refused) and "response" in short.message
    flagged = await respond(responses, text=RESPONSE + " Call our director on 555-123-4567.")
    assert "phone" in flagged.pii_flags
    own = await responses.approve(flagged.id, GUILD, 77, LATER)
    assert isinstance(own, Refused)
    rejected = await responses.reject(flagged.id, GUILD, MOD, "Please remove the number.", LATER)
    assert isinstance(rejected, Response) and rejected.status == "rejected"
    assert isinstance(await responses.approve(flagged.id, GUILD, MOD2, LATER), Settled)
    edited = await responses.edit(flagged.id, GUILD, MOD, RESPONSE, LATER)
    assert isinstance(edited, Response) and edited.pii_flags == ()


async def test_a_response_to_a_report_needs_an_approved_report_here(
    responses: ResponseService, reports: ReportService
) -> None:
    report = await submit_ok(reports)
    with pytest.raises(AssertionError):
        await respond(responses, criterion=None, report_id=report.id)  # still pending
    await reports.approve(report.id, GUILD, MOD, NOW)
    answer = await respond(responses, criterion=None, report_id=report.id)
    assert answer.subject == f"report #{report.id}"
    assert await responses.get(answer.id, OTHER_GUILD) is None
    assert isinstance(await responses.approve(answer.id, OTHER_GUILD, MOD, LATER), Missing)


async def test_responses_share_the_report_limits(
    responses: ResponseService, reports: ReportService
) -> None:
    from bot.reports.policy import ReportPolicy

    policy = ReportPolicy(per_user_per_hour=2, per_user_per_day=10)
    await respond(responses, criterion=1, policy=policy)
    duplicate = await responses.submit(
        **_response_args(criterion=1, policy=policy, now=NOW + dt.timedelta(minutes=1))
    )
    assert isinstance(duplicate, Refused) and "still waiting" in duplicate.message
    await respond(responses, criterion=2, policy=policy)
    third = await responses.submit(**_response_args(criterion=3, policy=policy))
    assert isinstance(third, Refused) and "per hour" in third.message
    await reports.block(GUILD, 88, MOD, "spam", NOW)
    blocked = await responses.submit(**_response_args(sender_id=88))
    assert isinstance(blocked, Refused) and "can't send responses" in blocked.message


def _response_args(**overrides: object) -> dict:
    values: dict = {
        "guild_id": GUILD,
        "org_id": "rescue-org",
        "criterion": 3,
        "report_id": None,
        "text": RESPONSE,
        "links": "",
        "verification": "Call the office.",
        "sender_id": 77,
        "now": NOW,
    }
    values.update(overrides)
    return values


async def test_senders_are_erased_after_the_retention_period(responses: ResponseService) -> None:
    answer = await respond(responses)
    await responses.approve(answer.id, GUILD, MOD, NOW)

    async def days(_guild: int) -> int:
        return 90

    assert await responses.purge_sender_ids(NOW + dt.timedelta(days=89), days) == 0
    assert await responses.purge_sender_ids(NOW + dt.timedelta(days=91), days) == 1
    kept = await responses.get(answer.id, GUILD)
    assert kept.sender_id is None and kept.verification == "" and kept.text == RESPONSE
