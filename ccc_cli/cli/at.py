"""``ccc at``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    DebugOption,
    TableFormatOption,
    TableOutputFormat,
    parse_instant,
)
from ccc_cli.errors import InputError, UsageError

if TYPE_CHECKING:
    from ccc_cli.normalize.callset import CallSet


def parse_window(text: str) -> int:
    """``--window``: whole seconds either side of the instant, 1s to 24h."""
    from ccc_cli.engine.at import MAX_WINDOW_S
    from ccc_cli.options import parse_duration

    seconds = parse_duration(text, option="--window")
    if not 1 <= seconds <= MAX_WINDOW_S or seconds != int(seconds):
        raise UsageError(
            f"bad --window value {text!r}", hint="give whole seconds from 1s to 24h, e.g. 90s, 10m"
        )
    return int(seconds)


def _check_in_span(callset: CallSet, when: datetime) -> None:
    """An instant outside the data is bad input: "0 calls: room for 20 more" a year
    after the log ends would be a confident wrong answer."""
    from ccc_cli.report.timefmt import human

    calls = callset.calls
    if calls.height == 0:
        raise InputError("no calls to look at", hint="check the input (ccc inspect)")
    first, last = calls["start"].min(), calls["end"].max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    if first <= when <= last:
        return
    tz = callset.tz
    raise InputError(
        f"--time {human(when, tz)} is outside the data, which runs from {human(first, tz)} "
        f"to {human(last, tz)} {tz}",
        hint="give a time inside that span (with --tz, or an offset)",
    )


@with_load_options
def at(
    load_request: LoadRequest,
    instant: Annotated[
        str,
        typer.Option(
            "--time",
            "-t",
            help="The instant to look at (ISO; in --tz without an offset).",
            show_default=False,
        ),
    ],
    window: Annotated[
        str,
        typer.Option(
            "--window",
            help="How far either side of --time to show minutes and rejections (90s, 10m, 1h).",
        ),
    ] = "10m",
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="The plan's concurrent-call limit: would a call at --time have been rejected?",
        ),
    ] = None,
    format: TableFormatOption = TableOutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """The calls active at one instant: support's answer to a REACH_PLAN_LIMIT complaint.

    Counts the calls active at --time (half-open: a call ending at that instant is over,
    one starting then counts) by type, lists them (ringing or talking when the data has
    an answer time), and with --limit says whether a new call would have been rejected.
    Then the maximum per minute around the instant and the REACH_PLAN_LIMIT rows near it.
    --format csv prints every active call with its full id (for a support ticket).

    Example: ccc at cdr.csv --time '2026-11-20 10:32:05' --tz Asia/Ho_Chi_Minh --limit 7
    """
    from ccc_cli.engine.at import snapshot
    from ccc_cli.report.at import active_calls_frame, render_snapshot, snapshot_document
    from ccc_cli.report.common import stdout_console

    # Checked before the (slow) load; read again in the zone the load settles on.
    parse_instant(instant, load_request.options.tz or "UTC", option="--time")
    window_s = parse_window(window)
    taken = claim_stdout(format, {"--rejects": load_request.rejects})
    accounts = load_request.options.accounts
    if len(accounts) > 1:
        raise UsageError("ccc at looks at one account at a time", hint="give --account once")
    callset = load(load_request)
    when = parse_instant(instant, callset.tz, option="--time")
    _check_in_span(callset, when)
    account = accounts[0] if accounts else None
    result = snapshot(callset, at=when, window_s=window_s, limit=limit, account=account)
    if format == "json":
        print_json(snapshot_document(result, callset))
    elif format == "csv":
        load_request.outputs.csv(active_calls_frame(result), tz=result.tz)
    elif not taken:
        render_snapshot(stdout_console(), result, callset)
