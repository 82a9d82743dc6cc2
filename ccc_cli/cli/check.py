"""``ccc check``: a limit as a CI gate."""

from __future__ import annotations

from typing import Annotated

import typer

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    DebugOption,
    FormatOption,
    LimitOption,
    LimitsFileOption,
    OutputFormat,
    resolve_limits,
)
from ccc_cli.errors import ExitCode, UsageError


@with_load_options
def check(
    load_request: LoadRequest,
    limit: LimitOption = None,
    limits_file: LimitsFileOption = None,
    max_rejected: Annotated[
        int | None,
        typer.Option("--max-rejected", min=0, help="Calls the replay may reject (default 0)."),
    ] = None,
    max_reject_rate: Annotated[
        float | None,
        typer.Option(
            "--max-reject-rate", min=0.0, max=1.0, help="Share of calls the replay may reject."
        ),
    ] = None,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Pass (exit 0) when the plan limit rejects no more calls than allowed, else exit 1.

    Replays the calls against the limit; one summary line on stdout (JSON with --format
    json). Bad input exits 3.

    Example: ccc check samples/*.csv --limit 20 --max-reject-rate 0.001
    """
    from ccc_cli.engine.replay import replay
    from ccc_cli.report.breaches import check_document
    from ccc_cli.report.timefmt import human

    limits = resolve_limits(limit, limits_file, required=True)
    if max_rejected is not None and max_reject_rate is not None:
        raise UsageError("--max-rejected and --max-reject-rate cannot be combined")
    taken = claim_stdout(format, {"--rejects": load_request.rejects})
    callset = load(load_request)
    result = replay(callset, limits)
    if max_reject_rate is not None:
        passed = result.rejected_rate <= max_reject_rate
        allowed = f"{max_reject_rate:.4%} of calls"
    else:
        allowed_n = max_rejected or 0
        passed = result.rejected_calls <= allowed_n
        allowed = f"{allowed_n:,} call(s)"
    tz = callset.tz
    if format is OutputFormat.json:
        print_json(
            check_document(
                result,
                callset,
                limits,
                passed=passed,
                max_rejected=max_rejected if max_reject_rate is None else None,
                max_reject_rate=max_reject_rate,
            )
        )
    elif not taken:
        first = (
            f"; first at {human(result.first_rejection, tz)} {tz}" if result.first_rejection else ""
        )
        typer.echo(
            f"ccc check: {'PASS' if passed else 'FAIL'}: {result.rejected_calls:,} of "
            f"{result.calls:,} calls rejected at {limits.describe()} "
            f"({result.rejected_rate:.4%}; allowed {allowed}){first}"
        )
    if not passed:
        # The summary line says why; exit 1 without an error line.
        raise typer.Exit(int(ExitCode.CHECK_FAILED))
