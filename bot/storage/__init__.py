"""Storage: one interface, two backends (SQLite by default, PostgreSQL for several processes).

``Database.open(target)`` picks the backend from ``storage.database``: a file path opens SQLite,
a ``postgresql://`` URL opens PostgreSQL. Import from here, never from a
backend module, so callers cannot come to depend on one backend's types.
"""

from bot.storage.base import (
    FOREIGN_KEYS_OFF,
    MIGRATIONS_DIR,
    POSTGRES_MIGRATIONS_DIR,
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
