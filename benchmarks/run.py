"""Benchmark ccc against the tools a user would pick instead, and check the targets.

Generates seeded data with ``ccc generate`` (30 days, Parquet and CSV), times every
command as a whole process (warm-up, then the median of ``--repeat`` runs, with peak
RSS), runs the DuckDB, numpy and pandas baselines on the same files in the same run,
checks that every tool gives the same answers (exit 1 and a loud report if not), and
writes BENCHMARKS.md: machine, versions, times, ratios and target verdicts.

    pip install -e '.[bench]'
    python benchmarks/run.py --rows 1e6,1e7
    python benchmarks/run.py --rows 1e8 --only 'ccc-peak,ccc-series-1h'

See benchmarks/README.md for what each row measures.
"""

from __future__ import annotations

import argparse
import fnmatch
import itertools
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from benchmarks.agree import BUCKET, Agreement, AgreementError, PeakAnswer, iso_to_micros
from benchmarks.measure import Measurement, RunFailed, measure, run_process, write_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINES = HERE / "baselines"

# Columns written by ``ccc generate`` (ccc_cli.synth.generate.GENERATED_SCHEMA).
START_COL, END_COL, TYPE_COL = "start_time", "end_time", "call_type"
CLEAN, REALISTIC = "clean", "realistic"
PARQUET, CSV = "parquet", "csv"

JOBS = (
    "ccc-help",
    "ccc-peak",
    "ccc-series-1m",
    "ccc-series-1h",
    "ccc-breaches",
    "ccc-size",
    "ccc-engine",
    "duckdb-peak",
    "duckdb-series-1m",
    "numpy-peak",
    "pandas-peak",
)
BASELINE_JOBS = ("duckdb-peak", "duckdb-series-1m", "numpy-peak", "pandas-peak")
# Targets of the issue, set for 10M calls on a 2-core machine.
TARGET_ROWS = 10_000_000
RSS_TARGET_MIB = 1.5e9 / 2**20  # 1.5 GB
HELP_TARGET_S = 0.3


# --- configuration -------------------------------------------------------------------
def parse_rows(text: str) -> list[int]:
    """``1e6,1e7`` or ``100k,1M`` -> row counts."""
    out = []
    for item in text.split(","):
        item = item.strip().lower()
        scale = {"k": 1_000, "m": 1_000_000}.get(item[-1:], 1)
        number = item[:-1] if scale > 1 else item
        rows = int(float(number) * scale)
        if rows < 1:
            raise argparse.ArgumentTypeError(f"rows must be positive: {item!r}")
        out.append(rows)
    return sorted(set(out))


def rows_label(rows: int) -> str:
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return str(rows)


@dataclass(frozen=True)
class Config:
    rows: list[int]
    repeat: int
    warmup: int
    help_runs: int
    workdir: Path
    out: Path
    json_out: Path | None
    seed: int
    days: int
    formats: tuple[str, ...]
    data: tuple[str, ...]
    only: tuple[str, ...]
    pandas_max_rows: int
    csv_max_rows: int
    part_rows: int
    timeout: float
    command_line: str

    def wants(self, job: str) -> bool:
        return any(fnmatch.fnmatchcase(job, pattern) for pattern in self.only)


def parse_args(argv: Sequence[str] | None = None) -> Config:
    p = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Benchmark ccc against DuckDB, numpy and pandas; write BENCHMARKS.md.",
    )
    p.add_argument("--rows", type=parse_rows, default=[1_000_000], help="e.g. 1e6,1e7,1e8")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per command (median)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before them")
    p.add_argument("--help-runs", type=int, default=7, help="timed runs of `ccc --help`")
    p.add_argument("--workdir", type=Path, default=HERE / "data", help="generated data")
    p.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    p.add_argument("--json", dest="json_out", type=Path, help="also write raw results here")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--formats", default="parquet,csv", help="input formats: parquet,csv")
    p.add_argument(
        "--data",
        default="clean,realistic",
        help="clean: valid single-leg calls (baselines run here); realistic: with legs, "
        "duplicates, invalid and REACH_PLAN_LIMIT rows (ccc only)",
    )
    p.add_argument(
        "--only",
        default="*",
        help=f"comma-separated jobs or glob patterns among: {', '.join(JOBS)}",
    )
    p.add_argument("--skip-baselines", action="store_true", help="time ccc only")
    p.add_argument("--pandas-max-rows", type=float, default=2e7, help="skip pandas above")
    p.add_argument("--csv-max-rows", type=float, default=1e7, help="no CSV above this")
    p.add_argument(
        "--part-rows",
        type=float,
        default=2e7,
        help="above this many rows, Parquet data is a directory of files of this size",
    )
    p.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    a = p.parse_args(argv)
    only = tuple(s.strip() for s in a.only.split(",") if s.strip())
    if a.skip_baselines:
        only = tuple(
            j
            for j in JOBS
            if j not in BASELINE_JOBS and any(fnmatch.fnmatchcase(j, pattern) for pattern in only)
        )
    if a.repeat < 1 or a.warmup < 0:
        p.error("--repeat must be >= 1 and --warmup >= 0")
    formats = tuple(f.strip() for f in a.formats.split(","))
    data = tuple(d.strip() for d in a.data.split(","))
    if not set(formats) <= {PARQUET, CSV} or PARQUET not in formats:
        p.error("--formats: parquet, optionally csv")
    if not set(data) <= {CLEAN, REALISTIC}:
        p.error("--data: clean and/or realistic")
    return Config(
        rows=a.rows,
        repeat=a.repeat,
        warmup=a.warmup,
        help_runs=a.help_runs,
        workdir=a.workdir.resolve(),
        out=a.out.resolve(),
        json_out=a.json_out,
        seed=a.seed,
        days=a.days,
        formats=formats,
        data=data,
        only=only,
        pandas_max_rows=int(a.pandas_max_rows),
        csv_max_rows=int(a.csv_max_rows),
        part_rows=int(a.part_rows),
        timeout=a.timeout,
        command_line=" ".join(["python benchmarks/run.py", *(argv or sys.argv[1:])]),
    )


# --- results -------------------------------------------------------------------------
@dataclass
class Result:
    """One timed command on one input."""

    rows: int
    data: str
    fmt: str
    job: str
    command: str
    median_s: float | None = None
    runs_s: list[float] = field(default_factory=list)
    rss_mib: float | None = None
    answer: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    """Everything measured in one invocation."""

    config: Config
    results: list[Result] = field(default_factory=list)
    agreement: Agreement = field(default_factory=Agreement)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    load_start: tuple[float, float, float] = field(default_factory=os.getloadavg)
    load_end: tuple[float, float, float] | None = None

    def find(self, rows: int, data: str, fmt: str, job: str) -> Result | None:
        for r in self.results:
            if (r.rows, r.data, r.fmt, r.job) == (rows, data, fmt, job):
                return r
        return None

    def time_of(self, rows: int, data: str, fmt: str, job: str) -> float | None:
        r = self.find(rows, data, fmt, job)
        return None if r is None else r.median_s


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- commands ------------------------------------------------------------------------
def ccc_argv() -> list[str]:
    """The ``ccc`` console script of this interpreter's environment, as a user runs it."""
    script = Path(sys.executable).parent / "ccc"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ccc_cli"]


def child_env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}


def timed(
    run: Run,
    result: Result,
    argv: list[str],
    *,
    ok_codes: tuple[int, ...] = (0,),
    repeat: int | None = None,
) -> Measurement | None:
    """Measure ``argv`` into ``result``; a failure becomes the row's note (and is raised
    again at the end, after the report is written)."""
    cfg = run.config
    size = rows_label(result.rows) if result.rows else "-"
    label = f"{size} {result.data} {result.fmt} {result.job}"
    log(f"{label}: {' '.join(Path(a).name if '/' in a else a for a in argv)}")
    run.results.append(result)
    try:
        m = measure(
            argv,
            repeat=repeat or cfg.repeat,
            warmup=cfg.warmup,
            timeout=cfg.timeout,
            env=child_env(),
            ok_codes=ok_codes,
            progress=label,
        )
    except RunFailed as exc:
        result.note = f"failed: {str(exc).splitlines()[0][:200]}"
        log(f"  FAILED: {exc}")
        return None
    result.median_s = m.median_s
    result.runs_s = [r.seconds for r in m.runs]
    result.rss_mib = m.rss_mb
    return m


def json_of(m: Measurement) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(m.last.stdout)
    return doc


# --- data ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """What ccc is given (a file or a directory) and the files the baselines read."""

    ccc_paths: list[str]
    files: list[str]
    size_bytes: int


def dataset(cfg: Config, rows: int, data: str, fmt: str) -> Dataset:
    """Generate (once; reused by later runs) the input of ``rows`` rows."""
    cfg.workdir.mkdir(parents=True, exist_ok=True)
    name = f"{data}-{rows_label(rows)}-seed{cfg.seed}-{cfg.days}d"
    if fmt == PARQUET and rows > cfg.part_rows:
        parts = cfg.workdir / f"{name}-parts"
        if not parts.is_dir():
            single = cfg.workdir / f"{name}.parquet"
            if not single.exists():
                generate(cfg, rows, data, single)
            split_parquet(single, parts, cfg.part_rows)
            single.unlink()
        files = sorted(str(p) for p in parts.glob("*.parquet"))
        return Dataset([str(parts)], files, sum(Path(f).stat().st_size for f in files))
    path = cfg.workdir / f"{name}.{fmt}"
    if not path.exists():
        generate(cfg, rows, data, path)
    return Dataset([str(path)], [str(path)], path.stat().st_size)


def generate(cfg: Config, rows: int, data: str, path: Path) -> None:
    argv = [*ccc_argv(), "generate", "-o", str(path), "--rows", str(rows)]
    argv += ["--days", str(cfg.days), "--seed", str(cfg.seed)]
    if data == CLEAN:
        argv.append("--clean")
    log(f"generating {path.name}")
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=child_env())
    log(f"  {time.perf_counter() - t0:.1f} s, {path.stat().st_size / 2**20:.0f} MiB")


def split_parquet(source: Path, target: Path, part_rows: int) -> None:
    """Copy ``source`` into ``target/part-NNN.parquet`` files of about ``part_rows`` rows,
    one row group at a time (rows and their order unchanged, so ids stay unique)."""
    import pyarrow.parquet as pq

    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    pf = pq.ParquetFile(source)
    writer: pq.ParquetWriter | None = None
    part, in_part = 0, 0
    for group in range(pf.num_row_groups):
        table = pf.read_row_group(group)
        if writer is None or in_part >= part_rows:
            if writer is not None:
                writer.close()
            writer = pq.ParquetWriter(
                tmp / f"part-{part:03d}.parquet", table.schema, compression="zstd"
            )
            part, in_part = part + 1, 0
        writer.write_table(table)
        in_part += table.num_rows
    if writer is not None:
        writer.close()
    tmp.rename(target)


# --- one size ------------------------------------------------------------------------
def bench_rows(run: Run, rows: int, size_available: bool) -> None:
    cfg = run.config
    for data in cfg.data:
        for fmt in cfg.formats:
            if fmt == CSV and (rows > cfg.csv_max_rows or data == REALISTIC):
                continue
            ds = dataset(cfg, rows, data, fmt)
            bench_input(run, rows, data, fmt, ds, size_available)
    check_rows(run, rows)


def bench_input(
    run: Run, rows: int, data: str, fmt: str, ds: Dataset, size_available: bool
) -> None:
    cfg = run.config
    ccc = ccc_argv()
    outdir = cfg.workdir / "out"
    outdir.mkdir(exist_ok=True)
    stem = f"{data}-{rows_label(rows)}-{fmt}"
    full = fmt == PARQUET  # every command on Parquet; the CSV rows compare loading

    def new(job: str, command: str) -> Result:
        return Result(rows=rows, data=data, fmt=fmt, job=job, command=command)

    if cfg.wants("ccc-peak"):
        r = new("ccc-peak", "ccc peak --format json")
        m = timed(run, r, [*ccc, "peak", *ds.ccc_paths, "--format", "json", "-q"])
        if m:
            doc = json_of(m)
            total = doc["peak"]
            r.extra = {
                "peak": total["value"],
                "at_us": iso_to_micros(total["at"]),
                "rows": doc["rows"],
            }
            r.answer = f"peak {total['value']} at {total['at']}; {doc['rows']['used']:,} calls"
            if fmt == CSV:
                bar, seconds = progress_bar_shown([*ccc, "peak", *ds.ccc_paths], cfg.timeout)
                r.extra["progress_bar"] = bar
                r.answer += (
                    f"; on a terminal: {'a' if bar else '**no**'} progress bar, {seconds:.2f} s"
                )

    series_out: dict[str, Path] = {}
    for every in ("1m", "1h"):
        job = f"ccc-series-{every}"
        if not full or not cfg.wants(job) or (data == REALISTIC and every == "1h"):
            continue
        out = outdir / f"{stem}-series-{every}.parquet"
        r = new(job, f"ccc series --every {every} -o out.parquet")
        m = timed(run, r, [*ccc, "series", *ds.ccc_paths, "--every", every, "-o", str(out), "-q"])
        if m:
            series_out[every] = out
            top = pl.read_parquet(out, columns=["total_max"])["total_max"]
            r.extra = {"buckets": top.len(), "max": int(top.max() or 0)}  # type: ignore[arg-type]
            r.answer = f"{top.len():,} buckets, max {r.extra['max']}"

    limit: int | None = None
    if full and cfg.wants("ccc-breaches"):
        limit = p99_limit(ccc, ds, series_out.get("1m"), outdir / f"{stem}-limit.parquet", cfg)
        r = new("ccc-breaches", f"ccc breaches --limit {limit} --format json")
        argv = [*ccc, "breaches", *ds.ccc_paths, "--limit", str(limit), "--format", "json", "-q"]
        m = timed(run, r, argv)
        if m:
            replay = json_of(m)["replay"]
            r.extra = {"limit": limit, "rejected": replay["rejected_calls"]}
            r.answer = f"limit {limit} (p99 of the 1m max): {replay['rejected_calls']:,} rejected"
            check = run_process(
                [*ccc, "check", *ds.ccc_paths, "--limit", str(limit), "--format", "json", "-q"],
                timeout=cfg.timeout,
                env=child_env(),
                ok_codes=(0, 1),
            )
            r.extra["check_rejected"] = json.loads(check.stdout)["replay"]["rejected_calls"]

    if full and cfg.wants("ccc-size"):
        r = new("ccc-size", "ccc size --format json")
        if not size_available:
            run.results.append(r)
            r.note = "not available (`ccc size --help` fails in this build)"
        else:
            m = timed(run, r, [*ccc, "size", *ds.ccc_paths, "--format", "json"])
            if m:
                r.answer = summarize_size(m.last.stdout)

    if full and data == CLEAN and cfg.wants("ccc-engine"):
        r = new("ccc-engine", "load_calls, then compute_peaks (in process)")
        argv = [sys.executable, str(HERE / "engine_step.py"), *ds.ccc_paths]
        m = timed(run, r, [*argv, "--repeat", str(cfg.repeat)], repeat=1)
        if m:
            doc = json_of(m)
            r.extra = doc
            r.answer = (
                f"compute_peaks {doc['engine_s']:.3f} s "
                f"(events+sort {doc['build_events_s']:.3f} s), "
                f"numpy searchsorted {doc['numpy_s']:.3f} s, load_calls {doc['load_s']:.2f} s"
            )

    if data != CLEAN:
        return
    common = ["--format", fmt, "--start-col", START_COL, "--end-col", END_COL]
    for tool in ("duckdb", "numpy", "pandas"):
        job = f"{tool}-peak"
        if not cfg.wants(job):
            continue
        r = new(job, f"baselines/{tool}_peak.py")
        if tool == "pandas" and rows > cfg.pandas_max_rows:
            r.note = f"skipped above {rows_label(cfg.pandas_max_rows)} rows (--pandas-max-rows)"
            run.results.append(r)
            continue
        m = timed(run, r, [sys.executable, str(BASELINES / f"{tool}_peak.py"), *ds.files, *common])
        if m:
            doc = json_of(m)
            r.extra = doc
            r.answer = f"peak {doc['peak']}; in-tool {doc['engine_s']:.2f} s"
    if full and cfg.wants("duckdb-series-1m"):
        out = outdir / f"{stem}-duckdb-series-1m.parquet"
        r = new("duckdb-series-1m", "baselines/duckdb_series.py (1m, total and by type)")
        argv = [sys.executable, str(BASELINES / "duckdb_series.py"), *ds.files, *common]
        m = timed(run, r, [*argv, "--type-col", TYPE_COL, "--out", str(out)])
        if m:
            doc = json_of(m)
            r.extra = {**doc, "out": str(out)}
            r.answer = f"{doc['buckets']:,} buckets, max {doc['max']}"


def progress_bar_shown(argv: list[str], timeout: float) -> tuple[bool, float]:
    """Run ``argv`` once with stderr on a pseudo-terminal, as in a user's shell: does a
    progress bar appear, and how long does the run take with it drawn?"""
    import pty

    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave, env=child_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=timeout)
    seconds = time.perf_counter() - start
    os.close(master)
    return b"reading" in b"".join(chunks), seconds


def p99_limit(
    ccc: list[str], ds: Dataset, series_1m: Path | None, scratch: Path, cfg: Config
) -> int:
    """The plan limit to replay: the p99 (nearest rank) of the per-minute maximum, so the
    limit is reached in about 1% of the minutes."""
    if series_1m is None:  # series not timed in this run: compute it once, untimed
        argv = [*ccc, "series", *ds.ccc_paths, "--every", "1m", "-o", str(scratch), "-q"]
        run_process(argv, timeout=cfg.timeout, env=child_env())
        series_1m = scratch
    top = pl.read_parquet(series_1m, columns=["total_max"])["total_max"].sort()
    rank = max(1, math.ceil(0.99 * top.len()))
    return max(1, int(top[rank - 1]))


def summarize_size(stdout: str) -> str:
    try:
        doc = json.loads(stdout)
    except json.JSONDecodeError:
        return ""
    keys = ", ".join(f"{k}={v}" for k, v in doc.items() if isinstance(v, int | float | str))
    return keys[:120]


# --- agreement -----------------------------------------------------------------------
def check_rows(run: Run, rows: int) -> None:
    """Compare every answer measured at ``rows`` (see benchmarks/README.md)."""
    ag = run.agreement
    label = rows_label(rows)
    peaks: dict[str, PeakAnswer] = {}
    calls: dict[str, int] = {}
    for r in run.results:
        if r.rows != rows or r.data != CLEAN or not r.extra:
            continue
        where = f"{r.job.removesuffix('-peak')}/{r.fmt}"
        if r.job == "ccc-peak":
            peaks[where] = PeakAnswer(r.extra["peak"], r.extra["at_us"])
            calls[where] = r.extra["rows"]["used"]
        elif r.job.endswith("-peak"):
            peaks[where] = PeakAnswer(r.extra["peak"], r.extra["at_us"])
            calls[where] = r.extra["calls"]
        elif r.job == "ccc-engine":
            peaks["ccc-engine"] = PeakAnswer(r.extra["peak"], iso_to_micros(r.extra["at"]))
            peaks["numpy-on-loaded-table"] = PeakAnswer(
                r.extra["numpy_peak"], r.extra["numpy_at_us"]
            )
            calls["ccc-engine"] = r.extra["calls"]
    ag.peaks(f"{label} clean: peak and first instant, every tool and format", peaks)
    ag.equal(f"{label} clean: calls counted", calls)

    ccc_series = run.find(rows, CLEAN, PARQUET, "ccc-series-1m")
    duck_series = run.find(rows, CLEAN, PARQUET, "duckdb-series-1m")
    if ccc_series and duck_series and ccc_series.extra and duck_series.extra:
        out = run.config.workdir / "out" / f"{CLEAN}-{label}-{PARQUET}-series-1m.parquet"
        ag.series(
            f"{label} clean: every 1m bucket's max, total and by type, ccc vs DuckDB",
            "ccc",
            ccc_series_frame(out),
            "duckdb",
            pl.read_parquet(duck_series.extra["out"]),
        )
    for data in run.config.data:
        peak = run.find(rows, data, PARQUET, "ccc-peak")
        for every in ("1m", "1h"):
            series = run.find(rows, data, PARQUET, f"ccc-series-{every}")
            if peak and series and peak.extra and series.extra:
                ag.equal(
                    f"{label} {data}: max of the {every} series == peak",
                    {"series": series.extra["max"], "peak": peak.extra["peak"]},
                )
        csv_peak = run.find(rows, data, CSV, "ccc-peak")
        if peak and csv_peak and peak.extra and csv_peak.extra:
            ag.equal(
                f"{label} {data}: ccc peak and row accounting, CSV == Parquet",
                {"parquet": peak.extra["rows"], "csv": csv_peak.extra["rows"]},
            )
        breaches = run.find(rows, data, PARQUET, "ccc-breaches")
        if breaches and breaches.extra:
            ag.equal(
                f"{label} {data}: rejected calls, ccc breaches == ccc check",
                {"breaches": breaches.extra["rejected"], "check": breaches.extra["check_rejected"]},
            )


def ccc_series_frame(path: Path) -> pl.DataFrame:
    """ccc's series output as ``bucket_start_us`` and one max column per series."""
    df = pl.read_parquet(path)
    maxes = [c for c in df.columns if c.endswith("_max")]
    return df.select(
        pl.col("bucket_start").dt.epoch("us").alias(BUCKET),
        *(pl.col(c).alias(c.removesuffix("_max")) for c in maxes),
    )


# --- the help and the size command ---------------------------------------------------
def bench_help(run: Run) -> None:
    if not run.config.wants("ccc-help"):
        return
    r = Result(rows=0, data="-", fmt="-", job="ccc-help", command="ccc --help")
    timed(run, r, [*ccc_argv(), "--help"], repeat=max(5, run.config.help_runs))


def size_available() -> bool:
    try:
        run_process([*ccc_argv(), "size", "--help"], timeout=60, env=child_env())
    except RunFailed:
        return False
    return True


# --- the report ----------------------------------------------------------------------
def versions() -> dict[str, str]:
    out = {}
    for dist in ("ccc-concurrent-calls", "polars", "pyarrow", "numpy", "duckdb", "pandas"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    mem = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    except OSError:
        pass
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical cores",
        "memory": mem,
        "os": os_name,
        "python": platform.python_version(),
        "commit": git_commit(),
    }


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' (uncommitted changes)' if dirty else ''}" if head else "unknown"


def fmt_s(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def fmt_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b <= 0 else a / b


TOOL_NAMES = {
    "ccc-help": "ccc",
    "ccc-peak": "ccc",
    "ccc-series-1m": "ccc",
    "ccc-series-1h": "ccc",
    "ccc-breaches": "ccc",
    "ccc-size": "ccc",
    "ccc-engine": "ccc (engine step)",
    "duckdb-peak": "DuckDB",
    "duckdb-series-1m": "DuckDB",
    "numpy-peak": "numpy",
    "pandas-peak": "pandas",
}


def results_table(run: Run) -> list[str]:
    lines = [
        "| rows | data | input | tool | command | median s | runs s | peak RSS MiB "
        "| answer / note |",
        "|---:|---|---|---|---|---:|---|---:|---|",
    ]
    for r in run.results:
        rows = rows_label(r.rows) if r.rows else "-"
        runs = " ".join(f"{s:.2f}" for s in r.runs_s)
        rss = f"{r.rss_mib:.0f}" if r.rss_mib is not None else "-"
        text = "; ".join(x for x in (r.answer, r.note) if x).replace("|", "\\|")
        lines.append(
            f"| {rows} | {r.data} | {r.fmt} | {TOOL_NAMES[r.job]} | `{r.command}` | "
            f"{fmt_s(r.median_s)} | {runs} | {rss} | {text} |"
        )
    return lines


def summary_table(run: Run) -> list[str]:
    """One line per size and input: the headline times (s) and ccc's peak memory."""
    cols = [
        ("`ccc peak`", "ccc-peak"),
        ("DuckDB peak", "duckdb-peak"),
        ("numpy peak", "numpy-peak"),
        ("pandas peak", "pandas-peak"),
        ("`ccc series 1m`", "ccc-series-1m"),
        ("DuckDB 1m", "duckdb-series-1m"),
        ("`ccc breaches`", "ccc-breaches"),
    ]
    lines = [
        "| rows | input | " + " | ".join(c for c, _ in cols) + " | `ccc peak` RSS |",
        "|---:|---|" + "---:|" * (len(cols) + 1),
    ]
    for rows in run.config.rows:
        for data in run.config.data:
            for fmt in run.config.formats:
                peak = run.find(rows, data, fmt, "ccc-peak")
                if peak is None:
                    continue
                cells = [fmt_s(run.time_of(rows, data, fmt, job)) for _, job in cols]
                rss = "-" if peak.rss_mib is None else f"{peak.rss_mib:.0f} MiB"
                lines.append(
                    f"| {rows_label(rows)} | {fmt} ({data}) | " + " | ".join(cells) + f" | {rss} |"
                )
    return lines


def ratio_rows(run: Run) -> Iterator[tuple[str, str, str, float | None, float | None]]:
    """(rows, input, comparison, ccc seconds, other seconds) for every pair measured."""
    for rows in run.config.rows:
        label = rows_label(rows)
        for fmt in run.config.formats:
            ccc_peak = run.time_of(rows, CLEAN, fmt, "ccc-peak")
            for tool, name in (("duckdb", "DuckDB"), ("numpy", "numpy"), ("pandas", "pandas")):
                other = run.time_of(rows, CLEAN, fmt, f"{tool}-peak")
                if ccc_peak is not None and other is not None:
                    yield label, fmt, f"`ccc peak` / {name} peak", ccc_peak, other
        ccc_series = run.time_of(rows, CLEAN, PARQUET, "ccc-series-1m")
        duck_series = run.time_of(rows, CLEAN, PARQUET, "duckdb-series-1m")
        if ccc_series is not None and duck_series is not None:
            yield (
                label,
                PARQUET,
                "`ccc series --every 1m` / DuckDB 1m series",
                ccc_series,
                duck_series,
            )
        engine = run.find(rows, CLEAN, PARQUET, "ccc-engine")
        if engine and engine.extra:
            yield (
                label,
                PARQUET,
                "engine step: `compute_peaks` / numpy searchsorted (same loaded table)",
                engine.extra["engine_s"],
                engine.extra["numpy_s"],
            )
        for data in run.config.data:
            peak = run.time_of(rows, data, PARQUET, "ccc-peak")
            breaches = run.time_of(rows, data, PARQUET, "ccc-breaches")
            if peak is not None and breaches is not None:
                yield label, f"{PARQUET} ({data})", "`ccc breaches` / `ccc peak`", breaches, peak
            csv = run.time_of(rows, data, CSV, "ccc-peak")
            if peak is not None and csv is not None:
                yield label, f"{data}", "`ccc peak` CSV / Parquet", csv, peak


def ratio_table(run: Run) -> list[str]:
    lines = [
        "| rows | input | comparison | first s | second s | ratio |",
        "|---:|---|---|---:|---:|---:|",
    ]
    for label, fmt, what, a, b in ratio_rows(run):
        lines.append(
            f"| {label} | {fmt} | {what} | {fmt_s(a)} | {fmt_s(b)} | {fmt_ratio(ratio(a, b))} |"
        )
    return lines


@dataclass(frozen=True)
class Target:
    name: str
    figure: str
    verdict: str


def target_rows(run: Run) -> tuple[int | None, str]:
    """The size the targets are read at: 10M if measured, else the largest measured."""
    measured = sorted({r.rows for r in run.results if r.rows and r.median_s is not None})
    if not measured:
        return None, ""
    if TARGET_ROWS in measured:
        return TARGET_ROWS, ""
    n = max(measured)
    return n, f" (read at {rows_label(n)} rows: the target is set at 10M)"


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**not met**")


def targets(run: Run) -> list[Target]:
    n, at = target_rows(run)
    out: list[Target] = []

    def add(name: str, figure: str, ok: bool | None) -> None:
        out.append(Target(name, figure, verdict(ok)))

    def t(job: str, data: str = CLEAN, fmt: str = PARQUET) -> float | None:
        return None if n is None else run.time_of(n, data, fmt, job)

    peak, duck = t("ccc-peak"), t("duckdb-peak")
    q = ratio(peak, duck)
    add(
        "`ccc peak` faster than DuckDB's peak SQL (Parquet)" + at,
        f"{fmt_s(peak)} s vs {fmt_s(duck)} s: {fmt_ratio(q)}",
        None if q is None else q < 1,
    )
    engine = None if n is None else run.find(n, CLEAN, PARQUET, "ccc-engine")
    if engine and engine.extra:
        ours, theirs = engine.extra["engine_s"], engine.extra["numpy_s"]
        q = ratio(ours, theirs)
        add(
            "engine step within 1.5x of numpy searchsorted" + at,
            f"{fmt_s(ours)} s vs {fmt_s(theirs)} s: {fmt_ratio(q)}",
            None if q is None else q <= 1.5,
        )
    else:
        add("engine step within 1.5x of numpy searchsorted" + at, "-", None)
    series, duck_series = t("ccc-series-1m"), t("duckdb-series-1m")
    q = ratio(duck_series, series)
    add(
        "`ccc series --every 1m` (by type) ≥ 3x faster than DuckDB's 1m SQL" + at,
        f"{fmt_s(series)} s vs {fmt_s(duck_series)} s: DuckDB takes {fmt_ratio(q)}",
        None if q is None else q >= 3,
    )
    for data in run.config.data:
        q = ratio(t("ccc-breaches", data), t("ccc-peak", data))
        add(
            f"`ccc breaches` ≤ 2x `ccc peak` ({data} data)" + at,
            f"{fmt_s(t('ccc-breaches', data))} s vs {fmt_s(t('ccc-peak', data))} s: {fmt_ratio(q)}",
            None if q is None else q <= 2,
        )
    for data in run.config.data:
        r = None if n is None else run.find(n, data, PARQUET, "ccc-peak")
        rss = None if r is None else r.rss_mib
        add(
            f"`ccc peak` peak RSS < 1.5 GB ({data} data)" + at,
            "-" if rss is None else f"{rss:.0f} MiB ({rss * 2**20 / 1e9:.2f} GB)",
            None if rss is None else rss < RSS_TARGET_MIB,
        )
    help_s = run.time_of(0, "-", "-", "ccc-help")
    add(
        "`ccc --help` < 0.3 s",
        f"{fmt_s(help_s)} s",
        None if help_s is None else help_s < HELP_TARGET_S,
    )
    big = 100_000_000
    done = [run.find(big, CLEAN, PARQUET, job) for job in ("ccc-peak", "ccc-series-1h")]
    figure = "; ".join(
        f"{r.job.removeprefix('ccc-')} {fmt_s(r.median_s)} s, {r.rss_mib:.0f} MiB"
        for r in done
        if r is not None and r.median_s is not None and r.rss_mib is not None
    )
    add(
        "100M calls: `ccc peak` and `ccc series --every 1h` complete",
        figure or "-",
        None if any(r is None for r in done) else all(r and r.median_s for r in done),
    )
    for job in ("ccc-peak", "ccc-series-1h"):
        steps = growth(run, job)
        add(
            f"`{job.replace('-', ' ', 1)}` cost grows no worse than n log n",
            "; ".join(f"{a}→{b}: x{x:.1f} (n log n: x{lim:.1f})" for a, b, x, lim in steps) or "-",
            None if not steps else all(x <= lim for *_, x, lim in steps),
        )
    csv, parquet = t("ccc-peak", CLEAN, CSV), t("ccc-peak", CLEAN, PARQUET)
    q = ratio(csv, parquet)
    add(
        "CSV loads within 3x the Parquet time (`ccc peak`)" + at,
        f"{fmt_s(csv)} s vs {fmt_s(parquet)} s: {fmt_ratio(q)}",
        None if q is None else q <= 3,
    )
    return out


def growth(run: Run, job: str) -> list[tuple[str, str, float, float]]:
    """Time ratio between consecutive measured sizes, and the n log n ratio."""
    sizes = [
        (r.rows, r.median_s)
        for r in sorted(run.results, key=lambda r: r.rows)
        if r.job == job and r.data == CLEAN and r.fmt == PARQUET and r.median_s
    ]
    out = []
    for (n1, t1), (n2, t2) in itertools.pairwise(sizes):
        bound = (n2 * math.log(n2)) / (n1 * math.log(n1))
        out.append((rows_label(n1), rows_label(n2), t2 / t1, bound))
    return out


METHOD = """\
## Method

- **Data**: `ccc generate --rows N --days 30 --seed 1` in two variants. *clean*
  (`--clean`): every row is one valid single-leg call. *realistic* (the default): about
  2.6% forwarded second legs, 0.2% `REACH_PLAN_LIMIT` rows, 0.05% invalid rows and 0.05%
  exact duplicates, which ccc merges, drops and accounts for. The baselines count every
  row as one call `[start, end)`, so they run on the *clean* files, where that is exactly
  ccc's rule and all tools must give the same answer; ccc's cost on the *realistic* file
  (same size, more work: leg merging and duplicate detection) is its own row. Above
  `--part-rows` rows the Parquet input is a directory of files (one generated file split
  by row groups); ccc is given the directory, the baselines the same files.
- **Timing**: every row is a whole process (interpreter start-up, imports, reading,
  row accounting, computing, output), spawned afresh for each run: one warm-up run (it
  also brings the file into the page cache), then the median of the timed runs. Peak RSS
  is `ru_maxrss` of that very process (`wait4`), the highest of the timed runs. The
  *engine step* row is one process that loads the table with `ccc_cli.api.load_calls`
  and then times `compute_peaks` alone (median of the same number of runs after a
  warm-up), and numpy's searchsorted peak on the same loaded intervals.
- **Baselines** (`benchmarks/baselines/`, one process each, never importing ccc):
  DuckDB SQL, the classic window sweep (+1/-1 events, `SUM(delta) OVER (ORDER BY ts,
  delta ROWS UNBOUNDED PRECEDING)`, ends first) and, for the series, the same sweep
  partitioned by series (total and each call type) with the level each minute opens
  with, over every minute of the span; numpy (sorted starts and ends + `searchsorted`);
  pandas (events, `sort_values(["ts", "delta"])`, `cumsum`).
- **Agreement** (the run fails with exit 1 otherwise): the peak and its first instant
  from every tool and format, the number of calls, every 1-minute bucket's maximum
  overall and per type (ccc vs DuckDB), the series maximum equal to the peak, the
  rejected calls of `ccc breaches` equal to `ccc check`'s, and CSV equal to Parquet.
- **`ccc breaches --limit L`**: L is the p99 (nearest rank) of the 1-minute maxima, so the
  limit is reached in about 1% of the minutes and the replay has real work.
- Ratios divide times measured in the same run. The machine may be shared: the load
  average is given, and every tool suffers from other work alike.
"""


def render(run: Run) -> str:
    cfg = run.config
    info = machine()
    vers = versions()
    load_end = run.load_end or os.getloadavg()
    lines = [
        "# Benchmarks",
        "",
        f"`{cfg.command_line}` on {run.started:%Y-%m-%d %H:%M} UTC, commit {info['commit']}.",
        "Rerun: `pip install -e '.[bench]' && python benchmarks/run.py --rows 1e6,1e7`"
        " (see `benchmarks/README.md`).",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}; memory {info['memory']}; {info['os']}",
        f"- Python {info['python']}; " + ", ".join(f"{k} {v}" for k, v in vers.items()),
        f"- load average (1 min) at start {run.load_start[0]:.2f}, at end {load_end[0]:.2f}",
        f"- {cfg.repeat} timed runs after {cfg.warmup} warm-up per command, median shown",
        "",
        "## Summary (median seconds, whole process)",
        "",
        *summary_table(run),
        "",
        "## Results",
        "",
        *results_table(run),
        "",
        "## Ratios (same run)",
        "",
        *ratio_table(run),
        "",
        "## Targets",
        "",
        "| target | figure | verdict |",
        "|---|---|---|",
        *(f"| {t.name} | {t.figure} | {t.verdict} |" for t in targets(run)),
        "",
        "The timed runs have no terminal, so no progress bar; each CSV `ccc peak` row also "
        "says whether a bar appears when stderr is a terminal (one extra run on a "
        "pseudo-terminal, its time given).",
        "",
        "## Agreement",
        "",
    ]
    if run.agreement.failed:
        lines += ["**FAILED**:", ""] + [f"- {f}" for f in run.agreement.failed] + [""]
    lines += [f"- ok: {p}" for p in run.agreement.passed] or ["- nothing to compare"]
    lines += ["", METHOD]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    run = Run(cfg)
    failures: list[str] = []
    bench_help(run)
    available = size_available()
    for rows in cfg.rows:
        bench_rows(run, rows, available)
    run.load_end = os.getloadavg()
    failures = [
        f"{rows_label(r.rows)} {r.job}: {r.note}"
        for r in run.results
        if r.note.startswith("failed")
    ]
    text = render(run)
    print(text)
    ok = not run.agreement.failed and not failures
    out = cfg.out if ok else cfg.out.with_name(cfg.out.stem + ".failed.md")
    write_text(out, text + "\n")
    if cfg.json_out:
        doc = {
            "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items()},
            "results": [asdict(r) for r in run.results],
            "agreement": asdict(run.agreement),
        }
        write_text(cfg.json_out, json.dumps(doc, indent=2, default=str) + "\n")
    log(f"wrote {out}")
    try:
        run.agreement.raise_if_failed()
    except AgreementError as exc:
        log("\n" + "!" * 78 + f"\nANSWERS DISAGREE: {exc}\n" + "!" * 78)
        return 1
    if failures:
        log("\nSOME RUNS FAILED:\n  " + "\n  ".join(failures))
        return 1
    log(f"agreement: ok ({len(run.agreement.passed)} checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
