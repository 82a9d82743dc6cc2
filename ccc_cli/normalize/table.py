"""Build the canonical call table from scanned sources, accounting for every row.

Each input row lands in exactly one bucket, checked in this order:

1. ``plan_limit_rejected``: its status contains ``REACH_PLAN_LIMIT`` (any case), whatever
   its times; such a call never occupied capacity;
2. ``invalid``: with the first reason that applies, in the order of
   ``ccc_cli.schema.INVALID_REASONS``;
3. ``duplicates``: same call id and same start and end as an earlier row (input order:
   files in the order given, rows in file order);
4. ``merged_legs``: a further leg of a call already counted (legs are linked by a shared
   group value, or by a parent id naming another row's call id);
5. ``used``: one per call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import polars as pl

from ccc_cli.errors import InputError
from ccc_cli.load.reader import ROW, Scan, polars_error_line
from ccc_cli.load.sources import Source, read_head
from ccc_cli.normalize.calltypes import map_call_types, type_lookup
from ccc_cli.normalize.detect import KEEP, AppliedPreset, PresetMatch
from ccc_cli.normalize.mapping import ColumnMapping, resolve_columns
from ccc_cli.normalize.times import (
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
    CALL_TYPE,
    DUPLICATES,
    END,
    FIELD_ACCOUNT,
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_GROUP,
    FIELD_PARENT,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
    INVALID,
    INVALID_REASONS,
    LEG_GROUP,
    LEG_GROUP_DTYPE,
    MERGED_LEGS,
    PLAN_LIMIT_REJECTED,
    PLAN_LIMIT_STATUS,
    REASON,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_ROW_DTYPE,
    START,
    STATUS,
    TIME_DTYPE,
    USED,
    canonical_schema,
)

_SAMPLE_ROWS: Final = 1000
# Pointer-jumping rounds: enough for parent chains of any length up to 2**64.
_MAX_JUMPS: Final = 64
# Temporary columns of the parsed frame.
_GROUP: Final = "__group"
_PARENT: Final = "__parent"
_SEQ: Final = "__seq"
_KEY: Final = "__key"
_COLUMN: Final = "column"
_REJECTED: Final = "__rejected"
_MULTI: Final = "__multi"
_TYPE_RAW: Final = "__type_raw"
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
# Parsed values get private names: an input column may be called "start" or "reason".
_START_TMP: Final = "__start"
_END_TMP: Final = "__end"
_REASON_TMP: Final = "__reason"
_RAW: Final = ("raw_start", "raw_end", "raw_duration")
INVALID_COLUMNS: Final = (REASON, _COLUMN, SOURCE_FILE, SOURCE_ROW, CALL_ID, *_RAW)
_KEPT_COLUMNS: Final = (
    CALL_ID,
    START,
    END,
    ANSWER,
    _TYPE_RAW,
    ACCOUNT,
    _GROUP,
    _PARENT,
    STATUS,
    SOURCE_FILE,
    SOURCE_ROW,
)
# Text files larger than this are read in batches when progress is shown.
BATCH_BYTES: Final = 64 * 1024 * 1024
_BATCH_ROWS: Final = 1_000_000


@dataclass(frozen=True, slots=True)
class RowAccounting:
    """Where every input row went; ``read`` is always the sum of the buckets."""

    read: int
    used: int
    duplicates: int
    merged_legs: int
    plan_limit_rejected: int
    invalid: int
    invalid_reasons: Mapping[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            USED: self.used,
            DUPLICATES: self.duplicates,
            MERGED_LEGS: self.merged_legs,
            PLAN_LIMIT_REJECTED: self.plan_limit_rejected,
            INVALID: self.invalid,
            "invalid_reasons": dict(self.invalid_reasons),
        }


@dataclass(frozen=True, slots=True)
class FileReport:
    """What was read from one file and how (for ``ccc inspect``)."""

    label: str
    kind: str
    separator: str | None
    rows: int
    mapping: ColumnMapping
    encodings: Mapping[str, TimeEncoding]
    duration_unit: str | None
    unmapped_types: Mapping[str, int]
    preset: PresetMatch | None = None
    encoding: str | None = None
    row_filter: str | None = None
    tz: str | None = None


@dataclass(frozen=True)
class CallSet:
    """The canonical call table and everything known about how it was built.

    Attributes
    ----------
    calls
        One row per leg that occupied capacity (schema: ``ccc_cli.schema.canonical_schema``).
    rejected
        Rows with status ``REACH_PLAN_LIMIT`` (same columns as ``calls``; ``end`` may be
        null; ``leg_group`` is null).
    invalid
        Invalid rows: ``reason``, the ``column`` at fault, ``source_file``, ``source_row``,
        ``call_id`` and the raw start, end and duration text.
    linked
        Whether any legs were linked into multi-leg calls.
    linked_groups
        Calls with several legs all have a ``leg_group`` below this number (calls at or
        above it have exactly one leg), so the engine merges legs only where needed.
    reused_call_ids
        Call ids carried by rows of different calls (different times and not linked as
        legs of one call); such rows are kept as separate calls.
    """

    calls: pl.DataFrame
    rejected: pl.DataFrame
    invalid: pl.DataFrame
    accounting: RowAccounting
    files: tuple[FileReport, ...]
    tz: str
    linked: bool
    reused_call_ids: int
    linked_groups: int = 0
    notes: tuple[str, ...] = field(default=())

    def first_invalid_message(self) -> str | None:
        """One line naming the first invalid row (file, row, column, reason, value)."""
        if self.invalid.height == 0:
            return None
        row = self.invalid.row(0, named=True)
        raw = row["raw_start"] if row[REASON] in ("missing_start", "bad_start") else None
        if raw is None and row[REASON] in ("bad_end", "missing_end"):
            raw = row["raw_end"] if row["raw_end"] is not None else row["raw_duration"]
        value = f" (value {raw!r})" if raw is not None else ""
        return (
            f"{row[SOURCE_FILE]}, row {row[SOURCE_ROW]}, column {row[_COLUMN]!r}: "
            f"{row[REASON]}{value}; {self.accounting.invalid} invalid row(s) in all"
        )


def _clean_id(text: pl.Expr) -> pl.Expr:
    """Ids, accounts and statuses: trimmed, empty means none. (CSV ``NULL`` and ``\\N``
    are already null; see ``ccc_cli.load.reader.NULL_VALUES``.)"""
    stripped = text.str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


def _is_missing(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return clean_text(raw).is_null() if dtype == pl.String else raw.is_null()


def _as_text(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    text = raw.cast(pl.String)
    return clean_text(text) if dtype == pl.String else text


def _sample(scan: Scan, column: str) -> pl.Series:
    try:
        return (
            scan.frame.select(pl.col(column))
            .filter(pl.col(column).is_not_null())
            .head(_SAMPLE_ROWS)
            .collect()
            .to_series()
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"cannot read {scan.source.label}: {polars_error_line(exc)}") from None


# An epoch of zero in an answer column means "never answered" (e.g. Stringee's call log).
_ZERO_TEXT: Final = r"^[+-]?0+(\.0*)?$"


def _answer_encoding(
    scan: Scan,
    column: str,
    options: LoadOptions,
    *,
    explicit: bool,
    where: str,
    extra_formats: tuple[str, ...] = (),
) -> TimeEncoding:
    """How the answer column is read: detected like the end time, from a sample of its
    answered values.

    Zeros are left out of the sample: a log where most calls went unanswered would
    otherwise have a median of 0 and its epoch milliseconds read as seconds. A column
    found by alias that holds no times at all is read as empty (nothing answered), so an
    unrelated column cannot make a file unreadable; one named by --answer-col must parse.
    """
    dtype = scan.frame.collect_schema()[column]
    raw = pl.col(column)
    if dtype == pl.String:
        text = clean_text(raw)
        keep = text.is_not_null() & ~text.str.contains(_ZERO_TEXT)
    elif dtype.is_numeric():
        keep = raw.is_not_null() & (raw != 0)
    else:
        keep = raw.is_not_null()
    try:
        sample = scan.frame.select(raw).filter(keep).head(_SAMPLE_ROWS).collect().to_series()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"cannot read {scan.source.label}: {polars_error_line(exc)}") from None
    try:
        return detect_encoding(
            sample,
            epoch_unit=options.epoch_unit,
            time_format=options.time_format,
            where=where,
            extra_formats=extra_formats,
        )
    except InputError:
        if explicit:
            raise
        return TimeEncoding("empty")


@dataclass(frozen=True, slots=True)
class _FilePlan:
    valid: pl.LazyFrame
    rejected: pl.LazyFrame
    combined: pl.LazyFrame
    invalid: pl.LazyFrame
    report_stub: FileReport


def _not_before_start(early: pl.Expr, late: pl.Expr) -> pl.Expr:
    """A time in a repeated wall-clock hour: its second reading when the first would fall
    before the call's start (see ccc_cli.normalize.times)."""
    start = pl.col(_START_TMP)
    return pl.when((early < start) & (late >= start)).then(late).otherwise(early)


def file_options(options: LoadOptions, applied: AppliedPreset | None) -> LoadOptions:
    """The options one file is read with: the preset's zone and epoch unit fill in what
    the user left unset."""
    if applied is None:
        return replace(options, tz=options.tz or "UTC")
    epoch = options.epoch_unit
    if epoch == "auto" and applied.epoch_unit is not None:
        epoch = applied.epoch_unit  # type: ignore[assignment]
    return replace(options, tz=options.tz or applied.tz or "UTC", epoch_unit=epoch)


def _plan_file(
    scan: Scan, options: LoadOptions, file_dtype: pl.Enum, applied: AppliedPreset | None = None
) -> _FilePlan:
    mapping = resolve_columns(
        scan.columns,
        options.columns,
        label=scan.source.label,
        preset=applied.fields if applied is not None else None,
        aliases=applied.aliases if applied is not None else True,
    )
    preset_unit = (
        applied is not None and applied.epoch_unit is not None and options.epoch_unit == "auto"
    )
    options = file_options(options, applied)
    formats = applied.time_formats if applied is not None else ()

    def by_preset(enc: TimeEncoding) -> TimeEncoding:
        if preset_unit and enc.kind == "epoch" and applied is not None:
            return replace(enc, unit_from=f"preset {applied.match.preset}")
        return enc

    schema = scan.frame.collect_schema()
    tz = options.tz
    assert tz is not None

    def col(name: str) -> str | None:
        return mapping.column(name)

    def where(column: str) -> str:
        return f"{scan.source.label}, column {column!r}"

    encodings: dict[str, TimeEncoding] = {}
    start_col = col(FIELD_START)
    assert start_col is not None  # resolve_columns guarantees a start column
    end_col = col(FIELD_END)
    dur_col = col(FIELD_DURATION)
    answer_col = col(FIELD_ANSWER)
    for name, column in ((FIELD_START, start_col), (FIELD_END, end_col)):
        if column is not None:
            encodings[name] = detect_encoding(
                _sample(scan, column),
                epoch_unit=options.epoch_unit,
                time_format=options.time_format,
                where=where(column),
                extra_formats=formats,
            )
    if answer_col is not None:
        encodings[FIELD_ANSWER] = _answer_encoding(
            scan,
            answer_col,
            options,
            explicit=FIELD_ANSWER in options.columns,
            where=where(answer_col),
            extra_formats=formats,
        )
    encodings = {name: by_preset(enc) for name, enc in encodings.items()}

    # The frame is built in stages, each naming its results, so that every parse runs
    # once per row (Polars does not always share common subexpressions of one stage).
    def cleaned(column: str) -> pl.Expr:
        return clean_text(pl.col(column)) if schema[column] == pl.String else pl.col(column)

    stage0 = {_S_TXT: cleaned(start_col)}
    if end_col is not None:
        stage0[_E_TXT] = cleaned(end_col)
    if dur_col is not None:
        stage0[_D_TXT] = cleaned(dur_col)
    if answer_col is not None:
        stage0[_A_TXT] = cleaned(answer_col)

    start = time_expr(
        pl.col(_S_TXT), encodings[FIELD_START], tz, dtype=schema[start_col], cleaned=True
    )
    stage1 = {_START_TMP: start}
    end_missing: pl.Expr = pl.lit(True)
    if end_col is not None:
        end_enc = encodings[FIELD_END]
        stage1[_E_EARLY] = time_expr(
            pl.col(_E_TXT), end_enc, tz, dtype=schema[end_col], cleaned=True
        )
        if end_enc.naive and tz != "UTC":
            stage1[_E_LATE] = time_expr(
                pl.col(_E_TXT), end_enc, tz, dtype=schema[end_col], ambiguous="latest", cleaned=True
            )
        end_missing = pl.col(_E_TXT).is_null()
    if dur_col is not None:
        stage1[_DUR_US] = micros_expr(
            pl.col(_D_TXT), options.duration_unit, schema[dur_col], cleaned=True
        )
    if answer_col is not None:
        answer_enc = encodings[FIELD_ANSWER]
        stage1[_A_EARLY] = time_expr(
            pl.col(_A_TXT), answer_enc, tz, dtype=schema[answer_col], cleaned=True
        )
        if answer_enc.naive and tz != "UTC":
            stage1[_A_LATE] = time_expr(
                pl.col(_A_TXT),
                answer_enc,
                tz,
                dtype=schema[answer_col],
                ambiguous="latest",
                cleaned=True,
            )

    end_parsed: pl.Expr = pl.lit(None, dtype=TIME_DTYPE)
    if end_col is not None:
        end_parsed = pl.col(_E_EARLY)
        if _E_LATE in stage1:
            end_parsed = _not_before_start(pl.col(_E_EARLY), pl.col(_E_LATE))
    if dur_col is not None:
        # The end column wins; the duration fills in where the end is empty.
        from_duration = pl.col(_START_TMP) + pl.duration(microseconds=pl.col(_DUR_US))
        end = pl.when(end_missing).then(from_duration).otherwise(end_parsed)
        no_end = end_missing & pl.col(_D_TXT).is_null()
    else:
        end = end_parsed
        no_end = end_missing
    stage2 = {_END_TMP: end, _NO_END: no_end}

    status_col = col(FIELD_STATUS)
    status = pl.col(status_col).cast(pl.String) if status_col else pl.lit(None, pl.String)
    is_rejected = status.str.contains(f"(?i){PLAN_LIMIT_STATUS}").fill_null(False)
    keep_row = (
        pl.col(KEEP) if applied is not None and applied.keep_why is not None else pl.lit(True)
    )

    start_, end_ = pl.col(_START_TMP), pl.col(_END_TMP)
    # The answer never makes a row invalid: one outside [start, end] (epoch 0 included)
    # means the leg was not answered, or the value cannot be trusted.
    answer: pl.Expr = pl.lit(None, dtype=TIME_DTYPE)
    if answer_col is not None:
        answer = pl.col(_A_EARLY)
        if _A_LATE in stage1:
            answer = _not_before_start(pl.col(_A_EARLY), pl.col(_A_LATE))
        answer = pl.when((answer >= start_) & (answer <= end_)).then(answer)
    too_long = (
        (end_ - start_) > pl.duration(microseconds=round(options.max_duration_s * 1_000_000))
        if options.max_duration_s is not None
        else pl.lit(False)
    )
    reason = (
        pl.when(is_rejected)
        .then(pl.lit(PLAN_LIMIT_REJECTED))
        .when(~keep_row)
        .then(pl.lit("not_a_call"))
        .when(pl.col(_S_TXT).is_null())
        .then(pl.lit("missing_start"))
        .when(start_.is_null())
        .then(pl.lit("bad_start"))
        .when(pl.col(_NO_END))
        .then(pl.lit("missing_end"))
        .when(end_.is_null())
        .then(pl.lit("bad_end"))
        .when(end_ < start_)
        .then(pl.lit("end_before_start"))
        .when(too_long)
        .then(pl.lit("too_long"))
        .otherwise(None)
    )
    end_fault = end_col if end_col is not None else dur_col
    column_at_fault = (
        pl.when(pl.col(_REASON_TMP).is_in(["missing_start", "bad_start"]))
        .then(pl.lit(start_col))
        .when(pl.col(_REASON_TMP) == "not_a_call")
        .then(pl.lit(applied.keep_why if applied is not None else None, pl.String))
        .otherwise(pl.lit(end_fault))
    )

    def text_or_null(name: str | None) -> pl.Expr:
        return pl.col(name).cast(pl.String) if name else pl.lit(None, pl.String)

    type_col = col(FIELD_TYPE)
    base = (
        scan.frame.with_columns(**stage0)
        .with_columns(**stage1)
        .with_columns(**stage2)
        .with_columns(reason.alias(_REASON_TMP))
    )
    kept = (
        _clean_id(text_or_null(col(FIELD_CALL_ID))).alias(CALL_ID),
        pl.col(_START_TMP).alias(START),
        pl.col(_END_TMP).alias(END),
        answer.alias(ANSWER),
        text_or_null(type_col).cast(pl.Categorical).alias(_TYPE_RAW),
        _clean_id(text_or_null(col(FIELD_ACCOUNT))).cast(pl.Categorical).alias(ACCOUNT),
        _clean_id(text_or_null(col(FIELD_GROUP))).alias(_GROUP),
        _clean_id(text_or_null(col(FIELD_PARENT))).alias(_PARENT),
        _clean_id(status).cast(pl.Categorical).alias(STATUS),
        pl.lit(scan.source.label, dtype=file_dtype).alias(SOURCE_FILE),
        pl.col(ROW).cast(SOURCE_ROW_DTYPE).alias(SOURCE_ROW),
    )
    valid = base.filter(pl.col(_REASON_TMP).is_null()).select(kept)
    rejected = base.filter(pl.col(_REASON_TMP) == PLAN_LIMIT_REJECTED).select(kept)

    def raw_text(name: str | None, cleaned_name: str) -> pl.Expr:
        return _as_text(pl.col(cleaned_name), schema[name]) if name else pl.lit(None, pl.String)

    faults = (
        column_at_fault.alias(_COLUMN),
        raw_text(start_col, _S_TXT).alias(_RAW[0]),
        raw_text(end_col, _E_TXT).alias(_RAW[1]),
        raw_text(dur_col, _D_TXT).alias(_RAW[2]),
    )
    is_invalid = pl.col(_REASON_TMP).is_not_null() & (pl.col(_REASON_TMP) != PLAN_LIMIT_REJECTED)
    reason_out = pl.col(_REASON_TMP).alias(REASON)
    invalid = base.filter(is_invalid).select(reason_out, *kept, *faults).select(INVALID_COLUMNS)
    # Everything in one frame, for reading a large file in batches.
    combined = base.select(reason_out, *kept, *faults)
    stub = FileReport(
        label=scan.source.label,
        kind=scan.source.describe(),
        separator=scan.separator,
        rows=0,
        mapping=mapping,
        encodings=encodings,
        duration_unit=options.duration_unit if dur_col else None,
        unmapped_types={},
        preset=applied.match if applied is not None else None,
        encoding=applied.encoding if applied is not None else None,
        row_filter=applied.keep_why if applied is not None else None,
        tz=tz,
    )
    return _FilePlan(
        valid=valid, rejected=rejected, invalid=invalid, combined=combined, report_stub=stub
    )


class ProgressSink:
    """Receives loading progress; the CLI renders it, the library ignores it."""

    def file_started(self, label: str, size: int) -> None:
        """A file starts loading (``size`` in bytes, 0 when unknown)."""

    def file_done(self, label: str, size: int, rows: int) -> None:
        """A file has been read."""

    def rows_read(self, label: str, rows: int, estimate: int) -> None:
        """``rows`` of about ``estimate`` rows of a large file have been read."""

    def stage(self, text: str) -> None:
        """A global step after reading has started."""


def build_callset(
    scans: Sequence[Scan],
    options: LoadOptions,
    progress: ProgressSink | None = None,
    presets: Sequence[AppliedPreset | None] | None = None,
) -> CallSet:
    """Parse every scan (read with its preset, if any) and build the :class:`CallSet`."""
    sink = progress or ProgressSink()
    applied_list = list(presets) if presets is not None else [None] * len(scans)
    notes: list[str] = [n for a in applied_list if a is not None for n in a.notes]
    labels = [s.source.label for s in scans]
    file_dtype = pl.Enum(labels)
    valids: list[pl.DataFrame] = []
    rejecteds: list[pl.DataFrame] = []
    invalids: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    for scan, applied in zip(scans, applied_list, strict=True):
        sink.file_started(scan.source.label, scan.source.size)
        plan = _plan_file(scan, options, file_dtype, applied)
        lookup = type_lookup(
            options.type_map, preset_values=applied.type_values if applied else None
        )
        try:
            if progress is not None and _batchable(scan.source):
                valid, rejected, invalid = _collect_in_batches(plan, scan.source, sink)
            else:
                valid, rejected, invalid = pl.collect_all([plan.valid, plan.rejected, plan.invalid])
        except pl.exceptions.PolarsError as exc:
            raise InputError(f"cannot read {scan.source.label}: {polars_error_line(exc)}") from None
        if applied is not None and applied.zone_check is not None and options.tz is None:
            hint = applied.zone_check(valid)
            if hint is not None:
                notes.append(f"{scan.source.label}: {hint}")
        valid, unmapped = _with_call_types(valid, lookup)
        rejected, _ = _with_call_types(rejected, lookup)
        rows = valid.height + rejected.height + invalid.height
        valids.append(valid)
        rejecteds.append(rejected)
        invalids.append(invalid)
        stub = plan.report_stub
        reports.append(
            FileReport(
                label=stub.label,
                kind=stub.kind,
                separator=stub.separator,
                rows=rows,
                mapping=stub.mapping,
                encodings=stub.encodings,
                duration_unit=stub.duration_unit,
                unmapped_types=unmapped,
                preset=stub.preset,
                encoding=stub.encoding,
                row_filter=stub.row_filter,
                tz=stub.tz,
            )
        )
        sink.file_done(scan.source.label, scan.source.size, rows)
    sink.stage("building the call table")
    return _finalize(
        pl.concat(valids, how="vertical"),
        pl.concat(rejecteds, how="vertical"),
        pl.concat(invalids, how="vertical"),
        tuple(reports),
        options,
        file_dtype,
        notes,
    )


def _batchable(source: Source) -> bool:
    return source.format == "csv" and not source.compressed and source.size > BATCH_BYTES


def _collect_in_batches(
    plan: _FilePlan, source: Source, sink: ProgressSink
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Read a large text file in batches of rows, reporting progress after each.

    The CSV reader streams anyway, so batches cost no extra time; each batch is split
    into valid, rejected and invalid rows at once, so memory holds no raw text beyond
    one batch.
    """
    head = read_head(source)
    per_row = max(len(head) / max(head.count(b"\n") or head.count(b"\r"), 1), 1.0)
    estimate = max(int(source.size / per_row), 1)
    parts: tuple[list[pl.DataFrame], list[pl.DataFrame], list[pl.DataFrame]] = ([], [], [])
    done = 0
    for batch in plan.combined.collect_batches(chunk_size=_BATCH_ROWS):
        reason = pl.col(REASON)
        parts[0].append(batch.filter(reason.is_null()).select(_KEPT_COLUMNS))
        parts[1].append(batch.filter(reason == PLAN_LIMIT_REJECTED).select(_KEPT_COLUMNS))
        invalid = reason.is_not_null() & (reason != PLAN_LIMIT_REJECTED)
        parts[2].append(batch.filter(invalid).select(INVALID_COLUMNS))
        done += batch.height
        sink.rows_read(source.label, done, max(estimate, done))
    if not parts[0]:
        valid, rejected, invalid_rows = pl.collect_all([plan.valid, plan.rejected, plan.invalid])
        return valid, rejected, invalid_rows
    return pl.concat(parts[0]), pl.concat(parts[1]), pl.concat(parts[2])


def _with_call_types(
    frame: pl.DataFrame, lookup: Mapping[str, str]
) -> tuple[pl.DataFrame, dict[str, int]]:
    types, unmapped = map_call_types(frame[_TYPE_RAW], lookup)
    return frame.with_columns(types.alias(_TYPE_RAW)).rename({_TYPE_RAW: CALL_TYPE}), unmapped


def _parent_roots(children: pl.DataFrame) -> pl.Series:
    """Root call id of the parent chain of every row of ``children`` (rows with a parent).

    A leg may name a leg that itself has a parent. Pointer jumping resolves every chain
    in O(log depth) vectorised joins: each round replaces every id's parent by its
    parent's parent, so a chain of depth d is flat after about log2(d) rounds.
    """
    links = (
        children.filter(pl.col(CALL_ID).is_not_null() & (pl.col(CALL_ID) != pl.col(_PARENT)))
        .select(pl.col(CALL_ID).alias("child"), pl.col(_PARENT).alias("up"))
        .unique(subset="child", keep="first", maintain_order=True)
    )
    for _ in range(_MAX_JUMPS):
        step = links.join(
            links.select(pl.col("child").alias("up"), pl.col("up").alias("next")),
            on="up",
            how="left",
        )
        # In a cycle an id can come back to itself; it then stays where it was.
        advance = pl.col("next").is_not_null() & (pl.col("next") != pl.col("child"))
        if not step.select(advance.any()).item():
            break
        links = step.select("child", pl.when(advance).then("next").otherwise("up").alias("up"))
    roots = children.select(pl.col(_PARENT).alias("child")).join(
        links, on="child", how="left", maintain_order="left"
    )
    return roots.select(pl.coalesce("up", "child")).to_series()


@dataclass(frozen=True, slots=True)
class _Links:
    """Rows that carry linking information, and the key of each."""

    rows: pl.Series  # row positions (UInt32/Int64)
    keys: pl.Series  # their keys (strings)


def _links(valid: pl.DataFrame) -> _Links | None:
    """Rows linked to other rows and their keys (rows sharing a key are legs of one call);
    None when the data holds no linking information at all."""
    has_group = valid[_GROUP].null_count() < valid.height
    has_parent = valid[_PARENT].null_count() < valid.height
    if not has_group and not has_parent:
        return None
    keys: dict[str, pl.DataFrame] = {}
    if has_parent:
        children = valid.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), CALL_ID, _PARENT
        ).filter(pl.col(_PARENT).is_not_null())
        roots = _parent_roots(children)
        root_ids = roots.unique()
        # A row without a parent is a call's first leg when some leg names it; other rows
        # (even ones sharing a call id) stay separate calls. Hashes narrow the search to a
        # few candidates before the ids themselves are compared.
        ids = valid[CALL_ID]
        candidates = ids.hash().is_in(root_ids.hash().implode()) & ids.is_not_null()
        firsts = (
            pl.DataFrame(
                {"row": candidates.arg_true().cast(pl.Int64), CALL_ID: ids.filter(candidates)}
            )
            .join(children.select("row"), on="row", how="anti")
            .filter(pl.col(CALL_ID).is_in(root_ids.implode()))
        )
        keys["p"] = pl.concat(
            [
                pl.DataFrame({"row": children["row"], "key": roots}),
                firsts.select("row", pl.col(CALL_ID).alias("key")),
            ]
        ).sort("row")
    if has_group:
        groups = valid.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), _GROUP).filter(
            pl.col(_GROUP).is_not_null()
        )
        keys["g"] = groups.select("row", pl.col(_GROUP).alias("key"))
    if len(keys) == 1:
        (table,) = keys.values()
    else:
        # Both kinds: a group value wins; prefixes keep a group value from meeting an id.
        table = (
            pl.concat(
                [
                    t.with_columns(
                        (kind + "\x1f" + pl.col("key")).alias("key"), pl.lit(i).alias("o")
                    )
                    for i, (kind, t) in enumerate(sorted(keys.items(), key=lambda kv: kv[0] != "g"))
                ]
            )
            .sort("row", "o")
            .unique(subset="row", keep="first", maintain_order=True)
            .drop("o")
        )
    return _Links(rows=table["row"], keys=table["key"])


def _repeated(ids: pl.Series) -> pl.Series:
    """Mask of the rows whose (non-null) id occurs more than once.

    Ids are compared by their 64-bit hash, sorted as integers (far cheaper than hashing
    the strings into a table); a collision can only add a candidate, and every later
    step compares the ids themselves.
    """
    present = ids.is_not_null()
    hashes = ids.hash()
    ordered = (hashes.filter(present) if ids.null_count() else hashes).sort()
    seen_twice = ordered.filter(ordered == ordered.shift(1))
    if seen_twice.len() == 0:
        return present.clear().extend_constant(False, ids.len())
    return hashes.is_in(seen_twice.unique().implode()) & present


def _number_calls(n: int, links: _Links | None) -> tuple[pl.Series, int, pl.Series]:
    """Call numbers for ``n`` rows: 0..k-1 for the k distinct keys of linked rows, then one
    number per unlinked row. Also returns k and the positions of rows in multi-leg calls.
    """
    if links is None:
        return pl.int_range(n, dtype=LEG_GROUP_DTYPE, eager=True), 0, pl.Series([], dtype=pl.Int64)
    ranks = links.keys.rank("dense").cast(pl.Int64) - 1
    n_keys = int(ranks.max()) + 1 if ranks.len() else 0  # type: ignore[arg-type]
    unlinked = (
        pl.Series([True]).extend_constant(True, n - 1) if n else pl.Series([], dtype=pl.Boolean)
    )
    unlinked = unlinked.scatter(links.rows, False)
    numbers = (n_keys + unlinked.cast(pl.Int64).cum_sum() - 1).scatter(links.rows, ranks)
    multi = links.rows.filter(ranks.is_duplicated())
    return numbers.cast(LEG_GROUP_DTYPE), n_keys, multi


def display_tz(options: LoadOptions, files: Sequence[FileReport]) -> str:
    """The zone times are shown in: --tz, else the zone every file was read in (a
    preset's, such as Stringee's Asia/Ho_Chi_Minh), else UTC."""
    if options.tz is not None:
        return options.tz
    zones = {f.tz for f in files}
    if len(zones) == 1:
        (zone,) = zones
        return zone or "UTC"
    return "UTC"


def _finalize(
    valid: pl.DataFrame,
    rejected: pl.DataFrame,
    invalid: pl.DataFrame,
    files: tuple[FileReport, ...],
    options: LoadOptions,
    file_dtype: pl.Enum,
    file_notes: Sequence[str] = (),
) -> CallSet:
    notes: list[str] = list(file_notes)
    # Duplicates and reused ids can only be among rows whose id occurs more than once;
    # find those cheaply, then work on that (usually tiny) subset.
    repeated = _repeated(valid[CALL_ID])
    duplicates = 0
    if repeated.any():
        same = valid.select(pl.int_range(pl.len()).alias("row"), CALL_ID, START, END).filter(
            repeated
        )
        dup_rows = same.filter(~pl.struct(CALL_ID, START, END).is_first_distinct())["row"]
        duplicates = dup_rows.len()
        if duplicates:
            keep = repeated.clear().extend_constant(True, valid.height).scatter(dup_rows, False)
            valid = valid.filter(keep)
            repeated = repeated.filter(keep)

    links = _links(valid)
    numbers, linked_groups, multi = _number_calls(valid.height, links)
    valid = valid.with_columns(numbers.alias(LEG_GROUP))
    if multi.len():
        # A call's type and account are its first leg's (earliest start, then input order).
        legs = valid.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("row"),
            LEG_GROUP,
            START,
            CALL_TYPE,
            ACCOUNT,
        )[multi]
        firsts = legs.sort(START, "row").unique(subset=LEG_GROUP, keep="first", maintain_order=True)
        spread = legs.select("row", LEG_GROUP).join(
            firsts.select(LEG_GROUP, CALL_TYPE, ACCOUNT), on=LEG_GROUP, maintain_order="left"
        )
        valid = valid.with_columns(
            valid[CALL_TYPE].scatter(spread["row"], spread[CALL_TYPE]),
            valid[ACCOUNT].scatter(spread["row"], spread[ACCOUNT]),
        )

    reused = 0
    if repeated.any():
        # Ids on rows of different calls (different times, not linked as legs).
        reused = (
            valid.filter(repeated)
            .group_by(CALL_ID)
            .agg(pl.col(LEG_GROUP).n_unique())
            .filter(pl.col(LEG_GROUP) > 1)
            .height
        )
        if reused:
            notes.append(
                f"{reused} call id(s) appear on several calls with different times; "
                "they are counted as separate calls (link legs with --group-col or --parent-col)"
            )
    linked_rows = 0 if links is None else links.rows.len()
    used = linked_groups + valid.height - linked_rows
    schema = canonical_schema(list(file_dtype.categories))
    calls = valid.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    rejected_out = rejected.with_columns(pl.lit(None, LEG_GROUP_DTYPE).alias(LEG_GROUP)).select(
        [pl.col(name).cast(dtype) for name, dtype in schema.items()]
    )

    reasons = dict.fromkeys(INVALID_REASONS, 0)
    for reason_value, count in invalid.group_by(REASON).len().iter_rows():
        reasons[reason_value] = count
    invalid = invalid.sort(SOURCE_FILE, SOURCE_ROW, maintain_order=True)
    accounting = RowAccounting(
        read=valid.height + duplicates + rejected.height + invalid.height,
        used=used,
        duplicates=duplicates,
        merged_legs=valid.height - used,
        plan_limit_rejected=rejected.height,
        invalid=invalid.height,
        invalid_reasons=reasons,
    )
    return CallSet(
        calls=calls,
        rejected=rejected_out,
        invalid=invalid,
        accounting=accounting,
        files=files,
        tz=display_tz(options, files),
        linked=multi.len() > 0,
        linked_groups=linked_groups if multi.len() else 0,
        reused_call_ids=reused,
        notes=tuple(notes),
    )
