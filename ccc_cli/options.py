"""Small frozen option objects the core takes, and the parsers of their text forms.

The CLI (and a ``--config`` TOML file) produce these; the core never sees raw flags.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, get_args
from zoneinfo import ZoneInfo, available_timezones

from ccc_cli.errors import InputError, UsageError
from ccc_cli.schema import CALL_TYPES, INPUT_FIELDS

EpochUnit = Literal["auto", "s", "ms", "us", "ns"]
DurationUnit = Literal["s", "ms"]
LinkForwards = Literal["auto", "off"]

DEFAULT_MAX_DURATION_S = 24 * 3600.0
MAX_MAX_DURATION_S = 100 * 365 * 86400.0
# The window of plausible call times: a time outside it is a sentinel or a misread.
# Times at or before the epoch are junk; so is a text time written in an earlier year,
# whatever the zone makes of it (a naive 1969-12-31 23:59:59 read in New York is
# 1970-01-01T04:59:59Z). Relative seconds read as epoch seconds (a study's clock) stay.
PLAUSIBLE_SINCE: Final = datetime(1970, 1, 1, tzinfo=UTC)
PLAUSIBLE_UNTIL: Final = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to read input files into the canonical call table.

    Parameters
    ----------
    columns
        Explicit input column per logical field (see ``ccc_cli.schema.INPUT_FIELDS``);
        fields not named here are matched by alias.
    tz
        IANA zone naive times are read in, and the zone of every time shown; ``None``
        means UTC, or the zone a preset gives its format (Stringee: Asia/Ho_Chi_Minh).
    epoch_unit
        Unit of numeric times; ``auto`` picks it per column from the magnitude.
    duration_unit
        Unit of the duration column.
    time_format
        A strftime-style format for text times, tried before the built-in formats.
    type_map
        Extra raw values per canonical call type (matched case-insensitively).
    max_duration_s
        Calls longer than this are invalid (``too_long``); ``None`` disables the check.
    has_header
        Whether text files start with a header line; without one, columns are named
        ``column_1``, ``column_2``, ...; ``None`` decides from the first line (a line
        that looks like data is no header).
    separator
        Field separator of text files; ``None`` sniffs it from the first line.
    preset
        ``auto`` (detect each file's format), or a preset name from
        ``ccc_cli.normalize.presets.PRESET_NAMES`` (``generic``: canonical names and
        aliases only). Explicit columns always win over the preset's.
    encoding
        Text encoding of text files; ``None`` decides per file (a byte-order mark, then
        UTF-8 if every byte is valid UTF-8, else cp1252 or Latin-1).
    link_forwards
        ``auto``: with a preset that knows forward legs (Stringee), a server leg that
        forwards a hotline call to an agent's phone joins that call; ``off``: it is a call
        of its own (see ``ccc_cli.normalize.forwards``).
    otp_from
        OTP caller ids: server calls from them are ``otp`` and never forward legs.
    date_format
        A strftime format of the date column (``columns["date"]``), whose start, end
        and answer columns then hold times of day; ``None`` detects it.
    window_from, window_to
        The time window of the analysis (``--from``/``--to``; naive: a wall time in the
        zone times are shown in): calls that overlap ``[window_from, window_to)`` are
        analysed, those begun earlier count while active (see
        ``ccc_cli.normalize.select``). A reader may read less (a database query pushes
        it down with a margin of ``max_duration_s`` before ``window_from``).
    accounts
        ``--account``: only these accounts' calls are analysed.
    plausible_since, plausible_until
        Start and end times before ``plausible_since`` or from ``plausible_until`` on
        are invalid (``implausible_time``), as are sentinels such as ``0000-00-00`` and
        the Unix epoch itself.
    table, query
        For database URIs among the inputs (``ccc_cli.load.database``): the table to
        read (default ``cdr``; ``SCHEMA.NAME`` allowed), or a ``SELECT`` to read instead.
    password_env
        For database URIs: the environment variable that holds the password (else the
        URI's, else ``PGPASSWORD``/``~/.pgpass`` or ``MYSQL_PWD``).
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    tz: str | None = None
    epoch_unit: EpochUnit = "auto"
    duration_unit: DurationUnit = "s"
    time_format: str | None = None
    type_map: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_duration_s: float | None = DEFAULT_MAX_DURATION_S
    has_header: bool | None = None
    separator: str | None = None
    preset: str = "auto"
    encoding: str | None = None
    date_format: str | None = None
    link_forwards: LinkForwards = "auto"
    otp_from: tuple[str, ...] = ()
    plausible_since: datetime = PLAUSIBLE_SINCE
    plausible_until: datetime = PLAUSIBLE_UNTIL
    window_from: datetime | None = None
    window_to: datetime | None = None
    accounts: tuple[str, ...] = ()
    table: str | None = None
    query: str | None = None
    password_env: str | None = None

    def __post_init__(self) -> None:
        for name in self.columns:
            if name not in INPUT_FIELDS:
                raise UsageError(f"unknown input field {name!r}", hint=f"use {INPUT_FIELDS}")
        if self.tz is not None:
            validate_tz(self.tz)
        from ccc_cli.normalize.presets import AUTO, PRESET_NAMES

        if self.preset not in (AUTO, *PRESET_NAMES):
            raise UsageError(
                f"unknown preset {self.preset!r}",
                hint=f"presets are {AUTO}, {', '.join(PRESET_NAMES)}",
            )
        if self.epoch_unit not in get_args(EpochUnit):
            raise UsageError(
                f"bad epoch unit {self.epoch_unit!r}", hint="use auto, s, ms, us or ns"
            )
        if self.duration_unit not in get_args(DurationUnit):
            raise UsageError(f"bad duration unit {self.duration_unit!r}", hint="use s or ms")
        if self.time_format is not None and not any(
            d in self.time_format for d in ("%Y", "%y", "%G", "%F", "%D", "%c", "%+", "%s")
        ):
            raise UsageError(
                f"--time-format {self.time_format!r} has no date",
                hint="include the date, e.g. '%d/%m/%Y %H:%M:%S'",
            )
        if self.separator is not None and len(self.separator) != 1:
            raise UsageError(f"bad separator {self.separator!r}", hint="give one character")
        if self.max_duration_s is not None and self.max_duration_s <= 0:
            raise UsageError("--max-duration must be positive", hint="use 0 or none to disable")
        if self.link_forwards not in get_args(LinkForwards):
            raise UsageError(f"bad --link-forwards {self.link_forwards!r}", hint="use auto or off")
        if self.encoding is not None:
            from ccc_cli.load.encoding import check_encoding_name

            check_encoding_name(self.encoding)
        for name in ("plausible_since", "plausible_until"):
            if getattr(self, name).tzinfo is None:
                raise UsageError(f"{name} must be an aware datetime (UTC)")
        ends = (self.window_from, self.window_to)
        if (
            ends[0] is not None
            and ends[1] is not None
            and (ends[0].tzinfo is None) == (ends[1].tzinfo is None)
            and ends[0] >= ends[1]
        ):
            raise UsageError("--to must be after --from", hint="the window is [--from, --to)")
        if self.table is not None and self.query is not None:
            raise UsageError("--table and --query exclude each other", hint="pass one of them")
        if self.plausible_since >= self.plausible_until:
            raise UsageError(
                "--plausible-since must be before --plausible-until",
                hint=f"the defaults are {PLAUSIBLE_SINCE:%Y-%m-%d} and {PLAUSIBLE_UNTIL:%Y-%m-%d}",
            )


# The longest IANA name is 32 characters (America/Argentina/ComodRivadavia); a much
# longer --tz is a mistake, and the file system would answer it with ENAMETOOLONG.
_MAX_TZ_NAME = 64


def validate_tz(name: str) -> str:
    """Return ``name`` if both zoneinfo and Polars know it as a time zone, else raise a
    usage error.

    ``zoneinfo`` alone is not enough: it opens any file under the zone directory
    (``localtime``, ``posixrules``) and raises whatever the file system says for other
    names (``IsADirectoryError`` for ``Asia``, ``ENAMETOOLONG``, ``ValueError`` for a
    path), while Polars (chrono-tz) knows only the IANA names.
    """
    shown = repr(name) if len(name) <= 40 else f"{name[:40]!r}... ({len(name):,} characters)"
    if not name.strip():
        raise UsageError(
            "empty time zone",
            hint="use an IANA name such as Europe/Paris, or leave --tz out for UTC",
        )
    if len(name) > _MAX_TZ_NAME or not _known_zone(name):
        raise UsageError(f"unknown time zone {shown}", hint=_tz_hint(name))
    return name


@functools.lru_cache(maxsize=64)
def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError, IsADirectoryError, OSError...
        return False
    import polars as pl

    try:
        pl.Series([datetime(2000, 1, 1)]).dt.replace_time_zone(name)
    except (Exception, pl.exceptions.PanicException):
        return False
    return True


def _tz_hint(name: str) -> str:
    zones = available_timezones()
    close = sorted(z for z in zones if z.lower() == name.lower() and z != name)
    if close and _known_zone(close[0]):
        return f"did you mean {close[0]}?"
    region = sorted(z for z in zones if z.lower().startswith(name.lower().rstrip("/") + "/"))
    example = next((z for z in region if _known_zone(z)), None)
    if example is not None and name.strip("/"):
        return f"{name.strip('/')} is a region: name a zone in it, e.g. {example}"
    return "use an IANA name such as Europe/Paris"


_TYPE_MAP_ITEM = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$")


def parse_type_map(text: str) -> dict[str, tuple[str, ...]]:
    """Parse ``'inbound=IN,incoming;outbound=OUT'`` into {type: raw values}.

    Raw values are lower-cased and trimmed; a value may not map to two types.
    """
    result: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        match = _TYPE_MAP_ITEM.match(item)
        if match is None:
            raise UsageError(
                f"bad --type-map entry {item!r}", hint="write TYPE=value1,value2;TYPE=value3"
            )
        call_type, raw = match.group(1).lower(), match.group(2)
        if call_type not in CALL_TYPES:
            raise UsageError(
                f"bad --type-map entry {item!r}: unknown call type {call_type!r}",
                hint=f"types are {', '.join(CALL_TYPES)}",
            )
        values = tuple(v.strip().lower() for v in raw.split(",") if v.strip())
        if not values:
            raise UsageError(f"bad --type-map entry {item!r}: no values", hint="write TYPE=value")
        for value in values:
            if seen.setdefault(value, call_type) != call_type:
                raise UsageError(
                    f"bad --type-map: value {value!r} maps to both {seen[value]} and {call_type}"
                )
        result[call_type] = result.get(call_type, ()) + values
    if not result:
        raise UsageError("empty --type-map", hint="write TYPE=value1,value2;TYPE=value3")
    return result


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h|d)?\s*$")
_DURATION_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str, *, option: str) -> float:
    """Parse ``'90s'``, ``'15m'``, ``'24h'``, ``'1d'`` or plain seconds into seconds."""
    match = _DURATION.match(text)
    if match is None:
        raise UsageError(f"bad {option} value {text!r}", hint="write e.g. 90s, 15m, 24h or 1d")
    return float(match.group(1)) * _DURATION_SECONDS[match.group(2) or "s"]


def parse_max_duration(text: str) -> float | None:
    """``--max-duration``: a duration, or ``0``/``none`` for no limit."""
    if text.strip().lower() in {"0", "none", "off"}:
        return None
    seconds = parse_duration(text, option="--max-duration")
    if seconds > MAX_MAX_DURATION_S:
        # Beyond this the limit would overflow the microsecond times it is compared with.
        raise UsageError(
            f"bad --max-duration value {text!r}: longer than 100 years",
            hint="use 0 or none for no limit",
        )
    return None if seconds == 0 else seconds


def parse_window_instant(text: str, *, option: str) -> datetime:
    """``--from``/``--to``: a date or a date and time as the input reader writes them
    (``2026-11-20``, ``2026-11-20 10:32``, seconds optional, ``T`` or a space, an offset
    or ``Z``); without an offset it is a wall time in the zone times are shown in."""
    cleaned = text.strip()
    # Year-first dates with slashes, as exports write them (2026/11/20 10:32).
    cleaned = re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", r"\1-\2-\3", cleaned)
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise UsageError(
            f"bad {option} {text!r}",
            hint="use a date or a date and time, e.g. 2026-11-20 or '2026-11-20 08:00'",
        ) from None
    if not 1900 <= value.year <= 2999:
        raise UsageError(
            f"bad {option} {text!r}: out of range",
            hint="give a time between the years 1900 and 2999",
        )
    return value


def parse_plausible(text: str, *, option: str) -> datetime:
    """``--plausible-since``/``--plausible-until``: an ISO date or date-time (UTC unless
    it carries an offset)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"bad {option} {text!r}", hint="use an ISO date, e.g. 1990-01-01"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Keys a --config TOML file may hold (flag names with dashes or underscores).
CONFIG_KEYS: Final = (
    "start-col",
    "end-col",
    "answer-col",
    "duration-col",
    "duration-unit",
    "type-col",
    "type-map",
    "id-col",
    "group-col",
    "parent-col",
    "account-col",
    "status-col",
    "tz",
    "epoch-unit",
    "time-format",
    "max-duration",
    "date-col",
    "date-format",
    "link-forwards",
    "otp-from",
    "plausible-since",
    "plausible-until",
    "no-header",
    "separator",
    "preset",
    "encoding",
    "table",
    "query",
    "password-env",
    "from",
    "to",
    "account",
    # Command options a config file may also hold (the flags win).
    "limit",
    "limits",
)


def read_config(path: Path) -> dict[str, Any]:
    """Read a ``--config`` TOML file into {flag-name: value}.

    Keys are the long flag names (``start-col`` or ``start_col``); they may sit at the
    top level or under a ``[ccc]`` table. ``type-map`` may be a string in flag syntax or
    a table ``{inbound = ["IN", "incoming"]}``.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"config file {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"bad config file {path}: {exc}") from None
    section = data.get("ccc", data)
    if not isinstance(section, dict):
        raise InputError(f"bad config file {path}: [ccc] must be a table")
    result: dict[str, Any] = {}
    for key, value in section.items():
        name = key.replace("_", "-")
        if name not in CONFIG_KEYS:
            raise InputError(
                f"bad config file {path}: unknown key {key!r}",
                hint=f"known keys: {', '.join(CONFIG_KEYS)}",
            )
        if name == "type-map" and isinstance(value, dict):
            value = ";".join(
                f"{t}={','.join(v) if isinstance(v, list) else v}" for t, v in value.items()
            )
        if name == "no-header":
            if not isinstance(value, bool):
                raise InputError(f"bad config file {path}: {key} must be true or false")
        elif name == "otp-from" and isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif name == "account" and isinstance(value, list):
            result[name] = [str(v) for v in value]
            continue
        elif not isinstance(value, str | int | float):
            raise InputError(f"bad config file {path}: {key} must be a string")
        result[name] = value if isinstance(value, bool) else str(value)
    return result
