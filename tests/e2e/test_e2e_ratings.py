"""Community ratings and the right of reply, end to end through the fake Discord: propose,
confirm by a second moderator, decline, race, refusals, history, revert, replies, the card."""

from __future__ import annotations

import asyncio

from fakediscord import GUILD_ID, MEMBER, MODERATOR, FakeDiscord, InProcessBot, message_text
from fakediscord.payloads import make_user
from flows import OUR, submit_report

SECOND = make_user("second", "Moderator", n=41)
THIRD = make_user("third", "Moderator", n=42)
NOTE = "Its raids led to arrests of the people it says it rescues."
PROPOSE = {"org": OUR, "criterion": "6", "verdict": "fails", "note": NOTE}


async def _propose(fake: FakeDiscord, options: dict | None = None, user=MODERATOR) -> dict:
    mark = len(fake.requests)
    answer = await fake.slash("rating propose", options or PROPOSE, user=user)
    assert answer.ephemeral and "waiting for 1 more moderator" in answer.text, answer.text
    return await fake.wait_for_message("mod-queue", since=mark)


def _proposal_id(post: dict) -> int:
    return int(post["embeds"][0]["title"].split("#")[1])


async def test_propose_confirm_and_the_card_shows_it(fake: FakeDiscord, bot: InProcessBot) -> None:
    post = await _propose(fake)
    proposal_id = _proposal_id(post)
    confirm = f"vetbot:rating:confirm:{proposal_id}"

    # The proposer already counts; confirming again is refused and changes nothing.
    again = await fake.click(post, confirm, user=MODERATOR)
    assert again.ephemeral and "already proposed" in again.text
    # A member is refused.
    refused = await fake.click(post, confirm, user=MEMBER)
    assert refused.ephemeral and "Only moderators" in refused.text
    proposal = await bot.core.ratings.get(proposal_id, GUILD_ID)
    assert proposal.status == "pending" and proposal.confirmed_by == (MODERATOR.id,)

    mark = len(fake.requests)
    done = await fake.click(post, confirm, user=SECOND)
    assert "adopted" in done.text
    edit = await fake.wait_for_request(
        "PATCH", "/channels/{channel_id}/messages/{message_id}", since=mark
    )
    assert "Adopted" in message_text(edit.response)

    card = await fake.slash("rate", {"org": OUR})
    assert "**Community**: ❌ Fails" in card.text
    assert "decided by the moderators of" in card.text
    assert "**Knowledge base**" in card.text
    assert any(i.startswith("vetbot:card:reports:") for i in card.custom_ids)

    history = await fake.click(card.message, f"vetbot:rating:history:{_org(bot)}", user=MEMBER)
    assert history.ephemeral and "decided by the moderators of" in history.text
    assert str(MODERATOR.id) not in history.text
    as_moderator = await fake.click(card.message, f"vetbot:rating:history:{_org(bot)}", user=SECOND)
    assert f"<@{MODERATOR.id}>" in as_moderator.text and f"<@{SECOND.id}>" in as_moderator.text


def _org(bot: InProcessBot) -> str:
    return next(o.id for o in bot.core.knowledge.orgs.values() if o.name == OUR)


async def test_racing_confirmations_make_one_decision(fake: FakeDiscord, bot: InProcessBot) -> None:
    post = await _propose(fake)
    confirm = f"vetbot:rating:confirm:{_proposal_id(post)}"
    first, second = await asyncio.gather(
        fake.click(post, confirm, user=SECOND), fake.click(post, confirm, user=THIRD)
    )
    texts = sorted([first.text, second.text])
    assert sum("is adopted" in t for t in texts) == 1
    assert sum("already adopted" in t for t in texts) == 1
    history = await bot.core.ratings.history(GUILD_ID, _org(bot), 6)
    assert len(history) == 1


async def test_decline_needs_a_reason_and_is_final(fake: FakeDiscord, bot: InProcessBot) -> None:
    post = await _propose(fake)
    proposal_id = _proposal_id(post)
    form = await fake.click(post, f"vetbot:rating:decline:{proposal_id}", user=SECOND)
    assert form.modal is not None
    declined = await fake.submit_modal(
        form.modal["custom_id"], {"Reason": "The note needs a dated source."}, user=SECOND
    )
    assert "is declined" in declined.text
    late = await fake.click(post, f"vetbot:rating:confirm:{proposal_id}", user=THIRD)
    assert "already declined" in late.text
    card = await fake.slash("rate", {"org": OUR})
    assert "**Community**" not in card.text


async def test_revert_goes_back_through_confirmation(fake: FakeDiscord, bot: InProcessBot) -> None:
    first = await _propose(fake)
    await fake.click(first, f"vetbot:rating:confirm:{_proposal_id(first)}", user=SECOND)
    changed = dict(PROPOSE, verdict="partly", note="They now refer people to a sex worker group.")
    second = await _propose(fake, changed)
    await fake.click(second, f"vetbot:rating:confirm:{_proposal_id(second)}", user=SECOND)
    assert "🟡 Partly" in (await fake.slash("rate", {"org": OUR})).text

    mark = len(fake.requests)
    revert = await fake.slash("rating revert", {"id": _proposal_id(first)}, user=THIRD)
    assert "waiting for 1 more" in revert.text
    post = await fake.wait_for_message("mod-queue", since=mark)
    assert f"Goes back to decision #{_proposal_id(first)}" in message_text(post)
    await fake.click(post, f"vetbot:rating:confirm:{_proposal_id(post)}", user=MODERATOR)
    card = await fake.slash("rate", {"org": OUR})
    assert "❌ Fails" in card.text and "🟡 Partly" not in card.text
    history = await bot.core.ratings.history(GUILD_ID, _org(bot), 6)
    assert [d.proposal.verdict for d in history] == ["fails", "partly", "fails"]
    assert history[0].replaced == "partly"


async def test_reply_submitted_approved_and_shown(fake: FakeDiscord, bot: InProcessBot) -> None:
    form = await fake.slash("reply", {"org": OUR, "criterion": "6"}, user=MEMBER)
    assert form.modal is not None
    mark = len(fake.requests)
    text = "We changed our practice in 2024 and now refer everyone to local support services."
    ack = await fake.submit_modal(
        form.modal["custom_id"],
        {"Your response": text, "For moderators only: how to verify you": "mail us"},
        user=MEMBER,
    )
    assert "received" in ack.text
    post = await fake.wait_for_message("mod-queue", since=mark)
    response_id = int(post["embeds"][0]["title"].split("#")[1])
    assert "mail us" in message_text(post)

    refused = await fake.click(post, f"vetbot:response:approve:{response_id}", user=MEMBER)
    assert "Only moderators" in refused.text
    assert "Response from" not in (await fake.slash("rate", {"org": OUR})).text
    mark = len(fake.requests)
    approved = await fake.click(post, f"vetbot:response:approve:{response_id}", user=MODERATOR)
    assert "approved" in approved.text
    await fake.wait_for_request("POST", "/users/@me/channels", since=mark)
    dm_channel = str(fake.dm_channels[MEMBER.id])
    dm = await fake.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        lambda r: r.path.split("/")[2] == dm_channel,
        since=mark,
    )
    assert f"response #{response_id}" in message_text(dm.response)
    assert str(MODERATOR.id) not in message_text(dm.response)
    card = await fake.slash("rate", {"org": OUR})
    assert f"Response from {OUR}" in card.text
    assert "mail us" not in card.text  # how to verify is for moderators only


async def test_reply_to_a_report_shows_under_it(fake: FakeDiscord, bot: InProcessBot) -> None:
    mark = len(fake.requests)
    await submit_report(fake)
    post = await fake.wait_for_message("mod-queue", since=mark)
    report_id = int(post["embeds"][0]["title"].split("#")[1].split()[0])
    await fake.click(post, f"vetbot:report:approve:{report_id}", user=MODERATOR)
    page = await fake.click(
        (await fake.slash("rate", {"org": OUR})).message,
        f"vetbot:card:reports:{_org(bot)}:1",
        user=MEMBER,
    )
    assert f"#{report_id} · A community member" in page.text

    speaker = make_user("speaker", n=80)
    form = await fake.slash("reply", {"org": OUR, "report": report_id}, user=speaker)
    mark = len(fake.requests)
    text = "That raid was run by the police; we only funded a shelter nearby, as our report says."
    await fake.submit_modal(form.modal["custom_id"], {"Your response": text}, user=speaker)
    queued = await fake.wait_for_message("mod-queue", since=mark)
    response_id = int(queued["embeds"][0]["title"].split("#")[1])
    await fake.click(queued, f"vetbot:response:approve:{response_id}", user=MODERATOR)
    card = await fake.slash("rate", {"org": OUR})
    assert f"To report #{report_id}, response from {OUR}" in card.text
    page = await fake.click(card.message, f"vetbot:card:reports:{_org(bot)}:1", user=MEMBER)
    assert f"Response from {OUR}" in page.text and "only funded a shelter" in page.text


async def test_see_all_reports_pages_newest_first(fake: FakeDiscord, bot: InProcessBot) -> None:
    for n in range(7):
        reporter = make_user(f"reporter{n}", n=60 + n)  # one each: reports are rate-limited
        text = f"Report number {n}: they staged a raid in 2019, no services."
        await submit_report(fake, user=reporter, text=text)
        [pending] = (await bot.core.reports.queue(GUILD_ID, 1)).items
        await bot.core.reports.approve(pending.id, GUILD_ID, MODERATOR.id, _now())
    card = await fake.slash("rate", {"org": OUR})
    first = await fake.click(card.message, f"vetbot:card:reports:{_org(bot)}:1", user=MEMBER)
    assert first.ephemeral and "Page 1 of 2" in first.text
    assert "Report number 6" in first.text and "Report number 0" not in first.text
    assert str(MEMBER.id) not in first.text
    older = await fake.click(first.message, f"vetbot:card:reports:{_org(bot)}:2", user=MEMBER)
    assert "Page 2 of 2" in older.text and "Report number 0" in older.text


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


async def test_review_prompt_opens_a_prefilled_proposal(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    for n in range(3):
        reporter = make_user(f"witness{n}", n=70 + n)
        start = len(fake.requests)
        await submit_report(fake, user=reporter, text=f"Witness {n}: they staged a raid in 2019.")
        post = await fake.wait_for_message("mod-queue", since=start)
        report_id = int(post["embeds"][0]["title"].split("#")[1].split()[0])
        mark = len(fake.requests)
        await fake.click(post, f"vetbot:report:approve:{report_id}", user=MODERATOR)
    prompt = await fake.wait_for_message(
        "mod-queue", lambda m: "Review this rating?" in message_text(m), since=mark
    )
    review = f"vetbot:rating:review:{_org(bot)}:6"
    assert review in [c["custom_id"] for row in prompt["components"] for c in row["components"]]

    refused = await fake.click(prompt, review, user=MEMBER)
    assert "Only moderators" in refused.text
    form = await fake.click(prompt, review, user=SECOND)
    assert form.modal is not None and "Verdict on criterion 6" in str(form.modal)
    answer = await fake.submit_modal(
        form.modal["custom_id"],
        {"Verdict on criterion 6": "fails", "Why, in your own words": NOTE},
        user=SECOND,
        modal=form.modal,
    )
    assert "waiting for 1 more" in answer.text


async def test_export_of_decisions_made_in_discord_passes_kb_check(
    fake: FakeDiscord, bot: InProcessBot, bot_config, tmp_path
) -> None:
    from bot.cli import main

    post = await _propose(fake)
    await fake.click(post, f"vetbot:rating:confirm:{_proposal_id(post)}", user=SECOND)
    out = tmp_path / "upstream"
    code = await asyncio.to_thread(
        main, ["--config", str(bot_config), "ratings", "export", "--guild", str(GUILD_ID), str(out)]
    )
    assert code == 0
    assert (
        await asyncio.to_thread(main, ["--config", str(bot_config), "kb", "check", str(out)]) == 0
    )
    exported = (out / "organizations" / f"{_org(bot)}.toml").read_text(encoding="utf-8")
    assert NOTE in exported and f"community-{GUILD_ID}" in exported
