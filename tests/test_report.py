"""``ccc report`` without a browser: the page's cited figures against the JSON of the
commands it names, self-containment, both languages, options and exit codes, and the
formats of :mod:`ccc_cli.report.html.i18n`. The page in a real browser:
test_report_browser.py."""

from __future__ import annotations

import json
import re
import string
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from report_pages import (
    SAMPLE,
    SAMPLE_INPUTS,
    cited,
    make_page,
    mismatches,
    resolve,
    run_documents,
)
from typer.testing import CliRunner

from ccc_cli.cli.app import app
from ccc_cli.report.html.i18n import LANGUAGES, MESSAGES, Words
from ccc_cli.schema import INVALID_REASONS


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("report")
    en_path, en = make_page(tmp, "--limit", "20")
    _, vi = make_page(tmp, "--limit", "20", "--lang", "vi", name="vi.html")
    found = cited(en)
    docs = run_documents(found.commands, tmp, SAMPLE_INPUTS)
    return {"en": en, "vi": vi, "en_path": en_path, "cited": found, "docs": docs}


def test_the_page_names_the_commands_of_its_figures(pages: dict[str, Any]) -> None:
    commands = pages["cited"].commands
    assert set(commands) == {"analyze", "size", "hourly", "breaches", "rejected", "at"}
    assert commands["analyze"] == "ccc analyze INPUTS --every 30m --limit 20 --format json"
    assert commands["size"] == "ccc size INPUTS --current 20 --format json"
    assert commands["at"].startswith("ccc at INPUTS --time 2026-11-20T14:19:57.828701+07:00")


def test_every_cited_figure_equals_the_json_of_its_command(pages: dict[str, Any]) -> None:
    figures = pages["cited"].figures
    assert len(figures) > 300
    assert mismatches(figures, pages["docs"]) == []
    # Every document is cited, and the headline figures are among them.
    paths = {json.dumps(p) for p, _, _ in figures}
    assert {p[0] for p, _, _ in figures} == {"analyze", "size", "breaches", "rejected", "at"}
    for path in (
        ["analyze", "peak", "value"],
        ["analyze", "peak", "at"],
        ["size", "recommendation", "with_headroom"],
        ["size", "recommendation", "limit"],
        ["breaches", "replay", "rejected_calls"],
        ["analyze", "rows", "read"],
        *[["analyze", "rows", "invalid_reasons", r] for r in INVALID_REASONS],
        ["at", "level"],
        ["rejected", 0, "call_id"],
        ["breaches", "observed_rejections", "rows", 15, "verdict"],
        ["analyze", "daily_peaks", "by_day", "2026-11-20", "value"],
    ):
        assert json.dumps(path) in paths, path


def test_the_figures_read_as_the_json_says(pages: dict[str, Any]) -> None:
    shown = {json.dumps(p): text for p, _, text in pages["cited"].figures}
    assert shown['["analyze", "peak", "value"]'] == "21"
    assert shown['["analyze", "rows", "used"]'] == "7,766"
    assert shown['["size", "recommendation", "with_headroom"]'] == "18"
    assert shown['["size", "recommendation", "rejected_rate_at_limit"]'] == "0.09%"
    assert shown['["analyze", "peak", "at"]'] == "Fri 20 Nov 2026, 14:19:57"
    assert shown['["breaches", "capacity", "seconds"]'] == "21 s"


def test_the_charts_hold_the_series_of_the_json(pages: dict[str, Any]) -> None:
    html, docs = pages["en"], pages["docs"]
    payloads = [
        json.loads(m.replace("<\\/", "</"))
        for m in re.findall(
            r'<script type="application/json" class="chart-data">(.*?)</script>', html
        )
    ]
    assert [p["kind"] for p in payloads] == ["concurrency", "starts"]
    buckets = docs["analyze"]["chart"]["buckets"]
    time_chart = payloads[0]
    assert time_chart["iso"] == [b["bucket_start"] for b in buckets]
    assert time_chart["max"] == [b["total_max"] for b in buckets]
    assert time_chart["starts"] == [b["total_starts"] for b in buckets]
    assert time_chart["mean"] == pytest.approx([b["total_mean"] for b in buckets], abs=1e-4)
    assert time_chart["types"]["inbound"] == pytest.approx(
        [b["inbound_mean"] for b in buckets], abs=1e-4
    )
    assert payloads[1]["starts"] == time_chart["starts"]


def test_the_heatmap_is_the_hourly_series_over_the_weeks(pages: dict[str, Any]) -> None:
    cells = {
        tuple(int(x) for x in m.group(1).split(",")): float(m.group(2))
        for m in re.finditer(r'data-cell="([0-9,]+)" data-value="([^"]+)"', pages["en"])
    }
    sums: dict[tuple[int, int], list[float]] = {}
    for b in pages["docs"]["hourly"]["buckets"]:
        at = datetime.fromisoformat(b["bucket_start"])
        sums.setdefault((at.weekday(), at.hour), []).append(b["total_mean"])
    assert len(cells) == 168
    assert cells == pytest.approx({k: sum(v) / len(v) for k, v in sums.items()})
    busiest = pages["docs"]["analyze"]["busiest_hour_of_week"]
    top = max(cells, key=cells.__getitem__)
    assert (top[0], top[1]) == (4, busiest["hour"])  # Friday
    assert cells[top] == pytest.approx(busiest["mean_erlangs"])


def test_the_script_gets_the_words_of_the_page(pages: dict[str, Any]) -> None:
    for lang in ("en", "vi"):
        found = re.search(
            r'<script type="application/json" id="ccc-words">(.*?)</script>', pages[lang]
        )
        assert found is not None
        words = json.loads(found.group(1))
        assert words["lang"] == lang
        assert words["months"][10] == "Nov"
    assert json.loads(
        re.search(r'id="ccc-words">(.*?)</script>', pages["vi"]).group(1)  # type: ignore[union-attr]
    )["weekdays"] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


def test_the_page_is_self_contained(pages: dict[str, Any]) -> None:
    for html in (pages["en"], pages["vi"]):
        # The one URL is the SVG namespace the script creates elements in (not fetched).
        urls = set(re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"'<>)]*", html))
        assert urls == {"http://www.w3.org/2000/svg"}
        assert not re.search(r"\b(src|srcset|action|poster)\s*=", html)
        assert set(re.findall(r'href="([^"]*)"', html)) <= {
            "#summary", "#charts", "#support", "#method",
        }  # fmt: skip
        assert "@import" not in html
        assert "url(" not in html
        assert "@font-face" not in html
        assert "Content-Security-Policy" in html
        assert "default-src 'none'" in html


def test_the_page_has_every_section(pages: dict[str, Any]) -> None:
    html = pages["en"]
    for anchor in ("summary", "charts", "support", "method"):
        assert f'<section id="{anchor}">' in html
    for figure in (
        "fig-concurrency", "fig-daily", "fig-heatmap", "fig-curve", "fig-cps", "fig-timeline",
    ):  # fmt: skip
        assert f'<figure id="{figure}">' in html
    for heading in (
        "Intervals at the limit",
        "Calls the limit would have rejected",
        "REACH_PLAN_LIMIT rows in the log",
        "At the worst instant",
        "What is counted",
        "Rows read",
        "Files read",
    ):
        assert heading in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "Recommended plan: 18 concurrent calls." in text
    assert "The current plan of 20 was too small: it would have rejected 1 of 7,766" in text
    assert "REACH_PLAN_LIMIT rows: 0 justified" in text


def test_vietnamese_words_and_formats(pages: dict[str, Any]) -> None:
    vi = pages["vi"]
    # What a reader sees: no markup, scripts or styles.
    text = re.sub(r"<[^>]+>", "", re.sub(r"<(script|style)\b.*?</\1>", "", vi, flags=re.S))
    assert '<html lang="vi">' in vi
    for phrase in (
        "Báo cáo số cuộc gọi đồng thời",
        "Số cuộc gọi đồng thời cao nhất là 21, lần đầu vào 14:19:57 Thứ Sáu 20/11/2026",
        "12 cuộc gọi vào, 5 cuộc gọi ra, 2 cuộc gọi nội bộ, 2 cuộc gọi app to app",
        "Đã đếm 7.766 cuộc gọi từ 8.000 dòng dữ liệu",
        "Gói đề xuất: 18 cuộc gọi đồng thời",
        "0,09%",
        "8,2 cuộc gọi đang diễn ra",
        "Gói hiện tại 20 là chưa đủ",
        "Phương pháp và đối soát",
        "bất thường",
    ):
        assert phrase in text, phrase
    # The same figures, cited the same way, in both languages.
    en_paths = sorted(json.dumps(p) for p, _, _ in pages["cited"].figures)
    vi_found = cited(vi)
    assert sorted(json.dumps(p) for p, _, _ in vi_found.figures) == en_paths
    assert mismatches(vi_found.figures, pages["docs"]) == []
    for english in ("Recommended plan", "highest", "inbound", "Summary"):
        assert english not in text


def test_without_a_limit_the_page_says_how_to_get_one(tmp_path: Path) -> None:
    _, html = make_page(tmp_path)
    assert '<section id="support">' not in html
    assert "pass --limit N" in html
    found = cited(html)
    assert set(found.commands) == {"analyze", "size", "hourly"}
    docs = run_documents(found.commands, tmp_path, SAMPLE_INPUTS)
    assert mismatches(found.figures, docs) == []


def test_per_account_limits(tmp_path: Path) -> None:
    limits = tmp_path / "limits.csv"
    limits.write_text("account_id,limit\nacc-01,6\ndefault,5\n")
    _, html = make_page(tmp_path, "--limits", str(limits))
    found = cited(html)
    assert found.commands["breaches"] == f"ccc breaches INPUTS --limits {limits} --format json"
    docs = run_documents(found.commands, tmp_path, SAMPLE_INPUTS)
    assert mismatches(found.figures, docs) == []
    assert docs["at"]["account"] is not None
    assert "per-account limits" in html


def test_a_selection_is_said_and_accounted(tmp_path: Path) -> None:
    _, html = make_page(
        tmp_path,
        "--limit", "8", "--from", "2026-11-18", "--to", "2026-11-20", "--account", "acc-01",
    )  # fmt: skip
    found = cited(html)
    docs = run_documents(
        found.commands,
        tmp_path,
        [*SAMPLE_INPUTS, "--from", "2026-11-18", "--to", "2026-11-20", "--account", "acc-01"],
    )
    assert mismatches(found.figures, docs) == []
    paths = {json.dumps(p) for p, _, _ in found.figures}
    assert '["analyze", "rows", "not_selected"]' in paths
    assert '["analyze", "selection", "accounts", 0]' in paths
    text = re.sub(r"<[^>]+>", "", html)
    assert "Only the calls selected are counted: from Wed 18 Nov 2026, 00:00:00 to Fri 20" in text
    assert "accounts acc-01." in text


def test_a_log_without_calls_still_makes_a_page(tmp_path: Path) -> None:
    src = tmp_path / "empty.csv"
    src.write_text("call_id,start_time,end_time\nx,,\n")
    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["report", str(src), "--limit", "5", "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert "The data holds no call." in html
    assert '<section id="method">' in html


def test_html_on_stdout(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["report", *SAMPLE_INPUTS, "-o", "-", "-q"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("<!DOCTYPE html>")
    assert r.stdout.rstrip().endswith("</html>")


def test_the_file_is_confirmed_and_written_atomically(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = CliRunner().invoke(
        app, ["report", *SAMPLE_INPUTS, "-o", str(out), "--title", "ACME <Corp>"]
    )
    assert r.exit_code == 0, r.output
    assert re.search(rf"wrote {re.escape(str(out))}: \d+\.\d KiB", r.stderr)
    assert r.stdout == ""
    html = out.read_text()
    assert "<h1>ACME &lt;Corp&gt;</h1>" in html
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
    # The sample's page stays light enough to send by e-mail.
    assert out.stat().st_size < 400_000


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "nothing to write"),
        (["-o", "r.txt"], 2, "--output r.txt: unsupported extension '.txt'"),
        (["--pdf", "r.html"], 2, "--pdf r.html: unsupported extension '.html'"),
        (["-o", "r.html", "--lang", "fr"], 2, "--lang"),
        (["-o", "r.html", "--limit", "0"], 2, "--limit"),
        (["-o", "r.html", "--limit", "3", "--limits", "l.csv"], 2, "cannot be combined"),
        (["-o", "r.html", "--every", "7m"], 2, "--every"),
        (["-o", "missing/r.html"], 3, "does not exist"),
    ],
)
def test_usage_and_output_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["report", SAMPLE, *args])
    assert r.exit_code == code, r.output
    assert message in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_pdf_without_a_browser_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCC_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "r.pdf"
    r = CliRunner().invoke(app, ["report", SAMPLE, "--pdf", str(out)])
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("ccc: error: --pdf needs a headless Chromium")
    assert "install the package chromium" in lines[1]
    assert not out.exists()


def test_the_readme_shows_the_page() -> None:
    from report_pages import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "### `ccc report`" in readme
    assert "![" in readme and "docs/report.png" in readme
    png = (ROOT / "docs" / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) < 400_000


# --- words and formats --------------------------------------------------------------


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, texts in MESSAGES.items():
        assert len(texts) == len(LANGUAGES), key
        assert all(t.strip() for t in texts), key
        assert fields(texts[0]) == fields(texts[1]), key


@pytest.mark.parametrize(
    ("lang", "number", "integer", "percent", "day", "instant", "duration"),
    [
        ("en", "1,234.5", "7,766", "0.09%", "Fri 20 Nov 2026", "Fri 20 Nov 2026, 14:19:57", "4 min 49 s"),
        ("vi", "1.234,5", "7.766", "0,09%", "Thứ Sáu 20/11/2026", "14:19:57 Thứ Sáu 20/11/2026", "4 phút 49 giây"),
    ],
)  # fmt: skip
def test_formats(
    lang: str, number: str, integer: str, percent: str, day: str, instant: str, duration: str
) -> None:
    w = Words(lang)
    assert w.number(1234.5, 1) == number
    assert w.integer(7766) == integer
    assert w.percent(0.0009) == percent
    assert w.day(date(2026, 11, 20)) == day
    assert w.instant(datetime(2026, 11, 20, 14, 19, 57, 828701)) == instant
    assert w.duration(289) == duration


def test_percent_and_duration_edges() -> None:
    w = Words("en")
    assert [w.percent(x) for x in (0, 0.001, 0.00013, 0.0219178, 1)] == [
        "0%", "0.1%", "0.013%", "2.192%", "100%",
    ]  # fmt: skip
    assert [w.duration(s) for s in (0, 0.4, 21, 60, 600, 3600, 3780, 90061)] == [
        "0 s", "0.4 s", "21 s", "1 min", "10 min", "1 h", "1 h 03 min", "25 h 01 min",
    ]  # fmt: skip
    assert Words("vi").every("30m") == "30 phút"
    assert Words("en").every("1h") == "hour"
    with pytest.raises(ValueError, match="unknown language"):
        Words("fr")


def test_resolve_reads_nested_paths() -> None:
    assert resolve({"a": {"b": [1, {"c": 2}]}}, ["a", "b", 1, "c"]) == 2
