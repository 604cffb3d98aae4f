"""The Discord client: the one place in ``bot/`` that wires the core to discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import hashlib
import json
import logging
import pkgutil
import signal
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot.config import TOKEN_ENV, Config
from bot.core import Core
from bot.errors import SetupError
from bot.storage import StorageUnavailable
from cogs._ui import ComponentHandlers, refuse_outside_guilds

log = logging.getLogger(__name__)

SYNC_HASH_KEY = "command_sync_hash"
# Held while one process syncs, so processes starting together sync the commands once.
SYNC_LEASE = "command-sync"
SYNC_LEASE_TTL = dt.timedelta(minutes=10)
SORRY = "Sorry, something went wrong answering that. It has been logged."
TRY_AGAIN = (
    "vetbot cannot reach its database right now, so this may not have gone through. "
    "Please check and try again in a minute."
)


def extension_names() -> list[str]:
    """Every extension in ``cogs/``; modules starting with ``_`` are shared helpers."""
    return sorted(
        f"{cogs.__name__}.{m.name}"
        for m in pkgutil.iter_modules(cogs.__path__)
        if not m.name.startswith("_")
    )


class VetbotTree(app_commands.CommandTree["Vetbot"]):
    """A command tree whose errors become short private replies instead of silence."""

    async def interaction_check(self, interaction: discord.Interaction[Vetbot], /) -> bool:
        # A server outside discord.guild_ids gets one short refusal and nothing else.
        return await refuse_outside_guilds(interaction)

    async def on_error(
        self, interaction: discord.Interaction[Vetbot], error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        # vetbot's only command checks are guild_only ones; roles are checked by the core.
        if isinstance(error, app_commands.NoPrivateMessage):
            message = "This command only works inside a server."
        elif isinstance(error, app_commands.TransformerError):
            message = f"I couldn't understand `{error.value}` for that option."
        else:
            message = failure_message(
                f"Command /{command}", interaction, getattr(error, "original", error)
            )
        await send_error(interaction, message)


def failure_message(what: str, interaction: discord.Interaction[Any], error: BaseException) -> str:
    """Log why ``what`` (a command, a form, a button) failed; the private answer to send.

    A database that is briefly out of reach is a warning and a "try again": nothing in vetbot
    to fix, and the person can act on it. Anything else is an error with its traceback, and a
    short apology that shows no internals.
    """
    if isinstance(error, StorageUnavailable):
        log.warning("%s could not reach the database (interaction %s)", what, interaction.id)
        return TRY_AGAIN
    log.error("%s failed (interaction %s)", what, interaction.id, exc_info=error)
    return SORRY


async def send_error(interaction: discord.Interaction[Any], message: str) -> None:
    """Answer privately, whether or not the interaction was already answered."""
    embed = discord.Embed(description=message, colour=discord.Colour.red())
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id)


class Vetbot(commands.Bot):
    """vetbot's client, built from a ready core (config, knowledge, database)."""

    def __init__(self, core: Core, *, sync_only: bool = False, **shards: Any) -> None:
        # vetbot has no voice features: discord.py's two warnings about missing voice
        # libraries are noise. These are the flags it checks (once) before warning.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            # Only the guilds intent: roles and channels for permission checks and the
            # moderation queue. No privileged intent is needed.
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=VetbotTree,
            **shards,
        )
        self.core = core
        self.config = core.config
        self.sync_only = sync_only
        # What vetbot's buttons do; filled by the extensions as they load.
        self.components = ComponentHandlers()

    async def setup_hook(self) -> None:
        for name in extension_names():
            await self.load_extension(name)
        log.info("Loaded %d extensions", len(self.extensions))
        await self.sync_commands(force=self.sync_only)
        if self.sync_only:
            await self.close()

    def command_payload(self) -> list[dict[str, Any]]:
        """The commands as Discord receives them on sync, in a stable order."""
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands()]
        return sorted(payload, key=lambda c: (c.get("type", 1), c["name"]))

    def command_hash(self) -> str:
        """A hash of the command set plus its sync targets; unchanged hash, no sync."""
        blob = json.dumps(
            {"commands": self.command_payload(), "guilds": list(self.config.guild_ids)},
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Push commands only when they changed (Discord limits creations to 200 a day),
        from one process at a time: another process that starts meanwhile leaves it to this one.
        """
        leases = self.core.leases
        if not await leases.acquire(SYNC_LEASE, ttl=SYNC_LEASE_TTL, now=dt.datetime.now(dt.UTC)):
            log.info("Another process is syncing the slash commands; not syncing here")
            return False
        try:
            return await self._sync_if_changed(force=force)
        finally:
            await leases.release(SYNC_LEASE)

    async def _sync_if_changed(self, *, force: bool) -> bool:
        digest = self.command_hash()
        if not force and await self.core.db.get_meta(SYNC_HASH_KEY) == digest:
            log.info("Slash commands unchanged since the last sync; not syncing")
            return False
        if self.config.guild_ids:
            for guild_id in self.config.guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("Synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("Synced %d global commands", len(synced))
        await self.core.db.set_meta(SYNC_HASH_KEY, digest)
        return True

    async def on_ready(self) -> None:
        # May fire many times (after reconnects): nothing one-time belongs here.
        log.info("Connected as %s to %d guild(s)", self.user, len(self.guilds))


class ShardedVetbot(Vetbot, commands.AutoShardedBot):
    """vetbot on several shards in this process: all of ``discord.shard_count``, or the slice
    ``discord.shard_ids`` names (other processes run the rest, on the same database)."""


def build_bot(core: Core, *, sync_only: bool = False) -> Vetbot:
    """The client the config asks for: one plain connection unless shards are configured."""
    config = core.config
    if config.shard_count is None:
        return Vetbot(core, sync_only=sync_only)
    shard_ids = list(config.shard_ids) if config.shard_ids is not None else None
    log.info("Running shard(s) %s of %d", shard_ids or "all", config.shard_count)
    return ShardedVetbot(
        core, sync_only=sync_only, shard_count=config.shard_count, shard_ids=shard_ids
    )


async def run_bot(config: Config, *, sync_only: bool = False) -> int:
    """Open the core, connect to Discord, and close both cleanly on SIGINT or SIGTERM."""
    core = await Core.open(config)
    # The knowledge base and its indexes live as long as the process: keep them out of the
    # garbage collector's full scans, which otherwise stall every few thousand interactions.
    gc.collect()
    gc.freeze()
    bot = build_bot(core, sync_only=sync_only)
    loop = asyncio.get_running_loop()
    stopping: set[asyncio.Task[None]] = set()

    def stop(signame: str) -> None:
        log.info("Received %s, shutting down", signame)
        stopping.add(loop.create_task(bot.close()))

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop, sig.name)
    try:
        async with bot:
            await bot.start(config.token or "")
    except discord.LoginFailure:
        raise SetupError(
            f"{TOKEN_ENV}: Discord refused this token; copy it again from the developer "
            "portal (Bot tab, Reset Token)"
        ) from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        # Only logging in gets here: once connected, discord.py reconnects by itself.
        raise SetupError(
            f"Cannot reach Discord ({_reason(exc)}); check the network connection, a firewall "
            "or proxy, then run again"
        ) from None
    finally:
        if stopping:
            await asyncio.gather(*stopping, return_exceptions=True)
        await core.close()
        log.info("Closed the gateway and the database")
    return 0


def _reason(exc: BaseException) -> str:
    # aiohttp's connection errors carry the host and the OS error, whose text is the readable
    # part ("Name or service not known", "Connect call failed").
    cause = getattr(exc, "os_error", None) or exc
    text = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
    host = getattr(exc, "host", None)
    return f"{host}:{exc.port}: {text}" if host else text  # type: ignore[attr-defined]
