"""``ccc breaches``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    DebugOption,
    LimitOption,
    LimitsFileOption,
    TableFormatOption,
    TableOutputFormat,
    resolve_limits,
)
from ccc_cli.errors import CheckFailed

FailOnBreachOption = Annotated[
    bool,
    typer.Option(
        "--fail-on-breach", help="Exit 1 if the limit would have rejected any call (for CI)."
    ),
]


@with_load_options
def breaches(
    load_request: LoadRequest,
    limit: LimitOption = None,
    limits_file: LimitsFileOption = None,
    rejected_out: Annotated[
        Path | None,
        typer.Option(
            "--rejected-out",
            help="Write the calls the replay rejects to FILE (.csv, .parquet, .json; - for "
            "CSV on stdout).",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    fail_on_breach: FailOnBreachOption = False,
    format: TableFormatOption = TableOutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """When the plan limit would have been hit, and which calls it would have rejected.

    Intervals at capacity (level >= limit) and over it (level > limit); the admission
    replay (a call arriving at capacity is rejected and never occupies capacity); and the
    log's own REACH_PLAN_LIMIT rows checked against the level at their start.
    --format csv prints every interval (at capacity, then over the limit).

    Example: ccc breaches calls.parquet --limit 20 --rejected-out rejected.csv
    """
    from ccc_cli.engine.breaches import compute_breaches
    from ccc_cli.report.breaches import breaches_document, intervals_frame, render_breaches
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.files import check_table_path

    limits = resolve_limits(limit, limits_file, required=True, defaults=load_request.defaults)
    taken = claim_stdout(
        format, {"--rejected-out": rejected_out, "--rejects": load_request.rejects}
    )
    if rejected_out is not None:
        check_table_path(rejected_out, option="--rejected-out")
    callset = load(load_request)
    result = compute_breaches(callset, limits)
    outputs = load_request.outputs
    if rejected_out is not None:
        outputs.table(result.replay.rejected, rejected_out, tz=callset.tz)
    if format == "json":
        print_json(breaches_document(result, callset))
    elif format == "csv":
        outputs.csv(intervals_frame(result), tz=callset.tz)
    elif not taken:
        render_breaches(stdout_console(), result, callset)
    if fail_on_breach and result.breached:
        raise CheckFailed(f"the limit would have rejected {result.replay.rejected_calls:,} call(s)")
