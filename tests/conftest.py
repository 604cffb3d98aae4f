"""Shared fixtures: a config on a temporary path, and a real core over the shipped knowledge.

Everything that stores data runs once per storage backend: SQLite on a temporary file, and
PostgreSQL in a schema of its own made for the test (from ``VETBOT_TEST_POSTGRES``, a URL
to a server where we may create schemas; ``.ci/run`` starts one).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import reports_fixtures
from fakediscord.config import bot_toml
from storage_backends import BACKENDS, fresh_database

from bot import paths
from bot.config import Config, load_config
from bot.console import console_actor
from bot.replies import Actor, Role

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = paths.bundled_knowledge()

BASE_CONFIG = bot_toml()


@pytest.fixture(params=BACKENDS)
def database_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A fresh, empty database on each backend: an SQLite path, or a PostgreSQL URL."""
    with fresh_database(request.param, tmp_path) as target:
        reports_fixtures.TARGET = target
        try:
            yield target
        finally:
            reports_fixtures.TARGET = None


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Report test modules build their service with ``open_service``: run them on every
    backend, as if each had asked for ``database_target``."""
    path = getattr(collector, "path", None)
    if (
        isinstance(collector, pytest.Module)
        and path is not None
        and path.name.startswith("test_")
        and "open_service" in path.read_text(encoding="utf-8")
    ):
        collector.add_marker(pytest.mark.usefixtures("database_target"))


# Modules whose tests are about the SQLite file itself (a corrupt, read-only or missing file,
# what the file and its journal keep on disk): their PostgreSQL runs would test nothing.
SQLITE_FILE_MODULES = frozenset({"test_cli_errors.py", "test_privacy_disk.py"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the PostgreSQL runs of tests about the SQLite file."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = (
            callspec is not None and callspec.params.get("database_target") == "postgresql"
        )
        (drop if on_postgres and item.path.name in SQLITE_FILE_MODULES else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def config_path(tmp_path: Path, database_target: Path | str) -> Path:
    """A valid config whose database is the test's own (a file in its temporary folder, or a
    PostgreSQL database made for it)."""
    path = tmp_path / "bot.toml"
    database = str(database_target) if isinstance(database_target, str) else "vetbot.db"
    path.write_text(
        BASE_CONFIG.replace('database = "vetbot.db"', f'database = "{database}"'),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


@pytest.fixture
async def core(config: Config) -> AsyncIterator[object]:
    from bot.core import Core

    core = await Core.open(config)
    try:
        yield core
    finally:
        await core.close()


@pytest.fixture
def member() -> Actor:
    return console_actor("member", Role.MEMBER)


@pytest.fixture
def organizer() -> Actor:
    return console_actor("organizer", Role.ORGANIZER)


@pytest.fixture
def moderator() -> Actor:
    return console_actor("moderator", Role.MODERATOR)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put back the logger levels and root handlers that ``bot.cli.main`` sets up."""
    import logging

    names = ("", "bot", "cogs", "discord", "discord.gateway", "discord.http", "aiosqlite")
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(logging.getLogger().handlers)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        logging.getLogger().handlers[:] = handlers
