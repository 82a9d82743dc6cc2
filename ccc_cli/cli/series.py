"""``ccc series``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    ByKey,
    ByOption,
    DebugOption,
    LimitOption,
    PlotOption,
    TableFormatOption,
    TableOutputFormat,
    check_plot_option,
)


@with_load_options
def series(
    load_request: LoadRequest,
    every: Annotated[
        str,
        typer.Option("--every", help="Bucket width dividing a day: 1s .. 1d (30s, 5m, 1h, ...)."),
    ] = "1m",
    by: ByOption = None,
    limit: LimitOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write every bucket to FILE (.csv, .parquet, .json; - for CSV on stdout).",
            show_default=False,
        ),
    ] = None,
    plot: PlotOption = None,
    format: TableFormatOption = TableOutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Concurrency over time: per bucket the exact max, the mean (Erlangs) and the starts.

    Every bucket [b, b + every) gets, overall and per call type: *_max, the highest
    concurrency at any instant inside it (calls begun earlier included); *_mean, the
    time-weighted mean; *_starts, the calls that started in it. Buckets are aligned on
    local midnight in --tz, empty ones included. --format csv prints every bucket.

    Example: ccc series calls.parquet --every 15m --tz Asia/Ho_Chi_Minh -o series.csv
    """
    from ccc_cli.engine.series import compute_series, parse_every
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.files import check_table_path
    from ccc_cli.report.plot import plot_series, series_plot_title
    from ccc_cli.report.series import render_series, series_document, series_frame

    width = parse_every(every)
    taken = claim_stdout(format, {"--output": output, "--rejects": load_request.rejects})
    if output is not None:
        check_table_path(output, option="--output")
    if plot is not None:
        check_plot_option(plot)
    outputs = load_request.outputs

    callset = load(load_request)
    # With --from/--to the buckets cover the whole window, quiet ends included.
    chosen = callset.selection
    since = chosen.start if chosen is not None else None
    until = chosen.end if chosen is not None else None
    result = compute_series(
        callset, every=width, by_account=by is ByKey.account, start=since, end=until
    )
    if output is not None:
        document = series_document(result, callset) if output.suffix.lower() == ".json" else None
        outputs.table(series_frame(result), output, tz=result.tz, document=document)
    if plot is not None:
        plot_series(
            plot, result, title=series_plot_title(result, by_account=by is not None), limit=limit
        )
        outputs.confirm(plot)
    if format == "json":
        print_json(series_document(result, callset))
    elif format == "csv":
        outputs.csv(series_frame(result), tz=result.tz)
    elif not taken:
        render_series(stdout_console(), result, callset, limit=limit)
