"""What every command shares: input options, the error funnel, progress, output format."""

from __future__ import annotations

import functools
import inspect
import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ccc_cli.errors import CccError, ExitCode, InputError, UsageError
from ccc_cli.options import (
    LoadOptions,
    parse_max_duration,
    parse_type_map,
    read_config,
)

if TYPE_CHECKING:
    from rich.progress import Progress

    from ccc_cli.normalize.callset import CallSet

F = TypeVar("F", bound=Callable[..., Any])

COLUMNS_PANEL = "Input columns"
TIME_PANEL = "Input times"
INPUT_PANEL = "Input"


class OutputFormat(StrEnum):
    """``--format`` values."""

    table = "table"
    json = "json"


class ByKey(StrEnum):
    """``--by`` values."""

    account = "account"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people, json for machines (stdout only)."),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an error.", hidden=True)
]


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """Parsed input options of a command."""

    paths: list[str]
    options: LoadOptions
    rejects: Path | None
    strict: bool
    quiet: bool


# --- the error funnel ----------------------------------------------------------------
_debug = False


def set_debug(value: bool, *, reset: bool = False) -> None:
    """``--debug`` seen (on the root or on a command). The root resets it per run, so a
    process running several commands (tests) does not carry it over."""
    global _debug
    _debug = value if reset else (_debug or value)


def eprint(line: str) -> None:
    """One plain line on stderr: never wrapped, so scripts can grep it."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def fail(err: CccError) -> typer.Exit:
    """Print ``ccc: error: ...`` (and the hint) to stderr; return the Exit to raise."""
    eprint(f"ccc: error: {err.message}")
    if err.hint:
        eprint(f"hint: {err.hint}")
    if _debug:
        traceback.print_exc()
    return typer.Exit(int(err.exit_code))


@contextmanager
def error_funnel() -> Iterator[None]:
    """Map every error of a command to its documented exit code, never a traceback
    (unless ``--debug``)."""
    try:
        yield
    except typer.Exit:
        raise
    except CccError as err:
        raise fail(err) from None
    except KeyboardInterrupt:
        eprint("ccc: interrupted")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except BrokenPipeError:
        # `ccc peak ... | head`: the reader went away; not an error of ours.
        sys.stderr.close()
        raise typer.Exit(int(ExitCode.OK)) from None
    except Exception as exc:
        eprint(
            f"ccc: internal error: {type(exc).__name__}: {exc}"
            + ("" if _debug else " (rerun with --debug for the traceback)")
        )
        if _debug:
            traceback.print_exc()
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


# --- input options -------------------------------------------------------------------
def _opt(*names: str, help: str, panel: str, metavar: str | None = None) -> Any:
    return typer.Option(
        *names, help=help, rich_help_panel=panel, metavar=metavar, show_default=False
    )


_LOAD_PARAMS: list[tuple[str, Any, Any]] = [
    (
        "preset",
        Annotated[
            str | None,
            _opt(
                "--preset",
                help="Input format: auto (detect, default), stringee, stringeex, stringeex_vi, "
                "twilio, asterisk, freeswitch, cucm, connect or generic. Column flags win.",
                panel=INPUT_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "config",
        Annotated[
            Path | None,
            _opt(
                "--config",
                help="TOML file with any of these input options (flags win).",
                panel=INPUT_PANEL,
                metavar="FILE",
            ),
        ],
        None,
    ),
    (
        "start_col",
        Annotated[
            str | None,
            _opt(
                "--start-col",
                help="Column with the call start (creation, ring time included).",
                panel=COLUMNS_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "end_col",
        Annotated[
            str | None,
            _opt(
                "--end-col", help="Column with the call end.", panel=COLUMNS_PANEL, metavar="NAME"
            ),
        ],
        None,
    ),
    (
        "answer_col",
        Annotated[
            str | None,
            _opt(
                "--answer-col",
                help="Column with the answer (connect) time (empty or 0: not answered).",
                panel=COLUMNS_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "duration_col",
        Annotated[
            str | None,
            _opt(
                "--duration-col",
                help="Column with the duration (used where the end is empty or absent).",
                panel=COLUMNS_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "duration_unit",
        Annotated[
            str | None,
            _opt(
                "--duration-unit",
                help="Unit of the duration column: s (default) or ms.",
                panel=COLUMNS_PANEL,
                metavar="s|ms",
            ),
        ],
        None,
    ),
    (
        "type_col",
        Annotated[
            str | None,
            _opt(
                "--type-col", help="Column with the call type.", panel=COLUMNS_PANEL, metavar="NAME"
            ),
        ],
        None,
    ),
    (
        "type_map",
        Annotated[
            str | None,
            _opt(
                "--type-map",
                help="Raw values per type, e.g. 'inbound=IN,incoming;outbound=OUT'.",
                panel=COLUMNS_PANEL,
                metavar="MAP",
            ),
        ],
        None,
    ),
    (
        "id_col",
        Annotated[
            str | None,
            _opt("--id-col", help="Column with the call id.", panel=COLUMNS_PANEL, metavar="NAME"),
        ],
        None,
    ),
    (
        "group_col",
        Annotated[
            str | None,
            _opt(
                "--group-col",
                help="Column whose shared value makes rows legs of one call.",
                panel=COLUMNS_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "parent_col",
        Annotated[
            str | None,
            _opt(
                "--parent-col",
                help="Column naming the parent call's id (a leg joins its parent).",
                panel=COLUMNS_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "account_col",
        Annotated[
            str | None,
            _opt(
                "--account-col",
                help="Column with the customer account.",
                panel=COLUMNS_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "status_col",
        Annotated[
            str | None,
            _opt(
                "--status-col",
                help="Column with the call status (REACH_PLAN_LIMIT rows never occupied capacity).",
                panel=COLUMNS_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "tz",
        Annotated[
            str | None,
            _opt(
                "--tz",
                help="IANA time zone of naive times and of every time shown (default UTC).",
                panel=TIME_PANEL,
                metavar="ZONE",
            ),
        ],
        None,
    ),
    (
        "epoch_unit",
        Annotated[
            str | None,
            _opt(
                "--epoch-unit",
                help="Unit of numeric times: auto (by magnitude, default), s, ms, us, ns.",
                panel=TIME_PANEL,
                metavar="UNIT",
            ),
        ],
        None,
    ),
    (
        "time_format",
        Annotated[
            str | None,
            _opt(
                "--time-format",
                help="strftime format of text times, e.g. '%d/%m/%Y %H:%M:%S'.",
                panel=TIME_PANEL,
                metavar="FMT",
            ),
        ],
        None,
    ),
    (
        "max_duration",
        Annotated[
            str | None,
            _opt(
                "--max-duration",
                help="Longer calls are invalid (too_long); default 24h, 0 = no limit.",
                panel=TIME_PANEL,
                metavar="DUR",
            ),
        ],
        None,
    ),
    (
        "no_header",
        Annotated[
            bool,
            typer.Option(
                "--no-header",
                help="Text files have no header line (columns are column_1, column_2, ...).",
                rich_help_panel=INPUT_PANEL,
            ),
        ],
        False,
    ),
    (
        "encoding",
        Annotated[
            str | None,
            _opt(
                "--encoding",
                help="Text encoding of text files (default UTF-8, Latin-1 if not valid UTF-8).",
                panel=INPUT_PANEL,
                metavar="NAME",
            ),
        ],
        None,
    ),
    (
        "separator",
        Annotated[
            str | None,
            _opt(
                "--separator",
                help="Field separator of text files (default: sniffed; tab for .tsv).",
                panel=INPUT_PANEL,
                metavar="CHAR",
            ),
        ],
        None,
    ),
    (
        "rejects",
        Annotated[
            Path | None,
            _opt(
                "--rejects",
                help="Write invalid rows with reason, file and row to FILE (.csv/.parquet/.json).",
                panel=INPUT_PANEL,
                metavar="FILE",
            ),
        ],
        None,
    ),
    (
        "strict",
        Annotated[
            bool,
            typer.Option(
                "--strict", help="Exit 3 if any row is invalid.", rich_help_panel=INPUT_PANEL
            ),
        ],
        False,
    ),
    (
        "quiet",
        Annotated[
            bool,
            typer.Option(
                "--quiet", "-q", help="No progress or notes on stderr.", rich_help_panel=INPUT_PANEL
            ),
        ],
        False,
    ),
]
_PATHS = (
    "paths",
    Annotated[
        list[str],
        typer.Argument(
            help="CDR files, directories or glob patterns (.csv, .csv.gz, .tsv, .parquet).",
            show_default=False,
            metavar="PATH",
        ),
    ],
)
_COLUMN_FLAGS = {
    "start_col": "start",
    "end_col": "end",
    "answer_col": "answer",
    "duration_col": "duration",
    "type_col": "call_type",
    "id_col": "call_id",
    "group_col": "group",
    "parent_col": "parent",
    "account_col": "account",
    "status_col": "status",
}


def build_load_options(values: dict[str, Any]) -> LoadOptions:
    """Merge flags over a ``--config`` file into :class:`LoadOptions`."""
    config: dict[str, Any] = {}
    if values.get("config") is not None:
        config = {k.replace("-", "_"): v for k, v in read_config(values["config"]).items()}
    merged = {**config, **{k: v for k, v in values.items() if v is not None and v is not False}}
    columns = {field: merged[flag] for flag, field in _COLUMN_FLAGS.items() if merged.get(flag)}
    kwargs: dict[str, Any] = {"columns": columns}
    if merged.get("tz"):
        kwargs["tz"] = merged["tz"]
    if merged.get("epoch_unit"):
        kwargs["epoch_unit"] = str(merged["epoch_unit"]).lower()
    if merged.get("duration_unit"):
        kwargs["duration_unit"] = str(merged["duration_unit"]).lower()
    if merged.get("time_format"):
        kwargs["time_format"] = merged["time_format"]
    if merged.get("type_map"):
        kwargs["type_map"] = parse_type_map(merged["type_map"])
    if merged.get("max_duration") is not None:
        kwargs["max_duration_s"] = parse_max_duration(str(merged["max_duration"]))
    if merged.get("no_header"):
        kwargs["has_header"] = False
    if merged.get("preset"):
        kwargs["preset"] = str(merged["preset"]).strip().lower()
    if merged.get("encoding"):
        kwargs["encoding"] = str(merged["encoding"])
    if merged.get("separator"):
        sep = str(merged["separator"])
        kwargs["separator"] = "\t" if sep in ("\\t", "tab", "TAB") else sep
    return LoadOptions(**kwargs)


def with_load_options(fn: F) -> F:
    """Give a command the input arguments and options; it receives ``load_request``.

    The command runs inside the error funnel.
    """
    sig = inspect.signature(fn, eval_str=True)
    own = [p for p in sig.parameters.values() if p.name != "load_request"]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
        for name, ann, default in _LOAD_PARAMS
    ]
    paths = inspect.Parameter(
        _PATHS[0], inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=_PATHS[1]
    )
    params = [paths] + [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + extra

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Any:
        set_debug(bool(kwargs.get("debug")))
        with error_funnel():
            values = {name: kwargs.pop(name) for name, _, _ in _LOAD_PARAMS}
            rejects = values.pop("rejects")
            strict = values.pop("strict")
            quiet = values.pop("quiet")
            paths_value = kwargs.pop("paths")
            request = LoadRequest(
                paths=list(paths_value),
                options=build_load_options(values),
                rejects=rejects,
                strict=strict,
                quiet=quiet,
            )
            return fn(load_request=request, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    if sig.return_annotation is not inspect.Signature.empty:
        wrapper.__annotations__["return"] = sig.return_annotation
    return wrapper  # type: ignore[return-value]


# --- loading with progress and the input checks ----------------------------------------
def _rich_progress(progress: Progress, total: int) -> Any:
    """Loading progress on stderr: one bar over all input bytes (a ProgressSink)."""
    from ccc_cli.normalize.build import ProgressSink

    class RichProgress(ProgressSink):
        def __init__(self) -> None:
            self._task = progress.add_task("reading", total=total or None)
            self._before = 0  # bytes of the files already read
            self._size = 0

        def file_started(self, label: str, size: int) -> None:
            self._size = size
            progress.update(self._task, description=f"reading {Path(label).name}")

        def rows_read(self, label: str, rows: int, estimate: int) -> None:
            # Within a file, rows read over the estimated row count; never claim it is done.
            share = min(rows / estimate, 0.99)
            progress.update(
                self._task,
                completed=self._before + int(self._size * share),
                description=f"reading {Path(label).name}: {rows:,} rows",
            )

        def file_done(self, label: str, size: int, rows: int) -> None:
            self._before += size
            progress.update(self._task, completed=self._before)

        def stage(self, text: str) -> None:
            progress.update(self._task, description=text)

    return RichProgress()


def show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def load(request: LoadRequest) -> CallSet:
    """Load the inputs (with a progress bar on a terminal), write ``--rejects``, apply
    ``--strict``, and print notes to stderr."""
    from ccc_cli.api import load_calls
    from ccc_cli.load.sources import expand_paths
    from ccc_cli.report.files import check_table_path, write_table

    if request.rejects is not None:
        check_table_path(request.rejects, option="--rejects")
    if show_progress(request.quiet):
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from ccc_cli.report.common import stderr_console

        total = sum(s.size for s in expand_paths(request.paths))
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=stderr_console(),
            transient=True,
        ) as progress:
            callset = load_calls(
                request.paths, request.options, progress=_rich_progress(progress, total)
            )
    else:
        callset = load_calls(request.paths, request.options)
    if request.rejects is not None:
        write_table(callset.invalid, request.rejects)
    if request.strict and callset.accounting.invalid:
        message = callset.first_invalid_message()
        raise InputError(f"invalid row: {message}", hint="see --rejects FILE for all of them")
    if not request.quiet:
        for note in callset.notes:
            eprint(f"note: {note}")
    return callset


def print_json(document: dict[str, Any]) -> None:
    """Exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def usage_error(message: str, hint: str | None = None) -> UsageError:
    return UsageError(message, hint=hint)


# --- options shared by the time-series commands ----------------------------------------
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", min=1, help="The plan's concurrent-call limit (drawn on charts)."),
]
PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        help="Also draw the chart to FILE (.png or .svg; needs pip install 'ccc-cli[plot]').",
        metavar="FILE",
        show_default=False,
    ),
]


def parse_instant(text: str, tz: str, *, option: str) -> Any:
    """``--from``/``--to``: an ISO date or date-time; without an offset, in ``tz``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"bad {option} {text!r}",
            hint="use an ISO date or time, e.g. 2026-11-20 or 2026-11-20T08:00",
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(tz))


LimitsFileOption = Annotated[
    Path | None,
    typer.Option(
        "--limits",
        help="Per-account limits: CSV account_id,limit (a 'default' row) or TOML.",
        metavar="FILE",
        show_default=False,
    ),
]


def resolve_limits(limit: int | None, limits_file: Path | None, *, required: bool) -> Any:
    """``--limit N`` or ``--limits FILE`` as :class:`~ccc_cli.engine.limits.Limits`."""
    from ccc_cli.engine.limits import Limits, read_limits

    if limit is not None and limits_file is not None:
        raise UsageError("--limit and --limits cannot be combined", hint="give one or the other")
    if limits_file is not None:
        return read_limits(limits_file)
    if limit is not None:
        return Limits(total=limit)
    if required:
        raise UsageError("a limit is needed", hint="pass --limit N or --limits FILE")
    return None
