"""Multi-step flows several end-to-end tests share."""

from __future__ import annotations

from fakediscord import MEMBER, Exchange, FakeDiscord, FakeUser

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
