"""The public site without a browser: what it publishes, what it never does, and valid HTML.

The browser half (links followed, search, axe-core, screenshots) is in test_site_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from fakediscord.config import bot_toml
from site_fixtures import (
    AFTER_EDIT,
    APPROVED_NEW,
    APPROVED_OUR,
    GUILD,
    MODERATOR_ID,
    OTHER_COMMUNITY,
    OUR,
    PRIVATE_TEXTS,
    REPORTER_IDS,
    seed,
)

from bot.cli import main
from bot.config import ConfigError, load_config
from bot.console import console_actor
from bot.knowledge.models import Rating
from bot.replies import Role
from bot.reports.export import FIELDS
from bot.site import urls
from bot.site.charts import criteria_chart
from bot.site.data import activity_from, load_site
from bot.site.render import build

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
async def built(core, tmp_path: Path) -> Path:
    await seed(core)
    site = await load_site(core, guild_id=GUILD, today=TODAY)
    out = tmp_path / "site"
    build(site, out)
    return out


async def test_a_community_site_shows_that_community_only(core, tmp_path: Path) -> None:
    await seed(core)
    ours = await load_site(core, guild_id=GUILD, today=TODAY)
    everyone = await load_site(core, today=TODAY)
    assert OTHER_COMMUNITY not in {r.text for r in ours.exports}
    assert OTHER_COMMUNITY in {r.text for r in everyone.exports}
    assert ours.activity.totals["received"] + 1 == everyone.activity.totals["received"]
    build(ours, tmp_path / "ours")
    for path in _all_files(tmp_path / "ours"):
        assert "OTHER-COMMUNITY" not in path.read_text(encoding="utf-8"), path


def _all_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def _html_files(out: Path) -> list[Path]:
    return [p for p in _all_files(out) if p.suffix == ".html"]


async def test_nothing_private_is_ever_published(built: Path) -> None:
    files = _all_files(built)
    assert len(files) > 80
    ids = [str(i) for i in (*REPORTER_IDS, MODERATOR_ID)]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for secret in PRIVATE_TEXTS:
            assert secret not in text, f"{path.relative_to(built)} shows {secret!r}"
        for number in ids:
            assert number not in text, f"{path.relative_to(built)} shows the id {number}"
        assert "Hidden Shelter Org" not in text  # named only by a pending, flagged report


async def test_approved_reports_show_on_their_org_page_without_who(built: Path) -> None:
    page = (built / urls.org_path(OUR)).read_text(encoding="utf-8")
    assert "They staged a raid for the cameras" in page
    assert "A community member (first-hand)" in page
    assert AFTER_EDIT in page  # the redacted text, as approved
    # Report text is data: markup in it is escaped, never run.
    assert "&lt;b&gt;twice&lt;/b&gt;" in page and "<b>twice</b>" not in page
    listed = (built / urls.org_path("safe-harbor-collective")).read_text(encoding="utf-8")
    assert APPROVED_NEW.replace("'", "&#39;") in listed
    assert "Listed by the community" in listed
    index = (built / urls.INDEX).read_text(encoding="utf-8")
    assert 'href="orgs/safe-harbor-collective.html"' in index


async def test_exports_hold_the_approved_reports_only(built: Path) -> None:
    rows = json.loads((built / "data/reports.json").read_text(encoding="utf-8"))
    assert len(rows) == 4
    assert {r["text"] for r in rows} >= {APPROVED_OUR, APPROVED_NEW, AFTER_EDIT}
    assert all(not {"reporter_id", "decided_by", "decision_reason"} & set(r) for r in rows)
    csv_text = (built / "data/reports.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[0] == ",".join(FIELDS)  # the same columns as reports export
    ratings = json.loads((built / "data/ratings.json").read_text(encoding="utf-8"))
    our = next(o for o in ratings if o["id"] == OUR)
    assert [our["criteria"][str(n)]["verdict"] for n in range(1, 11)] == ["fails"] * 10
    assert our["approved_reports"] == 3


async def test_every_page_is_valid_html(built: Path) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for path in _html_files(built):
        text = path.read_text(encoding="utf-8")
        try:
            document = parser.parse(text)
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{path.relative_to(built)}: {exc}")
        assert document.get("lang") == "en", path
        assert document.find("head/title") is not None, path
        assert len(document.findall(".//h1")) == 1, path
        ids = [e.get("id") for e in document.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), f"{path.relative_to(built)}: duplicate ids"


async def test_every_internal_link_and_anchor_resolves(built: Path) -> None:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for path in _html_files(built):
        document = parser.parse(path.read_text(encoding="utf-8"))
        ids[path.resolve()] = {e.get("id") for e in document.iter() if e.get("id")}
        for element in document.iter():
            target = element.get("href") or element.get("src")
            if target and element.tag in ("a", "link", "script"):
                links.append((path, target))
    checked = 0
    for path, target in links:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc:
            continue
        destination = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        assert destination.is_file(), f"{path.relative_to(built)} links to missing {target}"
        if parts.fragment and destination.suffix == ".html":
            assert parts.fragment in ids[destination], f"{path.relative_to(built)}: {target}"
        checked += 1
    assert checked > 1000


def test_the_site_builds_from_the_command_line(config_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert main(["--config", str(config_path), "site", "build", str(out), "--guild", "42"]) == 0
    assert (out / "index.html").is_file()
    assert any((out / "myths").iterdir())
    # The guild is accepted now and filters once reports carry one; it is never shown.
    assert "42" not in (out / "about.html").read_text(encoding="utf-8")
    again = tmp_path / "again"
    assert main(["--config", str(config_path), "site", "build", str(again), "--json"]) == 0
    assert (again / "index.html").is_file()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["--config", str(config_path), "site", "build", str(blocker)]) == 2


async def test_the_community_page_charts_reports_per_month(built: Path) -> None:
    page = (built / "community.html").read_text(encoding="utf-8")
    assert page.count('role="img"') == 2
    # January: one approved, one rejected, one approved then retracted (neither, now).
    assert "2026-01: received 3, approved 1, rejected 1" in page
    # 2 days and 4 days to a decision in January: a median of 3.
    assert "2026-01: median days 3 days" in page
    assert "2026-02" in page and "2026-03" in page


def test_activity_fills_quiet_months_and_takes_medians() -> None:
    def at(day: str) -> str:
        return f"{day}T12:00:00.000000+00:00"

    activity = activity_from(
        [
            ("approved", at("2026-01-01"), at("2026-01-03")),
            ("rejected", at("2026-01-02"), at("2026-01-08")),
            ("pending", at("2026-01-05"), None),
            ("withdrawn", at("2026-04-01"), at("2026-04-01")),
        ]
    )
    assert [m.month for m in activity.months] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    january = activity.months[0]
    assert (january.received, january.approved, january.rejected) == (3, 1, 1)
    assert january.median_days == 4.0
    assert activity.months[1].received == 0 and activity.months[1].median_days is None
    assert activity.months[3].received == 1 and activity.months[3].approved == 0
    assert activity.median_days == 4.0
    assert activity.totals == {"received": 4, "approved": 1, "rejected": 1}
    assert activity_from([]).months == ()


async def test_the_criteria_chart_names_every_verdict_in_words(core) -> None:
    site = await load_site(core, today=TODAY)
    our = site.org(OUR)
    assert our is not None and [v.rating for v in our.verdicts] == [Rating.FAILS] * 10
    svg = str(criteria_chart("c", our.name, our.verdicts))
    assert svg.count("<rect") == 10 and svg.count("✗") == 10
    desc = re.search(r"<desc[^>]*>(.*)</desc>", svg).group(1)
    assert desc.startswith("10 fails.")
    assert "1. Who runs it, and do they have lived experience?: Fails" in desc
    evil = str(criteria_chart("c", "<script>alert(1)</script>", our.verdicts))
    assert "<script>" not in evil


def test_absolute_links_need_a_base_url() -> None:
    assert urls.absolute("", urls.org_path("x")) is None
    assert urls.absolute("https://example.org/vet/", urls.org_path("x")) == (
        "https://example.org/vet/orgs/x.html"
    )


def _config_with_site(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(bot_toml(extra=f'[site]\nbase_url = "{base_url}"\n'), encoding="utf-8")
    return path


def test_site_base_url_is_optional_and_checked(tmp_path: Path, config) -> None:
    assert config.site_base_url == ""
    loaded = load_config(_config_with_site(tmp_path, "https://example.org/vet/"))
    assert loaded.site_base_url == "https://example.org/vet/"
    with pytest.raises(ConfigError, match=r"site\.base_url"):
        load_config(_config_with_site(tmp_path, "example.org"))


async def test_cards_and_myths_link_to_their_page_when_a_site_is_set(tmp_path: Path) -> None:
    from bot.commands import COMMANDS
    from bot.core import Core

    config = load_config(_config_with_site(tmp_path, "https://example.org/vet"))
    core = await Core.open(config)
    try:
        actor = console_actor("cli", Role.MEMBER)
        card = await COMMANDS["rate"].run(core, actor, org="o.u.r.")
        url = f"https://example.org/vet/{urls.org_path(OUR)}"
        assert f"<{url}>" in card.text
        assert card.data["match"]["site_url"] == url
        myth = await COMMANDS["myth"].run(core, actor, topic="super bowl")
        assert "<https://example.org/vet/myths/" in myth.text
    finally:
        await core.close()


async def test_without_a_site_nothing_links_to_one(core) -> None:
    from bot.commands import COMMANDS

    actor = console_actor("cli", Role.MEMBER)
    card = await COMMANDS["rate"].run(core, actor, org="o.u.r.")
    assert "Full page" not in card.text and card.data["match"]["site_url"] is None
    myth = await COMMANDS["myth"].run(core, actor, topic="super bowl")
    assert "On the web" not in myth.text


async def test_the_server_answers_the_same_pages_and_sees_approvals(core) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.site.serve import make_app

    await seed(core)
    async with TestClient(TestServer(make_app(core, GUILD))) as client:
        index = await client.get("/")
        assert index.status == 200 and "Operation Underground Railroad" in await index.text()
        page = await client.get("/" + urls.org_path(OUR))
        assert APPROVED_OUR in (await page.text()).replace("&#39;", "'")
        csv_file = await client.get("/data/reports.csv")
        assert csv_file.content_type == "text/csv"
        assert (await client.get("/static/site.css")).status == 200
        for missing in ("/nope.html", "/../bot.toml", "/orgs/"):
            assert (await client.get(missing)).status == 404
        fresh = await core.reports.submit(
            guild_id=GUILD,
            reporter_id=5150,
            account_age_days=400.0,
            org_id=OUR,
            org_name="O.U.R.",
            criterion=2,
            text="A newly approved report shows on the next page load, without a rebuild.",
            evidence="",
            basis="documented",
            now=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
        )
        await core.reports.approve(fresh.id, GUILD, 9001, dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
        again = await (await client.get("/" + urls.org_path(OUR))).text()
        assert "newly approved report shows on the next page load" in again
        assert "5150" not in again


async def test_the_site_benchmark_still_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.bench_site import run

    await run(20, rounds=2)
    out = capsys.readouterr().out
    assert "|      20 |" in out and "serve (ceiling)" in out and "OVER" not in out


async def test_a_myths_own_figure_is_never_listed_as_a_real_number(built: Path, core) -> None:
    myths = [m for m in core.knowledge.myths.values() if any(f.claimed for f in m.numbers)]
    assert myths, "the knowledge base marks at least one claimed figure"
    for myth in myths:
        page = (built / urls.myth_path(myth.id)).read_text(encoding="utf-8")
        claimed, _, reported = page.partition("What the sources report")
        assert "The claim&#39;s figure" in claimed
        for figure in myth.numbers:
            where = claimed if figure.claimed else reported
            assert f"<strong>{figure.value}</strong>" in where, (myth.id, figure.value)
