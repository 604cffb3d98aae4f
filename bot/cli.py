"""The command line: ``run`` (Discord), ``console`` (offline), ``sync`` and one-shot commands.

Exit statuses, the same for every command:

- 0: done, or found;
- 1: not found, or the input was invalid (no answer, no such organization, an invalid
  knowledge base for ``kb check``);
- 2: usage or set-up error: bad arguments, the config, a database file that cannot be used,
  Discord unreachable or the token refused. One line on standard error says what to fix.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot import __version__
from bot.cli_support import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    open_core,
    print_json,
    setup_problem,
    with_core,
)
from bot.cli_tools import add_tool_parsers
from bot.config import TOKEN_ENV, Config, ConfigError, load_config
from bot.replies import Role

log = logging.getLogger(__name__)

# Subcommands that keep running or talk to a person; every other one prints a result once and
# accepts --json.
LONG_RUNNING = ("run", "console", "sync", "site serve")

NO_TOKEN = (
    f"No bot token: set the {TOKEN_ENV} environment variable, for example\n"
    f"  export {TOKEN_ENV}='your-bot-token'   (from the Discord developer portal, Bot tab)\n"
    "To try vetbot without Discord, run:  python -m bot console"
)


# vetbot's own loggers; at DEBUG only these (and the ones named in logging.debug_loggers) say
# more, since discord.py's and aiosqlite's debug lines carry report texts and user ids.
OWN_LOGGERS = ("bot", "cogs")


def setup_logging(level: str, debug_loggers: tuple[str, ...] = (), *, quiet: bool = False) -> None:
    """Log to standard error at ``level``; DEBUG applies to vetbot's own loggers and to
    ``debug_loggers`` only, every other logger stays at INFO. ``quiet`` shows warnings only."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if quiet:
        root.setLevel(logging.WARNING)
        return
    wanted = getattr(logging, level)
    root.setLevel(max(wanted, logging.INFO))
    for name in (*OWN_LOGGERS, *debug_loggers):
        logging.getLogger(name).setLevel(wanted)


def _cmd_console(config: Config, args: argparse.Namespace) -> int:
    from bot.console import console_actor, run_console, run_interactive

    actor = console_actor(args.user, Role(args.role), args.guild)
    if sys.stdin.isatty():
        return run_interactive(lambda: open_core(config), actor)
    return asyncio.run(with_core(config, lambda core: run_console(core, actor)))


def _cmd_run(config: Config, args: argparse.Namespace) -> int:
    if not config.token:
        sys.stderr.write(NO_TOKEN + "\n")
        return EXIT_USAGE
    return _run_client(config, sync_only=False)


def _cmd_sync(config: Config, args: argparse.Namespace) -> int:
    if not config.token:
        sys.stderr.write(NO_TOKEN + "\n")
        return EXIT_USAGE
    return _run_client(config, sync_only=True)


def _run_client(config: Config, *, sync_only: bool) -> int:
    # main() turns set-up failures (unassigned records included) into one line.
    from bot.client import run_bot

    return asyncio.run(run_bot(config, sync_only=sync_only))


def _cmd_kb_check(config: Config, args: argparse.Namespace) -> int:
    from bot.knowledge.loader import COLLECTIONS, validate_knowledge

    path = Path(args.path) if args.path else config.knowledge
    knowledge, errors = validate_knowledge(path)
    counts = knowledge.counts() if knowledge else dict.fromkeys(COLLECTIONS, 0)
    if args.json:
        print_json({"ok": not errors, "counts": counts, "errors": [str(e) for e in errors]})
    elif errors:
        sys.stdout.write(f"{path}: {len(errors)} error(s)\n")
        sys.stdout.writelines(f"{e}\n" for e in errors)
    else:
        sys.stdout.write(f"{path}: ok\n")
        sys.stdout.writelines(f"  {kind:<9} {n}\n" for kind, n in counts.items())
    return EXIT_NOT_FOUND if errors else EXIT_OK


def exit_status(reply: Any) -> int:
    """0 for an answer, 1 for an error or for nothing found (``match`` or ``answer`` null)."""
    data = reply.data if isinstance(reply.data, dict) else {}
    nothing = any(key in data and data[key] is None for key in ("match", "answer"))
    return EXIT_NOT_FOUND if reply.tone == "error" or nothing else EXIT_OK


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
                print_json(reply.data)
            else:
                sys.stdout.write(render_text(reply) + "\n")
            return exit_status(reply)

        return asyncio.run(with_core(config, work))

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

    if args.json and args.format == "csv":
        sys.stderr.write("--json and --format csv ask for two formats; choose one.\n")
        return EXIT_USAGE
    fmt = "json" if args.json else args.format

    async def work(core: Any) -> int:
        from bot.commands.reports import linked_org_name

        exported = await export_approved(
            core.reports,
            fmt,
            spreadsheet_safe=args.spreadsheet_safe,
            guild_id=args.guild,
            org_name=lambda report: linked_org_name(core, report),
        )
        sys.stdout.write(exported)
        return EXIT_OK

    return asyncio.run(with_core(config, work))


def _cmd_reports_purge(config: Config, args: argparse.Namespace) -> int:
    import datetime as dt

    async def work(core: Any) -> int:
        erased = await core.purge_reporters(dt.datetime.now(dt.UTC))
        if args.json:
            print_json({"erased": erased})
        else:
            sys.stdout.write(f"Erased the reporter ids of {erased} decided report(s).\n")
        return EXIT_OK

    return asyncio.run(with_core(config, work))


def _cmd_db_backup(config: Config, args: argparse.Namespace) -> int:
    from bot.storage import Database

    target = Path(args.path)
    if target.exists():
        sys.stderr.write(f"{target}: already exists; choose a new file name\n")
        return EXIT_USAGE
    if not target.parent.is_dir():
        sys.stderr.write(
            f"{target}: the folder {target.parent} does not exist; create it or choose "
            "another backup path\n"
        )
        return EXIT_USAGE

    async def work() -> int:
        db = await Database.open(config.database)
        try:
            await db.backup(target)
        finally:
            await db.close()
        if args.json:
            print_json({"database": db.path, "backup": str(target)})
        else:
            sys.stdout.write(f"Backed up {db.path} to {target}\n")
        return EXIT_OK

    return asyncio.run(work())


def _cmd_db_migrate(config: Config, args: argparse.Namespace) -> int:
    from bot.storage import Database

    async def work() -> int:
        db = await Database.open(config.database)  # a SetupError is one line (main)
        try:
            version = await db.version()
        finally:
            await db.close()
        if args.json:
            print_json({"database": db.path, "backend": db.backend, "version": version})
        else:
            sys.stdout.write(f"{db.path} ({db.backend}) is at schema version {version}.\n")
        return EXIT_OK

    return asyncio.run(work())


def _cmd_db_copy(config: Config, args: argparse.Namespace) -> int:
    from bot.storage.copy import copy_database

    async def work() -> int:
        tables = await copy_database(Path(args.source), args.target)
        same = all(t.same for t in tables)
        if args.json:
            print_json({"same": same, "tables": [vars(t) for t in tables]})
            return EXIT_OK if same else EXIT_NOT_FOUND
        for t in tables:
            mark = "same" if t.same else "DIFFERENT"
            sys.stdout.write(
                f"{t.table:15} {t.source_rows:>8} -> {t.target_rows:>8} rows  "
                f"checksum {t.target_checksum[:12]}  {mark}\n"
            )
        if not all(t.same for t in tables):
            sys.stderr.write("The copy differs from the source; do not switch to it.\n")
            return EXIT_NOT_FOUND
        sys.stdout.write("Every table copied; counts and checksums match.\n")
        return EXIT_OK

    return asyncio.run(work())


def _cmd_feedback_export(config: Config, args: argparse.Namespace) -> int:
    async def work(core: Any) -> int:
        print_json(await core.feedback.export(args.guild))  # JSON with or without --json
        return EXIT_OK

    return asyncio.run(with_core(config, work))


def _cmd_db_assign_guild(config: Config, args: argparse.Namespace) -> int:
    async def work(core: Any) -> int:
        moved = await core.communities.assign(args.guild_id)
        if args.json:
            print_json({"guild_id": args.guild_id, "moved": moved})
        else:
            sys.stdout.write(
                f"Gave {moved} record(s) from before communities to server {args.guild_id}.\n"
            )
        return EXIT_OK

    return asyncio.run(with_core(config, work, unassigned_ok=True))


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
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.set_defaults(func=_cmd_reports_export)
    p = reports.add_parser("purge", help="erase reporter ids past the retention period now")
    p.add_argument("--json", action="store_true", help="print the count as JSON")
    p.set_defaults(func=_cmd_reports_purge)

    db = sub.add_parser("db", help="database tools").add_subparsers(
        dest="db_command", metavar="DB_COMMAND", required=True
    )
    p = db.add_parser("backup", help="a consistent copy of the live database")
    p.add_argument("path", help="the new backup file (pg_dump's format for PostgreSQL)")
    p.add_argument("--json", action="store_true", help="print the paths as JSON")
    p.set_defaults(func=_cmd_db_backup)
    p = db.add_parser("migrate", help="bring the database's schema up to date, then exit")
    p.add_argument("--json", action="store_true", help="print the version as JSON")
    p.set_defaults(func=_cmd_db_migrate)
    p = db.add_parser("copy", help="copy an SQLite database into an empty PostgreSQL one")
    p.add_argument("source", help="the SQLite file")
    p.add_argument("target", help="postgresql://user@host/database")
    p.add_argument("--json", action="store_true", help="print the tables' counts as JSON")
    p.set_defaults(func=_cmd_db_copy)
    p = db.add_parser(
        "assign-guild", help="give records from before communities to one server, then start"
    )
    p.add_argument("guild_id", type=int, help="the Discord server (guild) id")
    p.add_argument("--json", action="store_true", help="print the count as JSON")
    p.set_defaults(func=_cmd_db_assign_guild)

    feedback = sub.add_parser("feedback", help="answer feedback").add_subparsers(
        dest="feedback_command", metavar="FEEDBACK_COMMAND", required=True
    )
    p = feedback.add_parser("export", help="feedback per entry, least helpful first, as JSON")
    p.add_argument("--guild", type=int, help="only this community's feedback (default: all)")
    p.add_argument("--json", action="store_true", help="JSON (the only format; for symmetry)")
    p.set_defaults(func=_cmd_feedback_export)

    add_tool_parsers(sub)

    for name, command_name, options in ONESHOTS:
        p = sub.add_parser(name, help=f"answer /{command_name} once and exit")
        for option, help_text, required in options:
            if required:
                p.add_argument(option, help=help_text)
            else:
                p.add_argument(option, nargs="?", help=help_text)
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
        p.set_defaults(func=_oneshot(command_name, tuple(o[0] for o in options)))
    _accept_config_anywhere(parser)
    return parser


def subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, Any]:
    """Every leaf subcommand's parser by its full name (``"db backup"``), for docs and tests."""
    found: dict[str, Any] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found |= subcommands(child, f"{prefix}{name} ") or {f"{prefix}{name}": child}
    return found


def _accept_config_anywhere(parser: argparse.ArgumentParser) -> None:
    # --config after the subcommand too (`python -m bot db backup x.db --config y.toml`).
    # SUPPRESS keeps a subcommand that was not given it from overwriting the top-level value.
    # Done by walking the tree so subcommands added later get it without thinking about it.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                child.add_argument(
                    "--config",
                    metavar="PATH",
                    default=argparse.SUPPRESS,
                    help="config file (default: bundled bot.toml)",
                )
                _accept_config_anywhere(child)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bot`` and the ``vetbot`` script."""
    args = build_parser().parse_args(argv)
    try:
        config = load_config(Path(args.config) if args.config else None)
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_USAGE
    setup_logging(config.log_level, config.debug_loggers, quiet=args.command != "run")
    try:
        return args.func(config, args)
    except Exception as exc:
        # The same line whichever command met it: run, console, a one-shot, db backup.
        line = setup_problem(config, exc)
        if line is None:
            raise
        sys.stderr.write(f"{line}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130  # interrupted: the shell's convention, no traceback
