"""The ``ccc`` command: a thin shell over ``ccc_cli.api``.

Each command parses its options into option objects, calls the core, hands the result
to a renderer and maps errors to exit codes (``ccc_cli.cli.common.error_funnel``).
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ccc_cli import __version__
from ccc_cli.cli.common import (
    ByKey,
    DebugOption,
    FormatOption,
    LoadRequest,
    OutputFormat,
    error_funnel,
    load,
    print_json,
    set_debug,
    with_load_options,
)
from ccc_cli.errors import UsageError

EPILOG = (
    "Exit codes: 0 ok, 1 check failed, 2 usage error, 3 bad input, 70 internal error, "
    "130 interrupted. Docs: README.md."
)

app = typer.Typer(
    name="ccc",
    help="Concurrent calls from call detail records: exact peaks and plan limits.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ccc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Concurrent calls from call detail records: exact peaks and plan limits.

    Example: ccc peak sample_data/calls.csv --by account
    """
    set_debug(debug)


@app.command()
@with_load_options
def peak(
    load: LoadRequest,
    by: Annotated[
        ByKey | None, typer.Option("--by", help="Also give the peak per account.")
    ] = None,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Exact peak of concurrent calls, overall and per call type, with the first instant.

    Example: ccc peak calls.parquet --by account --format json
    """
    from ccc_cli.engine.sweep import compute_peaks
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.peak import peak_document, render_peak

    callset = _load(load)
    result = compute_peaks(callset, by_account=by is ByKey.account)
    if format is OutputFormat.json:
        print_json(peak_document(result, callset))
    else:
        render_peak(stdout_console(), result, callset)


@app.command()
@with_load_options
def inspect(
    load: LoadRequest,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """How the files were read, and what came out of them.

    The column behind each field and why, time encodings, time range, row accounting
    with reasons, call types and sample rows.

    Example: ccc inspect cdr.csv --tz Asia/Ho_Chi_Minh
    """
    from ccc_cli.engine.profile import profile_calls
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.inspect import inspect_document, render_inspect

    callset = _load(load)
    profile = profile_calls(callset)
    if format is OutputFormat.json:
        print_json(inspect_document(callset, profile))
    else:
        render_inspect(stdout_console(), callset, profile)


def _load(request: LoadRequest):  # type: ignore[no-untyped-def]
    return load(request)


def _parse_start(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"bad --start {text!r}", hint="use an ISO date such as 2026-01-05"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@app.command()
def generate(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="File to write: .csv, .csv.gz, .tsv or .parquet.",
            show_default=False,
        ),
    ],
    rows: Annotated[int, typer.Option("--rows", help="Rows to write (all kinds).", min=1)] = 10_000,
    days: Annotated[int, typer.Option("--days", help="Days the calls span.", min=1)] = 7,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")] = 0,
    start: Annotated[
        str,
        typer.Option(
            "--start", help="First day, an ISO date (days are local to Asia/Ho_Chi_Minh)."
        ),
    ] = "2026-01-05",
    accounts: Annotated[int, typer.Option("--accounts", help="Customer accounts.", min=1)] = 6,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Write seeded synthetic CDRs that ccc reads with no flags.

    Canonical column names, a daily curve, lognormal durations, all five call types, accounts of
    different sizes, forwarded calls as two legs, a few REACH_PLAN_LIMIT, invalid and
    duplicate rows.

    Example: ccc generate -o calls.parquet --rows 1000000 --days 30
    """
    set_debug(debug)
    with error_funnel():
        from ccc_cli.report.common import stderr_console
        from ccc_cli.synth.generate import GenerateOptions, write_generated

        options = GenerateOptions(
            rows=rows, days=days, seed=seed, start=_parse_start(start), accounts=accounts
        )
        if not output.parent.exists():
            raise UsageError(f"--output {output}: directory {output.parent} does not exist")
        if sys.stderr.isatty():
            with stderr_console().status(f"writing {rows:,} rows to {output}"):
                summary = write_generated(output, options)
        else:
            summary = write_generated(output, options)
        doc = {**dataclasses.asdict(summary), "path": str(summary.path)}
        if format is OutputFormat.json:
            print_json(doc)
        else:
            typer.echo(
                f"wrote {summary.rows:,} rows to {summary.path}: {summary.calls:,} calls, "
                f"{summary.forwarded_legs:,} forwarded legs, "
                f"{summary.plan_limit_rows:,} REACH_PLAN_LIMIT, "
                f"{summary.invalid_rows:,} invalid, {summary.duplicate_rows:,} duplicates"
            )


def main() -> None:
    """Console-script entry point."""
    if "--debug" in sys.argv[1:]:
        set_debug(True)
    app(prog_name="ccc")
