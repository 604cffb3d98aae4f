"""vetbot: rights-based knowledge about anti-trafficking organizations, in Discord."""

__version__ = "0.1.0"
