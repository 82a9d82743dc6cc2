"""``ccc report`` in a real browser: headless Chromium (the system's package, driven over
the DevTools protocol on a pipe, :mod:`ccc_cli.report.html.browser`) opens the page and
checks what a reader gets: no console error, no network request, the figures the JSON
has, charts that draw, hover and zoom, a sane screenshot, and a PDF with pages.

Skipped when no Chromium is installed, unless ``CCC_REQUIRE_BROWSER=1`` (CI sets it),
which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_pages import SAMPLE_INPUTS, cited, make_page, mismatches, run_documents
from typer.testing import CliRunner

from ccc_cli.cli.app import app
from ccc_cli.report.html.browser import Browser, Tab, find_chromium

CHROMIUM = find_chromium()
REQUIRED = os.environ.get("CCC_REQUIRE_BROWSER") == "1"
WIDTH = 1200

if CHROMIUM is None:
    if REQUIRED:
        pytest.fail(
            "CCC_REQUIRE_BROWSER=1 but no Chromium is installed (apt-get install chromium)",
            pytrace=False,
        )
    pytest.skip("no Chromium installed (apt-get install chromium)", allow_module_level=True)

# Every element citing a document: its path, value (as the page holds it) and text.
CITED_JS = """
Array.from(document.querySelectorAll('[data-json]')).map(el => [
  JSON.parse(el.getAttribute('data-json')),
  el.tagName === 'TIME' ? el.getAttribute('datetime')
    : JSON.parse(el.getAttribute(el.tagName === 'DATA' ? 'value' : 'data-value')),
  el.textContent])
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as b:
        yield b


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("report-browser")
    en, _ = make_page(tmp, "--limit", "20")
    vi, _ = make_page(tmp, "--limit", "20", "--lang", "vi", name="vi.html")
    commands = cited(en.read_text(encoding="utf-8")).commands
    return {"en": en, "vi": vi, "docs": run_documents(commands, tmp, SAMPLE_INPUTS), "tmp": tmp}


@pytest.fixture(scope="module", params=["en", "vi"])
def tab(request: pytest.FixtureRequest, browser: Browser, site: dict[str, Any]) -> Tab:
    return browser.open(site[request.param].resolve().as_uri(), width=WIDTH, height=900)


def _errors(tab: Tab) -> list[str]:
    found = [
        str(e.get("exceptionDetails", {}).get("text"))
        for e in tab.events("Runtime.exceptionThrown")
    ]
    found += [
        " ".join(str(a.get("value")) for a in e.get("args", []))
        for e in tab.events("Runtime.consoleAPICalled")
        if e.get("type") in ("error", "warning", "assert")
    ]
    found += [
        e["entry"]["text"]
        for e in tab.events("Log.entryAdded")
        if e["entry"].get("level") in ("error", "warning")
    ]
    return found


def test_no_console_error_and_no_network_request(tab: Tab) -> None:
    page = tab.evaluate("location.href")
    assert page.startswith("file://")
    requests = [e["request"]["url"] for e in tab.events("Network.requestWillBeSent")]
    assert requests == [page]
    assert _errors(tab) == []
    assert tab.evaluate("performance.getEntriesByType('resource').length") == 0


def test_the_dom_shows_the_figures_of_the_json(tab: Tab, site: dict[str, Any]) -> None:
    figures = [(path, value, text) for path, value, text in tab.evaluate(CITED_JS)]
    assert len(figures) > 300
    assert mismatches(figures, site["docs"]) == []
    docs = site["docs"]
    cards = tab.evaluate(
        "Array.from(document.querySelectorAll('.card-value')).map(e => e.textContent)"
    )
    assert cards[0] == str(docs["analyze"]["peak"]["value"])
    assert cards[2] == str(docs["size"]["recommendation"]["with_headroom"])
    assert cards[3] == str(docs["breaches"]["replay"]["rejected_calls"])
    accounting = tab.evaluate(
        "Array.from(document.querySelectorAll('#method table.accounting tbody tr')).map(r => r.cells[1].textContent)"
    )
    rows = docs["analyze"]["rows"]
    thousands = "," if tab.evaluate("document.documentElement.lang") == "en" else "."
    assert accounting[0] == f"{rows['read']:,}".replace(",", thousands)
    assert len(accounting) == 1 + 5 + len(rows["invalid_reasons"])


def test_the_charts_draw(tab: Tab) -> None:
    charts = tab.evaluate(
        """Array.from(document.querySelectorAll('svg.chart')).map(s => {
             const r = s.getBoundingClientRect();
             return {id: s.id, w: r.width, h: r.height,
                     marks: s.querySelectorAll('path, rect, circle, polyline').length,
                     ink: Array.from(s.querySelectorAll('path')).reduce(
                        (n, p) => n + (p.getAttribute('d') || '').length, 0)};
           })"""
    )
    by_id = {c["id"]: c for c in charts}
    assert set(by_id) == {
        "chart-concurrency", "chart-daily", "chart-heatmap", "chart-curve", "chart-cps",
        "chart-timeline",
    }  # fmt: skip
    for chart in charts:
        assert chart["w"] > 800 and chart["h"] > 100, chart
        assert chart["marks"] >= 3, chart
    assert by_id["chart-concurrency"]["ink"] > 5000
    assert by_id["chart-heatmap"]["marks"] >= 168
    # The plot of the time chart is actually painted: its paths have a size on screen.
    painted = tab.evaluate(
        "Array.from(document.querySelectorAll('#chart-concurrency svg.plot path'))"
        ".map(p => p.getBoundingClientRect().width)"
    )
    assert painted and min(painted) > 700


def test_hover_shows_values_and_drag_zooms_on_time(tab: Tab) -> None:
    box = tab.evaluate(
        "(() => { const r = document.querySelector('#chart-concurrency .overlay')"
        ".getBoundingClientRect(); window.scrollTo(0, r.top + scrollY - 100);"
        " const q = document.querySelector('#chart-concurrency .overlay')"
        ".getBoundingClientRect(); return [q.left, q.top, q.width, q.height]; })()"
    )
    left, top, width, height = box
    y = top + height / 2

    def mouse(kind: str, x: float, **extra: Any) -> None:
        tab.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    mouse("mouseMoved", left + width * 0.6)
    tip = tab.evaluate(
        "document.getElementById('tip').hidden ? null : document.getElementById('tip').textContent"
    )
    assert tip is not None
    assert re.search(r"(highest|cao nhất): \d+", tip), tip
    # The bucket's day, as the page writes days: "Fri 20 Nov", "T6 20/11".
    assert re.match(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ Nov |T[2-7] \d\d/11 |CN \d\d/11 ", tip), tip
    before = tab.evaluate(
        "document.querySelector('#chart-concurrency svg.plot').getAttribute('viewBox')"
    )
    mouse("mousePressed", left + width * 0.55, button="left", clickCount=1)
    mouse("mouseMoved", left + width * 0.65, button="left")
    mouse("mouseReleased", left + width * 0.65, button="left", clickCount=1)
    after = tab.evaluate(
        "document.querySelector('#chart-concurrency svg.plot').getAttribute('viewBox')"
    )
    assert after != before
    start, _, span, _ = (float(v) for v in after.split())
    full = float(before.split()[2])
    assert 0.5 * full < start < 0.6 * full
    assert span == pytest.approx(0.1 * full, rel=0.05)
    ticks = tab.evaluate(
        "Array.from(document.querySelectorAll('#chart-concurrency .x-ticks text')).map(t => t.textContent)"
    )
    assert 2 <= len(ticks) <= 12
    assert tab.evaluate("document.querySelector('.zoom-reset').hidden") is False
    mouse("mousePressed", left + width * 0.6, button="left", clickCount=2)
    mouse("mouseReleased", left + width * 0.6, button="left", clickCount=2)
    tab.evaluate(
        "document.querySelector('#chart-concurrency .overlay')"
        ".dispatchEvent(new MouseEvent('dblclick', {bubbles: true}))"
    )
    assert (
        tab.evaluate(
            "document.querySelector('#chart-concurrency svg.plot').getAttribute('viewBox')"
        )
        == before
    )
    # Marks with their own text (a day's bar) show it.
    bar = tab.evaluate(
        "(() => { const b = document.querySelector('#chart-daily .bar'); b.scrollIntoView();"
        " const r = b.getBoundingClientRect(); return [r.left + r.width / 2, r.bottom - 5]; })()"
    )
    tab.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": bar[0], "y": bar[1]})
    assert "17" in tab.evaluate("document.getElementById('tip').textContent")
    assert _errors(tab) == []


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_screenshot_of_the_whole_page(tab: Tab, site: dict[str, Any]) -> None:
    png = tab.screenshot()
    lang = tab.evaluate("document.documentElement.lang")
    (site["tmp"] / f"page-{lang}.png").write_bytes(png)
    width, height = _png_size(png)
    assert width == WIDTH
    assert 4000 < height < 20000
    assert 150_000 < len(png) < 8_000_000


def test_the_pdf_has_pages(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    html = tmp_path / "report.html"
    r = CliRunner().invoke(
        app, ["report", *SAMPLE_INPUTS, "--limit", "20", "-o", str(html), "--pdf", str(pdf)]
    )
    assert r.exit_code == 0, r.output
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 3 <= pages <= 30
    assert f"wrote {pdf}" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.pdf"]


def test_the_pdf_alone_in_vietnamese(tmp_path: Path) -> None:
    pdf = tmp_path / "bao-cao.pdf"
    r = CliRunner().invoke(app, ["report", *SAMPLE_INPUTS, "--lang", "vi", "--pdf", str(pdf), "-q"])
    assert r.exit_code == 0, r.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.pdf"]


def test_the_page_prints_without_its_script(browser: Browser, site: dict[str, Any]) -> None:
    # As an e-mail reader that runs no script shows it: every chart is already drawn.
    html = site["en"].read_text(encoding="utf-8")
    bare = site["tmp"] / "bare.html"
    bare.write_text(re.sub(r"<script>.*?</script>", "", html, flags=re.S), encoding="utf-8")
    tab = browser.open(bare.resolve().as_uri(), width=WIDTH, height=900)
    assert tab.evaluate("document.querySelectorAll('svg.chart path').length") >= 8
    assert tab.evaluate("document.querySelectorAll('svg.chart rect').length") > 200
    assert _errors(tab) == []
    assert json.loads(json.dumps(tab.evaluate(CITED_JS)))
