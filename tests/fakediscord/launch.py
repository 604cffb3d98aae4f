"""Run the real ``python -m bot`` against the fake Discord named in the environment.

Test-only: ``VETBOT_FAKE_DISCORD=http://127.0.0.1:<port> python -m fakediscord.launch
--config <bot.toml> run``. It points discord.py's two base addresses at the fake and then calls
``bot.cli.main`` unchanged, so the bot itself carries no test hooks.
"""

from __future__ import annotations

import os
import sys

import discord.gateway
import discord.http
import yarl

FAKE_URL_ENV = "VETBOT_FAKE_DISCORD"


def point_discord_at(base_url: str) -> None:
    """Send discord.py's REST calls and gateway connection to ``base_url`` (http://host:port)."""
    base = base_url.rstrip("/")
    discord.http.Route.BASE = f"{base}/api/v10"
    ws = "ws" + base.removeprefix("http")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"{ws}/gateway/")


def main(argv: list[str] | None = None) -> int:
    """Entry point: patch, then hand over to the bot's own command line."""
    base = os.environ.get(FAKE_URL_ENV)
    if not base or not base.startswith("http://127.0.0.1:"):
        sys.stderr.write(f"{FAKE_URL_ENV} must be the fake's http://127.0.0.1:<port> address\n")
        return 2
    point_discord_at(base)
    from bot.cli import main as bot_main

    return bot_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
