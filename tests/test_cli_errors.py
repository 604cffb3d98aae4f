"""Every failure reads as one line naming the file or setting and what to do, with the same exit
statuses everywhere: 0 done or found, 1 not found or invalid input, 2 usage or set-up error."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import LONG_RUNNING, build_parser, main, subcommands
from tests.conftest import REPO

pytestmark = pytest.mark.usefixtures("restore_logging")

TEST_PATHS = os.pathsep.join([str(REPO), str(REPO / "tests")])


def _use_database(config_path: Path, database: str) -> Path:
    text = config_path.read_text().replace('database = "vetbot.db"', f'database = "{database}"')
    config_path.write_text(text)
    return config_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# -- database files ------------------------------------------------------------------------

ONE_SHOTS = [("about",), ("reports", "purge"), ("rate", "amnesty"), ("console",)]


@pytest.mark.parametrize("argv", ONE_SHOTS, ids=" ".join)
def test_a_corrupt_database_is_one_line(
    argv: tuple[str, ...], config_path: Path, capsys, monkeypatch
) -> None:
    (config_path.parent / "vetbot.db").write_text("junk\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO("/about\n"))  # for the console
    status, out, err = _run(capsys, "--config", str(config_path), *argv)
    line = _one_line(err)
    assert status == 2 and out == ""
    assert "vetbot.db: not a vetbot database" in line
    assert "restore it from a backup" in line and "storage.database" in line


@pytest.mark.parametrize("argv", ONE_SHOTS, ids=" ".join)
def test_a_database_in_a_missing_folder_is_one_line(
    argv: tuple[str, ...], config_path: Path, capsys, monkeypatch
) -> None:
    _use_database(config_path, "no-such-folder/vetbot.db")
    monkeypatch.setattr(sys, "stdin", io.StringIO("/about\n"))
    status, _, err = _run(capsys, "--config", str(config_path), *argv)
    line = _one_line(err)
    assert status == 2
    assert "the folder" in line and "no-such-folder does not exist" in line
    assert "create it or change storage.database" in line


def test_run_with_a_corrupt_database_is_one_line(config_path: Path, capsys, monkeypatch) -> None:
    (config_path.parent / "vetbot.db").write_text("junk\n")
    monkeypatch.setenv("DISCORD_TOKEN", "not-used")  # the database fails before Discord is tried
    status, _, err = _run(capsys, "--config", str(config_path), "run")
    assert status == 2
    assert "Traceback" not in err
    assert (
        err.strip()
        .splitlines()[-1]
        .endswith("or change storage.database in the config to a new file")
    )


def test_db_backup_of_a_corrupt_database_is_one_line(config_path: Path, capsys) -> None:
    (config_path.parent / "vetbot.db").write_text("junk\n")
    target = config_path.parent / "copy.db"
    status, _, err = _run(capsys, "--config", str(config_path), "db", "backup", str(target))
    assert status == 2 and "not a vetbot database" in _one_line(err)


def test_db_backup_to_a_missing_folder_is_one_line(config_path: Path, capsys) -> None:
    target = config_path.parent / "nowhere" / "copy.db"
    status, out, err = _run(capsys, "--config", str(config_path), "db", "backup", str(target))
    line = _one_line(err)
    assert status == 2 and out == ""
    assert (
        line == f"{target}: the folder {target.parent} does not exist; "
        "create it or choose another backup path"
    )


def _without_file_permission_override() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only to us")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"]


def test_a_read_only_database_is_found_at_start(config_path: Path) -> None:
    prefix = _without_file_permission_override()
    env = {**os.environ, "PYTHONPATH": TEST_PATHS}
    cli = [sys.executable, "-m", "bot", "--config", str(config_path)]
    ok = subprocess.run(
        [*cli, "reports", "purge"], capture_output=True, text=True, env=env, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
    database = config_path.parent / "vetbot.db"
    database.chmod(0o444)
    try:
        for argv in (["about"], ["console"]):
            result = subprocess.run(
                [*prefix, *cli, *argv],
                input="/about\n",
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            assert result.returncode == 2, result.stdout + result.stderr
            assert result.stdout == ""
            line = _one_line(result.stderr)
            assert line.startswith(f"{database}: the database is read-only;"), line
            assert "change storage.database" in line
    finally:
        database.chmod(0o644)


# -- Discord unreachable -------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", ["run", "sync"])
def test_discord_unreachable_is_one_line(command: str, config_path: Path) -> None:
    from fakediscord.launch import FAKE_URL_ENV

    env = {
        **os.environ,
        "DISCORD_TOKEN": "a-token",
        FAKE_URL_ENV: f"http://127.0.0.1:{_closed_port()}",
        "PYTHONPATH": TEST_PATHS,
    }
    result = subprocess.run(
        [sys.executable, "-m", "fakediscord.launch", "--config", str(config_path), command],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Cannot reach Discord (")
    assert last.endswith("check the network connection, a firewall or proxy, then run again")
    assert sum("Cannot reach Discord" in line for line in result.stderr.splitlines()) == 1
    # A bot without voice has no use for these warnings.
    assert "voice will NOT be supported" not in result.stderr


# -- Ctrl-C in the interactive console -----------------------------------------------------


def _read_until(master: int, wanted: bytes, seen: bytearray, timeout: float = 60) -> bool:
    """Read the terminal until ``wanted`` shows up, the child closes it, or ``timeout``."""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([master], [], [], left)[0]:
            return False
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        seen += chunk
    return True


def _wait_until_blocked_reading(pid: int, timeout: float = 60) -> None:
    """Wait until the process sits in select() for the next key. A signal that lands between
    readline's prompt and its select() is only seen at the next key, in any Python program;
    a person never hits that window, a test sending SIGINT on seeing the prompt can."""
    proc = Path(f"/proc/{pid}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            where = (proc / "wchan").read_text()
        except OSError:
            return  # no /proc here: cannot tell, send at once
        # Asleep in select() (readline) rather than epoll (asyncio); "0" if the kernel hides it.
        if state == "S" and ("select" in where or "poll_schedule" in where or where == "0"):
            return
        os.sched_yield()


def test_ctrl_c_leaves_the_interactive_console_at_once(config_path: Path) -> None:
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(config_path), "console"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "PYTHONPATH": TEST_PATHS, "TERM": "dumb"},
        start_new_session=True,
    )
    os.close(slave)
    seen = bytearray()
    try:
        assert _read_until(master, b"vetbot> ", seen), seen.decode(errors="replace")
        _wait_until_blocked_reading(process.pid)
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends; no Enter follows
        status = process.wait(timeout=60)
        _read_until(master, b"\0never", seen, timeout=5)  # whatever it printed on the way out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    text = seen.decode(errors="replace")
    assert status == 0, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text


# -- usage ---------------------------------------------------------------------------------


def test_config_works_before_or_after_the_subcommand(config_path: Path, capsys) -> None:
    for argv in (
        ["--config", str(config_path), "rate", "amnesty", "--json"],
        ["rate", "amnesty", "--json", "--config", str(config_path)],
        ["rate", "--config", str(config_path), "amnesty", "--json"],
    ):
        status, out, _ = _run(capsys, *argv)
        assert status == 0 and json.loads(out)["match"]["id"] == "amnesty-international", argv
    target = config_path.parent / "copy.db"
    status, _, _ = _run(capsys, "db", "backup", str(target), "--config", str(config_path))
    assert status == 0 and target.exists()


def test_every_one_shot_command_accepts_json() -> None:
    commands = subcommands(build_parser())
    assert {"about", "db backup", "reports purge", "kb check"} <= set(commands)
    missing = [
        name
        for name, parser in commands.items()
        if name not in LONG_RUNNING
        and "--json" not in {s for a in parser._actions for s in a.option_strings}
    ]
    assert missing == []


def test_one_shots_print_json(config_path: Path, capsys) -> None:
    status, out, _ = _run(capsys, "--config", str(config_path), "reports", "purge", "--json")
    assert status == 0 and json.loads(out) == {"erased": 0}
    status, out, _ = _run(capsys, "--config", str(config_path), "reports", "export", "--json")
    assert status == 0 and json.loads(out) == []
    target = config_path.parent / "copy.db"
    status, out, _ = _run(
        capsys, "--config", str(config_path), "db", "backup", str(target), "--json"
    )
    assert status == 0 and json.loads(out)["backup"] == str(target)


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["rate", "amnesty"], 0),
        (["rate", "zzqx qqzx"], 1),
        (["ask", "What is criterion 2?"], 0),
        (["ask", "zzqx qqzx"], 1),
        (["term", "zzqx"], 1),
        (["myth", "zzqx"], 1),
        (["criteria", "2"], 0),
        (["criteria", "77"], 1),
        (["about"], 0),
    ],
)
def test_exit_status_is_0_found_1_not_found(
    argv: list[str], status: int, config_path: Path, capsys
) -> None:
    assert _run(capsys, "--config", str(config_path), *argv, "--json")[0] == status
    assert _run(capsys, "--config", str(config_path), *argv)[0] == status


def test_usage_and_configuration_errors_exit_2(config_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["--config", str(config_path), "rate"])  # the name is missing
    assert usage.value.code == 2
    capsys.readouterr()
    status, _, err = _run(capsys, "--config", str(config_path.parent / "none.toml"), "about")
    assert status == 2 and "file not found" in _one_line(err)
    status, _, err = _run(
        capsys, "--config", str(config_path), "reports", "export", "--json", "--format", "csv"
    )
    assert status == 2 and "choose one" in _one_line(err)


@pytest.mark.parametrize("argv", [("run",), ("about",), ("console",)], ids=" ".join)
def test_an_invalid_knowledge_base_is_one_line(
    argv: tuple[str, ...], config_path: Path, capsys, monkeypatch
) -> None:
    broken = config_path.parent / "knowledge"
    broken.mkdir()
    (broken / "criteria.toml").write_text("[[criteria]]\nid = \n")
    text = re.sub(r'path = ".*"', 'path = "knowledge"', config_path.read_text())
    config_path.write_text(text)
    monkeypatch.setenv("DISCORD_TOKEN", "not-used")  # the knowledge fails before Discord is tried
    monkeypatch.setattr(sys, "stdin", io.StringIO("/about\n"))
    status, _, err = _run(capsys, "--config", str(config_path), *argv)
    assert status == 2
    line = err.strip().splitlines()[-1]
    assert "Traceback" not in err
    assert line.startswith(f"{broken}: the knowledge base has ")
    assert line.endswith("run `python -m bot kb check` to list them all")
