"""Where the bundled knowledge base and default config live, installed or run from a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
_BUNDLED = _PACKAGE / "_bundled"


def _first_existing(*candidates: Path) -> Path:
    return next((c for c in candidates if c.exists()), candidates[0])


def bundled_config() -> Path:
    """The default ``bot.toml``: the checkout's own, or the copy packed into the wheel."""
    return _first_existing(_CHECKOUT / "bot.toml", _BUNDLED / "bot.toml")


def bundled_knowledge() -> Path:
    """The knowledge base shipped with vetbot."""
    return _first_existing(_CHECKOUT / "knowledge", _BUNDLED / "knowledge")


def is_installed_copy(path: Path) -> bool:
    """True for files inside an installed wheel, which must not be written next to."""
    return _BUNDLED in Path(path).resolve().parents
