"""The parse plan of one file: raw columns -> times, a reason per row, kept columns.

The plan is lazy: one Polars frame whose rows carry either a reason (invalid, or
``plan_limit_rejected``) or none (valid). It is built in stages, each naming its
results, so that every parse runs once per row (Polars does not always share common
subexpressions of one stage):

0. cleaned text of the time and duration columns;
1. parsed start, end (both readings of a repeated wall-clock hour), duration, answer;
2. the end (the end column, or start + duration where the end is empty);
3. the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final

import polars as pl

from ccc_cli.errors import InputError
from ccc_cli.load.reader import MALFORMED, ROW, Scan, polars_error_line
from ccc_cli.normalize.callset import FileReport
from ccc_cli.normalize.detect import KEEP, AppliedPreset
from ccc_cli.normalize.forwards import CALLEE, CALLER, ROLE
from ccc_cli.normalize.idcolumn import choose_id_column
from ccc_cli.normalize.mapping import ColumnMapping, resolve_columns
from ccc_cli.normalize.times import (
    EPOCH,
    SENTINEL_TEXT,
    TimeEncoding,
    clean_text,
    detect_encoding,
    micros_expr,
    time_expr,
)
from ccc_cli.options import LoadOptions
from ccc_cli.schema import (
    ACCOUNT,
    ANSWER,
    CALL_ID,
    END,
    FIELD_ACCOUNT,
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_DATE,
    FIELD_DURATION,
    FIELD_END,
    FIELD_GROUP,
    FIELD_PARENT,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
    PLAN_LIMIT_REJECTED,
    PLAN_LIMIT_STATUS,
    REASON,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_ROW_DTYPE,
    START,
    STATUS,
    TIME_DTYPE,
)

_SAMPLE_ROWS: Final = 1000
# Temporary columns of the parsed frame. Parsed values get private names: an input
# column may be called "start" or "reason".
GROUP: Final = "__group"
PARENT: Final = "__parent"
TYPE_RAW: Final = "__type_raw"
_COLUMN: Final = "column"
_S_TXT: Final = "__start_text"
_E_TXT: Final = "__end_text"
_D_TXT: Final = "__duration_text"
_A_TXT: Final = "__answer_text"
_A_EARLY: Final = "__answer_early"
_A_LATE: Final = "__answer_late"
_E_EARLY: Final = "__end_early"
_E_LATE: Final = "__end_late"
_DUR_US: Final = "__duration_us"
_NO_END: Final = "__no_end"
_START_TMP: Final = "__start"
_END_TMP: Final = "__end"
_REASON_TMP: Final = "__reason"
_S_SENT: Final = "__start_sentinel"
IMPLAUSIBLE: Final = "implausible_time"
_E_SENT: Final = "__end_sentinel"
_VALUE: Final = "value"
_RAW: Final = ("raw_start", "raw_end", "raw_duration", "raw_record")
INVALID_COLUMNS: Final = (REASON, _COLUMN, _VALUE, SOURCE_FILE, SOURCE_ROW, CALL_ID, *_RAW)
# Valid rows whose end and start + duration disagree by more than END_DURATION_SLACK.
END_DURATION_GAP: Final = "__end_duration_gap"
END_DURATION_SLACK_US: Final = 1_000_000
KEPT_COLUMNS: Final = (
    CALL_ID,
    START,
    END,
    ANSWER,
    TYPE_RAW,
    ACCOUNT,
    GROUP,
    PARENT,
    STATUS,
    SOURCE_FILE,
    SOURCE_ROW,
    END_DURATION_GAP,
    ROLE,
    CALLER,
    CALLEE,
)
# An epoch of zero in an answer column means "never answered" (e.g. Stringee's call log).
_ZERO_TEXT: Final = r"^[+-]?0+(\.0*)?$"


@dataclass(frozen=True, slots=True)
class FilePlan:
    """The lazy frames of one file: its valid, rejected and invalid rows, and all of
    them in one frame (``combined``, for reading a large file in batches)."""

    valid: pl.LazyFrame
    rejected: pl.LazyFrame
    combined: pl.LazyFrame
    invalid: pl.LazyFrame
    report_stub: FileReport


@dataclass(frozen=True, slots=True)
class _Columns:
    """The input columns that feed the time fields of one file."""

    start: str
    end: str | None
    duration: str | None
    answer: str | None
    date: str | None = None  # the times are times of day on this date

    @classmethod
    def of(cls, mapping: ColumnMapping) -> _Columns:
        start = mapping.column(FIELD_START)
        assert start is not None  # resolve_columns guarantees a start column
        return cls(
            start,
            mapping.column(FIELD_END),
            mapping.column(FIELD_DURATION),
            mapping.column(FIELD_ANSWER),
            mapping.column(FIELD_DATE),
        )


def file_options(options: LoadOptions, applied: AppliedPreset | None) -> LoadOptions:
    """The options one file is read with: the preset's zone and epoch unit fill in what
    the user left unset."""
    if applied is None:
        return replace(options, tz=options.tz or "UTC")
    epoch = options.epoch_unit
    if epoch == "auto" and applied.epoch_unit is not None:
        epoch = applied.epoch_unit  # type: ignore[assignment]
    return replace(options, tz=options.tz or applied.tz or "UTC", epoch_unit=epoch)


def plan_file(
    scan: Scan, options: LoadOptions, file_dtype: pl.Enum, applied: AppliedPreset | None = None
) -> FilePlan:
    """The lazy parse plan of one scanned file (read with its preset, if any)."""
    mapping = resolve_columns(
        scan.columns,
        options.columns,
        label=scan.source.label,
        preset=applied.fields if applied is not None else None,
        aliases=applied.aliases if applied is not None else True,
    )
    id_choice = choose_id_column(scan, mapping, explicit=FIELD_CALL_ID in options.columns)
    mapping = id_choice.mapping
    cols = _Columns.of(mapping)
    date_col = mapping.column(FIELD_DATE)
    if date_col is not None:
        scan = _with_dates(scan, cols, date_col)
    encodings = _time_encodings(scan, cols, options, applied)
    options = file_options(options, applied)
    assert options.tz is not None
    frame = scan.frame
    schema = frame.collect_schema()
    if MALFORMED not in schema:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(MALFORMED))

    def late(field: str) -> bool:
        return field in encodings and _two_readings(encodings[field], options.tz or "UTC")

    base = (
        frame.with_columns(**_cleaned_stage(cols, schema))
        .with_columns(**_parsed_stage(cols, encodings, schema, options))
        .with_columns(**_end_stage(cols, late(FIELD_END), schema, _early_years(encodings, options)))
        .with_columns(_reason(mapping, applied, options).alias(_REASON_TMP))
    )
    kept = _kept(scan, mapping, file_dtype, late(FIELD_ANSWER), dated=date_col is not None)
    reason_out = pl.col(_REASON_TMP).alias(REASON)
    faults = _faults(cols, applied, schema, options)
    is_invalid = pl.col(_REASON_TMP).is_not_null() & (pl.col(_REASON_TMP) != PLAN_LIMIT_REJECTED)
    stub = FileReport(
        label=scan.source.label,
        kind=scan.source.describe(),
        separator=scan.separator,
        rows=0,
        mapping=mapping,
        encodings=encodings,
        duration_unit=options.duration_unit if cols.duration else None,
        unmapped_types={},
        preset=applied.match if applied is not None else None,
        encoding=applied.encoding if applied is not None else None,
        encoding_why=scan.head.encoding.why if scan.head is not None else None,
        row_unit="line" if scan.text is not None else "row",
        notes=(id_choice.note,) if id_choice.note else (),
        row_filter=applied.keep_why if applied is not None else None,
        tz=options.tz,
    )
    return FilePlan(
        valid=base.filter(pl.col(_REASON_TMP).is_null()).select(kept),
        rejected=base.filter(pl.col(_REASON_TMP) == PLAN_LIMIT_REJECTED).select(kept),
        invalid=base.filter(is_invalid).select(reason_out, *kept, *faults).select(INVALID_COLUMNS),
        combined=base.select(reason_out, *kept, *faults),
        report_stub=stub,
    )


# --- a date column beside times of day ---------------------------------------------------
_DATES: Final = ("%Y-%m-%d", "%y%m%d", "%Y%m%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d")
_CLOCKS: Final = ("%H:%M:%S%.f", "%H:%M")


def _dated_formats(date_format: str | None) -> tuple[str, ...]:
    """Formats of "date time of day" values (the date first, as ``_with_dates`` joins)."""
    dates = (date_format,) if date_format else _DATES
    return tuple(f"{d} {c}" for d in dates for c in _CLOCKS)


def _with_dates(scan: Scan, cols: _Columns, date_col: str) -> Scan:
    """The time-of-day columns with the date put in front of them ("990201 7:02:47"),
    so they read as the timestamps they are. A time of day that falls before the start
    is on the next day (see ``_next_day``)."""

    def text(column: str) -> pl.Expr:
        return clean_text(pl.col(column).cast(pl.String))

    dated = [
        pl.concat_str([text(date_col), text(c)], separator=" ").alias(c)
        for c in (cols.start, cols.end, cols.answer)
        if c is not None
    ]
    return replace(scan, frame=scan.frame.with_columns(dated))


def _next_day(time: pl.Expr, dated: bool) -> pl.Expr:
    """With a date column, a time of day before the start is past midnight."""
    if not dated:
        return time
    start = pl.col(_START_TMP)
    return pl.when(time < start).then(time + pl.duration(days=1)).otherwise(time)


# --- time encodings ------------------------------------------------------------------------
def _timelike(column: str, dtype: pl.DataType) -> pl.Expr:
    """Values worth sampling to learn how a time column is written: not empty, not a
    sentinel, not zero (a log where most calls went unanswered would otherwise have a
    median of 0 and its epoch milliseconds read as seconds)."""
    raw = pl.col(column)
    if dtype == pl.String:
        text = clean_text(raw)
        return (
            text.is_not_null() & ~text.str.contains(_ZERO_TEXT) & ~text.str.contains(SENTINEL_TEXT)
        )
    if dtype.is_numeric():
        return raw.is_not_null() & (raw != 0)
    return raw.is_not_null()


def _sample(scan: Scan, column: str) -> tuple[pl.Series, bool]:
    """Values to learn the column's encoding from, and whether they are only the junk
    left when no value is time-like (zeros and sentinels: such a column is read so that
    they come out as the implausible times they are, not as unreadable)."""
    dtype = scan.frame.collect_schema()[column]
    try:
        for junk, keep in ((False, _timelike(column, dtype)), (True, pl.col(column).is_not_null())):
            sample = (
                scan.frame.select(pl.col(column)).filter(keep).head(_SAMPLE_ROWS).collect()
            ).to_series()
            if sample.len():
                return sample, junk
        return sample, False
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"cannot read {scan.source.label}: {polars_error_line(exc)}") from None


def _detect(
    scan: Scan, column: str, options: LoadOptions, formats: tuple[str, ...]
) -> TimeEncoding:
    sample, junk = _sample(scan, column)
    try:
        return detect_encoding(
            sample,
            epoch_unit=options.epoch_unit,
            time_format=options.time_format,
            where=f"{scan.source.label}, column {column!r}",
            extra_formats=formats,
        )
    except InputError:
        if junk:
            return TimeEncoding("empty")
        raise


def _time_encodings(
    scan: Scan, cols: _Columns, options: LoadOptions, applied: AppliedPreset | None
) -> dict[str, TimeEncoding]:
    """How each time column is read, detected from a sample of its values."""
    preset_unit = (
        applied is not None and applied.epoch_unit is not None and options.epoch_unit == "auto"
    )
    formats = applied.time_formats if applied is not None else ()
    if FIELD_DATE in options.columns:
        formats = _dated_formats(options.date_format) + formats
    options = file_options(options, applied)
    encodings: dict[str, TimeEncoding] = {}
    for name, column in ((FIELD_START, cols.start), (FIELD_END, cols.end)):
        if column is not None:
            encodings[name] = _detect(scan, column, options, formats)
    if cols.answer is not None:
        encodings[FIELD_ANSWER] = _answer_encoding(
            scan, cols.answer, options, explicit=FIELD_ANSWER in options.columns, formats=formats
        )
    if preset_unit and applied is not None:
        by = f"preset {applied.match.preset}"
        encodings = {
            name: replace(enc, unit_from=by) if enc.kind == "epoch" else enc
            for name, enc in encodings.items()
        }
    return encodings


def _answer_encoding(
    scan: Scan, column: str, options: LoadOptions, *, explicit: bool, formats: tuple[str, ...]
) -> TimeEncoding:
    """How the answer column is read: detected like the end time.

    A column found by alias that holds no times at all is read as empty (nothing
    answered), so an unrelated column cannot make a file unreadable; one named by
    --answer-col must parse.
    """
    try:
        return _detect(scan, column, options, formats)
    except InputError:
        if explicit:
            raise
        return TimeEncoding("empty")


# --- the stages ----------------------------------------------------------------------------
def _cleaned_stage(cols: _Columns, schema: pl.Schema) -> dict[str, pl.Expr]:
    def cleaned(column: str) -> pl.Expr:
        return clean_text(pl.col(column)) if schema[column] == pl.String else pl.col(column)

    stage = {_S_TXT: cleaned(cols.start)}
    for name, column in ((_E_TXT, cols.end), (_D_TXT, cols.duration), (_A_TXT, cols.answer)):
        if column is not None:
            stage[name] = cleaned(column)
    return stage


def _two_readings(enc: TimeEncoding, tz: str) -> bool:
    """Whether a time column gets a second reading for a repeated wall-clock hour."""
    return enc.naive and tz != "UTC"


def _parsed_stage(
    cols: _Columns,
    encodings: Mapping[str, TimeEncoding],
    schema: pl.Schema,
    options: LoadOptions,
) -> dict[str, pl.Expr]:
    tz = options.tz
    assert tz is not None

    def times(text: str, column: str, enc: TimeEncoding, early: str, late: str | None) -> None:
        dtype = schema[column]
        stage[early] = time_expr(pl.col(text), enc, tz, dtype=dtype, cleaned=True)
        if late is not None and _two_readings(enc, tz):
            # The second reading of a repeated wall-clock hour (see _not_before_start).
            stage[late] = time_expr(
                pl.col(text), enc, tz, dtype=dtype, ambiguous="latest", cleaned=True
            )

    stage: dict[str, pl.Expr] = {}
    times(_S_TXT, cols.start, encodings[FIELD_START], _START_TMP, None)
    if cols.end is not None:
        times(_E_TXT, cols.end, encodings[FIELD_END], _E_EARLY, _E_LATE)
    if cols.duration is not None:
        stage[_DUR_US] = micros_expr(
            pl.col(_D_TXT), options.duration_unit, schema[cols.duration], cleaned=True
        )
    if cols.answer is not None:
        times(_A_TXT, cols.answer, encodings[FIELD_ANSWER], _A_EARLY, _A_LATE)
    return stage


def _not_before_start(early: str, late: str, present: bool) -> pl.Expr:
    """A time in a repeated wall-clock hour: its second reading when the first would fall
    before the call's start (see ccc_cli.normalize.times)."""
    if not present:
        return pl.col(early)
    start = pl.col(_START_TMP)
    return (
        pl.when((pl.col(early) < start) & (pl.col(late) >= start))
        .then(pl.col(late))
        .otherwise(pl.col(early))
    )


_NEXT_DAY: Final = datetime(1970, 1, 2, tzinfo=UTC)


def _sentinel(
    text: str, parsed: str, schema_dtype: pl.DataType, *, zero: bool, early: str | None = None
) -> pl.Expr:
    """A value that reads as "no time": a sentinel text (``0000-00-00``, the epoch
    written out in any zone), or with ``zero``, the epoch itself.

    Prefix tests: they run on every row, and a sentinel either does not parse
    (``0000-...``) or parses to a time on 1970-01-01. ``early``: the pattern of a year
    before the plausible window (for a column read as text)."""
    value = pl.col(parsed)
    flag = value == pl.lit(EPOCH, dtype=TIME_DTYPE) if zero else pl.lit(False)
    if schema_dtype == pl.String:
        raw = pl.col(text)
        soon = value.is_null() | (value < pl.lit(_NEXT_DAY, dtype=TIME_DTYPE))
        on_epoch_day = soon & (
            raw.str.starts_with("1970-01-01") | raw.str.starts_with("1970/01/01")
        )
        flag = flag | raw.str.starts_with("0000") | raw.str.starts_with("00/00") | on_epoch_day
        if early is not None:
            flag = flag | raw.str.contains(early)
    return flag.fill_null(False)


def _years_before(year: int) -> str:
    """A pattern for a four-digit year before ``year`` in a date."""
    digits = f"{year:04d}"
    parts = []
    for i, d in enumerate(digits):
        if d != "0":
            top = int(d) - 1
            tail = r"\d" * (3 - i)
            parts.append(digits[:i] + (f"[0-{top}]" if top else "0") + tail)
    # At the start (ISO, year first), or after / or . (day or month first): never an
    # offset such as +0700, which follows + or - at the end.
    return r"(?:^|[/.])(?:" + "|".join(parts) + r")(?:[^0-9]|$)"


def _early_years(encodings: Mapping[str, TimeEncoding], options: LoadOptions) -> dict[str, str]:
    """Per text time field, the pattern of a year written before the plausible window:
    junk whatever the zone makes of it (read as UTC-5, a naive 1969-12-31 23:59:59 is
    already 1970). Epoch numbers and typed times are judged as instants alone."""
    pattern = _years_before(options.plausible_since.year)
    return {name: pattern for name, enc in encodings.items() if enc.kind == "text"}


def _end_stage(
    cols: _Columns, late: bool, schema: pl.Schema, early: Mapping[str, str]
) -> dict[str, pl.Expr]:
    """The end and the flags the reasons need. ``late``: the parsed stage holds a
    second reading of the end."""
    stage = {
        _S_SENT: _sentinel(
            _S_TXT, _START_TMP, schema[cols.start], zero=False, early=early.get(FIELD_START)
        )
    }
    end_missing: pl.Expr = pl.lit(True)
    end_sentinel: pl.Expr = pl.lit(False)
    end_parsed: pl.Expr = pl.lit(None, dtype=TIME_DTYPE)
    if cols.end is not None:
        end_parsed = _next_day(_not_before_start(_E_EARLY, _E_LATE, late), cols.date is not None)
        end_missing = pl.col(_E_TXT).is_null()
        end_sentinel = _sentinel(
            _E_TXT, _E_EARLY, schema[cols.end], zero=True, early=early.get(FIELD_END)
        )
    if cols.duration is None:
        return {
            **stage,
            _END_TMP: end_parsed,
            _NO_END: end_missing,
            _E_SENT: end_sentinel,
            END_DURATION_GAP: pl.lit(False),
        }
    # The end column wins; the duration fills in where the end is empty or a sentinel
    # (MySQL's 0000-00-00 for "not ended", a zero epoch).
    from_duration = pl.col(_START_TMP) + pl.duration(microseconds=pl.col(_DUR_US))
    filled = (end_missing | end_sentinel) & pl.col(_D_TXT).is_not_null()
    # Where both are there, the end is used; a disagreement is counted (whole-second
    # values of the two can differ by rounding, hence the slack).
    gap = (end_parsed - from_duration).dt.total_microseconds().abs() > END_DURATION_SLACK_US
    return {
        **stage,
        _END_TMP: pl.when(filled).then(from_duration).otherwise(end_parsed),
        _NO_END: end_missing & pl.col(_D_TXT).is_null(),
        _E_SENT: end_sentinel & ~filled,
        END_DURATION_GAP: (gap & ~filled).fill_null(False),
    }


def _outside(time: pl.Expr, options: LoadOptions) -> pl.Expr:
    since = pl.lit(options.plausible_since, dtype=TIME_DTYPE)
    until = pl.lit(options.plausible_until, dtype=TIME_DTYPE)
    # The default lower bound is the epoch itself: a zero read as a time is implausible.
    return (time <= since) | (time >= until)


def _reason(mapping: ColumnMapping, applied: AppliedPreset | None, options: LoadOptions) -> pl.Expr:
    """The bucket of each row: a rejection or an invalid reason, or null (valid)."""
    status_col = mapping.column(FIELD_STATUS)
    status = pl.col(status_col).cast(pl.String) if status_col else pl.lit(None, pl.String)
    is_rejected = status.str.contains(f"(?i){PLAN_LIMIT_STATUS}").fill_null(False)
    keep_row = (
        pl.col(KEEP) if applied is not None and applied.keep_why is not None else pl.lit(True)
    )
    start_, end_ = pl.col(_START_TMP), pl.col(_END_TMP)
    too_long = (
        (end_ - start_) > pl.duration(microseconds=round(options.max_duration_s * 1_000_000))
        if options.max_duration_s is not None
        else pl.lit(False)
    )
    return (
        pl.when(pl.col(MALFORMED).is_not_null())
        .then(pl.lit("malformed_row"))
        .when(is_rejected)
        .then(pl.lit(PLAN_LIMIT_REJECTED))
        .when(~keep_row)
        .then(pl.lit("not_a_call"))
        .when(pl.col(_S_TXT).is_null())
        .then(pl.lit("missing_start"))
        .when(pl.col(_S_SENT))
        .then(pl.lit(IMPLAUSIBLE))
        .when(start_.is_null())
        .then(pl.lit("bad_start"))
        .when(_outside(start_, options))
        .then(pl.lit(IMPLAUSIBLE))
        .when(pl.col(_NO_END))
        .then(pl.lit("missing_end"))
        .when(pl.col(_E_SENT))
        .then(pl.lit(IMPLAUSIBLE))
        .when(end_.is_null())
        .then(pl.lit("bad_end"))
        .when(_outside(end_, options))
        .then(pl.lit(IMPLAUSIBLE))
        .when(end_ < start_)
        .then(pl.lit("end_before_start"))
        .when(too_long)
        .then(pl.lit("too_long"))
        .otherwise(None)
    )


# --- what is kept ----------------------------------------------------------------------------
def _text_or_null(name: str | None) -> pl.Expr:
    return pl.col(name).cast(pl.String, strict=False) if name else pl.lit(None, pl.String)


def _clean_id(text: pl.Expr) -> pl.Expr:
    """Ids, accounts and statuses: trimmed, empty means none. (CSV ``NULL`` and ``\\N``
    are already null; see ``ccc_cli.load.reader.NULL_VALUES``.)"""
    stripped = text.str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


def _group(mapping: ColumnMapping) -> pl.Expr:
    """The group value: one column's, or several columns' joined (null if any is)."""
    source = mapping.fields.get(FIELD_GROUP)
    if source is None:
        return pl.lit(None, pl.String)
    parts = [_clean_id(_text_or_null(c)) for c in (source.column, *source.also)]
    return parts[0] if len(parts) == 1 else pl.concat_str(parts, separator="\x1f")


def _kept(
    scan: Scan, mapping: ColumnMapping, file_dtype: pl.Enum, late_answer: bool, *, dated: bool
) -> tuple[pl.Expr, ...]:
    """The columns a row keeps (valid and rejected rows; invalid rows add their faults)."""
    start_, end_ = pl.col(_START_TMP), pl.col(_END_TMP)
    # The answer never makes a row invalid: one outside [start, end] (epoch 0 included)
    # means the leg was not answered, or the value cannot be trusted.
    answer: pl.Expr = pl.lit(None, dtype=TIME_DTYPE)
    if mapping.column(FIELD_ANSWER) is not None:
        answer = _next_day(_not_before_start(_A_EARLY, _A_LATE, late_answer), dated)
        answer = pl.when((answer >= start_) & (answer <= end_)).then(answer)
    col = mapping.column
    status_col = col(FIELD_STATUS)
    status = pl.col(status_col).cast(pl.String) if status_col else pl.lit(None, pl.String)
    return (
        _clean_id(_text_or_null(col(FIELD_CALL_ID))).alias(CALL_ID),
        start_.alias(START),
        end_.alias(END),
        answer.alias(ANSWER),
        _text_or_null(col(FIELD_TYPE)).cast(pl.Categorical).alias(TYPE_RAW),
        _clean_id(_text_or_null(col(FIELD_ACCOUNT))).cast(pl.Categorical).alias(ACCOUNT),
        _group(mapping).alias(GROUP),
        _clean_id(_text_or_null(col(FIELD_PARENT))).alias(PARENT),
        _clean_id(status).cast(pl.Categorical).alias(STATUS),
        pl.lit(scan.source.label, dtype=file_dtype).alias(SOURCE_FILE),
        pl.col(ROW).cast(SOURCE_ROW_DTYPE).alias(SOURCE_ROW),
        pl.col(END_DURATION_GAP),
        *_forward_columns(scan),
    )


def _forward_columns(scan: Scan) -> tuple[pl.Expr, ...]:
    """What forward linking needs, when the preset derived it (else nulls)."""
    names = scan.frame.collect_schema().names()
    return (
        (pl.col(ROLE) if ROLE in names else pl.lit(None, pl.Int8)).cast(pl.Int8).alias(ROLE),
        (pl.col(CALLER) if CALLER in names else pl.lit(None)).cast(pl.String).alias(CALLER),
        (pl.col(CALLEE) if CALLEE in names else pl.lit(None)).cast(pl.String).alias(CALLEE),
    )


def _faults(
    cols: _Columns, applied: AppliedPreset | None, schema: pl.Schema, options: LoadOptions
) -> tuple[pl.Expr, ...]:
    """What an invalid row adds: the column at fault and the raw texts."""
    end_fault = cols.end if cols.end is not None else cols.duration
    reason = pl.col(_REASON_TMP)
    start_side = reason.is_in(["missing_start", "bad_start"]) | (
        (reason == IMPLAUSIBLE)
        & (pl.col(_S_SENT) | _outside(pl.col(_START_TMP), options).fill_null(False))
    )

    def raw_text(name: str | None, cleaned_name: str) -> pl.Expr:
        if name is None:
            return pl.lit(None, pl.String)
        dtype = schema[name]
        if dtype == pl.String:
            return clean_text(pl.col(cleaned_name))
        if isinstance(dtype, pl.Duration):
            seconds = pl.col(cleaned_name).dt.total_microseconds() / 1_000_000
            return seconds.cast(pl.String) + pl.lit(" s")
        return pl.col(cleaned_name).cast(pl.String, strict=False)

    raw_start = raw_text(cols.start, _S_TXT)
    raw_end = raw_text(cols.end, _E_TXT)
    raw_duration = raw_text(cols.duration, _D_TXT)
    keep_why = applied.keep_why if applied is not None else None
    column_at_fault = (
        pl.when(start_side)
        .then(pl.lit(cols.start))
        .when(reason == "not_a_call")
        .then(pl.lit(keep_why, pl.String))
        .when(reason == "malformed_row")
        .then(pl.lit(None, pl.String))
        .otherwise(pl.lit(end_fault))
    )
    value = (
        pl.when(start_side)
        .then(raw_start)
        .when(reason == "malformed_row")
        .then(pl.col(MALFORMED))
        .when(reason.is_in(["missing_end", "bad_end", IMPLAUSIBLE]))
        .then(pl.coalesce(raw_end, raw_duration) if cols.end else raw_duration)
    )
    return (
        column_at_fault.alias(_COLUMN),
        value.alias(_VALUE),
        raw_start.alias(_RAW[0]),
        raw_end.alias(_RAW[1]),
        raw_duration.alias(_RAW[2]),
        pl.col(MALFORMED).alias(_RAW[3]),
    )
