"""Command-line tools for a deployment's data: importing the registered-nonprofit directory,
exporting a community's ratings, and building or serving the public ratings site."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.cli_support import EXIT_OK, EXIT_USAGE, print_json, with_core
from bot.config import Config


def add_tool_parsers(sub: Any) -> None:
    """Add ``orgs``, ``ratings`` and ``site`` to the ``python -m bot`` parser."""
    _add_orgs_parser(sub)
    _add_ratings_parser(sub)
    _add_site_commands(sub)


def _add_ratings_parser(sub: Any) -> None:
    ratings = sub.add_parser("ratings", help="community rating tools").add_subparsers(
        dest="ratings_command", metavar="RATINGS_COMMAND", required=True
    )
    p = ratings.add_parser(
        "export", help="current community decisions as knowledge-base files (or JSON)"
    )
    p.add_argument("out", nargs="?", help="the folder to write (TOML) or the file (JSON)")
    p.add_argument("--format", choices=["toml", "json"], help="toml (the default) or json")
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.add_argument("--guild", type=int, help="only this community's decisions")
    p.set_defaults(func=_cmd_ratings_export)


# -- orgs import / reindex: the registered-nonprofit directory (bot/directory) -----------------


async def _write_directory_index(config: Config, db: Any) -> int:
    """The name index of every imported row, written beside the database (or the config)."""
    from bot.directory import build_index, build_index_from

    if isinstance(config.database, Path):  # SQLite: a read-only snapshot read in a thread
        return await asyncio.to_thread(build_index, config.database, config.directory_index_path)
    return await build_index_from(db, config.directory_index_path)


def _cmd_orgs_import(config: Config, args: argparse.Namespace) -> int:
    from bot.directory.importer import ColumnMap, ImportFailed, import_file
    from bot.directory.registry import IRS
    from bot.storage import Database

    columns = None
    if args.format == "csv":
        try:
            columns = ColumnMap.parse(args.columns or "")
        except ValueError as exc:
            sys.stderr.write(f"--columns: {exc}\n")
            return 2
    elif args.columns:
        sys.stderr.write("--columns is for --format csv; the IRS layout is built in\n")
        return 2
    registry = IRS if args.format == "irs-bmf" else args.registry

    async def work() -> int:
        db = await Database.open(config.database)
        reports, failed = [], 0
        try:
            for name in args.files:
                try:
                    report = await import_file(
                        db,
                        Path(name),
                        registry=registry,
                        columns=columns,
                        progress=not args.json and not args.no_progress,
                    )
                except ImportFailed as exc:
                    sys.stderr.write(f"{name}: {exc}\n")
                    failed += 1
                    continue
                reports.append(report)
            index = config.directory_index_path
            changed = any(r.status != "unchanged" for r in reports) or not index.exists()
            names = await _write_directory_index(config, db) if changed else None
        finally:
            await db.close()
        if args.json:
            print_json({"files": [r.as_dict() for r in reports], "indexed": names})
        for r in [] if args.json else reports:
            sys.stdout.write(
                f"{r.source}: {r.status}, {r.rows} rows, {r.malformed} malformed, "
                f"{r.removed} removed ({r.seconds:.1f} s)\n"
            )
            sys.stdout.writelines(f"  line {n}: {p}\n" for n, p in r.malformed_lines)
            if r.malformed > len(r.malformed_lines):
                sys.stdout.write(f"  … and {r.malformed - len(r.malformed_lines)} more\n")
        if names is not None and not args.json:
            sys.stdout.write(f"Indexed {names} registered organizations into {index}\n")
        return 1 if failed else 0

    return asyncio.run(work())


def _cmd_orgs_reindex(config: Config, args: argparse.Namespace) -> int:
    from bot.storage import Database

    async def work() -> int:
        db = await Database.open(config.database)
        try:
            return await _write_directory_index(config, db)
        finally:
            await db.close()

    names = asyncio.run(work())
    if args.json:
        print_json({"indexed": names, "index": str(config.directory_index_path)})
    else:
        sys.stdout.write(f"Indexed {names} registered organizations\n")
    return 0


def _add_orgs_parser(sub: Any) -> None:
    orgs = sub.add_parser("orgs", help="the registered-nonprofit directory").add_subparsers(
        dest="orgs_command", metavar="ORGS_COMMAND", required=True
    )
    p = orgs.add_parser(
        "import",
        help="import registry files (the IRS exempt organizations CSVs, or another registry)",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV files, e.g. eo1.csv eo2.csv")
    p.add_argument("--format", choices=["irs-bmf", "csv"], default="irs-bmf")
    p.add_argument(
        "--columns",
        help="for --format csv: name=COLUMN,id=COLUMN[,city=COLUMN][,region=COLUMN]",
    )
    p.add_argument("--registry", default="csv", help="for --format csv: the registry's name")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(func=_cmd_orgs_import)
    p = orgs.add_parser("reindex", help="rebuild the directory's name index from the database")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(func=_cmd_orgs_reindex)


# ------------------------------------------------------------------------------------------------


def _cmd_ratings_export(config: Config, args: argparse.Namespace) -> int:
    """The community's current decisions: a knowledge folder (TOML) or open data (JSON)."""
    import datetime as dt

    from bot.ratings.export import ExportError, as_json, write_knowledge

    if args.json and args.format == "toml":
        sys.stderr.write("--json and --format toml ask for two formats; choose one.\n")
        return EXIT_USAGE
    fmt = "json" if args.json else args.format or "toml"

    async def work(core: Any) -> int:
        decisions = await core.ratings.store.all_adopted(args.guild)
        guilds = sorted({d.guild_id for d in decisions})
        names = await core.communities.names(tuple(guilds))
        if fmt == "json":
            responses = await core.responses.all_approved(args.guild)
            listed = {k: v for g in guilds for k, v in core.state.community.get(g, {}).items()}
            org_names = {**listed, **{o.id: o.name for o in core.knowledge.orgs.values()}}
            text = as_json(decisions, responses, names, org_names)
            if args.out:
                await asyncio.to_thread(Path(args.out).write_text, text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return EXIT_OK
        if not args.out:
            sys.stderr.write("Give the folder to write, e.g. `ratings export OUT/`.\n")
            return EXIT_USAGE
        if len(guilds) > 1:
            sys.stderr.write(
                f"{len(guilds)} communities have decisions; choose one with --guild "
                f"({', '.join(map(str, guilds))}).\n"
            )
            return EXIT_USAGE
        listed = core.state.community.get(guilds[0], {}) if guilds else {}
        try:
            changed = await asyncio.to_thread(
                write_knowledge,
                Path(args.out),
                core.knowledge,
                decisions,
                names,
                listed,
                dt.date.today(),
            )
        except ExportError as exc:
            sys.stderr.write(f"{exc}\n")
            return EXIT_USAGE
        orgs = f": {', '.join(changed)}" if changed else ""
        sys.stdout.write(
            f"Wrote {args.out} with the community's verdicts on {len(changed)} organization(s)"
            f"{orgs}. Check it with `kb check {args.out}`.\n"
        )
        return EXIT_OK

    return asyncio.run(with_core(config, work))


# -- site: the public ratings site (bot/site) ---------------------------------------------


def _cmd_site_build(config: Config, args: argparse.Namespace) -> int:
    from bot.site.data import load_site
    from bot.site.render import build

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        sys.stderr.write(f"{out} is a file; give a folder to build the site in.\n")
        return 2

    async def work(core: Any) -> int:
        site = await load_site(core, guild_id=args.guild)
        written = await asyncio.to_thread(build, site, out)
        files, orgs = len(written), len(site.orgs)
        if args.json:
            print_json({"out": str(out), "files": files, "organizations": orgs})
        else:
            sys.stdout.write(f"Built {files} files in {out} ({orgs} organizations)\n")
        return 0

    return asyncio.run(with_core(config, work))


def _cmd_site_serve(config: Config, args: argparse.Namespace) -> int:
    from bot.site.serve import serve

    def ready(address: str) -> None:
        sys.stdout.write(f"Serving the site at {address} (Ctrl+C to stop)\n")
        sys.stdout.flush()

    async def work(core: Any) -> int:
        import signal

        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):  # stop serving, then close the database
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        await serve(
            core, host=args.host, port=args.port, guild_id=args.guild, ready=ready, stop=stop
        )
        return 0

    return asyncio.run(with_core(config, work))


def _add_site_commands(sub: Any) -> None:
    site = sub.add_parser("site", help="the public ratings site").add_subparsers(
        dest="site_command", metavar="SITE_COMMAND", required=True
    )
    guild_help = "the community (Discord server id) whose reports to publish"
    p = site.add_parser("build", help="write the site as static files into a folder")
    p.add_argument("out", help="the folder to write (created if missing)")
    p.add_argument("--guild", type=int, metavar="ID", help=guild_help)
    p.add_argument("--json", action="store_true", help="print what was built as JSON")
    p.set_defaults(func=_cmd_site_build)
    p = site.add_parser("serve", help="serve the site live from the database")
    p.add_argument("--port", type=int, default=8080, help="the port (default: 8080; 0 picks one)")
    p.add_argument("--host", default="127.0.0.1", help="the address (default: 127.0.0.1)")
    p.add_argument("--guild", type=int, metavar="ID", help=guild_help)
    p.set_defaults(func=_cmd_site_serve)


# -- end of site ----------------------------------------------------------------------------
