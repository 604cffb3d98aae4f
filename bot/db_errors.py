"""SQLite's complaints about a database file, phrased as the one line a person can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.errors import SetupError


class DatabaseUnavailable(SetupError):
    """The database file cannot be used; the message is the one line to show, naming the file
    and what to do about it."""


# The SQLite result codes that mean the file or the disk, not the SQL, is the problem.
_FILE_PROBLEMS = {
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_PERM,
}


def is_file_problem(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` is about the file or the disk rather than the SQL (a bug)."""
    return _primary_code(exc) in _FILE_PROBLEMS


def _primary_code(exc: sqlite3.Error) -> int:
    # Extended codes (SQLITE_READONLY_DBMOVED, …) keep the primary code in the low byte.
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF


def unavailable(path: str | Path, exc: sqlite3.Error, setting: str) -> DatabaseUnavailable:
    """Phrase an SQLite error about ``path`` as one line; ``setting`` is what to change instead
    (``storage.database in the config``, or ``another backup path``)."""
    path = Path(path)
    code = _primary_code(exc)
    if code == sqlite3.SQLITE_CANTOPEN and not path.parent.is_dir():
        problem = f"the folder {path.parent} does not exist; create it or change {setting}"
    elif code == sqlite3.SQLITE_CANTOPEN:
        problem = (
            "cannot open the file; check that vetbot may read and write it and its folder, "
            f"or change {setting}"
        )
    elif code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        problem = (
            "not a vetbot database, or damaged; restore it from a backup, or change "
            f"{setting} to a new file"
        )
    elif code == sqlite3.SQLITE_READONLY:
        problem = (
            "the database is read-only; let vetbot write to the file and its folder, "
            f"or change {setting}"
        )
    elif code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        problem = "the database is locked by another program; stop it (another vetbot?) first"
    elif code == sqlite3.SQLITE_FULL:
        problem = "the disk is full; free some space"
    else:
        problem = (
            f"cannot use the database ({exc}); check the file and the disk, or change {setting}"
        )
    return DatabaseUnavailable(f"{path}: {problem}")
