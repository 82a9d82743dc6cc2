"""``ccc analyze``: the main job."""

from __future__ import annotations

from typing import Annotated

import typer

from ccc_cli.cli.breaches import FailOnBreachOption
from ccc_cli.cli.funnel import eprint
from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    ByKey,
    ByOption,
    DebugOption,
    FormatOption,
    LimitOption,
    LimitsFileOption,
    OutputFormat,
    PlotOption,
    check_plot_option,
    resolve_limits,
)
from ccc_cli.errors import CheckFailed


@with_load_options
def analyze(
    load_request: LoadRequest,
    limit: LimitOption = None,
    limits_file: LimitsFileOption = None,
    by: ByOption = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="Bucket width of the chart (default: from the time span).",
            show_default=False,
        ),
    ] = None,
    plot: PlotOption = None,
    fail_on_breach: FailOnBreachOption = False,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """One screen for sales and support: the whole picture of a data set.

    Row accounting, peak concurrency overall and per type with times, peak call starts
    per second (1 s and 10 s windows), the busiest day and hour of the week, percentiles
    of the daily peaks, and a chart of concurrency over time; with a limit, the breach
    summary (time at capacity, calls the plan would have rejected, REACH_PLAN_LIMIT rows).

    Example: ccc analyze sample_data/ --tz Asia/Ho_Chi_Minh --limit 20
    """
    from ccc_cli.engine.analysis import analyze as run
    from ccc_cli.engine.series import parse_every
    from ccc_cli.report.analyze import analysis_document, render_analysis, zone_note
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.plot import plot_series, series_plot_title

    limits = resolve_limits(limit, limits_file, required=False, defaults=load_request.defaults)
    width = None if every is None else parse_every(every)
    if plot is not None:
        check_plot_option(plot)
    taken = claim_stdout(format, {"--rejects": load_request.rejects})
    callset = load(load_request)
    result = run(callset, limits=limits, every=width, by_account=by is ByKey.account)
    if plot is not None:
        plot_series(plot, result.chart, title=series_plot_title(result.chart), limit=limit)
        load_request.outputs.confirm(plot)
    notes = []
    if load_request.options.tz is None and (note := zone_note(callset)) is not None:
        notes.append(note)
        if not load_request.quiet:
            eprint(f"note: {note}")
    if format is OutputFormat.json:
        print_json(analysis_document(result, callset, notes=notes))
    elif not taken:
        render_analysis(stdout_console(), result, callset)
    if fail_on_breach and result.breaches is not None and result.breaches.breached:
        raise CheckFailed(
            f"the limit would have rejected {result.breaches.replay.rejected_calls:,} call(s)"
        )
