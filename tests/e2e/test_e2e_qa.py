"""/ask, /myth, /criteria, /term, "Explain with a myth" and feedback, end to end."""

from __future__ import annotations

import asyncio

from fakediscord import MEMBER, ORGANIZER, FakeDiscord, InProcessBot, message_text

SUPER_BOWL = "The Super Bowl is the biggest sex trafficking event of the year"


async def test_ask_answers_publicly_with_feedback_buttons(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    answer = await fake.slash("ask", {"question": "What is criterion 2?"})
    assert answer.response_type == 4
    assert not answer.ephemeral
    assert "decriminaliz" in answer.text.lower()
    assert any(i.startswith("vetbot:feedback:up:") for i in answer.custom_ids)


async def test_ask_off_topic_gives_no_answer(fake: FakeDiscord, bot: InProcessBot) -> None:
    answer = await fake.slash("ask", {"question": "What's the weather in Paris?"})
    assert answer.ephemeral  # nothing to share: only the asker sees the "no answer"
    assert not any(i.startswith("vetbot:feedback:") for i in answer.custom_ids)


async def test_ask_about_an_organization_shows_its_card(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    card = await fake.slash("ask", {"question": "is hacking//hustling legit"})
    assert not card.ephemeral
    assert "Hacking//Hustling" in card.text
    assert any(i.startswith("vetbot:report:org:") for i in card.custom_ids)


async def test_ask_about_an_unknown_organization_offers_a_report(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    reply = await fake.slash("ask", {"question": "is polaris project a good organization?"})
    assert reply.ephemeral
    assert "I don't know that organization" in reply.text
    assert any(i.startswith("vetbot:report:new:") for i in reply.custom_ids)


async def test_ask_refuses_what_is_not_a_question_about_the_subject(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    for question in ("@everyone", "is it good", "who won the super bowl last year"):
        reply = await fake.slash("ask", {"question": question})
        assert reply.ephemeral, question
        assert not any(i.startswith("vetbot:feedback:") for i in reply.custom_ids), question


async def test_myth_never_presents_another_entry_as_the_answer(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    reply = await fake.slash("myth", {"topic": "300,000 children"})
    assert reply.ephemeral
    assert "I don't have a myth" in reply.text
    assert reply.custom_ids == ["vetbot:ask:pick"]  # the closest myths, as suggestions
    labels = [o["label"] for o in reply.message["components"][0]["components"][0]["options"]]
    assert any("100,000" in label for label in labels)
    eleven = await fake.slash("criteria", {"criterion": "11"})
    assert "There are 10 criteria" in eleven.text


async def test_myth_is_public_for_organizers(fake: FakeDiscord, bot: InProcessBot) -> None:
    answer = await fake.slash("myth", {"topic": "super bowl"}, user=ORGANIZER)
    assert not answer.ephemeral
    assert SUPER_BOWL in answer.text
    assert not any(i.startswith("vetbot:myth:post:") for i in answer.custom_ids)


async def test_myth_is_private_for_members_with_a_post_button(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    answer = await fake.slash("myth", {"topic": "super bowl"}, user=MEMBER)
    assert answer.ephemeral
    [post] = [i for i in answer.custom_ids if i.startswith("vetbot:myth:post:")]

    shared = await fake.click(answer.message, post, user=MEMBER)
    assert not shared.ephemeral
    assert SUPER_BOWL in shared.text
    assert "shared by" in shared.embed["footer"]["text"]


def view_timers() -> list[asyncio.Task[object]]:
    """discord.py's per-message view timeout tasks still pending on this loop."""
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and "timeout_task_impl" in t.get_coro().__qualname__
    ]


async def test_private_replies_with_buttons_leave_nothing_behind(
    fake: FakeDiscord, bot: InProcessBot
) -> None:
    # Buttons are dispatched by vetbot's dynamic items; discord.py would otherwise keep each
    # private reply's view, with a 15-minute timer, for every message sent.
    for _ in range(3):
        answer = await fake.slash("myth", {"topic": "super bowl"}, user=MEMBER)
        assert answer.ephemeral and answer.custom_ids
    assert view_timers() == []
    # The buttons on those messages still work.
    [post] = [i for i in answer.custom_ids if i.startswith("vetbot:myth:post:")]
    shared = await fake.click(answer.message, post, user=MEMBER)
    assert SUPER_BOWL in shared.text


async def test_myth_autocomplete_is_capped(fake: FakeDiscord, bot: InProcessBot) -> None:
    choices = await fake.autocomplete("myth", "topic", "")
    assert 0 < len(choices) <= 25
    assert all(len(c["name"]) <= 100 for c in choices)
    narrowed = await fake.autocomplete("myth", "topic", "super")
    assert narrowed[0]["name"] == SUPER_BOWL


async def test_explain_with_a_myth(fake: FakeDiscord, bot: InProcessBot) -> None:
    said = fake.user_message("Did you know the Super Bowl is the biggest trafficking event?")
    start = len(fake.requests)
    answer = await fake.context_menu("Explain with a myth", said, user=ORGANIZER)
    if answer.custom_ids == ["vetbot:explain:pick"]:
        # Not sure enough to post by itself: the organizer picks the explainer.
        [select] = answer.message["components"][0]["components"]
        value = next(o["value"] for o in select["options"] if o["label"] == SUPER_BOWL)
        answer = await fake.select(answer.message, "vetbot:explain:pick", [value], user=ORGANIZER)
    # The explainer is posted publicly as a reply to the message; the organizer is told so.
    assert answer.ephemeral and "Posted as a reply" in answer.text
    post = await fake.wait_for_request("POST", "/channels/{channel_id}/messages", since=start)
    assert str(post.body["message_reference"]["message_id"]) == said["id"]
    assert SUPER_BOWL in message_text(post.response)


async def test_criteria_list_and_one(fake: FakeDiscord, bot: InProcessBot) -> None:
    listing = await fake.slash("criteria")
    assert listing.text.count("\n") >= 10
    one = await fake.slash("criteria", {"criterion": "2"})
    assert "decriminaliz" in one.text.lower()
    choices = await fake.autocomplete("criteria", "criterion", "")
    assert 10 <= len(choices) <= 25


async def test_term(fake: FakeDiscord, bot: InProcessBot) -> None:
    choices = await fake.autocomplete("term", "name", "sw")
    assert choices[0]["name"] == "SWERF"
    answer = await fake.slash("term", {"name": choices[0]["value"]})
    assert "SWERF" in answer.text
    unknown = await fake.slash("term", {"name": "flibbertigibbet"})
    assert unknown.ephemeral
    assert "I don't have a term" in unknown.text


async def test_feedback_buttons(fake: FakeDiscord, bot: InProcessBot) -> None:
    answer = await fake.slash("ask", {"question": "What is criterion 2?"})
    up = next(i for i in answer.custom_ids if i.startswith("vetbot:feedback:up:"))
    down = next(i for i in answer.custom_ids if i.startswith("vetbot:feedback:down:"))

    thanks = await fake.click(answer.message, up, user=MEMBER)
    assert thanks.ephemeral and "Thank you" in thanks.text

    why = await fake.click(answer.message, down, user=ORGANIZER)
    assert why.modal is not None
    done = await fake.submit_modal(
        why.modal["custom_id"],
        {"Tell the organizers (optional)": "It did not say where the numbers come from."},
        user=ORGANIZER,
    )
    assert done.ephemeral and "organizers will see" in done.text

    summary = await fake.slash("feedback summary", user=ORGANIZER)
    assert summary.ephemeral
    assert "where the numbers come from" in summary.text
