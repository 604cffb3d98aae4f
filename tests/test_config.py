"""bot.toml: valid files load, and every broken one stops start-up with one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.conftest import BASE_CONFIG, REPO


def test_bundled_config_loads_from_any_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.knowledge.is_dir()
    assert config.moderator_roles == ("Moderator",)
    assert config.moderation_queue == "mod-queue"
    assert config.reports.retention_days == 90


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deploy"
    folder.mkdir()
    (folder / "bot.toml").write_text(BASE_CONFIG.replace('"vetbot.db"', '"data/v.db"'))
    assert load_config(folder / "bot.toml").database == folder / "data" / "v.db"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("guild_ids = []", 'guild_ids = ["x"]'), "bot.toml: discord.guild_ids[0]: expected `int`"),
        (("[storage]\n", "[storage]\ncolour = 1\n"), "bot.toml: storage.colour: unknown key"),
        (('database = "vetbot.db"\n', ""), "bot.toml: storage.database: required key is missing"),
        (("[roles]", "[rolez]"), "bot.toml: rolez: unknown key"),
        (("guild_ids = []", 'guild_ids = []\ntoken = "abc"'), "bot.toml: discord.token: secrets"),
        (("[storage]", "[storage"), "bot.toml: not valid TOML"),
        (
            ("[storage]\n", "[reports]\nper_user_per_hour = 0\n[storage]\n"),
            "bot.toml: reports.per_user_per_hour: expected `int` >= 1",
        ),
    ],
    ids=[
        "wrong-type",
        "unknown-key",
        "missing-key",
        "unknown-section",
        "token",
        "syntax",
        "out-of-range",
    ],
)
def test_config_errors_are_one_line(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(BASE_CONFIG.replace(*change))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.replace(str(tmp_path) + "/", "").startswith(expected), message
    assert "\n" not in message


def test_token_in_file_is_never_echoed(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(BASE_CONFIG.replace("guild_ids = []", 'guild_ids = []\ntoken = "sekrit"'))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "sekrit" not in str(info.value)
    assert "DISCORD_TOKEN" in str(info.value)


def _run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=60,
        check=False,
    )


def test_cli_reports_a_config_error_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(BASE_CONFIG.replace("[roles]", "[rolez]"))
    result = _run_cli("--config", str(path), "run")
    assert result.returncode == 2
    assert result.stderr.strip() == f"{path}: rolez: unknown key"


def test_run_without_token_explains_how_to_set_it() -> None:
    result = _run_cli("run")
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "python -m bot console" in result.stderr
    assert "Traceback" not in result.stderr


def _with_discord(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "bot.toml"
    text = BASE_CONFIG.replace('shard_count = "auto"', "").replace('shard_ids = "auto"', "")
    path.write_text(text.replace("guild_ids = []", f"guild_ids = []\n{lines}"))
    return path


@pytest.mark.parametrize(
    ("lines", "count", "ids"),
    [
        ("", None, None),
        ('shard_count = "auto"\nshard_ids = "auto"', None, None),
        ("shard_count = 4", 4, None),
        ("shard_count = 4\nshard_ids = [3, 1]", 4, (3, 1)),
    ],
    ids=["absent", "auto", "all-of-four", "a-slice"],
)
def test_shards_load(tmp_path: Path, lines: str, count: int | None, ids: tuple | None) -> None:
    config = load_config(_with_discord(tmp_path, lines))
    assert (config.shard_count, config.shard_ids) == (count, ids)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("shard_ids = [0]", "discord.shard_ids: needs discord.shard_count set"),
        ("shard_count = 2\nshard_ids = [2]", "discord.shard_ids: 2 is out of range;"),
        ("shard_count = 2\nshard_ids = [0, 0]", "discord.shard_ids: (0, 0) names a shard twice"),
        ("shard_count = 2\nshard_ids = []", "discord.shard_ids: name at least one shard"),
        ("shard_count = 2\nshard_ids = [-1]", "discord.shard_ids[0]: expected `int` >= 0"),
        ('shard_count = 2\nshard_ids = ["a"]', "discord.shard_ids[0]: expected `int`"),
        ('shard_ids = "all"', "discord.shard_ids: expected a list of shard numbers such as"),
        ("shard_count = 0", "discord.shard_count: expected a whole number from 1 to"),
        ('shard_count = "two"', "discord.shard_count: expected a whole number from 1 to"),
    ],
    ids=[
        "ids-without-count",
        "out-of-range",
        "twice",
        "empty",
        "negative",
        "text-id",
        "word",
        "zero",
        "text-count",
    ],
)
def test_shard_errors_are_one_line(tmp_path: Path, lines: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_with_discord(tmp_path, lines))
    message = str(info.value)
    assert message.replace(str(tmp_path) + "/", "").startswith(f"bot.toml: {expected}"), message
    assert "\n" not in message
