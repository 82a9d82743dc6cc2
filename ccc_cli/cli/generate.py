"""``ccc generate``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ccc_cli.cli.funnel import error_funnel, set_debug
from ccc_cli.cli.output import print_json
from ccc_cli.cli.shared_options import (
    FIRST_YEAR,
    LAST_YEAR,
    DebugOption,
    FormatOption,
    OutputFormat,
)
from ccc_cli.errors import UsageError


def _parse_start(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"bad --start {text!r}", hint="use an ISO date such as 2026-01-05"
        ) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise UsageError(
            f"bad --start {text!r}: out of range",
            hint=f"give a date between the years {FIRST_YEAR} and {LAST_YEAR}",
        )
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
    days: Annotated[
        int, typer.Option("--days", help="Days the calls span (up to 36,500).", min=1, max=36_500)
    ] = 7,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")] = 0,
    start: Annotated[
        str,
        typer.Option(
            "--start", help="First day, an ISO date (days are local to Asia/Ho_Chi_Minh)."
        ),
    ] = "2026-01-05",
    accounts: Annotated[
        int, typer.Option("--accounts", help="Customer accounts.", min=1, max=1_000_000)
    ] = 6,
    clean: Annotated[
        bool,
        typer.Option(
            "--clean",
            help="Only valid single-leg calls (no legs, REACH_PLAN_LIMIT, invalid or "
            "duplicate rows): every row is one call, for comparing with simpler tools.",
        ),
    ] = False,
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
        from ccc_cli.report.files import check_not_directory, check_output_path
        from ccc_cli.report.generate import generate_document
        from ccc_cli.synth.generate import GenerateOptions, output_format, write_generated

        options = GenerateOptions(
            rows=rows,
            days=days,
            seed=seed,
            start=_parse_start(start),
            accounts=accounts,
            clean=clean,
        )
        check_not_directory(output, option="--output")
        output_format(output)
        check_output_path(output, option="--output")
        if sys.stderr.isatty():
            with stderr_console().status(f"writing {rows:,} rows to {output}"):
                summary = write_generated(output, options)
        else:
            summary = write_generated(output, options)
        if format is OutputFormat.json:
            print_json(generate_document(summary, options))
        else:
            typer.echo(
                f"wrote {summary.rows:,} rows to {summary.path}: {summary.calls:,} calls, "
                f"{summary.forwarded_legs:,} merged legs (forwarded), "
                f"{summary.plan_limit_rows:,} REACH_PLAN_LIMIT, "
                f"{summary.invalid_rows:,} invalid, {summary.duplicate_rows:,} duplicates"
            )
