"""``ccc series``: the JSON document, the chart with a compact table, and files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from ccc_cli.engine.series import ACCOUNT_ID as ENGINE_ACCOUNT
from ccc_cli.engine.series import BUCKET_START, TOTAL, SeriesResult
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.atomic import atomic_path
from ccc_cli.report.chart import ConcurrencyChart
from ccc_cli.report.common import accounting_line, chart_width, inputs_document
from ccc_cli.report.timefmt import iso
from ccc_cli.schema import ACCOUNT

TOP_ROWS = 10


def series_frame(series: SeriesResult) -> pl.DataFrame:
    """The buckets as written and shown: ``bucket_start``, [``account``], ``total_max``,
    ``total_mean``, ``total_starts``, then per type ``<type>_max``, ``_mean``,
    ``_starts``."""
    if ENGINE_ACCOUNT in series.frame.columns:
        return series.frame.rename({ENGINE_ACCOUNT: ACCOUNT})
    return series.frame


def series_records(series: SeriesResult) -> list[dict[str, Any]]:
    """Buckets as JSON-ready dicts (times ISO 8601 with offset in the series' zone)."""
    records = series_frame(series).to_dicts()
    for record in records:
        for key, value in record.items():
            if hasattr(value, "isoformat"):
                record[key] = iso(value, series.tz)
    return records


def series_document(series: SeriesResult, callset: CallSet) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc series`` (docs/schema/series.json)."""
    doc = inputs_document(callset, "series")
    doc["timezone"] = series.tz
    doc |= {"every": series.every.text, "buckets": series_records(series)}
    return doc


def write_series(series: SeriesResult, path: Path, callset: CallSet) -> None:
    """``-o FILE``: .csv (ISO 8601 times with offset), .parquet or .json, atomically."""
    import json

    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            series_frame(series).write_parquet(tmp)
        elif suffix == ".csv":
            series_frame(series).write_csv(tmp, datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z")
        else:
            tmp.write_text(json.dumps(series_document(series, callset), indent=1) + "\n")


def render_series(
    console: Console, series: SeriesResult, callset: CallSet, *, limit: int | None
) -> None:
    """Chart of ``total_max`` over time, then the busiest buckets."""
    frame = series_frame(series)
    tz = series.tz
    if ACCOUNT in frame.columns:
        chart_frame = frame.group_by(BUCKET_START, maintain_order=True).agg(
            pl.col(f"{TOTAL}_max").max()
        )
        what = "highest account"
    else:
        chart_frame, what = frame, "all calls"
    console.print(
        ConcurrencyChart(
            chart_frame[BUCKET_START].to_list(),
            chart_frame[f"{TOTAL}_max"].to_list(),
            title=f"Max concurrent calls per {series.every.text} ({what}; times in {tz})",
            limit=limit,
            max_width=chart_width(console),
        )
    )
    top = frame.sort([f"{TOTAL}_max", BUCKET_START], descending=[True, False]).head(TOP_ROWS)
    table = Table(
        title=f"Busiest {min(TOP_ROWS, frame.height)} of {frame.height:,} buckets "
        "(max, mean and starts of all calls; then max per type)",
        title_justify="left",
    )
    table.add_column("bucket start", no_wrap=True)
    if ACCOUNT in frame.columns:
        table.add_column("account")
    table.add_column("max", justify="right")
    table.add_column("mean", justify="right")
    table.add_column("starts", justify="right")
    for t in series.types:
        table.add_column(t, justify="right")
    for row in top.iter_rows(named=True):
        cells = [row[BUCKET_START].strftime("%Y-%m-%d %H:%M:%S")]
        if ACCOUNT in frame.columns:
            cells.append(str(row[ACCOUNT]))
        cells += [
            str(row[f"{TOTAL}_max"]),
            f"{row[f'{TOTAL}_mean']:.2f}",
            f"{row[f'{TOTAL}_starts']:,}",
            *[str(row[f"{t}_max"]) for t in series.types],
        ]
        table.add_row(*cells)
    console.print(table)
    console.print("all buckets: -o FILE (.csv, .parquet, .json) or --format json")
    console.print(accounting_line(callset.accounting))
