"""The benchmark script (benchmarks/): its agreement checks, its process timing, and one
end-to-end run at a tiny size. No test here asserts a time."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from benchmarks.agree import BUCKET, Agreement, AgreementError, PeakAnswer, iso_to_micros
from benchmarks.measure import RunFailed, run_process
from benchmarks.run import parse_rows, rows_label

ROOT = Path(__file__).resolve().parents[1]


# --- the agreement checker (needs no baseline library) ---------------------------------
def test_agreeing_peaks_pass() -> None:
    ag = Agreement()
    assert ag.peaks("peak", {"ccc": PeakAnswer(40, 7), "duckdb": PeakAnswer(40, 7)})
    ag.raise_if_failed()
    assert ag.passed == ["peak"]


def test_a_different_peak_fails_loudly_naming_every_tool() -> None:
    ag = Agreement()
    ag.peaks("1M clean", {"ccc": PeakAnswer(40, 7), "duckdb": PeakAnswer(41, 7)})
    ag.peaks("1M clean instant", {"ccc": PeakAnswer(40, 7), "numpy": PeakAnswer(40, 8)})
    with pytest.raises(AgreementError) as err:
        ag.raise_if_failed()
    text = str(err.value)
    assert "2 of 2 agreement checks FAILED" in text
    assert "peak differs: ccc=40, duckdb=41" in text
    assert "first instant differs" in text
    assert "1970-01-01T00:00:00.000007+00:00" in text


def test_equal_values() -> None:
    ag = Agreement()
    assert ag.equal("same", {"breaches": 3, "check": 3})
    assert not ag.equal("differ", {"breaches": 3, "check": 4})
    assert ag.failed == ["differ: breaches=3, check=4"]


def _series(buckets: list[int], **columns: list[int]) -> pl.DataFrame:
    return pl.DataFrame({BUCKET: buckets, **columns})


def test_identical_series_pass_and_a_missing_all_zero_series_is_fine() -> None:
    ag = Agreement()
    left = _series([0, 60], total=[1, 2], otp=[0, 0])
    right = _series([0, 60], total=[1, 2])
    assert ag.series("1m", "ccc", left, "duckdb", right)


def test_series_mismatches_are_reported_by_bucket_and_column() -> None:
    # Bucket 120 only on the left, and one value of ``inbound`` differs at 60 µs.
    ag = Agreement()
    left = _series([0, 60, 120], total=[1, 2, 0], inbound=[1, 2, 0])
    right = _series([0, 60], total=[1, 2], inbound=[1, 1])
    assert not ag.series("1m", "ccc", left, "duckdb", right)
    with pytest.raises(AgreementError) as err:
        ag.raise_if_failed()
    text = str(err.value)
    assert "buckets differ (ccc 3, duckdb 2" in text
    assert "inbound: 1 buckets differ" in text
    assert "ccc=2 duckdb=1" in text
    assert "total" not in text.split("inbound")[1]


def test_iso_to_micros() -> None:
    assert iso_to_micros("1970-01-01T00:00:01.000002+00:00") == 1_000_002
    assert iso_to_micros("1970-01-01T07:00:00+07:00") == 0
    assert iso_to_micros(None) is None


# --- options and timing -----------------------------------------------------------------
def test_rows_option() -> None:
    assert parse_rows("1e7,1e6,100k,1M") == [100_000, 1_000_000, 10_000_000]
    assert [rows_label(n) for n in (20_000, 10**6, 10**8, 1234)] == ["20k", "1M", "100M", "1234"]


def test_run_process_reports_the_child_and_its_exit_code() -> None:
    run = run_process([sys.executable, "-c", "print('hi')"], timeout=60)
    assert (run.returncode, run.stdout.strip()) == (0, "hi")
    assert run.rss_mb > 1
    with pytest.raises(RunFailed, match="exited with 3"):
        run_process([sys.executable, "-c", "import sys; sys.exit(3)"], timeout=60)
    assert run_process([sys.executable, "-c", "exit(1)"], timeout=60, ok_codes=(0, 1))


def test_run_process_kills_a_child_past_its_timeout() -> None:
    with pytest.raises(RunFailed, match="timed out"):
        run_process([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)


# --- end to end ---------------------------------------------------------------------------
@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("duckdb", "pandas")),
    reason="the baselines need the bench extra: pip install -e '.[bench]'",
)
def test_benchmark_runs_end_to_end_and_the_tools_agree(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    raw = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            *("--rows", "2e4", "--repeat", "1", "--warmup", "0", "--help-runs", "5"),
            *("--formats", "parquet"),
            *("--workdir", str(tmp_path / "data"), "--out", str(out), "--json", str(raw)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "agreement: ok" in done.stderr
    text = out.read_text(encoding="utf-8")
    for section in ("## Machine", "## Results", "## Ratios (same run)", "## Targets"):
        assert section in text
    assert "## Agreement" in text and "FAILED" not in text
    assert "| 20k | clean | parquet | DuckDB |" in text
    assert "`ccc peak` / numpy peak" in text
    doc = json.loads(raw.read_text(encoding="utf-8"))
    assert doc["agreement"]["failed"] == []
    passed = " ".join(doc["agreement"]["passed"])
    assert "peak and first instant, every tool and format" in passed
    assert "every 1m bucket's max" in passed
    assert "ccc breaches == ccc check" in passed
    jobs = {r["job"] for r in doc["results"] if r["median_s"] is not None}
    assert {"ccc-peak", "ccc-series-1m", "ccc-breaches", "duckdb-peak", "numpy-peak"} <= jobs
