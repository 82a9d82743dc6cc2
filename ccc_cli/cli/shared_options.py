"""Options that mean the same in every command that has them: ``--format``, ``--by``,
``--debug``, ``--limit``/``--limits``, ``--plot``, and ``--from``/``--to``/``--time``
instants."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ccc_cli.errors import UsageError


class OutputFormat(StrEnum):
    """``--format`` values."""

    table = "table"
    json = "json"


class TableOutputFormat(StrEnum):
    """``--format`` values of a command whose result is one table: ``csv`` prints it
    whole (full ids, every row) for a spreadsheet or a support ticket."""

    table = "table"
    json = "json"
    csv = "csv"


class ByKey(StrEnum):
    """``--by`` values."""

    account = "account"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people, json for machines (stdout only)."),
]
TableFormatOption = Annotated[
    TableOutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table for people, json for machines, csv for the table whole (stdout only).",
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an error.", hidden=True)
]
ByOption = Annotated[ByKey | None, typer.Option("--by", help="Also give the figures per account.")]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", min=1, help="The plan's concurrent-call limit (drawn on charts)."),
]
LimitsFileOption = Annotated[
    Path | None,
    typer.Option(
        "--limits",
        help="Per-account limits: CSV account_id,limit (a 'default' row) or TOML.",
        metavar="FILE",
        show_default=False,
    ),
]
PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        help="Also draw the chart to FILE (.png or .svg; needs matplotlib, the [plot] extra).",
        metavar="FILE",
        show_default=False,
    ),
]


def check_plot_option(path: Path) -> None:
    """``--plot``: before any work, a picture extension (else a usage error), a path
    that can be written (else exit 3), and matplotlib installed."""
    from ccc_cli.report.files import check_not_directory, check_output_path
    from ccc_cli.report.plot import PLOT_SUFFIXES, check_plot_path

    check_not_directory(path, option="--plot")
    if path.suffix.lower() in PLOT_SUFFIXES:
        check_output_path(path, option="--plot")
    check_plot_path(path)


# The years a --from/--to/--time/--start may name.
FIRST_YEAR = 1900
LAST_YEAR = 2999


def resolve_limits(
    limit: int | None,
    limits_file: Path | None,
    *,
    required: bool,
    defaults: Mapping[str, Any] | None = None,
) -> Any:
    """``--limit N`` or ``--limits FILE`` as :class:`~ccc_cli.engine.limits.Limits`;
    without either, a ``--config`` file's ``limit`` or ``limits`` (``defaults``)."""
    from ccc_cli.engine.limits import Limits, read_limits

    if limit is None and limits_file is None and defaults:
        limit, limits_file = _limits_from_config(defaults)
    if limit is not None and limits_file is not None:
        raise UsageError("--limit and --limits cannot be combined", hint="give one or the other")
    if limits_file is not None:
        return read_limits(limits_file)
    if limit is not None:
        return Limits(total=limit)
    if required:
        raise UsageError("a limit is needed", hint="pass --limit N or --limits FILE")
    return None


def _limits_from_config(defaults: Mapping[str, Any]) -> tuple[int | None, Path | None]:
    limit = defaults.get("limit")
    limits = defaults.get("limits")
    if limit is not None:
        try:
            value = int(str(limit))
        except ValueError:
            raise UsageError(
                f"bad limit {limit!r} in the config file", hint="a whole number"
            ) from None
        if value < 1:
            raise UsageError(f"bad limit {limit!r} in the config file", hint="1 or more")
        limit = value
    return limit, (Path(str(limits)) if limits is not None else None)


def parse_instant(text: str, tz: str, *, option: str) -> Any:
    """``--from``/``--to``/``--time``: an ISO date or date-time; without an offset, in
    ``tz``."""
    from zoneinfo import ZoneInfo

    from ccc_cli.options import parse_window_instant

    value = parse_window_instant(text, option=option)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        # Far from any CDR, and near datetime's limits a window around it overflows.
        raise UsageError(
            f"bad {option} {text!r}: out of range",
            hint=f"give a time between the years {FIRST_YEAR} and {LAST_YEAR}",
        )
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(tz))
