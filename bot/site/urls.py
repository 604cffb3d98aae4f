"""Where each page lives on the site, in one place: the builder, the server and the Discord
links (``site.base_url``) all ask here. Paths are relative to the site's root."""

from __future__ import annotations

INDEX = "index.html"


def org_path(org_id: str) -> str:
    """The page of one organization."""
    return f"orgs/{org_id}.html"


def myth_path(myth_id: str) -> str:
    """The page of one myth explainer."""
    return f"myths/{myth_id}.html"


def topic_path(topic_id: str) -> str:
    """The page of one topic."""
    return f"topics/{topic_id}.html"


def absolute(base_url: str, path: str) -> str | None:
    """``path`` on the site published at ``base_url``; ``None`` when no site is configured."""
    if not base_url:
        return None
    return base_url.rstrip("/") + "/" + path
