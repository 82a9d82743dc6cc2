"""Reading time columns into UTC microseconds.

A column's encoding is detected once, from a sample of its non-empty values, and then
applied to the whole column as one vectorised expression:

* typed datetimes (Parquet): aware ones are converted to UTC, naive ones are local times
  in ``--tz``;
* numbers (typed, or text that looks like a number): epoch seconds, milliseconds,
  microseconds or nanoseconds, the unit picked from the sample's median magnitude unless
  ``--epoch-unit`` says otherwise;
* text: the smallest set of known formats (ISO 8601 with offset or ``Z``, naive
  ``YYYY-MM-DD HH:MM:SS[.ffffff]`` with ``T`` or space and ``-`` or ``/`` dates, RFC 2822)
  that parses the sample, tried in that order on every row; ``--time-format`` comes first.

Naive local times and daylight saving time (the rule Python's ``zoneinfo`` uses with
``fold=0``): a wall time that occurs twice (clocks going back) is read as the first of
the two, except an end time that would then fall before its call's start, which takes the
second; a wall time that does not exist (clocks going forward) is read with the offset in
force just before the gap, so 02:30 on a spring-forward night becomes 03:30.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

import polars as pl

from ccc_cli.errors import InputError
from ccc_cli.schema import TIME_DTYPE, TIME_UNIT

Zone = Literal["offset", "utc", "naive"]
Kind = Literal["datetime", "epoch", "text", "empty"]

# Text values that mean "no value" in real exports.
NULL_TEXT: Final = ("", "null", "none", "\\n", "nan", "nat")
# Values exports write for "no time" that look like times: MySQL's zero date, the Unix
# epoch written out (a zero read as a time). See ``implausible``.
SENTINEL_TEXT: Final = (
    r"^(0000-00-00|0000/00/00|00/00/0000)([ T].*)?$"
    r"|^1970-01-01([ T]00:00(:00(\.0*)?)?)?( ?(Z|UTC|[+-]00(:?00)?))?$"
)
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# Epoch values past these (in microseconds) cannot be held as an instant: int64
# microseconds reach about 292,000 years either side of 1970.
_MAX_US: Final = 9_000_000_000_000_000_000

_US_PER: Final = {"s": 1_000_000, "ms": 1_000, "us": 1}
_NUMERIC = re.compile(r"^[+-]?\d+(\.\d*)?$")
_SAMPLE_ROWS: Final = 1000
_MAX_FORMATS: Final = 4


@dataclass(frozen=True, slots=True)
class TextFormat:
    """One strftime-style format and what it says about the zone."""

    fmt: str
    zone: Zone

    def describe(self) -> str:
        where = {"offset": "with UTC offset", "utc": "in UTC", "naive": "naive local time"}
        return f"'{self.fmt}' ({where[self.zone]})"


@dataclass(frozen=True, slots=True)
class TimeEncoding:
    """How one column's values become instants."""

    kind: Kind
    epoch_unit: str | None = None
    formats: tuple[TextFormat, ...] = ()
    naive: bool = False
    unit_detected: bool = False
    # Who set a unit that was not detected (--epoch-unit, or a preset).
    unit_from: str | None = None

    def describe(self) -> str:
        """Human description for ``ccc inspect``."""
        if self.kind == "empty":
            return "no values"
        if self.kind == "epoch":
            how = (
                "detected by magnitude"
                if self.unit_detected
                else f"from {self.unit_from or '--epoch-unit'}"
            )
            return f"epoch {self.epoch_unit} ({how})"
        if self.kind == "datetime":
            return "typed datetime" + (" (naive local time)" if self.naive else " (with zone)")
        return "text " + " or ".join(f.describe() for f in self.formats)


def _builtin_formats() -> tuple[TextFormat, ...]:
    formats: list[TextFormat] = []
    # %#z reads every offset databases print: +08 (PostgreSQL), +0800, +08:00.
    zones: tuple[tuple[str, Zone], ...] = (
        ("%#z", "offset"),
        (" %#z", "offset"),
        ("Z", "utc"),
        (" UTC", "utc"),
        ("", "naive"),
    )
    for suffix, zone in zones:
        for date in ("%Y-%m-%d", "%Y/%m/%d"):
            for sep in (" ", "T"):
                for clock in ("%H:%M:%S%.f", "%H:%M"):
                    formats.append(TextFormat(f"{date}{sep}{clock}{suffix}", zone))
    formats.append(TextFormat("%a, %d %b %Y %H:%M:%S %#z", "offset"))
    formats.append(TextFormat("%Y-%m-%d", "naive"))
    return tuple(formats)


BUILTIN_FORMATS: Final = _builtin_formats()


def user_format(fmt: str) -> TextFormat:
    """A ``--time-format`` value as a :class:`TextFormat`. ``%z`` and ``%:z`` read any
    offset form (``+08``, ``+0800``, ``+08:00``), as ``%#z`` does."""
    if "%z" in fmt or "%:z" in fmt or "%#z" in fmt:
        return TextFormat(fmt.replace("%:z", "%#z").replace("%z", "%#z"), "offset")
    if fmt.endswith(("Z", "UTC")):
        return TextFormat(fmt, "utc")
    return TextFormat(fmt, "naive")


# Epoch windows (in seconds) call times most likely fall in: this century first, then
# any plausible time.
_LIKELY_SECONDS: Final = (
    (946_684_800.0, 4_102_444_800.0),  # 2000-01-01 .. 2100-01-01
    (86_400.0, 4_102_444_800.0),  # 1970-01-02 .. 2100-01-01
)
_UNITS_SECONDS: Final = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def epoch_unit_for(values: pl.Series) -> str:
    """Epoch unit of ``values`` (numbers): the unit that puts the most of them in this
    century (then: in plausible years), so that one junk value cannot change it; when
    that does not settle it, the unit implied by the median magnitude.

    The median's thresholds sit between plausible ranges: 1e11 s is the year 5138,
    while 1e11 ms is 1973; 1e14 ms is the year 5138 while 1e14 us is 1973; and so on.
    """
    as_float = values.cast(pl.Float64)
    for low, high in _LIKELY_SECONDS:
        hits = {
            unit: int(((as_float * scale >= low) & (as_float * scale < high)).sum())
            for unit, scale in _UNITS_SECONDS.items()
        }
        best = max(hits.values())
        winners = [unit for unit, n in hits.items() if n == best]
        if best and len(winners) == 1:
            return winners[0]
    median = as_float.abs().median()
    m = float(median) if isinstance(median, int | float) else 0.0
    if m < 1e11:
        return "s"
    if m < 1e14:
        return "ms"
    if m < 1e17:
        return "us"
    return "ns"


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Trim text and turn null-like literals into nulls."""
    stripped = expr.str.strip_chars()
    return pl.when(stripped.str.to_lowercase().is_in(NULL_TEXT)).then(None).otherwise(stripped)


def detect_encoding(
    sample: pl.Series,
    *,
    epoch_unit: str,
    time_format: str | None,
    where: str,
    extra_formats: tuple[str, ...] = (),
) -> TimeEncoding:
    """Pick the encoding of a time column from a sample of its values.

    ``where`` names the column and file for error messages; ``extra_formats`` (a
    preset's, e.g. day-first dates) are tried after ``time_format`` and before the
    built-in formats.
    """
    dtype = sample.dtype
    if isinstance(dtype, pl.Datetime):
        return TimeEncoding("datetime", naive=dtype.time_zone is None)
    if dtype == pl.Date:
        return TimeEncoding("datetime", naive=True)
    if dtype.is_numeric():
        values = sample.drop_nulls()
        if values.len() == 0:
            return TimeEncoding("empty")
        if epoch_unit != "auto":
            return TimeEncoding("epoch", epoch_unit=epoch_unit)
        return TimeEncoding("epoch", epoch_unit=epoch_unit_for(values), unit_detected=True)
    if dtype != pl.String:
        raise InputError(f"{where}: a {dtype} column cannot hold times")

    text = sample.to_frame("v").select(clean_text(pl.col("v"))).to_series().drop_nulls()
    if text.len() == 0:
        return TimeEncoding("empty")
    numeric = text.str.contains(_NUMERIC.pattern)
    # Numbers and datetimes do not mix in one real column: a mostly numeric column is epoch.
    if time_format is None and numeric.mean() is not None and float(numeric.mean()) >= 0.5:  # type: ignore[arg-type]
        numbers = text.filter(numeric).cast(pl.Float64)
        if epoch_unit != "auto":
            return TimeEncoding("epoch", epoch_unit=epoch_unit)
        return TimeEncoding("epoch", epoch_unit=epoch_unit_for(numbers), unit_detected=True)

    candidates: tuple[TextFormat, ...] = (user_format(time_format),) if time_format else ()
    candidates += tuple(user_format(f) for f in extra_formats) + BUILTIN_FORMATS
    chosen = _cover(text, candidates)
    if not chosen:
        example = text[0]
        guess = suggest_format(text)
        if time_format:
            hint = f"check --time-format {time_format!r}" + (
                f"; the values fit {guess!r}" if guess else ""
            )
        elif guess:
            hint = f"pass --time-format {guess!r}, or pick another column"
        else:
            hint = "pass --time-format (a strftime format of these values) or pick another column"
        raise InputError(f"{where}: no value parses as a time (first value {example!r})", hint=hint)
    return TimeEncoding("text", formats=chosen, naive=any(f.zone == "naive" for f in chosen))


_DATE_SHAPES: Final = (
    # (pattern, format): the date part of a value.
    (re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"), "ymd"),
    (re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})"), "dmy_or_mdy"),
    (re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2})(?!\d)"), "dmy_or_mdy_short"),
    (re.compile(r"^(\d{2})(\d{2})(\d{2})(?!\d)"), "yymmdd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)"), "yyyymmdd"),
)
_CLOCK: Final = re.compile(
    r"^(?P<sep>[ T]|, )?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?P<f>[.,]\d+)?)?"
    r"(?P<ampm> ?[AaPp][Mm])?(?P<zone> ?(Z|UTC|[+-]\d{2}(:?\d{2})?))?$"
)


def suggest_format(text: pl.Series) -> str | None:
    """A strftime format that fits the values of a sample (for hints), or None.

    Day and month are told apart by a value above 12 in either place; when no value
    settles it, day first is proposed (say so in the docs: check it).
    """
    values = text.head(200).to_list()
    if not values:
        return None
    first = str(values[0]).strip()
    for pattern, kind in _DATE_SHAPES:
        match = pattern.match(first)
        if match is None:
            continue
        date = _date_format(kind, match, values)
        clock = _clock_format(first[match.end() :])
        if date is None or clock is None:
            return None
        fmt = date + clock
        parsed = text.head(200).str.to_datetime(fmt, strict=False, time_unit=TIME_UNIT)
        return fmt if parsed.is_not_null().mean() >= 0.5 else None  # type: ignore[operator]
    return None


def _date_format(kind: str, match: re.Match[str], values: list[object]) -> str | None:
    sep = match.group(2) if kind in ("ymd", "dmy_or_mdy", "dmy_or_mdy_short") else ""
    if kind == "ymd":
        return f"%Y{sep}%m{sep}%d"
    if kind == "yymmdd":
        return "%y%m%d"
    if kind == "yyyymmdd":
        return "%Y%m%d"
    year = "%Y" if kind == "dmy_or_mdy" else "%y"
    pattern = re.compile(rf"^(\d{{1,2}}){re.escape(sep)}(\d{{1,2}}){re.escape(sep)}")
    firsts, seconds = [], []
    for value in values:
        m = pattern.match(str(value).strip())
        if m:
            firsts.append(int(m.group(1)))
            seconds.append(int(m.group(2)))
    month_first = bool(seconds) and max(seconds) > 12 and max(firsts) <= 12
    return f"%m{sep}%d{sep}{year}" if month_first else f"%d{sep}%m{sep}{year}"


def _clock_format(rest: str) -> str | None:
    if not rest:
        return ""
    match = _CLOCK.match(rest)
    if match is None:
        return None
    sep = match.group("sep") or ""
    hour = "%I" if match.group("ampm") else "%H"
    clock = f"{sep}{hour}:%M" + (":%S" if match.group("s") else "")
    if match.group("f"):
        if match.group("f")[0] != ".":
            return None  # a comma before the fraction: no strftime directive reads it
        clock += "%.f"
    if match.group("ampm"):
        clock += (" " if match.group("ampm").startswith(" ") else "") + "%p"
    zone = match.group("zone")
    if zone:
        stripped = zone.strip()
        lead = " " if zone.startswith(" ") else ""
        clock += lead + ("Z" if stripped == "Z" else "UTC" if stripped == "UTC" else "%#z")
    return clock


def _cover(text: pl.Series, candidates: tuple[TextFormat, ...]) -> tuple[TextFormat, ...]:
    """Greedy set cover: the few formats that together parse the most sample values."""
    remaining = text
    chosen: list[TextFormat] = []
    while remaining.len() and len(chosen) < _MAX_FORMATS:
        best: TextFormat | None = None
        best_ok: pl.Series | None = None
        best_n = 0
        for cand in candidates:
            if cand in chosen:
                continue
            ok = remaining.str.to_datetime(
                cand.fmt, strict=False, time_unit=TIME_UNIT
            ).is_not_null()
            n = int(ok.sum())
            if n > best_n:
                best, best_ok, best_n = cand, ok, n
        if best is None or best_ok is None:
            break
        chosen.append(best)
        remaining = remaining.filter(~best_ok)
    return tuple(chosen)


def localize(naive: pl.Expr, tz: str, *, ambiguous: Literal["earliest", "latest"]) -> pl.Expr:
    """Naive local wall times in ``tz`` -> UTC instants (see the module doc for DST)."""
    if tz == "UTC":
        return naive.dt.replace_time_zone("UTC")
    direct = naive.dt.replace_time_zone(tz, ambiguous=ambiguous, non_existent="null")
    # Inside a gap: subtract the offset in force a few hours earlier (before the gap).
    before = (naive - pl.duration(hours=3)).dt.replace_time_zone(
        tz, ambiguous="earliest", non_existent="null"
    )
    offset = before.dt.base_utc_offset() + before.dt.dst_offset()
    in_gap = (naive - offset).dt.replace_time_zone("UTC")
    return pl.coalesce(direct.dt.convert_time_zone("UTC"), in_gap)


def time_expr(
    raw: pl.Expr,
    enc: TimeEncoding,
    tz: str,
    *,
    dtype: pl.DataType,
    ambiguous: Literal["earliest", "latest"] = "earliest",
    cleaned: bool = False,
) -> pl.Expr:
    """``raw`` (as read, of ``dtype``) as ``Datetime(us, UTC)``; null where unparseable."""
    if enc.kind == "empty":
        return pl.lit(None, dtype=TIME_DTYPE)
    if enc.kind == "datetime":
        if enc.naive:
            return localize(raw.cast(pl.Datetime(TIME_UNIT)), tz, ambiguous=ambiguous)
        return raw.dt.convert_time_zone("UTC").dt.cast_time_unit(TIME_UNIT)
    if enc.kind == "epoch":
        assert enc.epoch_unit is not None
        return epoch_expr(raw, enc.epoch_unit, dtype, cleaned=cleaned)
    text = raw if cleaned else clean_text(raw)
    parsed: list[pl.Expr] = []
    for f in enc.formats:
        value = text.str.to_datetime(f.fmt, strict=False, time_unit=TIME_UNIT)
        if f.zone == "offset":
            parsed.append(value.dt.convert_time_zone("UTC"))
        elif f.zone == "utc":
            parsed.append(value.dt.replace_time_zone("UTC"))
        else:
            parsed.append(localize(value, tz, ambiguous=ambiguous))
    return parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)


def epoch_expr(raw: pl.Expr, unit: str, dtype: pl.DataType, *, cleaned: bool = False) -> pl.Expr:
    """Numbers (typed or text) since 1970-01-01 UTC in ``unit`` -> ``Datetime(us, UTC)``."""
    return micros_expr(raw, unit, dtype, cleaned=cleaned).pipe(_from_micros)


def micros_expr(raw: pl.Expr, unit: str, dtype: pl.DataType, *, cleaned: bool = False) -> pl.Expr:
    """Numbers (typed, or text) in ``unit`` -> Int64 microseconds, exact for integers;
    null where the value cannot be held (it would overflow).

    ``cleaned``: text already went through :func:`clean_text`. A Duration column is
    read as what it says, whatever ``unit``."""
    if isinstance(dtype, pl.Duration):
        return raw.dt.total_microseconds()
    if dtype.is_integer():
        return _int_micros(raw.cast(pl.Int64, strict=False), unit)
    if dtype.is_float():
        return _float_micros(raw.cast(pl.Float64), unit)
    # Text: integers take an exact integer path (float64 would round ns epochs);
    # fractional values take the float path, rounded to the microsecond.
    text = raw if cleaned else clean_text(raw)
    exact = _int_micros(text.cast(pl.Int64, strict=False), unit)
    return pl.coalesce(
        exact, _float_micros(text.cast(pl.Float64, strict=False), unit), _clock_micros(text)
    )


_CLOCK_DURATION: Final = r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$"


def _clock_micros(text: pl.Expr) -> pl.Expr:
    """A duration written as a clock, ``H:MM:SS[.f]`` (Grandstream's Call Time, exports
    re-saved by a spreadsheet): whatever ``--duration-unit`` says, it is hours, minutes
    and seconds."""
    parts = text.str.extract_groups(_CLOCK_DURATION)
    seconds = (
        parts.struct.field("1").cast(pl.Float64) * 3600
        + parts.struct.field("2").cast(pl.Float64) * 60
        + parts.struct.field("3").cast(pl.Float64)
    )
    return (seconds * 1_000_000).round(0).cast(pl.Int64)


def _int_micros(as_int: pl.Expr, unit: str) -> pl.Expr:
    if unit == "ns":
        return as_int // 1000
    factor = _US_PER[unit]
    # Checked before multiplying: int64 arithmetic wraps instead of failing.
    fits = as_int.abs() <= _MAX_US // factor
    return pl.when(fits).then(as_int * factor)


def _float_micros(value: pl.Expr, unit: str) -> pl.Expr:
    scaled = (value / 1000 if unit == "ns" else value * _US_PER[unit]).round(0)
    # Values beyond int64 microseconds (about 292,000 years) are garbage, not times.
    return pl.when(scaled.abs() < _MAX_US).then(scaled).otherwise(None).cast(pl.Int64)


def _from_micros(us: pl.Expr) -> pl.Expr:
    return pl.from_epoch(us, time_unit=TIME_UNIT).dt.replace_time_zone("UTC")
