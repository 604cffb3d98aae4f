"""Plain-text rendering of replies, for the console and the one-shot CLI commands."""

from __future__ import annotations

import re
import textwrap

from bot.limits import fit_reply
from bot.replies import Reply, Tone

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_PREFIX = {Tone.ERROR: "✖ ", Tone.WARNING: "⚠ ", Tone.SUCCESS: "✔ ", Tone.INFO: ""}


def _plain(text: str) -> str:
    """Markdown links as ``title <url>`` so they stay readable and clickable in a terminal."""
    return _LINK.sub(r"\1 <\2>", text)


def render_text(reply: Reply, width: int = 88) -> str:
    """A reply as the console shows it, cut to the same limits Discord would apply."""
    reply = fit_reply(reply)
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
    if reply.buttons:
        lines.append("")
        lines.append("  ".join(f"[{b.label}]" for b in reply.buttons))
    if reply.footer:
        lines.append("")
        lines.append(_plain(reply.footer))
    return "\n".join(lines)
