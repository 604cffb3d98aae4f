"""Reply builders: buttons and custom ids, Discord limits, text as typed, no made-up mentions."""

from __future__ import annotations

import datetime as dt
import re

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reports_fixtures import GUILD, MOD, NOW, TEXT

from bot.markdown import unescape
from bot.replies import ButtonStyle, Reply
from bot.reports import replies as views
from bot.reports.models import (
    Basis,
    Decided,
    Invalid,
    NotFound,
    Page,
    PiiKind,
    Refusal,
    RefusalReason,
    Report,
    Status,
)
from bot.reports.policy import ReportPolicy

REPORTER = 123_456_789_012_345_678
SHOW = ReportPolicy()
HIDE = ReportPolicy(show_reporter_to_moderators=False)
MENTION = re.compile(r"<@[!&]?\d+>|@everyone|@here")


def _report(**changes: object) -> Report:
    base = Report(
        id=42,
        guild_id=GUILD,
        org_id=None,
        org_name="@everyone <@999> Org",
        criterion=3,
        text="@everyone " + TEXT + " <@&111> ```code``` **bold**",
        evidence=("https://example.org/a",),
        basis=Basis.HEARD_FROM_OTHERS,
        reporter_id=REPORTER,
        status=Status.PENDING,
        pii_flags=(PiiKind.EMAIL,),
        created_at=NOW,
    )
    return msgspec.structs.replace(base, **changes) if changes else base  # type: ignore[type-var]


def _strings(reply: Reply) -> list[str]:
    parts = [reply.title or "", reply.text, reply.footer or ""]
    parts += [f.name for f in reply.fields] + [f.value for f in reply.fields]
    parts += [b.label for b in reply.buttons]
    return parts


def _within_limits(reply: Reply) -> None:
    assert len(reply.title or "") <= 256
    assert len(reply.text) <= 4096
    assert len(reply.fields) <= 25 and len(reply.buttons) <= 25
    for f in reply.fields:
        assert 0 < len(f.value) <= 1024 and len(f.name) <= 256
    total = sum(len(s) for s in _strings(reply)) - sum(len(b.label) for b in reply.buttons)
    assert total <= 6000


def _made_up_mentions(reply: Reply, user_text: str) -> list[str]:
    """Mentions in the reply that are not part of the user's own text."""
    found = [m for s in _strings(reply) for m in MENTION.findall(s)]
    allowed = MENTION.findall(user_text)
    return [m for m in found if m not in allowed]


def test_queue_post_has_the_three_moderation_buttons() -> None:
    reply = views.queue_post(_report(), SHOW)
    assert reply.public
    assert [(b.custom_id, b.style, b.disabled) for b in reply.buttons] == [
        ("vetbot:report:approve:42", ButtonStyle.SUCCESS, False),
        ("vetbot:report:reject:42", ButtonStyle.DANGER, False),
        ("vetbot:report:edit:42", ButtonStyle.SECONDARY, False),
    ]
    names = [f.name for f in reply.fields]
    assert "Organization" in names and "Basis" in names and "Evidence" in names
    assert any("personal information" in n for n in names)
    assert unescape(reply.text) == _report().text  # shown as typed, markdown escaped
    _within_limits(reply)


def test_a_masked_link_in_a_report_cannot_hide_its_target() -> None:
    masked = "See [the org's own site](https://evil.example/track) for " + TEXT
    for reply in (
        views.queue_post(_report(text=masked), SHOW),
        views.report_detail(_report(text=masked), SHOW),
    ):
        # Discord renders [text](url) only unescaped; escaped, the URL shows as typed.
        assert "[the org's own site](" not in reply.text
        assert "https://evil.example/track" in unescape(reply.text)


def test_reporter_is_shown_to_moderators_only_as_an_id_mention_when_allowed() -> None:
    shown = views.queue_post(_report(), SHOW)
    assert f"<@{REPORTER}>" in [f.value for f in shown.fields]
    hidden = views.queue_post(_report(), HIDE)
    assert not any(str(REPORTER) in s for s in _strings(hidden))


@pytest.mark.parametrize("policy", [SHOW, HIDE])
def test_no_mentions_are_built_from_user_text(policy: ReportPolicy) -> None:
    report = _report()
    user_text = report.text + report.org_name
    built = [
        views.queue_post(report, policy),
        views.decided_post(_report(status=Status.APPROVED, decided_by=MOD, decided_at=NOW), policy),
        views.report_detail(report, policy),
        views.acknowledgement(report),
        views.my_reports([report]),
        views.queue_page(Page(items=[report], page=1, per_page=5, total=1)),
        views.public_report(_report(status=Status.APPROVED, decided_at=NOW)),
    ]
    for reply in built:
        extra = _made_up_mentions(reply, user_text)
        # The only mentions we make come from integer ids: the reporter (if allowed), the mod.
        expected = {f"<@{MOD}>"} | ({f"<@{REPORTER}>"} if policy is SHOW else set())
        assert set(extra) <= expected, (reply.title, extra)


def test_decided_post_shows_outcome_and_disables_buttons() -> None:
    report = _report(
        status=Status.REJECTED, decided_by=MOD, decided_at=NOW, decision_reason="not credible"
    )
    reply = views.decided_post(report, SHOW)
    outcome = next(f.value for f in reply.fields if f.name == "Outcome")
    assert "Rejected" in outcome and f"<@{MOD}>" in outcome and "not credible" in outcome
    assert reply.buttons and all(b.disabled for b in reply.buttons)
    assert views.queue_post(report, SHOW).buttons == reply.buttons  # never live after decision


def test_public_report_credits_a_community_member() -> None:
    reply = views.public_report(
        _report(status=Status.APPROVED, decided_at=NOW, basis=Basis.FIRST_HAND)
    )
    assert "a community member (first-hand)" in (reply.footer or "")
    assert not any(str(REPORTER) in s for s in _strings(reply))


def test_refusal_gives_the_whole_text_back() -> None:
    text = "x" * 1500 + "```" + "y" * 499
    refusal = Refusal(
        reason=RefusalReason.PER_HOUR,
        message="You've sent 3 reports in the last hour.",
        retry_after=NOW + dt.timedelta(minutes=20),
        text_back=text,
        evidence_back="ftp://bad.example",
    )
    reply = views.refusal(refusal)
    assert not reply.public
    assert "2026-03-01 12:20 UTC" in reply.text
    assert reply.data["text"] == text and reply.data["evidence"] == "ftp://bad.example"
    shown = "".join(
        f.value.removeprefix("```\n").removesuffix("\n```")
        for f in reply.fields
        if f.name.startswith("Your report")
    )
    assert shown.replace("`\u200b``", "```") == text
    assert any("ftp://bad.example" in f.value for f in reply.fields)
    _within_limits(reply)


@given(st.text(min_size=0, max_size=5000))
def test_refusal_always_fits(text: str) -> None:
    refusal = Refusal(reason=RefusalReason.TOO_LONG, message="m", retry_after=None, text_back=text)
    _within_limits(views.refusal(refusal))


def test_my_reports_has_withdraw_buttons_for_pending_only() -> None:
    reports = [
        _report(id=1),
        _report(id=2, status=Status.APPROVED, decided_at=NOW),
        _report(id=3, status=Status.REJECTED, decided_at=NOW, decision_reason="dup"),
    ]
    reply = views.my_reports(reports)
    assert not reply.public
    assert [(b.custom_id, b.style) for b in reply.buttons] == [
        ("vetbot:report:withdraw:1", ButtonStyle.DANGER)
    ]
    assert any("dup" in f.value for f in reply.fields)
    assert views.my_reports([]).buttons == []


def test_queue_page_navigation() -> None:
    items = [_report(id=i) for i in range(6, 11)]
    middle = views.queue_page(Page(items=items, page=2, per_page=5, total=15))
    assert [b.custom_id for b in middle.buttons] == [
        "vetbot:report:queue:1",
        "vetbot:report:queue:3",
    ]
    assert middle.footer == "Page 2 of 3"
    _within_limits(middle)
    assert views.queue_page(Page(items=[], page=1, per_page=5, total=0)).buttons == []


def test_long_texts_stay_within_limits() -> None:
    long = _report(
        text="z" * 2000,
        org_name="o" * 100,
        evidence=tuple("https://e.example/" + "p" * 80 for _ in range(10)),
    )
    for reply in (
        views.queue_post(long, SHOW),
        views.my_reports([long] * 12),
        views.queue_page(Page(items=[long] * 25, page=1, per_page=25, total=25)),
    ):
        _within_limits(reply)


def test_moderation_results_say_who_and_when() -> None:
    decided = Decided(
        report_id=42, status=Status.APPROVED, decided_by=MOD, decided_at=NOW, reason=None
    )
    text = views.moderation_result(decided).text
    assert "already approved" in text and f"<@{MOD}>" in text and "2026-03-01 12:00" in text
    withdrawn = msgspec.structs.replace(decided, status=Status.WITHDRAWN, decided_by=None)
    assert "withdrawn by the reporter" in views.moderation_result(withdrawn).text
    assert "no report #5" in views.moderation_result(NotFound(5)).text
    assert views.moderation_result(Invalid("Give a reason.")).text == "Give a reason."
    assert "approved" in views.moderation_result(_report(status=Status.APPROVED)).text
    assert "withdrawn" in views.withdraw_result(_report(status=Status.WITHDRAWN)).text
    assert "no longer" in views.withdraw_result(decided).text
