"""report.html in a real browser: Debian's headless Chromium opens it from disk.

Playwright drives /usr/bin/chromium (never a browser of its own). Where Chromium or Playwright
is missing the tests skip, saying so, except under CI, where .ci/run installs both and a missing
one is a failure. A screenshot goes to test-artifacts/ (gitignored) for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

from spytrace import api

try:
    from playwright.sync_api import expect
except ImportError:  # the fixture below says why the tests cannot run
    expect = None
from spytrace.testkit.scenarios import pegasus_backup

CHROMIUM = os.environ.get("SPYTRACE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must provide it (.ci/run runs `make system-deps`)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    scenario = pegasus_backup(root / "acq", messages=600, link_every=200, visits=60)
    api.scan_path(
        api.ScanRequest(
            path=scenario.path, output=root / "out", iocs=[scenario.indicators], use_cache=False
        )
    )
    return root / "out" / "report.html"


@pytest.fixture
def browser(playwright_api, tmp_path):
    context = playwright_api.chromium.launch_persistent_context(
        str(tmp_path / "profile"),  # a fresh --user-data-dir
        executable_path=CHROMIUM,
        headless=True,
        args=FLAGS,
        viewport={"width": 1280, "height": 900},
    )
    yield context
    context.close()


class Watched:
    """A page with everything it says and asks for recorded."""

    def __init__(self, context, url, width=1280):
        self.errors, self.requests = [], []
        self.page = context.new_page()
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.on(
            "console",
            lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)


def ready(page):
    """The first page of events is drawn (waiting by locator: the page's CSP forbids eval)."""
    expect(page.locator("#tl-status")).to_contain_text("Events 1–")


def status_has(page, text):
    expect(page.locator("#tl-status")).to_contain_text(text)


def rows(page):
    return page.eval_on_selector_all("#tl-rows tr", "rows => rows.map(r => r.cells[1].textContent)")


def test_the_report_opens_from_disk_without_errors_and_filters_the_timeline(browser, report):
    watched = Watched(browser, report.as_uri())
    page = watched.page
    ready(page)
    assert page.inner_text("#tl-status") == "Events 1–100 of 677."
    everything = rows(page)
    assert len(everything) == 100 and len(set(everything)) > 1

    page.select_option("#tl-artifact", label="datausage (5)")
    status_has(page, "artifact datausage")
    only = rows(page)
    assert only == ["datausage"] * 5
    assert page.inner_text("#tl-status") == "Events 1–5 of 5 (artifact datausage)."
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#browse-h").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('browse-h').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "report-browser-filtered.png"))

    page.select_option("#tl-artifact", value="-1")
    page.fill("#tl-text", "ameliehaggart")
    status_has(page, "ameliehaggart")
    assert sorted(rows(page)) == ["id_status_cache", "sms"]
    page.fill("#tl-text", "")
    expect(page.locator("#tl-status")).to_have_text("Events 1–100 of 677.")

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "report-browser.png"))
    assert (ARTIFACTS / "report-browser.png").stat().st_size > 10_000

    assert watched.errors == []
    assert all(url.startswith(("file:", "data:")) for url in watched.requests), watched.requests


def test_a_finding_jumps_to_the_events_around_it(browser, report):
    watched = Watched(browser, report.as_uri())
    page = watched.page
    ready(page)
    button = page.locator("article", has_text="in datausage matches Pegasus").first.locator(
        "button.jump"
    )
    button.click()
    page.wait_for_selector("#tl-rows tr.focus")
    focused = page.evaluate("document.activeElement.classList.contains('focus')")
    assert focused
    assert "Within an hour of the finding" in page.inner_text("#tl-window")
    assert page.inner_text("#tl-rows tr.focus td:nth-child(2)") == "datausage"
    times = page.eval_on_selector_all(
        "#tl-rows tr", "rows => rows.map(r => r.cells[0].textContent)"
    )
    assert times == sorted(times)
    page.click("#tl-all-times")
    expect(page.locator("#tl-status")).to_have_text("Events 1–100 of 677.")
    assert watched.errors == []


def test_keyboard_zoom_print_and_no_script(browser, playwright_api, report, tmp_path):
    watched = Watched(browser, report.as_uri(), width=640)
    page = watched.page
    # The first Tab lands on the skip link, which leads to the verdict.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the verdict"
    # 640 CSS pixels is a 1280-pixel window at 200% zoom: nothing may need sideways scrolling.
    ready(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.emulate_media(media="print")
    assert page.is_hidden("#tl-form")
    assert page.is_visible("#verdict")
    assert watched.errors == []

    plain = playwright_api.chromium.launch_persistent_context(
        str(tmp_path / "profile-nojs"),
        executable_path=CHROMIUM,
        headless=True,
        args=FLAGS,
        java_script_enabled=False,
    )
    try:
        page = plain.new_page()
        page.goto(report.as_uri())
        assert "Traces matching Pegasus, Predator indicators" in page.inner_text("#verdict")
        assert page.is_visible("#chart-static")
        assert page.is_hidden(".timeline-live")
        assert "needs JavaScript" in page.inner_text("#timeline")
        assert page.locator("article.finding").count() == 15
    finally:
        plain.close()
