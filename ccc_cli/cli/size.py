"""``ccc size``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    ByKey,
    DebugOption,
    PlotOption,
    TableFormatOption,
    TableOutputFormat,
    check_plot_option,
)
from ccc_cli.errors import UsageError


@with_load_options
def size(
    load_request: LoadRequest,
    max_reject_rate: Annotated[
        float,
        typer.Option(
            "--max-reject-rate",
            help="Highest acceptable share of calls rejected (0.001 = 0.1%).",
            min=0.0,
            max=0.999999,
        ),
    ] = 0.001,
    headroom: Annotated[
        float,
        typer.Option(
            "--headroom", help="Margin added to the recommended limit (0.1 = 10%).", min=0.0
        ),
    ] = 0.1,
    gos: Annotated[
        float,
        typer.Option("--gos", help="Erlang B grade of service: blocking probability (0.01 = 1%)."),
    ] = 0.01,
    current: Annotated[
        int | None,
        typer.Option(
            "--current",
            min=1,
            help="The customer's current limit: what it did to them.",
            show_default=False,
        ),
    ] = None,
    curve_from: Annotated[
        int | None,
        typer.Option(
            "--lowest-limit",
            min=1,
            help="Lowest limit of the curve (default: the median daily peak, lower while "
            "it still meets the target).",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        ByKey | None,
        typer.Option("--by", help="Also size each account on its own.", show_default=False),
    ] = None,
    curve_out: Annotated[
        Path | None,
        typer.Option(
            "--curve-out",
            help="Write the whole curve to FILE (.csv, .parquet, .json; - for CSV on stdout).",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    plot: PlotOption = None,
    format: TableFormatOption = TableOutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Size a plan for sales: the limit to sell, the limit curve, and Erlang B beside it.

    For every limit from the median daily peak up to the peak, the admission replay
    gives the calls it would have rejected (rate, days hit, worst day) and the time at
    capacity. Recommends the smallest limit whose rejected rate stays within
    --max-reject-rate (and every larger one too), raised by --headroom; shows daily
    peaks by weekday with their trend, and Erlang B for the busy hour's traffic with
    the traffic's burstiness. --format csv prints the whole curve.

    Example: ccc size calls.parquet --max-reject-rate 0.001 --headroom 0.1 --current 20
    """
    from ccc_cli.engine.sizing import size_plan
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.files import check_table_path
    from ccc_cli.report.plot import plot_curve
    from ccc_cli.report.size import curve_frame, render_size, size_document

    if not math.isfinite(headroom):
        raise UsageError(f"bad --headroom {headroom}", hint="give a share, e.g. 0.1 for 10%")
    taken = claim_stdout(format, {"--curve-out": curve_out, "--rejects": load_request.rejects})
    if curve_out is not None:
        check_table_path(curve_out, option="--curve-out")
    if plot is not None:
        check_plot_option(plot)
    callset = load(load_request)
    result = size_plan(
        callset,
        target=max_reject_rate,
        headroom=headroom,
        gos=gos,
        current=current,
        by_account=by is ByKey.account,
        curve_from=curve_from,
    )
    outputs = load_request.outputs
    if curve_out is not None:
        outputs.table(curve_frame(result), curve_out)
    if plot is not None:
        plot_curve(plot, result)
        outputs.confirm(plot)
    if format == "json":
        print_json(size_document(result, callset))
    elif format == "csv":
        outputs.csv(curve_frame(result))
    elif not taken:
        render_size(stdout_console(), result, callset)
