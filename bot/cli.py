"""The command line: ``run`` (Discord), ``console`` (offline), ``sync`` and one-shot commands.

Exit statuses: 0 ok, 1 the thing asked for failed (invalid knowledge, no answer), 2 bad usage or
configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot import __version__
from bot.config import TOKEN_ENV, Config, ConfigError, load_config
from bot.replies import Role

log = logging.getLogger(__name__)

NO_TOKEN = (
    f"No bot token: set the {TOKEN_ENV} environment variable, for example\n"
    f"  export {TOKEN_ENV}='your-bot-token'   (from the Discord developer portal, Bot tab)\n"
    "To try vetbot without Discord, run:  python -m bot console"
)


def _setup_logging(level: str, quiet: bool = False) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


async def _with_core(
    config: Config, work: Callable[[Any], Awaitable[int]], *, unassigned_ok: bool = False
) -> int:
    from bot.communities import Unassigned
    from bot.core import Core
    from bot.knowledge.loader import KnowledgeInvalid

    try:
        core = await Core.open(config, unassigned_ok=unassigned_ok)
    except KnowledgeInvalid as exc:
        sys.stderr.write(f"The knowledge base at {config.knowledge} is invalid:\n")
        sys.stderr.writelines(f"  {e}\n" for e in exc.errors)
        return 1
    except Unassigned as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    try:
        return await work(core)
    finally:
        await core.close()


def _cmd_console(config: Config, args: argparse.Namespace) -> int:
    from bot.console import console_actor, run_console

    actor = console_actor(args.user, Role(args.role), args.guild)
    return asyncio.run(_with_core(config, lambda core: run_console(core, actor)))


def _cmd_run(config: Config, args: argparse.Namespace) -> int:
    if not config.token:
        sys.stderr.write(NO_TOKEN + "\n")
        return 2
    return _run_client(config, sync_only=False)


def _cmd_sync(config: Config, args: argparse.Namespace) -> int:
    if not config.token:
        sys.stderr.write(NO_TOKEN + "\n")
        return 2
    return _run_client(config, sync_only=True)


def _run_client(config: Config, *, sync_only: bool) -> int:
    from bot.client import run_bot
    from bot.communities import Unassigned

    try:
        return asyncio.run(run_bot(config, sync_only=sync_only))
    except Unassigned as exc:
        sys.stderr.write(f"{exc}\n")
        return 2


def _cmd_kb_check(config: Config, args: argparse.Namespace) -> int:
    from bot.knowledge.loader import COLLECTIONS, validate_knowledge

    path = Path(args.path) if args.path else config.knowledge
    knowledge, errors = validate_knowledge(path)
    counts = knowledge.counts() if knowledge else dict.fromkeys(COLLECTIONS, 0)
    if args.json:
        _print_json({"ok": not errors, "counts": counts, "errors": [str(e) for e in errors]})
    elif errors:
        sys.stdout.write(f"{path}: {len(errors)} error(s)\n")
        sys.stdout.writelines(f"{e}\n" for e in errors)
    else:
        sys.stdout.write(f"{path}: ok\n")
        sys.stdout.writelines(f"  {kind:<9} {n}\n" for kind, n in counts.items())
    return 1 if errors else 0


def _oneshot(command_name: str, option_names: tuple[str, ...]) -> Callable[..., int]:
    """A CLI subcommand that runs one slash command and prints its text or its JSON data."""

    def run(config: Config, args: argparse.Namespace) -> int:
        from bot.commands import COMMANDS
        from bot.console import console_actor
        from bot.textview import render_text

        command = COMMANDS[command_name]
        options = {n: getattr(args, n) for n in option_names if getattr(args, n) is not None}
        actor = console_actor("cli", Role.MODERATOR)

        async def work(core: Any) -> int:
            reply = await command.run(core, actor, **options)
            if args.json:
                _print_json(reply.data)
            else:
                sys.stdout.write(render_text(reply) + "\n")
            return 1 if reply.tone == "error" else 0

        return asyncio.run(_with_core(config, work))

    return run


ONESHOTS: list[tuple[str, str, tuple[tuple[str, str, bool], ...]]] = [
    # (subcommand, slash command, ((option, help, required), ...))
    ("about", "about", ()),
    ("ask", "ask", (("question", "the question, in quotes", True),)),
    ("myth", "myth", (("topic", "the myth or statistic", True),)),
    ("criteria", "criteria", (("criterion", "a number 1-10 or a name (default: all)", False),)),
    ("term", "term", (("name", "the term", True),)),
    ("rate", "rate", (("org", "the organization's name", True),)),
]


def _cmd_reports_export(config: Config, args: argparse.Namespace) -> int:
    from bot.reports.export import export_approved

    async def work(core: Any) -> int:
        from bot.commands.reports import linked_org_name

        exported = await export_approved(
            core.reports,
            args.format,
            spreadsheet_safe=args.spreadsheet_safe,
            guild_id=args.guild,
            org_name=lambda report: linked_org_name(core, report),
        )
        sys.stdout.write(exported)
        return 0

    return asyncio.run(_with_core(config, work))


def _cmd_reports_purge(config: Config, args: argparse.Namespace) -> int:
    import datetime as dt

    async def work(core: Any) -> int:
        erased = await core.reports.purge_reporter_ids(dt.datetime.now(dt.UTC))
        sys.stdout.write(f"Erased the reporter ids of {erased} decided report(s).\n")
        return 0

    return asyncio.run(_with_core(config, work))


def _cmd_db_backup(config: Config, args: argparse.Namespace) -> int:
    from bot.db import Database

    target = Path(args.path)
    if target.exists():
        sys.stderr.write(f"{target} already exists; choose a new file name.\n")
        return 2

    async def work() -> int:
        db = await Database.open(config.database)
        try:
            await db.backup(target)
        finally:
            await db.close()
        sys.stdout.write(f"Backed up {config.database} to {target}\n")
        return 0

    return asyncio.run(work())


def _cmd_feedback_export(config: Config, args: argparse.Namespace) -> int:
    async def work(core: Any) -> int:
        _print_json(await core.feedback.export(args.guild))
        return 0

    return asyncio.run(_with_core(config, work))


def _cmd_db_assign_guild(config: Config, args: argparse.Namespace) -> int:
    async def work(core: Any) -> int:
        moved = await core.communities.assign(args.guild_id)
        sys.stdout.write(
            f"Gave {moved} record(s) from before communities to server {args.guild_id}.\n"
        )
        return 0

    return asyncio.run(_with_core(config, work, unassigned_ok=True))


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m bot`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="vetbot: vet anti-trafficking organizations in Discord."
    )
    parser.add_argument("--version", action="version", version=f"vetbot {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: bundled bot.toml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("run", help="connect to Discord (needs DISCORD_TOKEN)")
    p.set_defaults(func=_cmd_run)
    p = sub.add_parser("console", help="use the bot offline, typing slash commands")
    p.add_argument("--user", default="you", help="the name to act as (default: you)")
    p.add_argument(
        "--role",
        default="member",
        choices=[r.value for r in Role],
        help="the role to act as (default: member)",
    )
    p.add_argument(
        "--guild",
        default="home",
        help="the community (server) to act in, a name or an id (default: home)",
    )
    p.set_defaults(func=_cmd_console)
    p = sub.add_parser("sync", help="push slash commands to Discord now, then exit")
    p.set_defaults(func=_cmd_sync)

    kb = sub.add_parser("kb", help="knowledge base tools").add_subparsers(
        dest="kb_command", metavar="KB_COMMAND", required=True
    )
    p = kb.add_parser("check", help="validate the knowledge base; exit 1 if invalid")
    p.add_argument("path", nargs="?", help="knowledge folder (default: from the config)")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(func=_cmd_kb_check)

    reports = sub.add_parser("reports", help="peer report tools").add_subparsers(
        dest="reports_command", metavar="REPORTS_COMMAND", required=True
    )
    p = reports.add_parser("export", help="approved reports as open data (no reporter ids)")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument(
        "--spreadsheet-safe",
        action="store_true",
        help="prefix CSV cells starting with = + - @ so spreadsheets never run them",
    )
    p.add_argument("--guild", type=int, help="only this community's reports (default: all)")
    p.set_defaults(func=_cmd_reports_export)
    p = reports.add_parser("purge", help="erase reporter ids past the retention period now")
    p.set_defaults(func=_cmd_reports_purge)

    db = sub.add_parser("db", help="database tools").add_subparsers(
        dest="db_command", metavar="DB_COMMAND", required=True
    )
    p = db.add_parser("backup", help="a consistent copy of the live database")
    p.add_argument("path", help="the new backup file")
    p.set_defaults(func=_cmd_db_backup)
    p = db.add_parser(
        "assign-guild", help="give records from before communities to one server, then start"
    )
    p.add_argument("guild_id", type=int, help="the Discord server (guild) id")
    p.set_defaults(func=_cmd_db_assign_guild)

    feedback = sub.add_parser("feedback", help="answer feedback").add_subparsers(
        dest="feedback_command", metavar="FEEDBACK_COMMAND", required=True
    )
    p = feedback.add_parser("export", help="feedback per entry, least helpful first, as JSON")
    p.add_argument("--guild", type=int, help="only this community's feedback (default: all)")
    p.set_defaults(func=_cmd_feedback_export)

    for name, command_name, options in ONESHOTS:
        p = sub.add_parser(name, help=f"answer /{command_name} once and exit")
        for option, help_text, required in options:
            if required:
                p.add_argument(option, help=help_text)
            else:
                p.add_argument(option, nargs="?", help=help_text)
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
        p.set_defaults(func=_oneshot(command_name, tuple(o[0] for o in options)))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bot`` and the ``vetbot`` script."""
    args = build_parser().parse_args(argv)
    try:
        config = load_config(Path(args.config) if args.config else None)
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    _setup_logging(config.log_level, quiet=args.command != "run")
    return args.func(config, args)
