"""The one database owner, by its old name: see :mod:`bot.storage` for the backends.

``from bot.db import Database`` keeps working; ``Database.open`` picks SQLite for a path and
PostgreSQL for a ``postgresql://`` URL.
"""

from bot.storage import (
    Conn,
    Database,
    Migration,
    MigrationError,
    Params,
    Row,
    StorageError,
    StorageUnavailable,
    from_db_time,
    is_database_url,
    load_migrations,
    placeholders,
    to_db_time,
)
from bot.storage.base import FOREIGN_KEYS_OFF, MIGRATIONS_DIR, POSTGRES_MIGRATIONS_DIR

__all__ = [
    "FOREIGN_KEYS_OFF",
    "MIGRATIONS_DIR",
    "POSTGRES_MIGRATIONS_DIR",
    "Conn",
    "Database",
    "Migration",
    "MigrationError",
    "Params",
    "Row",
    "StorageError",
    "StorageUnavailable",
    "from_db_time",
    "is_database_url",
    "load_migrations",
    "placeholders",
    "to_db_time",
]
