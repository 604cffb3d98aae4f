"""Pages from :class:`~bot.site.data.Site`: one table of paths that the builder writes to disk
and the server answers from, so the static site and the live one are the same pages.

Templates are Jinja2 with autoescaping on for every page (report text and knowledge entries are
data, never markup). Links are relative (``root`` is ``""`` or ``"../"``), so the built folder
works from any host, any sub-path, or straight from the disk.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from bot import __version__
from bot.knowledge.models import Rating
from bot.reports.export import to_csv, to_json
from bot.site import charts, urls
from bot.site.data import RATING_LABELS, Site

log = logging.getLogger(__name__)

STATIC_FILES = ("site.css", "search.js")
EXPORTS = {
    "data/reports.json": "application/json",
    "data/reports.csv": "text/csv",
    "data/ratings.json": "application/json",
}
SERIES_COLOURS = {"received": "#3a5a8c", "approved": "#1e7b3a", "rejected": "#b3261e"}


@dataclass(frozen=True)
class Page:
    """One HTML page: its template and what it is given."""

    template: str
    context: dict[str, Any]


def environment() -> jinja2.Environment:
    """The template environment: autoescaped, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        urls=urls,
        version=__version__,
        rating_labels=RATING_LABELS,
        Rating=Rating,
        criteria_chart=charts.criteria_chart,
    )
    env.filters["verdict_class"] = lambda rating: f"v-{rating.value}"
    return env


def _root(path: str) -> str:
    return "../" * path.count("/")


def pages(site: Site) -> dict[str, Page]:
    """Every HTML page of the site by path."""
    table: dict[str, Page] = {
        urls.INDEX: Page("index.html", {"kinds": sorted({o.kind for o in site.orgs})}),
        "criteria.html": Page("criteria.html", {}),
        "myths.html": Page("myths.html", {}),
        "terms.html": Page("terms.html", {}),
        "topics.html": Page("topics.html", {}),
        "sources.html": Page("sources.html", {}),
        "community.html": Page("community.html", _community_context(site)),
        "about.html": Page("about.html", {"exports": EXPORTS}),
    }
    for org in site.orgs:
        table[urls.org_path(org.id)] = Page("org.html", {"org": org})
    for myth in site.myths:
        table[urls.myth_path(myth.id)] = Page("myth.html", {"myth": myth})
    for topic in site.topics:
        table[urls.topic_path(topic.id)] = Page("topic.html", {"topic": topic})
    return table


def _community_context(site: Site) -> dict[str, Any]:
    months = site.activity.months
    labels = [m.month for m in months]
    counts = charts.bar_chart(
        "reports-per-month",
        "Peer reports per month",
        labels,
        [
            charts.Series(name, SERIES_COLOURS[name], [getattr(m, name) for m in months])
            for name in ("received", "approved", "rejected")
        ],
    )
    times = charts.bar_chart(
        "decision-time",
        "Median days from report to decision, by month of decision",
        labels,
        [charts.Series("median days", "#3a5a8c", [m.median_days for m in months])],
        unit=" days",
    )
    return {"counts_chart": counts, "times_chart": times}


def render(env: jinja2.Environment, site: Site, path: str, page: Page) -> str:
    """One page as HTML text."""
    template = env.get_template(page.template)
    return template.render(site=site, path=path, root=_root(path), **page.context)


def ratings_json(site: Site) -> str:
    """The knowledge base's verdicts, criterion by criterion, as open data."""
    data = [
        {
            "id": org.id,
            "name": org.name,
            "kind": org.kind,
            "location": org.location,
            "reviewed": org.reviewed.isoformat() if org.reviewed else None,
            "criteria": {
                str(v.number): {
                    "verdict": v.rating.value,
                    "note": v.note,
                    "evidence": list(v.evidence),
                    "sources": [s.id for s in v.sources],
                }
                for v in org.verdicts
            },
            "approved_reports": len(org.reports),
        }
        for org in site.orgs
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def files(site: Site) -> dict[str, Callable[[], bytes]]:
    """Every file of the site that is not a page: styles, script and the open-data exports."""
    static = resources.files("bot.site") / "static"
    table: dict[str, Callable[[], bytes]] = {
        f"static/{name}": (static / name).read_bytes for name in STATIC_FILES
    }
    rows = list(site.exports)
    table["data/reports.json"] = lambda: (to_json(rows) + "\n").encode()
    table["data/reports.csv"] = lambda: to_csv(rows).encode()
    table["data/ratings.json"] = lambda: ratings_json(site).encode()
    return table


def build(site: Site, out: Path) -> list[Path]:
    """Write the whole site into ``out`` (created if missing). Returns the files written."""
    env = environment()
    written = []
    for path, page in pages(site).items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(env, site, path, page), encoding="utf-8")
        written.append(target)
    for path, content in files(site).items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content())
        written.append(target)
    log.info("Built %d files of the site in %s", len(written), out)
    return written
