"""Plain-text rendering of replies, for the console and the one-shot CLI commands."""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Mapping

from bot.limits import fit_reply
from bot.markdown import unescape
from bot.replies import Reply, Tone

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_MENTION = re.compile(r"<@!?(\d+)>")
_PREFIX = {Tone.ERROR: "✖ ", Tone.WARNING: "⚠ ", Tone.SUCCESS: "✔ ", Tone.INFO: ""}


def _plain_text(text: str, names: Mapping[int, str] | None = None) -> str:
    """Markdown links as ``title <url>`` so they stay readable and clickable in a terminal,
    and mentions as the person's name where it is known."""
    text = _LINK.sub(r"\1 <\2>", text)
    text = _MENTION.sub(lambda m: _person(int(m.group(1)), names or {}), text)
    return unescape(text)


def _person(user_id: int, names: Mapping[int, str]) -> str:
    name = names.get(user_id)
    return f"@{name}" if name else f"user {user_id}"


def render_text(reply: Reply, width: int = 88, names: Mapping[int, str] | None = None) -> str:
    """A reply as the console shows it, cut to the same limits Discord would apply; ``names``
    are the people the console knows, shown by name instead of as mentions."""
    reply = fit_reply(reply)
    _plain = functools.partial(_plain_text, names=names)
    lines: list[str] = []
    visibility = "public" if reply.public else "only you can see this"
    if reply.title:
        lines.append(f"{_PREFIX[reply.tone]}{_plain(reply.title)}  ({visibility})")
        lines.append("─" * min(width, max(10, len(reply.title) + 4)))
    elif reply.tone is not Tone.INFO:
        lines.append(f"{_PREFIX[reply.tone]}({visibility})")
    if reply.text:
        lines.append(_plain(reply.text))
    for field in reply.fields:
        lines.append("")
        lines.append(f"■ {_plain(field.name)}")
        lines.extend(textwrap.indent(_plain(field.value), "  ").splitlines())
    if reply.choices:
        lines.append("")
        lines.append(reply.choice_placeholder or "Choose one:")
        for number, choice in enumerate(reply.choices, 1):
            extra = f" — {choice.description}" if choice.description else ""
            lines.append(f"  {number}. {choice.label}{extra}")
        lines.append("  (type /pick N to choose)")
    for select in reply.selects:
        lines.append("")
        lines.append(f"{select.placeholder}: {select.console_hint}")
    if reply.buttons:
        lines.append("")
        lines.append("  ".join(f"[{b.label}]" for b in reply.buttons))
    if reply.footer:
        lines.append("")
        lines.append(_plain(reply.footer))
    return "\n".join(lines)
