"""Oversized replies are cut to Discord's limits, cleanly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot import limits
from bot.limits import cut, fit_autocomplete, fit_reply
from bot.replies import Button, Choice, Field, Reply


def assert_within_limits(reply: Reply) -> None:
    assert len(reply.title or "") <= limits.TITLE
    assert len(reply.text) <= limits.DESCRIPTION
    assert len(reply.fields) <= limits.FIELDS
    for field in reply.fields:
        assert 0 < len(field.name) <= limits.FIELD_NAME
        assert 0 < len(field.value) <= limits.FIELD_VALUE
    assert len(reply.footer or "") <= limits.FOOTER
    assert limits.embed_size(reply) <= limits.EMBED_TOTAL
    assert len(reply.buttons) <= limits.BUTTONS
    assert all(len(b.label) <= limits.BUTTON_LABEL for b in reply.buttons)
    assert len(reply.choices) <= limits.SELECT_OPTIONS
    assert all(
        len(c.label) <= limits.SELECT_TEXT and len(c.value) <= limits.SELECT_TEXT
        for c in reply.choices
    )


def test_cut_prefers_a_word_break_and_marks_the_cut() -> None:
    text = "word " * 100
    short = cut(text, 50)
    assert len(short) <= 50
    assert short.endswith("…")
    assert not short[:-1].endswith(" ")
    assert cut("short", 50) == "short"


def test_huge_reply_fits_every_limit() -> None:
    reply = Reply(
        title="T" * 400,
        text="line of text\n" * 1000,
        fields=[Field("n" * 300, "v" * 2000) for _ in range(40)],
        footer="f" * 3000,
        buttons=[Button("b" * 100, custom_id=f"vetbot:x:y:{i}") for i in range(30)],
        choices=[Choice("c" * 150, "v" * 150, "d" * 150) for _ in range(30)],
    )
    fitted = fit_reply(reply)
    assert_within_limits(fitted)
    assert fitted.fields, "fields are dropped from the end, not all of them"


@given(
    title=st.text(max_size=600),
    text=st.text(max_size=9000),
    fields=st.lists(st.tuples(st.text(max_size=400), st.text(max_size=1500)), max_size=30),
)
def test_any_reply_fits(title: str, text: str, fields: list[tuple[str, str]]) -> None:
    reply = Reply(title=title or None, text=text, fields=[Field(n, v) for n, v in fields])
    assert_within_limits(fit_reply(reply))


def test_autocomplete_is_capped() -> None:
    choices = fit_autocomplete([("x" * 300, "y" * 300)] * 40)
    assert len(choices) == 25
    assert all(len(n) <= 100 and len(v) <= 100 for n, v in choices)
