"""``orgs import``: load registry files into the database, resumably and idempotently.

* Idempotent: a file whose SHA-256 matches the last finished import of the same file name is
  skipped ("unchanged"); re-importing changes nothing.
* A newer copy of a file updates its rows, adds new ones and removes the rows it no longer
  lists (revoked or dissolved organizations): each import stamps the rows it saw with its id.
* Resumable: every batch commits with the byte offset reached; run the same command again
  after an interruption and it goes on from there.
* Malformed rows (wrong column count, no name, an id that is not an EIN, amounts that are not
  numbers) are counted and their line numbers reported, never fatal.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tqdm import tqdm

from bot.directory.registry import IRS, IRS_COLUMNS
from bot.storage import Database, to_db_time

log = logging.getLogger(__name__)

BATCH = 20_000
_BLOCK_BYTES = 1 << 20
# While rows are bulk-loaded: commits not flushed to disk one by one (WAL with NORMAL never
# corrupts the file; a power cut loses at most the last batches, and the import resumes),
# and a page cache big enough for the (registry, reg_id) index, so that inserting into it
# does not read its pages back from the OS over and over. Restored afterwards.
_BULK_PRAGMAS = {"synchronous": "NORMAL", "cache_size": "-262144"}  # 256 MB
MALFORMED_SHOWN = 20  # line numbers kept per file (all of them are counted)
_FIELDS = ("name", "id", "city", "region")


class ImportFailed(Exception):
    """A file that cannot be imported at all (missing, or its header is not the layout)."""


@dataclass(frozen=True)
class ColumnMap:
    """Which header column holds what, for a registry other than the IRS."""

    name: str
    id: str
    city: str | None = None
    region: str | None = None

    @classmethod
    def parse(cls, text: str) -> ColumnMap:
        """``name=Charity Name,id=Registered Charity Number,city=Town`` -> a map.

        Raises ``ValueError`` naming the problem.
        """
        pairs: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, column = part.partition("=")
            key = key.strip().lower()
            if not sep or not column.strip():
                raise ValueError(f"{part!r}: write field=Column Header")
            if key not in _FIELDS:
                raise ValueError(f"{key!r}: the fields are {', '.join(_FIELDS)}")
            pairs[key] = column.strip()
        missing = [f for f in ("name", "id") if f not in pairs]
        if missing:
            raise ValueError(f"--columns needs {' and '.join(missing)}=…")
        return cls(pairs["name"], pairs["id"], pairs.get("city"), pairs.get("region"))


@dataclass
class ImportReport:
    """What importing one file did."""

    source: str
    registry: str
    status: str = "imported"  # imported | resumed | unchanged
    rows: int = 0
    malformed: int = 0
    malformed_lines: list[tuple[int, str]] = field(default_factory=list)
    removed: int = 0
    seconds: float = 0.0

    def counts(self) -> tuple[int, int]:
        """Rows and malformed rows so far."""
        return self.rows, self.malformed

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "registry": self.registry,
            "status": self.status,
            "rows": self.rows,
            "malformed": self.malformed,
            "malformed_lines": [{"line": n, "problem": p} for n, p in self.malformed_lines],
            "removed": self.removed,
            "seconds": round(self.seconds, 2),
        }


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def _amount(text: str) -> int | None:
    # int() skips surrounding spaces itself; anything else that is not a number is malformed.
    return int(text) if text and not text.isspace() else None


class _Parser:
    """Turns CSV records into rows, by the IRS layout or a column map."""

    def __init__(self, header: list[str], registry: str, columns: ColumnMap | None) -> None:
        self.registry = registry
        self.width = len(header)
        position = {name.strip(): i for i, name in enumerate(header)}
        if columns is None:
            if tuple(h.strip().upper() for h in header) != IRS_COLUMNS:
                raise ImportFailed(
                    "the header is not the IRS exempt organizations layout "
                    f"({', '.join(IRS_COLUMNS[:4])}, …); for another registry use "
                    "--format csv --columns name=…,id=…"
                )
            self.irs = True
        else:
            self.irs = False
            wanted = {"name": columns.name, "id": columns.id}
            if columns.city:
                wanted["city"] = columns.city
            if columns.region:
                wanted["region"] = columns.region
            if missing := [c for c in wanted.values() if c not in position]:
                raise ImportFailed(f"no column named {missing[0]!r} in the header")
            self.at = {f: position[c] for f, c in wanted.items()}

    def values(self, record: list[str]) -> tuple[object, ...]:
        """The :class:`RegistryRow` fields a record holds, as a tuple (no row object: an
        import makes millions); ``ValueError`` says why it is malformed."""
        if len(record) != self.width:
            raise ValueError(f"{len(record)} columns instead of {self.width}")
        if self.irs:
            ein = record[0].strip()
            if len(ein) != 9 or not ein.isdigit() or not ein.isascii():
                raise ValueError(f"EIN {ein[:20]!r} is not 9 digits")
            name = " ".join(record[1].split())
            if not name:
                raise ValueError("no name")
            return (
                IRS,
                ein,
                name,
                " ".join(record[4].split()),
                record[5].strip(),
                record[8].strip() or None,
                record[11].strip() or None,
                record[26].strip() or None,
                record[17].strip() or None,
                _amount(record[25]),
                _amount(record[23]),
                _amount(record[24]),
            )
        reg_id = record[self.at["id"]].strip()
        name = " ".join(record[self.at["name"]].split())
        if not reg_id or len(reg_id) > 40:
            raise ValueError("no registry number" if not reg_id else "registry number too long")
        if not name:
            raise ValueError("no name")
        city = " ".join(record[self.at["city"]].split()) if "city" in self.at else ""
        region = record[self.at["region"]].strip() if "region" in self.at else ""
        return (self.registry, reg_id, name, city, region, None, None, None, None, None, None, None)


class _Lines:
    """The decoded lines of a binary file from a byte offset, read a block at a time (one
    decode per line in a list comprehension, not a generator step and a counter each).

    :meth:`offset_after` says where a given line ends, for resuming: worked out only when a
    batch is committed, from the lengths of the current block's lines.
    """

    def __init__(self, f: IO[bytes], offset: int) -> None:
        self._f = f
        self._block: list[bytes] = []
        self._block_start = offset  # byte offset of the current block's first line
        self._before_block = 0  # lines yielded before the current block

    def __iter__(self) -> Iterator[str]:
        while block := self._f.readlines(_BLOCK_BYTES):
            self._before_block += len(self._block)
            self._block_start += sum(map(len, self._block))
            self._block = block
            yield from [raw.decode("utf-8", errors="replace") for raw in block]

    def offset_after(self, lines: int) -> int:
        """The byte offset just after the first ``lines`` lines yielded (csv's line_num)."""
        inside = lines - self._before_block
        return self._block_start + sum(map(len, self._block[:inside]))


_UPSERT = """
INSERT INTO directory_orgs (registry, reg_id, name, city, region, subsection, ruling, ntee,
                            tax_period, revenue, assets, income, source, generation)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (registry, reg_id) DO UPDATE SET
    name = excluded.name, city = excluded.city, region = excluded.region,
    subsection = excluded.subsection, ruling = excluded.ruling, ntee = excluded.ntee,
    tax_period = excluded.tax_period, revenue = excluded.revenue, assets = excluded.assets,
    income = excluded.income, source = excluded.source, generation = excluded.generation
"""


async def import_file(
    db: Database,
    path: Path,
    *,
    registry: str = IRS,
    columns: ColumnMap | None = None,
    progress: bool = True,
    batch: int = BATCH,
    stop_after: int | None = None,
) -> ImportReport:
    """Import one registry file into ``db`` (see the module docstring for the guarantees).

    ``stop_after`` stops after that many batches, as an interruption would (for tests).
    Raises :class:`ImportFailed` when the file cannot be read as that layout at all.
    """
    async with _bulk_load(db):
        return await _import_file(db, path, registry, columns, progress, batch, stop_after)


@contextlib.asynccontextmanager
async def _bulk_load(db: Database) -> AsyncIterator[None]:
    """:data:`_BULK_PRAGMAS` on this connection (SQLite only) while the block runs."""
    if db.backend != "sqlite":
        yield
        return
    before = {name: await db.fetchval(f"PRAGMA {name}") for name in _BULK_PRAGMAS}
    for name, value in _BULK_PRAGMAS.items():
        await db.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        for name, value in before.items():
            await db.execute(f"PRAGMA {name} = {int(value)}")


async def _import_file(
    db: Database,
    path: Path,
    registry: str,
    columns: ColumnMap | None,
    progress: bool,
    batch: int,
    stop_after: int | None,
) -> ImportReport:
    started = time.perf_counter()
    # Blocking reads on purpose: an import is a batch job of its own, no bot shares its loop.
    if not path.is_file():  # noqa: ASYNC240
        raise ImportFailed(f"{path}: no such file")
    source = path.name
    report = ImportReport(source, registry)
    digest = await asyncio.to_thread(_digest, path)
    last = await db.fetchone(
        "SELECT digest FROM directory_imports WHERE registry = ? AND source = ? "
        "AND status = 'done' ORDER BY id DESC LIMIT 1",
        (registry, source),
    )
    if last is not None and last["digest"] == digest:
        report.status = "unchanged"
        report.rows = int(
            await db.fetchval(
                "SELECT COUNT(*) FROM directory_orgs WHERE registry = ? AND source = ?",
                (registry, source),
            )
        )
        return report
    now = to_db_time(dt.datetime.now(dt.UTC))
    async with db.transaction() as conn:
        running = await db.fetchone(
            "SELECT id, resume_offset, resume_line, rows, malformed FROM directory_imports "
            "WHERE registry = ? AND source = ? AND digest = ? AND status = 'running' "
            "ORDER BY id DESC LIMIT 1",
            (registry, source, digest),
            conn=conn,
        )
        if running is None:
            # An interrupted import of an older copy is abandoned: this one supersedes it.
            await db.execute(
                "DELETE FROM directory_imports WHERE registry = ? AND source = ? "
                "AND status = 'running'",
                (registry, source),
                conn=conn,
            )
            import_id = await db.insert(
                "INSERT INTO directory_imports (registry, source, digest, status, started_at) "
                "VALUES (?, ?, ?, 'running', ?)",
                (registry, source, digest, now),
                conn=conn,
            )
            offset, line, report.rows, report.malformed = 0, 1, 0, 0
        else:
            import_id = running["id"]
            offset, line = running["resume_offset"], running["resume_line"]
            report.rows, report.malformed = running["rows"], running["malformed"]
            report.status = "resumed" if offset else "imported"
    total = await asyncio.to_thread(_count_lines, path)
    with open(path, "rb") as f:  # noqa: ASYNC230
        header_raw = f.readline()
        header_text = header_raw.decode("utf-8-sig", errors="replace")
        # Some registries publish tab-separated text (the Charity Commission's extract).
        delimiter = "\t" if header_text.count("\t") > header_text.count(",") else ","
        header = next(csv.reader([header_text], delimiter=delimiter), [])
        parser = _Parser(header, registry, columns)
        if offset == 0:
            offset = len(header_raw)
        f.seek(offset)
        lines = _Lines(f, offset)
        reader = csv.reader(lines, delimiter=delimiter)
        bar = tqdm(
            total=max(0, total - 1),
            initial=max(0, line - 1),
            unit="rows",
            unit_scale=True,
            desc=source,
            disable=not progress,
            mininterval=0.5,
        )
        pending: list[tuple[object, ...]] = []
        batches = 0
        seen = 0  # records read since the bar last moved
        # The previous batch is written (SQLite releases the GIL while it works) while the
        # next one is parsed; at most one batch waits, so memory stays flat.
        writing: asyncio.Task[None] | None = None
        try:
            for record in reader:
                seen += 1
                line_no = line + reader.line_num
                try:
                    values = parser.values(record)
                except ValueError as exc:
                    report.malformed += 1
                    if len(report.malformed_lines) < MALFORMED_SHOWN:
                        report.malformed_lines.append((line_no, str(exc)))
                    continue
                pending.append((*values, source, import_id))
                if len(pending) % 2048 == 0:
                    await asyncio.sleep(0)  # let the write in flight take its next step
                if len(pending) >= batch:
                    if writing is not None:
                        await writing
                    report.rows += len(pending)
                    writing = asyncio.create_task(
                        _commit(
                            db,
                            import_id,
                            pending,
                            lines.offset_after(reader.line_num),
                            line_no,
                            report.counts(),
                        )
                    )
                    bar.update(seen)
                    pending, seen = [], 0
                    batches += 1
                    if stop_after is not None and batches >= stop_after:
                        await writing
                        report.seconds = time.perf_counter() - started
                        return report
            if writing is not None:
                await writing
            report.rows += len(pending)
            await _commit(
                db,
                import_id,
                pending,
                lines.offset_after(reader.line_num),
                line + reader.line_num,
                report.counts(),
            )
            bar.update(seen)
        finally:
            if writing is not None and not writing.done():
                writing.cancel()
            bar.close()
    async with db.transaction() as conn:
        report.removed = await db.execute(
            "DELETE FROM directory_orgs WHERE registry = ? AND source = ? AND generation < ?",
            (registry, source, import_id),
            conn=conn,
        )
        await db.execute(
            "UPDATE directory_imports SET status = 'done', finished_at = ?, removed = ? "
            "WHERE id = ?",
            (to_db_time(dt.datetime.now(dt.UTC)), report.removed, import_id),
            conn=conn,
        )
    report.seconds = time.perf_counter() - started
    log.info(
        "Imported %s: %d rows, %d malformed, %d removed in %.1f s",
        source,
        report.rows,
        report.malformed,
        report.removed,
        report.seconds,
    )
    return report


async def _commit(
    db: Database,
    import_id: int,
    rows: list[tuple[object, ...]],
    offset: int,
    line: int,
    counts: tuple[int, int],
) -> None:
    """Write a batch and where to resume after it, as one transaction. ``counts`` (rows,
    malformed) are taken when the batch is cut, so a resumed import never counts one twice."""
    async with db.transaction() as conn:
        if rows:
            await db.executemany(_UPSERT, rows, conn=conn)
        await db.execute(
            "UPDATE directory_imports SET resume_offset = ?, resume_line = ?, rows = ?, "
            "malformed = ? WHERE id = ?",
            (offset, line, *counts, import_id),
            conn=conn,
        )
