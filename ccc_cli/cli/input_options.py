"""The input options every loading command takes, as one table of data, and
:func:`with_load_options`, which gives them to a command as a :class:`LoadRequest`.

Adding an input option is one row in :data:`INPUT_OPTIONS` (and, if the core needs it,
a field of :class:`~ccc_cli.options.LoadOptions` set in :func:`build_load_options`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer

from ccc_cli.cli.funnel import error_funnel, set_debug
from ccc_cli.cli.output import Outputs
from ccc_cli.errors import UsageError
from ccc_cli.options import (
    LoadOptions,
    parse_max_duration,
    parse_plausible,
    parse_type_map,
    parse_window_instant,
    read_config,
)

F = TypeVar("F", bound=Callable[..., Any])

COLUMNS_PANEL = "Input columns"
TIME_PANEL = "Input times"
INPUT_PANEL = "Input"
OUTPUT_PANEL = "Output files"


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """Parsed input options of a command."""

    paths: list[str]
    options: LoadOptions
    rejects: Path | None
    strict: bool
    quiet: bool
    raw_csv: bool = False
    # Command options a --config file gives (limit, limits): a flag wins over them.
    defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def outputs(self) -> Outputs:
        """How the command writes its files (``--raw-csv``, ``--quiet``)."""
        return Outputs(raw_csv=self.raw_csv, quiet=self.quiet)


@dataclass(frozen=True, slots=True)
class InputOption:
    """One input option: its parameter name, flags, help, help panel and kind.

    ``text`` and ``path`` options take a value (``None`` when not given); ``flag``
    options are booleans (``False`` when not given).
    """

    name: str
    flags: tuple[str, ...]
    help: str
    panel: str
    kind: Literal["text", "path", "flag", "list"] = "text"
    metavar: str = "NAME"


INPUT_OPTIONS: tuple[InputOption, ...] = (
    InputOption(
        "preset",
        ("--preset",),
        # The names are spelled here, not imported, so that --help does not import
        # Polars; tests/test_presets.py checks they are all here.
        "Input format: auto (detect, default), stringee, stringeex, stringeex_vi, twilio, "
        "asterisk, freeswitch, freeswitch_db, cucm, connect, grandstream, yeastar, 3cx, "
        "kamailio, teams, zoom or generic. Column flags win.",
        INPUT_PANEL,
    ),
    InputOption(
        "config",
        ("--config",),
        "TOML file with any of these input options (flags win).",
        INPUT_PANEL,
        kind="path",
        metavar="FILE",
    ),
    InputOption(
        "start_col",
        ("--start-col",),
        "Column with the call start (creation, ring time included).",
        COLUMNS_PANEL,
    ),
    InputOption("end_col", ("--end-col",), "Column with the call end.", COLUMNS_PANEL),
    InputOption(
        "answer_col",
        ("--answer-col",),
        "Column with the answer (connect) time (empty or 0: not answered).",
        COLUMNS_PANEL,
    ),
    InputOption(
        "duration_col",
        ("--duration-col",),
        "Column with the duration (used where the end is empty or absent).",
        COLUMNS_PANEL,
    ),
    InputOption(
        "duration_unit",
        ("--duration-unit",),
        "Unit of the duration column: s (default) or ms.",
        COLUMNS_PANEL,
        metavar="s|ms",
    ),
    InputOption("type_col", ("--type-col",), "Column with the call type.", COLUMNS_PANEL),
    InputOption(
        "type_map",
        ("--type-map",),
        "Raw values per type, e.g. 'inbound=IN,incoming;outbound=OUT'.",
        COLUMNS_PANEL,
        metavar="MAP",
    ),
    InputOption("id_col", ("--id-col",), "Column with the call id.", COLUMNS_PANEL),
    InputOption(
        "group_col",
        ("--group-col",),
        "Column whose shared value makes rows legs of one call (a,b: several together).",
        COLUMNS_PANEL,
    ),
    InputOption(
        "parent_col",
        ("--parent-col",),
        "Column naming the parent call's id (a leg joins its parent).",
        COLUMNS_PANEL,
    ),
    InputOption(
        "date_col",
        ("--date-col",),
        "Column with the date when the start/end columns hold only times of day.",
        COLUMNS_PANEL,
    ),
    InputOption(
        "account_col", ("--account-col",), "Column with the customer account.", COLUMNS_PANEL
    ),
    InputOption(
        "status_col",
        ("--status-col",),
        "Column with the call status (REACH_PLAN_LIMIT rows never occupied capacity).",
        COLUMNS_PANEL,
    ),
    InputOption(
        "tz",
        ("--tz",),
        "IANA time zone of naive times and of every time shown (default UTC).",
        TIME_PANEL,
        metavar="ZONE",
    ),
    InputOption(
        "epoch_unit",
        ("--epoch-unit",),
        "Unit of numeric times: auto (by magnitude, default), s, ms, us, ns.",
        TIME_PANEL,
        metavar="UNIT",
    ),
    InputOption(
        "time_format",
        ("--time-format",),
        "strftime format of text times, e.g. '%d/%m/%Y %H:%M:%S'.",
        TIME_PANEL,
        metavar="FMT",
    ),
    InputOption(
        "max_duration",
        ("--max-duration",),
        "Longer calls are invalid (too_long); default 24h, 0 = no limit.",
        TIME_PANEL,
        metavar="DUR",
    ),
    InputOption(
        "date_format",
        ("--date-format",),
        "strftime format of the --date-col values, e.g. '%y%m%d' (default: detected).",
        TIME_PANEL,
        metavar="FMT",
    ),
    InputOption(
        "window_from",
        ("--from",),
        "Look from this instant (a date, or date and time; in --tz, or the zone times are "
        "shown in, unless it has an offset); calls begun earlier count while active.",
        TIME_PANEL,
        metavar="TIME",
    ),
    InputOption(
        "window_to",
        ("--to",),
        "Look up to this instant, excluded (as --from).",
        TIME_PANEL,
        metavar="TIME",
    ),
    InputOption(
        "accounts",
        ("--account",),
        "Only this account's calls (repeatable; '(none)': calls without an account).",
        COLUMNS_PANEL,
        kind="list",
        metavar="ACCOUNT",
    ),
    InputOption(
        "link_forwards",
        ("--link-forwards",),
        "auto (default): a forward leg to an agent's phone joins its inbound call, with a "
        "preset that knows them (stringee); off: count them apart.",
        COLUMNS_PANEL,
        metavar="auto|off",
    ),
    InputOption(
        "otp_from",
        ("--otp-from",),
        "An OTP caller id (repeatable): its server-originated calls are otp, never linked.",
        COLUMNS_PANEL,
        kind="list",
        metavar="NUMBER",
    ),
    InputOption(
        "plausible_since",
        ("--plausible-since",),
        "Starts and ends at or before this instant (or written in an earlier year) are "
        "implausible_time (default 1970-01-01).",
        TIME_PANEL,
        metavar="DATE",
    ),
    InputOption(
        "plausible_until",
        ("--plausible-until",),
        "Starts and ends from this date on are implausible_time (default 2100-01-01).",
        TIME_PANEL,
        metavar="DATE",
    ),
    InputOption(
        "no_header",
        ("--no-header",),
        "Text files have no header line (columns are column_1, column_2, ...).",
        INPUT_PANEL,
        kind="flag",
    ),
    InputOption(
        "encoding",
        ("--encoding",),
        "Text encoding of text files (default: a BOM, else UTF-8 if valid, else cp1252).",
        INPUT_PANEL,
    ),
    InputOption(
        "separator",
        ("--separator",),
        "Field separator of text files (default: sniffed; tab for .tsv).",
        INPUT_PANEL,
        metavar="CHAR",
    ),
    InputOption(
        "table",
        ("--table",),
        "Table read from a database URI given as PATH (default cdr; SCHEMA.NAME allowed).",
        INPUT_PANEL,
    ),
    InputOption(
        "query",
        ("--query",),
        "SELECT read from a database URI instead of a table, e.g. 'SELECT * FROM cdr'.",
        INPUT_PANEL,
        metavar="SQL",
    ),
    InputOption(
        "password_env",
        ("--password-env",),
        "Environment variable holding the database password (else the URI's, "
        "PGPASSWORD, ~/.pgpass or MYSQL_PWD).",
        INPUT_PANEL,
    ),
    InputOption(
        "rejects",
        ("--rejects",),
        "Write invalid rows with reason, file and row to FILE (.csv/.parquet/.json; "
        "- for CSV on stdout).",
        OUTPUT_PANEL,
        kind="path",
        metavar="FILE",
    ),
    InputOption(
        "raw_csv",
        ("--raw-csv",),
        "Write CSV cells as they are: no ' before text starting with = + - @ "
        "(spreadsheet formulas); for machine pipelines.",
        OUTPUT_PANEL,
        kind="flag",
    ),
    InputOption("strict", ("--strict",), "Exit 3 if any row is invalid.", INPUT_PANEL, kind="flag"),
    InputOption(
        "quiet", ("--quiet", "-q"), "No progress or notes on stderr.", INPUT_PANEL, kind="flag"
    ),
)

PATHS_ARGUMENT = Annotated[
    list[str],
    typer.Argument(
        help="CDR files, directories or glob patterns (.csv, .csv.gz, .tsv, .parquet), or "
        "database URIs (postgresql://user@host/db, mysql://...).",
        show_default=False,
        metavar="PATH",
    ),
]

# Column flags and the logical input field each names (ccc_cli.schema.INPUT_FIELDS).
COLUMN_FLAGS = {
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
    "date_col": "date",
}


def _parameter(option: InputOption) -> inspect.Parameter:
    """The keyword-only parameter Typer reads ``option`` from."""
    if option.kind == "flag":
        info = typer.Option(*option.flags, help=option.help, rich_help_panel=option.panel)
        annotation: Any = Annotated[bool, info]
        default: Any = False
    else:
        info = typer.Option(
            *option.flags,
            help=option.help,
            rich_help_panel=option.panel,
            metavar=option.metavar,
            show_default=False,
        )
        value_type: Any = {"path": Path | None, "list": list[str] | None}.get(
            option.kind, str | None
        )
        annotation = Annotated[value_type, info]
        default = None
    return inspect.Parameter(
        option.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


# Config keys (flag names) whose parameter is named otherwise.
_CONFIG_NAMES = {"from": "window_from", "to": "window_to", "account": "accounts"}
# Config keys that are command options, not input options (see LoadRequest.defaults).
_COMMAND_KEYS = frozenset({"limit", "limits"})


def _config(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``--config`` file's input options (flag name -> value)."""
    if values.get("config") is None:
        return {}
    return {k: v for k, v in read_config(values["config"]).items() if k not in _COMMAND_KEYS}


def _command_defaults(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``--config`` file's command options (``limit``, ``limits``)."""
    if values.get("config") is None:
        return {}
    return {k: v for k, v in read_config(values["config"]).items() if k in _COMMAND_KEYS}


def build_load_options(values: dict[str, Any]) -> LoadOptions:
    """Merge flags over a ``--config`` file into :class:`LoadOptions`."""
    for option in INPUT_OPTIONS:
        if option.kind != "flag" and values.get(option.name) == "":
            # An empty value is a mistake (an unset shell variable), not "use the default".
            flag = option.flags[0]
            raise UsageError(f"empty {flag} value", hint=f"give a value, or leave {flag} out")
    config = {_CONFIG_NAMES.get(k, k.replace("-", "_")): v for k, v in _config(values).items()}
    merged = {**config, **{k: v for k, v in values.items() if v is not None and v is not False}}
    columns = {field: merged[flag] for flag, field in COLUMN_FLAGS.items() if merged.get(flag)}
    kwargs: dict[str, Any] = {"columns": columns}
    if merged.get("tz") is not None:
        kwargs["tz"] = str(merged["tz"])
    if merged.get("epoch_unit"):
        kwargs["epoch_unit"] = str(merged["epoch_unit"]).lower()
    if merged.get("duration_unit"):
        kwargs["duration_unit"] = str(merged["duration_unit"]).lower()
    if merged.get("time_format"):
        kwargs["time_format"] = merged["time_format"]
    for name, flag in (("window_from", "--from"), ("window_to", "--to")):
        if merged.get(name):
            kwargs[name] = parse_window_instant(str(merged[name]), option=flag)
    if merged.get("accounts"):
        raw = merged["accounts"]
        items = raw if isinstance(raw, list | tuple) else [raw]
        kwargs["accounts"] = tuple(str(v) for v in items)
    if merged.get("link_forwards"):
        kwargs["link_forwards"] = str(merged["link_forwards"]).strip().lower()
    if merged.get("otp_from"):
        raw = merged["otp_from"]
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        kwargs["otp_from"] = tuple(str(v).strip() for v in items if str(v).strip())
    if merged.get("date_format"):
        kwargs["date_format"] = merged["date_format"]
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
    for name in ("plausible_since", "plausible_until"):
        if merged.get(name):
            kwargs[name] = parse_plausible(str(merged[name]), option="--" + name.replace("_", "-"))
    for name in ("table", "query", "password_env"):
        if merged.get(name):
            kwargs[name] = str(merged[name])
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
    paths = inspect.Parameter(
        "paths", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=PATHS_ARGUMENT
    )
    params = [
        paths,
        *(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own),
        *(_parameter(option) for option in INPUT_OPTIONS),
    ]

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Any:
        set_debug(bool(kwargs.get("debug")))
        with error_funnel():
            values = {option.name: kwargs.pop(option.name) for option in INPUT_OPTIONS}
            request = LoadRequest(
                paths=list(kwargs.pop("paths")),
                rejects=values.pop("rejects"),
                strict=values.pop("strict"),
                quiet=values.pop("quiet"),
                raw_csv=values.pop("raw_csv"),
                defaults=_command_defaults(values),
                options=build_load_options(values),
            )
            return fn(load_request=request, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    if sig.return_annotation is not inspect.Signature.empty:
        wrapper.__annotations__["return"] = sig.return_annotation
    return wrapper  # type: ignore[return-value]
