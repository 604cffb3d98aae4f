"""Both backends' migrations stay in step, and the PostgreSQL backend's SQL translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage import MIGRATIONS_DIR, POSTGRES_MIGRATIONS_DIR, load_migrations
from bot.storage.postgres import placeholders, redact


def test_every_sqlite_migration_has_a_postgresql_twin() -> None:
    # Whoever adds bot/migrations/NNNN_x.sql adds bot/migrations/postgres/NNNN_x.sql with the
    # same schema change in PostgreSQL's words; without it a PostgreSQL deployment would stop
    # one version short (and the version numbers of the two would mean different schemas).
    sqlite = {m.version: m.name for m in load_migrations(MIGRATIONS_DIR)}
    postgres = {m.version: m.name for m in load_migrations(POSTGRES_MIGRATIONS_DIR)}
    missing = sorted(name for version, name in sqlite.items() if version not in postgres)
    assert not missing, f"no PostgreSQL twin in bot/migrations/postgres/ for {missing}"
    extra = sorted(name for version, name in postgres.items() if version not in sqlite)
    assert not extra, f"PostgreSQL migrations without an SQLite one: {extra}"
    assert postgres == sqlite  # the same names, so the pairs are easy to review side by side


def test_postgresql_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in load_migrations(POSTGRES_MIGRATIONS_DIR)]
    assert versions == list(range(1, len(versions) + 1))


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 1", "SELECT 1"),
        ("SELECT ? , ?", "SELECT $1 , $2"),
        (
            "UPDATE t SET a = ? WHERE b = 'why?' AND c = ?",
            "UPDATE t SET a = $1 WHERE b = 'why?' AND c = $2",
        ),
        ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = $1'),
        ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , $1"),
    ],
)
def test_question_marks_become_numbered_parameters_outside_quotes(sql: str, expected: str) -> None:
    assert placeholders(sql) == expected


def test_passwords_never_show_in_the_name_of_the_database() -> None:
    assert redact("postgresql://bot:s3cret@db.example:5433/vetbot") == (
        "postgresql://bot@db.example:5433/vetbot"
    )
    assert redact("postgresql://bot@localhost/vetbot") == "postgresql://bot@localhost/vetbot"


def test_a_password_in_the_database_url_is_refused(tmp_path: Path) -> None:
    from fakediscord.config import bot_toml

    from bot.config import ConfigError, load_config

    path = tmp_path / "bot.toml"
    url = "postgresql://bot:s3cret@db.example/vetbot"
    path.write_text(bot_toml().replace('database = "vetbot.db"', f'database = "{url}"'))
    with pytest.raises(ConfigError, match="PGPASSWORD") as caught:
        load_config(path)
    assert "s3cret" not in str(caught.value)
    path.write_text(
        bot_toml().replace('database = "vetbot.db"', 'database = "postgresql://bot@db/v"')
    )
    assert load_config(path).database == "postgresql://bot@db/v"
