"""Discord's size limits, and cutting replies to fit them.

Every front end renders from a reply that went through :func:`fit_reply`, so an oversized entry is
cut cleanly (at a line or word, with an ellipsis) instead of being sent as an invalid payload.
"""

from __future__ import annotations

import dataclasses

from bot.replies import Button, Choice, Field, Reply

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_TOTAL = 6000
MESSAGE = 2000
BUTTON_LABEL = 80
CUSTOM_ID = 100
BUTTONS = 20  # five rows of five, one row kept free for a select menu
SELECT_OPTIONS = 25
SELECT_TEXT = 100
AUTOCOMPLETE_CHOICES = 25
AUTOCOMPLETE_NAME = 100
MODAL_TITLE = 45
ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, at a line or word break when one is near."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    room = text[: limit - len(ELLIPSIS)]
    for separator in ("\n", " "):
        at = room.rfind(separator)
        if at >= len(room) * 0.6:
            room = room[:at]
            break
    return room.rstrip() + ELLIPSIS


def embed_size(reply: Reply) -> int:
    """Characters Discord counts towards an embed's 6,000 total."""
    return (
        len(reply.title or "")
        + len(reply.text)
        + len(reply.footer or "")
        + sum(len(f.name) + len(f.value) for f in reply.fields)
    )


def fit_reply(reply: Reply) -> Reply:
    """A copy of ``reply`` that respects every embed, button and select-menu limit."""
    fields = [
        Field(cut(f.name, FIELD_NAME) or "\u200b", cut(f.value, FIELD_VALUE) or "\u200b", f.inline)
        for f in reply.fields
    ]
    footer = reply.footer
    if len(fields) > FIELDS:
        hidden = len(fields) - (FIELDS - 1)
        fields = [*fields[: FIELDS - 1], Field("More", f"{hidden} more not shown.")]
    fitted = dataclasses.replace(
        reply,
        title=cut(reply.title, TITLE) if reply.title else reply.title,
        text=cut(reply.text, DESCRIPTION),
        fields=fields,
        footer=cut(footer, FOOTER) if footer else footer,
        buttons=[_fit_button(b) for b in reply.buttons[:BUTTONS]],
        choices=[_fit_choice(c) for c in reply.choices[:SELECT_OPTIONS]],
    )
    # Over the 6,000-character total: drop trailing fields first, then shorten the text.
    while embed_size(fitted) > EMBED_TOTAL and len(fitted.fields) > 1:
        fitted.fields = fitted.fields[:-1]
    overflow = embed_size(fitted) - EMBED_TOTAL
    if overflow > 0:
        fitted.text = cut(fitted.text, max(0, len(fitted.text) - overflow))
    return fitted


def _fit_button(button: Button) -> Button:
    custom_id = button.custom_id
    if custom_id is not None and len(custom_id) > CUSTOM_ID:
        raise ValueError(f"custom_id longer than {CUSTOM_ID} characters: {custom_id[:40]}…")
    return dataclasses.replace(button, label=cut(button.label, BUTTON_LABEL))


def _fit_choice(choice: Choice) -> Choice:
    return Choice(
        label=cut(choice.label, SELECT_TEXT),
        value=choice.value[:SELECT_TEXT],
        description=cut(choice.description, SELECT_TEXT) if choice.description else None,
    )


def fit_autocomplete(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """At most 25 (name, value) pairs with names and values of at most 100 characters."""
    return [
        (cut(name, AUTOCOMPLETE_NAME), value[:AUTOCOMPLETE_NAME])
        for name, value in choices[:AUTOCOMPLETE_CHOICES]
    ]
