"""Per-community settings in the database, and giving old records their community."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import msgspec

from bot.changes import Changes, Kind
from bot.communities.settings import Community, Overrides, community_from
from bot.config import Config
from bot.storage import Database, placeholders, to_db_time

log = logging.getLogger(__name__)

# Tables whose rows belong to a community.
SCOPED_TABLES = ("reports", "blocklist", "community_orgs", "audit_log", "feedback")


class Unassigned(Exception):
    """Records from before communities existed, whose server is not yet known."""

    def __init__(self, count: int, path: str) -> None:
        super().__init__(
            f"{path} has {count} record(s) from before vetbot kept servers apart, and "
            "discord.guild_ids does not name exactly one server. Say which server they belong "
            "to: python -m bot db assign-guild GUILD_ID"
        )
        self.count = count


class CommunityStore:
    """Reads and writes ``communities``; caches the effective settings of each community."""

    def __init__(self, db: Database, config: Config, changes: Changes | None = None) -> None:
        self.db = db
        self.config = config
        self._cache: dict[int, Community] = {}
        # Settings changed through another process are read again here too.
        self.changes = changes or Changes()
        self.changes.on(Kind.COMMUNITY, self.forget)

    def forget(self, guild_id: int | None) -> None:
        """Read ``guild_id``'s settings (every community's, for None) from the database again."""
        if guild_id is None:
            self._cache.clear()
        else:
            self._cache.pop(guild_id, None)

    async def get(self, guild_id: int, name: str = "") -> Community:
        """The effective settings of ``guild_id`` (remembering its name when given)."""
        cached = self._cache.get(guild_id)
        if cached is not None and (not name or cached.name == name):
            return cached
        row = await self.db.fetchone(
            "SELECT name, settings FROM communities WHERE guild_id = ?", (guild_id,)
        )
        stored_name = row["name"] if row else ""
        overrides = msgspec.json.decode(row["settings"], type=Overrides) if row else Overrides()
        if name and name != stored_name:
            await self.db.execute(
                "INSERT INTO communities (guild_id, name) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name",
                (guild_id, name),
            )
            stored_name = name
        community = community_from(guild_id, stored_name, self.config, overrides)
        self._cache[guild_id] = community
        return community

    async def change(
        self,
        guild_id: int,
        changes: dict[str, Any],
        *,
        by: int,
        now: dt.datetime,
        reset: tuple[str, ...] = (),
    ) -> Community:
        """Apply ``changes`` (validated overrides) and clear ``reset`` ones; audited."""
        async with self.db.transaction() as conn:
            # Two administrators changing different settings at once, in two processes, must
            # not each write back what they read before the other's change.
            await self.db.serialize(f"communities:{guild_id}", conn=conn)
            row = await self.db.fetchone(
                "SELECT settings FROM communities WHERE guild_id = ?", (guild_id,), conn=conn
            )
            before = msgspec.json.decode(row["settings"]) if row else {}
            after = {k: v for k, v in {**before, **changes}.items() if k not in reset}
            # Validate the whole result, so a bad value never reaches the table.
            overrides = msgspec.convert(after, Overrides)
            stored = msgspec.json.encode(overrides).decode()
            await self.db.execute(
                "INSERT INTO communities (guild_id, settings, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
                "settings = excluded.settings, updated_at = excluded.updated_at, "
                "updated_by = excluded.updated_by",
                (guild_id, stored, to_db_time(now), by),
                conn=conn,
            )
            await self.db.execute(
                "INSERT INTO audit_log (guild_id, actor_id, at, action, report_id, before, after) "
                "VALUES (?, ?, ?, 'setup', NULL, ?, ?)",
                (guild_id, by, to_db_time(now), msgspec.json.encode(before).decode(), stored),
                conn=conn,
            )
        await self.changes.changed(Kind.COMMUNITY, guild_id)
        log.info("Community %s changed its settings: %s", guild_id, sorted({*changes, *reset}))
        return await self.get(guild_id)

    async def names(self, guild_ids: tuple[int, ...]) -> dict[int, str]:
        """The names vetbot last saw for these servers (a missing one was never seen)."""
        if not guild_ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT guild_id, name FROM communities WHERE guild_id IN ({placeholders(guild_ids)})",
            guild_ids,
        )
        return {r["guild_id"]: r["name"] for r in rows if r["name"]}

    # -- records from before communities ---------------------------------------------------

    async def unassigned(self) -> int:
        """How many records have no community yet."""
        total = 0
        for table in SCOPED_TABLES:
            total += int(
                await self.db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE guild_id IS NULL")
            )
        return total

    async def assign(self, guild_id: int) -> int:
        """Give every record without a community to ``guild_id``; returns how many moved."""
        moved = 0
        async with self.db.transaction() as conn:
            for table in SCOPED_TABLES:
                moved += await self.db.execute(
                    f"UPDATE {table} SET guild_id = ? WHERE guild_id IS NULL",
                    (guild_id,),
                    conn=conn,
                )
        if moved:
            log.info("Assigned %d record(s) from before communities to server %s", moved, guild_id)
        return moved

    async def settle_unassigned(self) -> None:
        """At start-up: give old records to the one configured server, or refuse to run."""
        count = await self.unassigned()
        if not count:
            return
        if len(self.config.guild_ids) == 1:
            await self.assign(self.config.guild_ids[0])
            return
        raise Unassigned(count, str(self.db.path))
