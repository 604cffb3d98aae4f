"""The offline console: type the same slash commands you would type in Discord.

``/rate org:our``, ``/myth super bowl`` (text before any ``name:`` fills the first option),
``/help``, ``/pick 2`` after a list of choices, ``/quit``. When standard input is not a terminal it
reads one command per line and exits at the end of input, so scripts and tests can drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import zlib
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from bot.commands import COMMANDS, Command, Option, UserId, permits
from bot.commands.picks import run_pick
from bot.replies import Actor, Reply, Role, error
from bot.textview import render_text

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

PROMPT = "vetbot> "
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class UsageError(ValueError):
    """A line the console cannot turn into a command; the message says how to fix it."""


@dataclass(frozen=True)
class ParsedCommand:
    command: Command
    options: dict[str, Any]
    raw: dict[str, str] = field(default_factory=dict)  # each option's text as typed


HOME = "home"


def person_id(name: str) -> int:
    """The console's stable pretend id for a person: the same name always gets the same id."""
    return zlib.crc32(name.encode()) + 1


def console_guild(ref: str) -> tuple[int, str]:
    """The community a console session plays in: a server id as digits, or a name (which
    always gets the same pretend id, so several communities share one database)."""
    text = ref.strip() or HOME
    if text.isascii() and text.isdigit():
        return int(text), f"server {text}"
    return zlib.crc32(f"guild:{text}".encode()) + 1, text


def console_actor(name: str, role: Role, guild: str = HOME) -> Actor:
    """A pretend user for the console, in the community ``guild`` (a name or an id)."""
    guild_id, guild_name = console_guild(guild)
    return Actor(
        user_id=person_id(name),
        name=name,
        role=role,
        account_age_days=365.0,
        guild_id=guild_id,
        guild_name=guild_name,
    )


# `name:` at the start of a word. Only a known option of the command starts an option there.
_MARK = re.compile(r"(?<!\S)([A-Za-z_][A-Za-z0-9_]*):")
# What follows `name:` in something that looks like an option (`colour:blue`), as opposed to a
# colon in prose (`note: …`) or a link (`https://…`).
_LOOKS_LIKE_VALUE = re.compile(r"[^\s/]")


def _convert(option: Option, raw: str) -> Any:
    value = raw.strip()
    if option.kind is UserId and not (value.isascii() and value.isdigit()):
        return person_id(value.lstrip("@"))  # a person the console knows by name
    if option.kind is int or option.kind is UserId:
        # ASCII digits only: int() would also read "１" or "٣" as numbers.
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            raise UsageError(f"`{option.name}` needs a whole number, not `{value}`.")
        number = int(value)
        if option.min_value is not None and number < option.min_value:
            raise UsageError(f"`{option.name}` must be at least {option.min_value}.")
        if option.max_value is not None and number > option.max_value:
            raise UsageError(f"`{option.name}` must be at most {option.max_value}.")
        return number
    if option.kind is bool:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise UsageError(f"`{option.name}` needs true or false, not `{value}`.")
    if option.max_length and len(value) > option.max_length:
        raise UsageError(f"`{option.name}` can be at most {option.max_length} characters.")
    return value


def parse_command(line: str, commands: Mapping[str, Command] = COMMANDS) -> ParsedCommand:
    """Turn ``/name opt:value …`` into a command and its converted options."""
    text = line.strip()
    if not text.startswith("/"):
        raise UsageError("Commands start with `/`. Type `/help` to see them.")
    words = text[1:].split()
    if not words:
        raise UsageError("Type a command after `/`, for example `/about`.")
    # The longest command name wins, so "/kb reload" beats a hypothetical "/kb".
    for size in (2, 1):
        name = " ".join(words[:size]).lower()
        if name in commands:
            command = commands[name]
            rest = text[1:].split(None, size)[size:] or [""]
            break
    else:
        raise UsageError(f"There is no command `/{words[0]}`. Type `/help` to see them.")
    return ParsedCommand(command, *_parse_options(command, rest[0]))


def _quoted(rest: str, start: int, what: str) -> tuple[str, int]:
    """The text between the quote at ``start`` and its closing quote (the one followed by a
    space or the end), and where the text after it starts."""
    close = re.compile(r'"(?=\s|$)').search(rest, start + 1)
    if close is None:
        raise UsageError(f'The quote after `{what}` is never closed: end the text with `"`.')
    return rest[start + 1 : close.start()], close.end()


def _split_options(command: Command, rest: str) -> tuple[str, dict[str, str]]:
    """The free text before the first option, and each option's raw text.

    An option starts only at a known option name of ``command``, at the start of a word, that
    has not been given yet: ``org:`` inside a text already following ``org:`` stays text. A value
    in double quotes is taken as it is. Anything else shaped like an option (``colour:blue``)
    after the first option is an error, so a typo is not silently read as part of a value.
    """
    known = {o.name for o in command.options}
    raw: dict[str, str] = {}
    current = ""  # "" is the free text before any option
    chunks: dict[str, list[str]] = {"": []}
    pos = 0
    while pos < len(rest):
        first = len(rest) - len(rest[pos:].lstrip())
        if first < len(rest) and rest[first] == '"' and not "".join(chunks[current]).strip():
            value, pos = _quoted(rest, first, f"{current}:" if current else "the command")
            chunks[current].append(value)
            continue
        mark = _MARK.search(rest, pos)
        if mark is None:
            chunks[current].append(rest[pos:])
            break
        name = mark.group(1)
        if name in known and name not in chunks:
            chunks[current].append(rest[pos : mark.start()])
            current, pos = name, mark.end()
            chunks[current] = []
            continue
        follows = rest[mark.end() : mark.end() + 1]
        if current and name not in known and _LOOKS_LIKE_VALUE.match(follows):
            names = ", ".join(f"`{o.name}:`" for o in command.options)
            raise UsageError(
                f"`/{command.name}` has no option `{name}:` (it takes {names}). To use a "
                f'colon in a text, put the text in quotes: {current}:"…"'
            )
        chunks[current].append(rest[pos : mark.end()])
        pos = mark.end()
    for name, parts in chunks.items():
        raw[name] = "".join(parts)
    return raw.pop(""), raw


def _parse_options(command: Command, rest: str) -> tuple[dict[str, Any], dict[str, str]]:
    leading, raw = _split_options(command, rest)
    if leading.strip():
        if not command.options:
            raise UsageError(f"`/{command.name}` takes no options.")
        free = next((o for o in command.options if o.name not in raw), None)
        if free is None:
            raise UsageError(f"I don't know what `{leading.strip()}` is for. {usage(command)}")
        raw[free.name] = leading
    options = {}
    for option in command.options:
        if option.name in raw and raw[option.name].strip():
            options[option.name] = _convert(option, raw[option.name])
        elif option.required:
            raise UsageError(f"`{option.name}` is required. {usage(command)}")
    return options, raw


def usage(command: Command) -> str:
    """``Usage: /rate org:<name>`` with optional options in brackets."""
    parts = [f"/{command.name}"]
    for option in command.options:
        part = f"{option.name}:<{option.description.rstrip('.').lower()}>"
        parts.append(part if option.required else f"[{part}]")
    return "Usage: `" + " ".join(parts) + "`"


def help_reply(actor: Actor) -> Reply:
    """The commands this actor may use, each with its usage line."""
    lines = [
        f"{usage(c)[7:]} — {c.description}" for c in COMMANDS.values() if permits(actor, c.role)
    ]
    lines += [
        "`/pick N` — choose from the last list",
        "`/quit` — leave the console (or Ctrl-D, Ctrl-C)",
        'Put a value in quotes when it contains `name:` itself: `text:"…"`',
    ]
    return Reply(
        title="Commands", text="\n".join(lines), footer=f"You are {actor.name} ({actor.role})."
    )


class Console:
    """One console session acting as one person."""

    def __init__(self, core: Core, actor: Actor) -> None:
        self.core = core
        self.actor = actor
        self._last: Reply | None = None
        # People the console knows by name (itself, and anyone named in a command), so it can
        # show a name where Discord would show a mention.
        self.names: dict[int, str] = {actor.user_id: actor.name}

    async def handle(self, line: str) -> Reply | None:
        """Answer one line; None for blank lines and comments."""
        text = line.strip()
        if not text or text.startswith("#"):
            return None
        if text.lower() in ("/help", "/?"):
            return help_reply(self.actor)
        if text.lower().startswith("/pick"):
            return await self._pick(text[5:].strip())
        try:
            parsed = parse_command(text)
        except UsageError as exc:
            return error(str(exc))
        for option in parsed.command.options:
            raw = parsed.raw.get(option.name)
            if option.kind is UserId and raw and not raw.strip().isdigit():
                self.names[parsed.options[option.name]] = raw.strip().lstrip("@")
        try:
            reply = await parsed.command.run(self.core, self.actor, **parsed.options)
        except Exception:
            log.exception("Console command failed: %s", parsed.command.name)
            return error("Something went wrong answering that. It has been logged.")
        if reply.choices:
            self._last = reply
        return reply

    async def _pick(self, number: str) -> Reply:
        last = self._last
        if last is None or not last.choices or last.choice_id is None:
            return error("There is no list to pick from. Run a command that offers choices first.")
        if not number.isdigit() or not 1 <= int(number) <= len(last.choices):
            return error(f"Pick a number from 1 to {len(last.choices)}, like `/pick 1`.")
        reply = await run_pick(
            self.core, self.actor, last.choice_id, last.choices[int(number) - 1].value
        )
        self._last = reply
        return reply


def _enable_completion() -> None:
    with contextlib.suppress(ImportError):
        import readline

        names = sorted({f"/{name}" for name in COMMANDS} | {"/help", "/pick", "/quit"})

        def complete(text: str, state: int) -> str | None:
            matches = [n for n in names if n.startswith(text)]
            return matches[state] if state < len(matches) else None

        readline.set_completer_delims("\n")
        readline.set_completer(complete)
        readline.parse_and_bind("tab: complete")


async def run_console(
    core: Core, actor: Actor, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    """Read commands, one a line, until ``/quit`` or end of input; returns the exit status.

    For scripts and pipes; a person at a terminal gets :func:`run_interactive`.
    """
    console = Console(core, actor)
    while True:
        line = stdin.readline()
        if line == "" or line.strip().lower() in ("/quit", "/exit"):
            break
        reply = await console.handle(line)
        if reply is not None:
            stdout.write(render_text(reply, names=console.names) + "\n\n")
            stdout.flush()
    return 0


def run_interactive(
    open_core: Callable[[], Coroutine[Any, Any, Core]], actor: Actor, stdout: TextIO = sys.stdout
) -> int:
    """The console for a person at a terminal, until ``/quit``, Ctrl-D or Ctrl-C.

    The prompt waits outside the event loop, so Ctrl-C ends it at once (an ``input()`` in a
    worker thread would wait for Enter) and the database still closes cleanly.
    """
    with asyncio.Runner() as runner:
        core = runner.run(open_core())
        try:
            console = Console(core, actor)
            _enable_completion()
            stdout.write(
                f"vetbot console — you are {actor.name} ({actor.role}) in {actor.guild_name}. "
                "Type /help for commands, /quit to leave.\n"
            )
            while True:
                try:
                    line = input(PROMPT)
                    if line.strip().lower() in ("/quit", "/exit"):
                        break
                    reply = runner.run(console.handle(line))
                except (EOFError, KeyboardInterrupt):
                    stdout.write("\n")
                    break
                if reply is not None:
                    stdout.write(render_text(reply, names=console.names) + "\n\n")
                    stdout.flush()
        finally:
            runner.run(core.close())
    return 0
