"""Commands about the bot itself: /about and /kb reload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import __version__
from bot.commands.spec import Command
from bot.replies import Actor, Field, Reply, Role, Tone

if TYPE_CHECKING:
    from bot.core import Core

ABOUT_TEXT = (
    "vetbot helps you tell rights-based anti-trafficking organizations from harmful ones, "
    "using what sex workers, survivors and researchers have written down.\n\n"
    "• `/ask` a question about the ten criteria, trauma-informed practice, terms or statistics\n"
    "• `/myth` explains a debunked claim with what the sources report\n"
    "• `/rate` shows an organization's rating card\n"
    "• `/report` tells moderators what you know first-hand about an organization\n\n"
    "Every answer names its sources. When vetbot does not know, it says so."
)


async def about(core: Core, actor: Actor) -> Reply:
    """What vetbot is, what it knows, and where its knowledge comes from."""
    knowledge = core.knowledge
    counts = knowledge.counts()
    sources = "\n".join(
        f"• [{s.title}]({s.url}) — {s.author}, {s.year}"
        if s.url
        else f"• {s.title} — {s.author}, {s.year}"
        for s in knowledge.sources.values()
    )
    return Reply(
        title=f"About vetbot {__version__}",
        text=ABOUT_TEXT,
        fields=[
            Field(
                "Knowledge base",
                f"{counts['criteria']} criteria · {counts['myths']} myths · "
                f"{counts['terms']} terms · {counts['topics']} topics · "
                f"{counts['orgs']} organizations",
            ),
            Field("Sources", sources or "None loaded."),
        ],
        footer="Open source. Reporters' identities are never shown publicly.",
        data={
            "version": __version__,
            "counts": counts,
            "sources": [
                {"id": s.id, "title": s.title, "url": s.url} for s in knowledge.sources.values()
            ],
        },
    )


async def kb_reload(core: Core, actor: Actor) -> Reply:
    """Load the knowledge base files again; keep the old one if the new one has errors."""
    errors = await core.reload_knowledge()
    if errors:
        shown = "\n".join(f"• {e}" for e in errors[:15])
        more = f"\n…and {len(errors) - 15} more." if len(errors) > 15 else ""
        return Reply(
            title="Knowledge base not reloaded",
            text=f"The files have {len(errors)} error(s); the previous knowledge keeps serving.\n"
            f"```\n{shown}{more}\n```",
            tone=Tone.ERROR,
            data={"ok": False, "errors": [str(e) for e in errors]},
        )
    counts = core.knowledge.counts()
    return Reply(
        title="Knowledge base reloaded",
        text=", ".join(f"{n} {kind}" for kind, n in counts.items()),
        tone=Tone.SUCCESS,
        data={"ok": True, "counts": counts},
    )


COMMANDS = [
    Command("about", "What vetbot is, what it knows, and its sources.", about),
    Command(
        "kb reload",
        "Reload the knowledge base files (organizers).",
        kb_reload,
        role=Role.ORGANIZER,
        guild_only=True,
    ),
]
