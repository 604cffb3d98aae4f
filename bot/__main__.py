"""``python -m bot``: see :mod:`bot.cli`."""

from bot.cli import main

# Guarded: the directory's worker processes are spawned, and spawn imports the main module.
if __name__ == "__main__":
    raise SystemExit(main())
