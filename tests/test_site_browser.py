"""The public site in a real browser: headless Chromium from the distribution, driven by Selenium
through the distribution's chromedriver, with no network.

It opens the built site (from disk) and the served one (``site serve`` in its own process),
follows every internal link, uses the search box, reads the O.U.R. page's ten verdicts, runs
axe-core on every page template, checks nothing overflows at 320 px, and saves screenshots at
1280 and 375 px to ``build/test-artifacts/site/`` (or ``$SITE_ARTIFACTS``).

Without Chromium, chromedriver or axe-core (``tests/site/node_modules``, installed by .ci/run)
these tests are skipped on a developer's machine and fail in CI (``CI`` set), where they must run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakediscord.config import bot_toml
from site_fixtures import APPROVED_OUR, GUILD, OUR, seed

from bot import paths
from bot.config import load_config
from bot.site import urls

REPO = Path(__file__).resolve().parent.parent
AXE_JS = Path(os.environ.get("AXE_CORE_JS") or REPO / "tests/site/node_modules/axe-core/axe.min.js")
ARTIFACTS = Path(os.environ.get("SITE_ARTIFACTS") or REPO / "build/test-artifacts/site")
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
CHROMEDRIVER = shutil.which("chromedriver")


def _missing() -> list[str]:
    missing = []
    if CHROMIUM is None:
        missing.append("chromium")
    if CHROMEDRIVER is None:
        missing.append("chromedriver")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS})")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    return missing


MISSING = _missing()
# In CI the browser tests must run: a missing browser there is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"),
    reason=f"no browser to test with: missing {', '.join(MISSING)} (.ci/run installs them)",
)

# One page per template: what axe-core checks and the 320 px test loads.
TEMPLATE_PAGES = (
    urls.INDEX,
    urls.org_path(OUR),
    urls.org_path("safe-harbor-collective"),
    "criteria.html",
    "myths.html",
    "terms.html",
    "topics.html",
    "sources.html",
    "community.html",
    "about.html",
)


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config whose database holds reports in every state; the site is built beside it."""
    folder = tmp_path_factory.mktemp("community")
    config_path = folder / "bot.toml"
    config_path.write_text(bot_toml(), encoding="utf-8")

    async def prepare() -> None:
        from bot.core import Core
        from bot.site.data import load_site
        from bot.site.render import build

        core = await Core.open(load_config(config_path))
        try:
            await seed(core)
            build(await load_site(core, guild_id=GUILD), folder / "public")
        finally:
            await core.close()

    asyncio.run(prepare())
    return config_path


@pytest.fixture(scope="module")
def built(community: Path) -> str:
    """The built site's address in the browser."""
    return (community.parent / "public").as_uri() + "/"


@pytest.fixture(scope="module")
def served(community: Path) -> Iterator[str]:
    """``site serve`` in its own process, on a free port; its address."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "bot", "--config", str(community)),
            *("site", "serve", "--port", "0", "--guild", str(GUILD)),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the server listens
        assert line.startswith("Serving the site at http://127.0.0.1:"), line
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        process.terminate()  # SIGTERM: the server stops and closes the database
        assert process.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if MISSING:
        pytest.fail(f"CI must run the browser tests, but these are missing: {', '.join(MISSING)}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        "--allow-file-access-from-files",  # the crawl reads the built site's files
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def _viewport(driver: object, width: int, height: int = 900) -> None:
    driver.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


# Both sites are crawled from inside the browser: it loads and parses every page (many at once)
# with its own loader, so a link to a missing file or a missing anchor is found on any page.
# XMLHttpRequest, not fetch, because it also reads file:// (--allow-file-access-from-files).
_CRAWL = """
const done = arguments[arguments.length - 1];
const root = new URL('./', location.href).href;
const seen = new Set([location.href]), ids = new Map(), anchors = [], bad = [];
let files = 0;
function load(url) {
  return new Promise(resolve => {
    const request = new XMLHttpRequest();
    request.open('GET', url);
    request.onload = () => resolve([request.status === 200 || request.status === 0,
                                    request.status, request.responseText]);
    request.onerror = () => resolve([false, 'missing', '']);
    request.send();
  });
}
async function visit(url) {
  const [ok, status, text] = await load(url);
  if (!ok || !text) { bad.push([url, status]); return []; }
  if (!url.endsWith('.html') && !url.endsWith('/')) { files += 1; return []; }
  const doc = new DOMParser().parseFromString(text, 'text/html');
  if (!doc.getElementById('main')) bad.push([url, 'not a page of the site']);
  ids.set(url, new Set(Array.from(doc.querySelectorAll('[id]'), e => e.id)));
  const next = [];
  for (const e of doc.querySelectorAll('a[href], link[href], script[src]')) {
    const link = new URL(e.getAttribute('href') || e.getAttribute('src'), url);
    const hash = link.hash.slice(1);
    link.hash = '';
    if (!link.href.startsWith(root)) continue;  // another site: no network, not ours
    if (hash) anchors.push([url, link.href, decodeURIComponent(hash)]);
    if (!seen.has(link.href)) { seen.add(link.href); next.push(link.href); }
  }
  return next;
}
(async () => {
  let wave = [location.href];
  while (wave.length) wave = (await Promise.all(wave.map(visit))).flat();
  for (const [page, target, hash] of anchors) {
    if (ids.has(target) && !ids.get(target).has(hash)) bad.push([page, target + '#' + hash]);
  }
  done([ids.size, files, anchors.length, bad]);
})().catch(e => done([0, 0, 0, [[String(e), 'error']]]));
"""


def _crawl(driver: object, start: str) -> None:
    driver.get(start)  # type: ignore[attr-defined]
    pages, files, anchors, bad = driver.execute_async_script(_CRAWL)  # type: ignore[attr-defined]
    assert bad == []
    assert pages > 80 and files >= 5 and anchors > 100


def test_every_link_of_the_built_site_opens(browser: object, built: str) -> None:
    _crawl(browser, built + urls.INDEX)


def test_every_link_of_the_served_site_opens(browser: object, served: str) -> None:
    _crawl(browser, served)


def test_links_lead_where_they_say(browser: object, built: str) -> None:
    """A reader's path by real clicks: index, an organization, a criterion, the sources."""
    from selenium.webdriver.common.by import By

    _viewport(browser, 1280)
    browser.get(built + urls.INDEX)  # type: ignore[attr-defined]
    browser.find_element(By.LINK_TEXT, "Operation Underground Railroad").click()  # type: ignore[attr-defined]
    assert browser.current_url.endswith(urls.org_path(OUR))  # type: ignore[attr-defined]
    browser.find_element(By.PARTIAL_LINK_TEXT, "3. Where does the money go").click()  # type: ignore[attr-defined]
    assert browser.current_url.endswith("criteria.html#criterion-3")  # type: ignore[attr-defined]
    browser.find_element(By.LINK_TEXT, "Sources").click()  # type: ignore[attr-defined]
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sources"  # type: ignore[attr-defined]


def _shown(driver: object) -> list[str]:
    return driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('#orgs li.org'))"
        ".filter(li => !li.hidden).map(li => li.querySelector('h2').innerText)"
    )


def test_the_search_box_filters_the_index(browser: object, built: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _viewport(browser, 1280)
    browser.get(built + urls.INDEX)  # type: ignore[attr-defined]
    everything = _shown(browser)
    assert len(everything) > 30
    box = browser.find_element(By.ID, "q")  # type: ignore[attr-defined]
    assert box.is_displayed()  # the script revealed it
    box.send_keys("o.u.r.")
    assert _shown(browser) == ["Operation Underground Railroad"]
    count = browser.find_element(By.ID, "count").text  # type: ignore[attr-defined]
    assert count == f"1 of {len(everything)} organizations match"
    box.clear()
    box.send_keys("nowhere-at-all")
    assert _shown(browser) == []
    box.clear()
    box.send_keys(" ")  # clear() fires no input event; a keystroke does
    assert len(_shown(browser)) == len(everything)
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("Government agency")  # type: ignore[attr-defined]
    government = _shown(browser)
    assert "Federal Bureau of Investigation" in government
    assert 0 < len(government) < len(everything)
    box.send_keys("interpol")
    assert _shown(browser) == ["Interpol"]


# The index in a frame sandboxed without scripts: same origin, so the test can read it.
_NO_SCRIPT = """
const done = arguments[arguments.length - 1];
const frame = document.createElement('iframe');
frame.setAttribute('sandbox', 'allow-same-origin');
frame.style.width = '1280px';
frame.style.height = '900px';
frame.onload = () => {
  const doc = frame.contentDocument;
  const shown = Array.from(doc.querySelectorAll('#orgs li.org h2 a'))
    .filter(a => a.getClientRects().length > 0).length;
  done([doc.getElementById('filter').getClientRects().length, shown,
        doc.querySelectorAll('#orgs li.org').length]);
};
frame.src = 'index.html';
document.body.append(frame);
"""


def test_the_index_reads_without_javascript(browser: object, served: str) -> None:
    browser.get(served + "about.html")  # type: ignore[attr-defined]
    filter_boxes, shown, listed = browser.execute_async_script(_NO_SCRIPT)  # type: ignore[attr-defined]
    assert filter_boxes == 0  # the search box needs the script, so it stays hidden
    assert shown == listed > 30


def test_the_our_page_shows_all_ten_verdicts_as_text(browser: object, served: str) -> None:
    _viewport(browser, 1280)
    browser.get(served + urls.org_path(OUR))  # type: ignore[attr-defined]
    rows = browser.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('table.verdicts tbody tr'),"
        " tr => [tr.querySelector('th').innerText, tr.querySelector('td .verdict').innerText])"
    )
    assert len(rows) == 10
    for number, (criterion, verdict) in enumerate(rows, start=1):
        assert criterion.startswith(f"{number}. ")
        assert verdict.split()[-1] == "Fails", (criterion, verdict)
    text = browser.execute_script("return document.body.innerText")  # type: ignore[attr-defined]
    assert APPROVED_OUR in text
    assert "A community member (first-hand)" in text
    chart = browser.execute_script(  # type: ignore[attr-defined]
        "const s = document.querySelector('svg.chart');"
        "return [s.getAttribute('role'), s.querySelectorAll('rect').length,"
        " s.getBoundingClientRect().width]"
    )
    assert chart[0] == "img" and chart[1] == 10 and chart[2] > 200


@pytest.mark.parametrize(
    ("width", "pages"),
    # Colours do not change with the width; the narrow layout of the biggest page is checked too.
    [(1280, TEMPLATE_PAGES), (375, (urls.org_path(OUR),))],
)
def test_axe_finds_no_serious_accessibility_problems(
    browser: object, built: str, width: int, pages: tuple[str, ...]
) -> None:
    # Sent to the browser once; it runs in every page loaded after.
    script = browser.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Page.addScriptToEvaluateOnNewDocument", {"source": AXE_JS.read_text(encoding="utf-8")}
    )
    _viewport(browser, width)
    problems = []
    try:
        for page in pages:
            browser.get(built + page)  # type: ignore[attr-defined]
            problems += [(page, *v) for v in _axe(browser) if v[1] in ("serious", "critical")]
    finally:
        browser.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )
    assert problems == []


def _axe(browser: object) -> list[list[object]]:
    """axe-core's violations on the current page: (rule, impact, nodes, first node)."""
    return browser.execute_async_script(  # type: ignore[attr-defined]
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length,"
        " v.nodes[0].target.join(' ')])))"
        ".catch(e => done([['axe-error', 'critical', 0, String(e)]]));"
    )


def test_nothing_overflows_at_320_pixels(browser: object, built: str) -> None:
    _viewport(browser, 320)
    wide = []
    for page in TEMPLATE_PAGES:
        browser.get(built + page)  # type: ignore[attr-defined]
        width = browser.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        if width > 320:
            wide.append((page, width))
    assert wide == []


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots(browser: object, served: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page in (urls.INDEX, urls.org_path(OUR), "community.html"):
        _viewport(browser, width)
        browser.get(served + page)  # type: ignore[attr-defined]
        height = browser.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
        _viewport(browser, width, min(height, 8000))
        name = page.removesuffix(".html").replace("/", "-")
        target = ARTIFACTS / f"{name}-{width}.png"
        assert browser.save_screenshot(str(target))  # type: ignore[attr-defined]
        assert target.stat().st_size > 10_000


def test_paths_match_the_bundled_knowledge() -> None:
    # The fixtures' O.U.R. id must exist, or every test above would check a missing page.
    assert (paths.bundled_knowledge() / "organizations" / f"{OUR}.toml").is_file()
