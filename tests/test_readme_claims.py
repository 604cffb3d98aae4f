"""The README's configuration table is what the loader does: a key marked required stops start-up
with one line naming it when left out; any other key left out takes the default shown."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.cli import build_parser, subcommands
from bot.config import ConfigError, load_config
from tests.conftest import BASE_CONFIG, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
_ROW = re.compile(r"^\| `([a-z_]+\.[a-z_]+)` \| (.+?) \| .+\|$", re.M)


def _config_rows() -> dict[str, str]:
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return dict(_ROW.findall(section))


ROWS = _config_rows()


def _toml(data: dict[str, dict[str, Any]]) -> str:
    # JSON's strings, numbers, booleans and lists are valid TOML values.
    return "".join(
        f"[{name}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in table.items())
        for name, table in data.items()
    )


def _write(tmp_path: Path, data: dict[str, dict[str, Any]]) -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(_toml(data), encoding="utf-8")
    return path


def test_the_table_lists_every_key_of_the_bundled_config() -> None:
    bundled = tomllib.loads((REPO / "bot.toml").read_text(encoding="utf-8"))
    keys = {f"{section}.{key}" for section, table in bundled.items() for key in table}
    assert keys <= set(ROWS)
    assert "logging.debug_loggers" in ROWS


@pytest.mark.parametrize("key", sorted(ROWS))
def test_a_key_left_out_does_what_the_readme_says(key: str, tmp_path: Path) -> None:
    section, name = key.split(".")
    base = tomllib.loads(BASE_CONFIG)
    cell = ROWS[key]
    if cell.startswith("required"):
        assert name in base.get(section, {}), f"{key} is required but the test config lacks it"
        del base[section][name]
        with pytest.raises(ConfigError) as caught:
            load_config(_write(tmp_path, base))
        assert str(caught.value).endswith(f"bot.toml: {key}: required key is missing")
        return
    default = tomllib.loads(f"v = {cell.strip('`')}")["v"]
    base.get(section, {}).pop(name, None)
    left_out = load_config(_write(tmp_path, base))
    given = load_config(
        _write(tmp_path, {**base, section: {**base.get(section, {}), name: default}})
    )
    assert left_out == given


def test_the_one_shot_table_names_real_subcommands() -> None:
    named = set(re.findall(r"^\| `python -m bot ([a-z-]+(?: [a-z-]+)?)", README, re.M))
    real = set(subcommands(build_parser()))
    assert named - real == set(), named - real
