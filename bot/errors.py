"""Errors that stop a command before it can start, each already phrased as the one line to show.

The command line prints the message (no traceback) and exits 2: the fix is in the set-up (the
config, a file, the network, the token), not in what was asked.
"""

from __future__ import annotations


class SetupError(Exception):
    """Something vetbot needs is unusable; ``str(exc)`` names it and says what to do."""
