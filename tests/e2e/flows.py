"""Multi-step flows several end-to-end tests share."""

from __future__ import annotations

import asyncio

from fakediscord import MEMBER, Exchange, FakeDiscord, FakeUser, make_user

OUR = "Operation Underground Railroad"
REPORT_TEXT = "They staged a raid in 2019; the people arrested were offered no services at all."


async def submit_report(
    fake: FakeDiscord, user: FakeUser = MEMBER, text: str = REPORT_TEXT
) -> Exchange:
    """/report about O.U.R. on criterion 6, filled in and sent; returns the acknowledgement."""
    form = await fake.slash("report", {"org": OUR, "criterion": "6"}, user=user)
    assert form.modal is not None, form.text
    return await fake.submit_modal(
        form.modal["custom_id"],
        {"What happened?": text, "How do you know?": ["documented"]},
        user=user,
        modal=form.modal,
    )


async def start_report_burst(
    fake: FakeDiscord, count: int, *, first_user: int
) -> tuple[list[FakeUser], list[Exchange]]:
    """``count`` new members (user numbers from ``first_user``) each open /report and send it
    at once: the members, and their submissions still in flight (each text names its sender)."""
    people = [make_user(f"witness{i}", n=first_user + i) for i in range(count)]
    forms = await asyncio.gather(
        *(fake.slash("report", {"org": OUR, "criterion": "6"}, user=u) for u in people)
    )
    burst = []
    for person, form in zip(people, forms, strict=True):
        assert form.modal is not None, form.text
        values = {"What happened?": f"{REPORT_TEXT} Seen by {person.name}."}
        burst.append(fake.start_modal_submit(form.modal, values, user=person))
    return people, burst
