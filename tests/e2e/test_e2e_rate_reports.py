"""/rate (match, pick, none, autocomplete) and the peer-report flow, end to end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fakediscord import (
    GUILD_ID,
    MEMBER,
    MODERATOR,
    FakeDiscord,
    InProcessBot,
    component_ids,
    message_text,
)
from flows import OUR, REPORT_TEXT, submit_report

EDIT_QUEUE_POST = "/channels/{channel_id}/messages/{message_id}"


async def test_rate_match(fake: FakeDiscord, bot: InProcessBot) -> None:
    card = await fake.slash("rate", {"org": "o.u.r."})
    assert not card.ephemeral
    assert OUR in card.embed["title"]
    assert any(i.startswith("vetbot:report:org:") for i in card.custom_ids)


async def test_rate_ambiguous_offers_a_pick(fake: FakeDiscord, bot: InProcessBot) -> None:
    pick = await fake.slash("rate", {"org": "decrim"})
    assert pick.custom_ids == ["vetbot:rate:pick"]
    [select] = pick.message["components"][0]["components"]
    labels = {o["label"]: o["value"] for o in select["options"]}
    assert {"DecrimNY", "DecrimNow"} <= set(labels)

    card = await fake.select(pick.message, "vetbot:rate:pick", [labels["DecrimNY"]])
    assert "DecrimNY" in card.embed["title"]


async def test_rate_unknown_offers_a_report(fake: FakeDiscord, bot: InProcessBot) -> None:
    unknown = await fake.slash("rate", {"org": "Totally Made Up Rescue Mission"})
    assert unknown.ephemeral
    assert "I don't know that organization" in unknown.text
    [new] = [i for i in unknown.custom_ids if i.startswith("vetbot:report:new:")]

    form = await fake.click(unknown.message, new)
    assert form.modal is not None
    assert "Totally Made Up Rescue Mission" in form.modal["title"]


async def test_rate_autocomplete_is_capped(fake: FakeDiscord, bot: InProcessBot) -> None:
    for typed in ("", "o", "operation", "zzzzzz"):
        choices = await fake.autocomplete("rate", "org", typed)
        assert len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 for c in choices)
    assert (await fake.autocomplete("rate", "org", "oper"))[0]["name"] == OUR


async def test_report_moderation_and_card(fake: FakeDiscord, bot: InProcessBot) -> None:
    start = len(fake.requests)
    ack = await submit_report(fake)
    assert ack.ephemeral
    assert "Report received" in ack.text
    post = await fake.wait_for_message("mod-queue", since=start)
    report_id = int(post["embeds"][0]["title"].split("#")[1].split()[0])
    approve = f"vetbot:report:approve:{report_id}"
    assert approve in component_ids(post)

    refused = await fake.click(post, approve, user=MEMBER)
    assert refused.ephemeral and "Only moderators" in refused.text
    assert (await bot.core.reports.get(report_id, GUILD_ID)).status.value == "pending"

    mark = len(fake.requests)
    approved = await fake.click(post, approve, user=MODERATOR)
    assert approved.ephemeral
    assert f"Report #{report_id} is now approved" in approved.text
    # The queue post shows the decision, keeps only Edit and Retract, and the reporter hears.
    edit = await fake.wait_for_request("PATCH", EDIT_QUEUE_POST, since=mark)
    assert "approved" in message_text(edit.response)
    buttons = [c for row in edit.response["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Edit", "Retract"]
    await fake.wait_for_request("POST", "/users/@me/channels", since=mark)
    dm_channel = str(fake.dm_channels[MEMBER.id])
    dm = await fake.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        lambda r: r.path.split("/")[2] == dm_channel,
        since=mark,
    )
    assert f"#{report_id}" in message_text(dm.response)
    assert fake.dms_to(MEMBER) == [dm.response]

    card = await fake.slash("rate", {"org": OUR})
    assert "community member" in card.text
    assert str(MEMBER.id) not in card.text

    mine = await fake.slash("myreports", user=MEMBER)
    assert mine.ephemeral
    assert f"#{report_id}" in mine.text


async def test_a_click_before_the_post_is_recorded_still_updates_it(
    fake: FakeDiscord, bot: InProcessBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The queue post's id is stored just after Discord accepts the post; hold that store back
    # so the moderator's click lands in between, as a fast click on a slow database would.
    recorded = asyncio.Event()
    record = bot.core.reports.set_queue_message

    async def record_late(*args: Any, **kwargs: Any) -> bool:
        await recorded.wait()
        return await record(*args, **kwargs)

    monkeypatch.setattr(bot.core.reports, "set_queue_message", record_late)
    start = len(fake.requests)
    await submit_report(fake)
    post = await fake.wait_for_message("mod-queue", since=start)
    report_id = int(post["embeds"][0]["title"].split("#")[1].split()[0])

    mark = len(fake.requests)
    try:
        await fake.click(post, f"vetbot:report:approve:{report_id}", user=MODERATOR)
        edit = await fake.wait_for_request("PATCH", EDIT_QUEUE_POST, since=mark)
    finally:
        recorded.set()
    assert edit.path.endswith(f"/messages/{post['id']}")
    assert "approved" in message_text(edit.response)


async def test_reject_by_form_and_withdraw(fake: FakeDiscord, bot: InProcessBot) -> None:
    start = len(fake.requests)
    await submit_report(fake, text=REPORT_TEXT + " First.")
    first = await fake.wait_for_message("mod-queue", since=start)
    first_id = int(first["embeds"][0]["title"].split("#")[1].split()[0])

    # Reject: the button opens a form for the reason, which the reporter is told.
    form = await fake.click(first, f"vetbot:report:reject:{first_id}", user=MODERATOR)
    assert form.modal is not None
    rejected = await fake.submit_modal(
        form.modal["custom_id"],
        {"Reason (the reporter is told)": "Please add a source for the date."},
        user=MODERATOR,
    )
    assert rejected.ephemeral and f"Report #{first_id} is now rejected" in rejected.text

    # Withdraw: the reporter's own button in /myreports, only while pending.
    mark = len(fake.requests)
    await submit_report(fake, text=REPORT_TEXT + " Second.")
    second = await fake.wait_for_message("mod-queue", since=mark)
    second_id = int(second["embeds"][0]["title"].split("#")[1].split()[0])
    mine = await fake.slash("myreports", user=MEMBER)
    withdraw = f"vetbot:report:withdraw:{second_id}"
    assert withdraw in mine.custom_ids
    assert f"vetbot:report:withdraw:{first_id}" not in mine.custom_ids
    done = await fake.click(mine.message, withdraw, user=MEMBER)
    assert f"Report #{second_id} was withdrawn" in done.text
    assert (await bot.core.reports.get(second_id, GUILD_ID)).status.value == "withdrawn"


async def test_redact_by_form_keeps_the_report_and_shows_the_new_text(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    start = len(fake.requests)
    await submit_report(fake, text=REPORT_TEXT + " Call me on 555-0100.")
    post = await fake.wait_for_message("mod-queue", since=start)
    report_id = int(post["embeds"][0]["title"].split("#")[1].split()[0])

    # The edit button opens a form holding the current text, for the moderator to redact.
    form = await fake.click(post, f"vetbot:report:edit:{report_id}", user=MODERATOR)
    assert form.modal is not None
    # A second one, for a member to submit below: a form is done (forgotten by discord.py)
    # once submitted, so reusing the first would race the end of the moderator's submission.
    second = await fake.click(post, f"vetbot:report:edit:{report_id}", user=MODERATOR)
    assert second.modal is not None
    fields = [c for row in form.modal["components"] for c in row.get("components", [row])]
    field = next(c for c in fields if c.get("custom_id") and "value" in c)
    assert "555-0100" in field["value"]
    redacted = REPORT_TEXT + " Call me on [removed]."
    edited = await fake.submit_modal(
        form.modal["custom_id"], {field["label"]: redacted}, user=MODERATOR
    )
    assert edited.ephemeral and f"Report #{report_id}'s text was updated" in edited.text
    report = await bot.core.reports.get(report_id, GUILD_ID)
    assert report.text == redacted and report.status.value == "pending"

    # Members may not redact: the same form submitted by one is refused, nothing changes.
    refused = await fake.submit_modal(
        second.modal["custom_id"], {field["label"]: "Gone."}, user=MEMBER
    )
    assert "Only moderators" in refused.text
    assert (await bot.core.reports.get(report_id, GUILD_ID)).text == redacted


async def test_reports_queue_for_moderators_only(fake: FakeDiscord, bot: InProcessBot) -> None:
    await submit_report(fake)
    queue = await fake.slash("reports queue", user=MODERATOR)
    assert queue.ephemeral and "1 report(s) waiting" in queue.text
    refused = await fake.slash("reports queue", user=MEMBER)
    assert refused.ephemeral and "Only moderators" in refused.text
    # Hidden from members in Discord's UI too: manage_messages (1 << 13) by default.
    assert int(fake.command("reports")["default_member_permissions"]) == 1 << 13
