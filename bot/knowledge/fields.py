"""Which of an entry's texts the /ask search reads, and how strongly: its fields.

Each kind of entry (criterion, myth, term, topic) puts its texts in three fields of the BM25F
index in :mod:`bot.knowledge.search`: the **name** (title and aliases: what the entry is about),
**strong** text (its claim, question, definition or summary, its keywords and the ways members
ask about it) and the **body** (what it merely mentions).
"""

from __future__ import annotations

# Entries' ``questions`` (the ways members ask about them) are matched as strong text.
MATCH_QUESTIONS = True


def spells_out(alias: str, names: list[str]) -> bool:
    """Whether ``alias`` is the long form of another of ``names`` ("Stop Enabling Sex
    Traffickers Act" of "SESTA"): the initials of its capitalized words end with that acronym."""
    words = alias.split()
    if len(words) < 3:
        return False
    initials = "".join(w[0] for w in words if w[0].isupper())
    return any(
        len(short) >= 2 and short.isupper() and short.isalpha() and initials.endswith(short)
        for name in names
        if name != alias
        for short in name.replace("-", " ").replace("/", " ").split()
    )


def entry_fields(kind: str, entry: object) -> tuple[str, list[str], list[str], list[str]]:
    """(title, name texts, strong texts, body texts) of one entry of ``kind``: the fields the
    search weighs, from what the entry is about (its names) to what it merely mentions."""
    e = entry
    questions = getattr(e, "questions", []) if MATCH_QUESTIONS else []
    keywords = [*getattr(e, "keywords", []), *questions]
    if kind == "criteria":
        title = e.title  # type: ignore[attr-defined]
        names = [title, f"criterion {e.number}"]  # type: ignore[attr-defined]
        strong = [e.question, *keywords]  # type: ignore[attr-defined]
        body = [e.why, *e.green_flags, *e.red_flags, *e.how_to_check]  # type: ignore[attr-defined]
    elif kind == "myths":
        title = e.title  # type: ignore[attr-defined]
        names = [title, *e.aliases]  # type: ignore[attr-defined]
        figures = [f.value for f in e.numbers]  # type: ignore[attr-defined]
        strong = [e.claim, e.short, *keywords, *figures]  # type: ignore[attr-defined]
        body = [e.explanation] + [  # type: ignore[attr-defined]
            f"{f.meaning} {f.origin}"
            for f in e.numbers  # type: ignore[attr-defined]
        ]
    elif kind == "terms":
        title = e.name  # type: ignore[attr-defined]
        names = [title, *e.aliases]  # type: ignore[attr-defined]
        strong = [e.definition, *keywords]  # type: ignore[attr-defined]
        body = [e.note or ""]  # type: ignore[attr-defined]
    else:
        title = e.title  # type: ignore[attr-defined]
        names = [title, *e.aliases]  # type: ignore[attr-defined]
        strong = [e.summary, *keywords]  # type: ignore[attr-defined]
        body = [*e.points] + [v.position for v in e.views]  # type: ignore[attr-defined]
    return title, names, strong, body
