"""Shared fixtures: a config on a temporary path, and a real core over the shipped knowledge."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakediscord.config import bot_toml

from bot import paths
from bot.config import Config, load_config
from bot.console import console_actor
from bot.replies import Actor, Role

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = paths.bundled_knowledge()

BASE_CONFIG = bot_toml()


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """A valid config whose database lives in the test's temporary folder."""
    path = tmp_path / "bot.toml"
    path.write_text(BASE_CONFIG, encoding="utf-8")
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
