"""``ccc series``: the JSON document, the chart with a compact table, and files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from ccc_cli.engine.series import BUCKET_START, TOTAL, SeriesResult
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.atomic import atomic_path
from ccc_cli.report.chart import ConcurrencyChart
from ccc_cli.report.common import accounting_line, inputs_document
from ccc_cli.report.timefmt import iso

TOP_ROWS = 10


def series_records(series: SeriesResult) -> list[dict[str, Any]]:
    """Buckets as JSON-ready dicts (times ISO 8601 with offset in the series' zone)."""
    records = series.frame.to_dicts()
    for record in records:
        for key, value in record.items():
            if hasattr(value, "isoformat"):
                record[key] = iso(value, series.tz)
    return records


def series_document(series: SeriesResult, callset: CallSet) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc series``."""
    return {
        "every": series.every.text,
        "timezone": series.tz,
        "buckets": series_records(series),
        **{k: v for k, v in inputs_document(callset).items() if k != "timezone"},
    }


def write_series(series: SeriesResult, path: Path, callset: CallSet) -> None:
    """``-o FILE``: .csv (ISO 8601 times with offset), .parquet or .json, atomically."""
    import json

    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            series.frame.write_parquet(tmp)
        elif suffix == ".csv":
            series.frame.write_csv(tmp, datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z")
        else:
            tmp.write_text(json.dumps(series_document(series, callset), indent=1) + "\n")


def render_series(
    console: Console, series: SeriesResult, callset: CallSet, *, limit: int | None
) -> None:
    """Chart of ``total_max`` over time, then the busiest buckets."""
    frame = series.frame
    tz = series.tz
    if "account_id" in frame.columns:
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
        )
    )
    top = frame.sort([f"{TOTAL}_max", BUCKET_START], descending=[True, False]).head(TOP_ROWS)
    table = Table(
        title=f"Busiest {min(TOP_ROWS, frame.height)} of {frame.height:,} buckets "
        "(max, mean and starts of all calls; then max per type)",
        title_justify="left",
    )
    table.add_column("bucket start", no_wrap=True)
    if "account_id" in frame.columns:
        table.add_column("account")
    table.add_column("max", justify="right")
    table.add_column("mean", justify="right")
    table.add_column("starts", justify="right")
    for t in series.types:
        table.add_column(t, justify="right")
    for row in top.iter_rows(named=True):
        cells = [row[BUCKET_START].strftime("%Y-%m-%d %H:%M:%S")]
        if "account_id" in frame.columns:
            cells.append(str(row["account_id"]))
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
