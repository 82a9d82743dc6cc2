"""``ccc breaches``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import print_json
from ccc_cli.cli.shared_options import (
    DebugOption,
    FormatOption,
    LimitOption,
    LimitsFileOption,
    OutputFormat,
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
            help="Write the calls the replay rejects to FILE (.csv, .parquet, .json).",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    fail_on_breach: FailOnBreachOption = False,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """When the plan limit would have been hit, and which calls it would have rejected.

    Intervals at capacity (level >= limit) and over it (level > limit); the admission
    replay (a call arriving at capacity is rejected and never occupies capacity); and the
    log's own REACH_PLAN_LIMIT rows checked against the level at their start.

    Example: ccc breaches calls.parquet --limit 20 --rejected-out rejected.csv
    """
    from ccc_cli.engine.breaches import compute_breaches
    from ccc_cli.report.breaches import breaches_document, render_breaches
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.files import check_table_path, write_table

    limits = resolve_limits(limit, limits_file, required=True)
    if rejected_out is not None:
        check_table_path(rejected_out, option="--rejected-out")
    callset = load(load_request)
    result = compute_breaches(callset, limits)
    if rejected_out is not None:
        write_table(result.replay.rejected, rejected_out)
    if format is OutputFormat.json:
        print_json(breaches_document(result, callset))
    else:
        render_breaches(stdout_console(), result, callset)
    if fail_on_breach and result.breached:
        raise CheckFailed(f"the limit would have rejected {result.replay.rejected_calls:,} call(s)")
