"""Peer reports about organizations: submission rules, moderation, storage, export.

The pure core of the feature; it never imports discord. Cogs call :class:`ReportService` and
render what :mod:`bot.reports.replies` builds.
"""
