"""Showing text people typed inside Discord messages exactly as they typed it.

Discord renders markdown in embeds: a report saying ``[the org's site](https://evil.example)``
would show only "the org's site" and hide where the link goes. Everything a member typed is
escaped before it is shown, so a masked link shows its real target; links are shown as the
URLs they are.
"""

from __future__ import annotations

import re

# Characters Discord's markdown gives a meaning to, wherever they are in a line.
_SPECIAL = re.compile(r"([\\*_~`|>\[\]()#:-])")
_ESCAPED = re.compile(r"\\([\\*_~`|>\[\]()#:-])")


def escape(text: str) -> str:
    """``text`` with every markdown character escaped, so it shows as typed."""
    return _SPECIAL.sub(r"\\\1", text)


def unescape(text: str) -> str:
    """The text :func:`escape` was given (for front ends that show plain text)."""
    return _ESCAPED.sub(r"\1", text)


def link(url: str) -> str:
    """A URL shown as itself: clickable, never hidden behind other words."""
    if ">" in url or "`" in url:
        return f"`{url.replace('`', '')}`"
    return f"<{url}>"
