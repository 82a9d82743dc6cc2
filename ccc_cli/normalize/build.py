"""Build the canonical call table from scanned sources, accounting for every row.

Each file is parsed by its plan (``ccc_cli.normalize.parse``); the valid rows of all
files are then deduplicated and their legs linked (``ccc_cli.normalize.legs``). The
buckets every row lands in are described in ``ccc_cli.normalize.callset``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Final

import numpy as np
import polars as pl

from ccc_cli.errors import InputError
from ccc_cli.load.reader import Scan, polars_error_line
from ccc_cli.load.sources import Source, read_head
from ccc_cli.normalize import legs
from ccc_cli.normalize.callset import CallSet, FileReport, RowAccounting, display_tz, where
from ccc_cli.normalize.calltypes import map_call_types, type_lookup
from ccc_cli.normalize.detect import AppliedPreset
from ccc_cli.normalize.forwards import ROLE, link_forwards, otp_mask
from ccc_cli.normalize.parse import (
    END_DURATION_GAP,
    END_DURATION_SLACK_US,
    INVALID_COLUMNS,
    KEPT_COLUMNS,
    TYPE_RAW,
    FilePlan,
    plan_file,
)
from ccc_cli.normalize.select import select, selection_of
from ccc_cli.options import LoadOptions
from ccc_cli.schema import (
    ACCOUNT,
    CALL_ID,
    CALL_TYPE,
    END,
    INVALID_REASONS,
    LEG_GROUP,
    LEG_GROUP_DTYPE,
    PLAN_LIMIT_REJECTED,
    REASON,
    SOURCE_FILE,
    SOURCE_ROW,
    START,
    canonical_schema,
)

# Text files larger than this are read in batches when progress is shown.
BATCH_BYTES: Final = 64 * 1024 * 1024
_BATCH_ROWS: Final = 1_000_000


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
    file_dtype = pl.Enum([s.source.label for s in scans])
    valids: list[pl.DataFrame] = []
    rejecteds: list[pl.DataFrame] = []
    invalids: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    for scan, applied in zip(scans, applied_list, strict=True):
        sink.file_started(scan.source.label, scan.source.size)
        valid, rejected, invalid, report = _read_file(scan, options, file_dtype, applied, progress)
        if applied is not None and applied.zone_check is not None and options.tz is None:
            hint = applied.zone_check(valid)
            if hint is not None:
                notes.append(f"{scan.source.label}: {hint}")
        notes.extend(report.notes)
        valids.append(valid)
        rejecteds.append(rejected)
        invalids.append(invalid)
        reports.append(report)
        sink.file_done(scan.source.label, scan.source.size, report.rows)
    sink.stage("building the call table")
    callset = _finalize(
        pl.concat(valids, how="vertical"),
        pl.concat(rejecteds, how="vertical"),
        pl.concat(invalids, how="vertical"),
        tuple(reports),
        options,
        file_dtype,
        notes,
    )
    return select(callset, selection_of(options, callset.tz))


def _read_file(
    scan: Scan,
    options: LoadOptions,
    file_dtype: pl.Enum,
    applied: AppliedPreset | None,
    progress: ProgressSink | None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, FileReport]:
    """The valid, rejected and invalid rows of one file, call types mapped."""
    plan = plan_file(scan, options, file_dtype, applied)
    lookup = type_lookup(options.type_map, preset_values=applied.type_values if applied else None)
    try:
        if scan.source.database is not None:
            # One pass: each collect of a database scan is a query of its own.
            sink = progress or ProgressSink()
            valid, rejected, invalid = _collect_in_batches(plan, scan.source, sink)
        elif progress is not None and _batchable(scan.source):
            valid, rejected, invalid = _collect_in_batches(plan, scan.source, progress)
        else:
            valid, rejected, invalid = pl.collect_all([plan.valid, plan.rejected, plan.invalid])
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"cannot read {scan.source.label}: {polars_error_line(exc)}") from None
    notes: list[str] = []
    if scan.text is not None:
        valid, rejected, invalid, notes = _in_lines(scan, valid, rejected, invalid)
    gap_note = _end_duration_note(valid, plan.report_stub)
    if gap_note:
        notes.append(gap_note)
    valid, unmapped = _with_call_types(valid, lookup)
    rejected, _ = _with_call_types(rejected, lookup)
    stub = plan.report_stub
    report = FileReport(
        label=stub.label,
        kind=stub.kind,
        separator=stub.separator,
        rows=valid.height + rejected.height + invalid.height,
        mapping=stub.mapping,
        encodings=stub.encodings,
        duration_unit=stub.duration_unit,
        unmapped_types=unmapped,
        preset=stub.preset,
        encoding=stub.encoding,
        encoding_why=stub.encoding_why,
        row_filter=stub.row_filter,
        tz=stub.tz,
        row_unit=stub.row_unit,
        notes=(*stub.notes, *notes),
        query=_query_sent(scan.source),
    )
    return valid, rejected, invalid, report


def _query_sent(source: Source) -> str | None:
    """The SQL that read a database input's rows (None for files)."""
    if source.database is None:
        return None
    sent = source.database.last_query
    return None if sent is None else sent.sql


def _end_duration_note(valid: pl.DataFrame, stub: FileReport) -> str | None:
    """One sentence when the end and the duration of some rows disagree."""
    gaps = valid.filter(pl.col(END_DURATION_GAP))
    if gaps.height == 0:
        return None
    first = gaps.row(0, named=True)
    end_col = stub.mapping.column("end")
    dur_col = stub.mapping.column("duration")
    return (
        f"{stub.label}: on {gaps.height:,} row(s) the end ({end_col}) and start + duration "
        f"({dur_col}) disagree by more than {END_DURATION_SLACK_US // 1_000_000} s (first: "
        f"{stub.row_unit} {first[SOURCE_ROW]}); the end is used"
    )


def _in_lines(
    scan: Scan, valid: pl.DataFrame, rejected: pl.DataFrame, invalid: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, list[str]]:
    """A text file's rows numbered by the line they start on, and what the reader saw
    (blank lines, the encoding)."""
    assert scan.text is not None
    lines = scan.text.line_map()
    notes: list[str] = []
    label = scan.source.label
    if lines.blank_lines:
        notes.append(f"{label}: {lines.blank_lines:,} blank line(s) skipped (not rows)")
    if not lines.exact:
        notes.append(f"{label}: line numbers are approximate (the file's quoting is broken)")
    head = scan.head
    if head is not None and not head.encoding.is_utf8:
        notes.append(f"{label}: read as {head.encoding.describe()}")

    def mapped(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(lines.lines(frame[SOURCE_ROW]))

    return mapped(valid), mapped(rejected), mapped(invalid), notes


def _batchable(source: Source) -> bool:
    return source.format == "csv" and not source.compressed and source.size > BATCH_BYTES


def _collect_in_batches(
    plan: FilePlan, source: Source, sink: ProgressSink
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Read a large text file in batches of rows, reporting progress after each.

    The CSV reader streams anyway, so batches cost no extra time; each batch is split
    into valid, rejected and invalid rows at once, so memory holds no raw text beyond
    one batch.
    """
    if source.database is not None:
        estimate = 1  # unknown: the bar counts the rows
    else:
        head = read_head(source)
        per_row = max(len(head) / max(head.count(b"\n") or head.count(b"\r"), 1), 1.0)
        estimate = max(int(source.size / per_row), 1)
    parts: tuple[list[pl.DataFrame], list[pl.DataFrame], list[pl.DataFrame]] = ([], [], [])
    done = 0
    for batch in plan.combined.collect_batches(chunk_size=_BATCH_ROWS):
        reason = pl.col(REASON)
        parts[0].append(batch.filter(reason.is_null()).select(KEPT_COLUMNS))
        parts[1].append(batch.filter(reason == PLAN_LIMIT_REJECTED).select(KEPT_COLUMNS))
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
    types, unmapped = map_call_types(frame[TYPE_RAW], lookup)
    return frame.with_columns(types.alias(TYPE_RAW)).rename({TYPE_RAW: CALL_TYPE}), unmapped


def _drop_duplicates(
    valid: pl.DataFrame, repeated: pl.Series
) -> tuple[pl.DataFrame, pl.Series, int]:
    """Rows with the same call id, start and end as an earlier row are dropped."""
    if not repeated.any():
        return valid, repeated, 0
    same = valid.select(pl.int_range(pl.len()).alias("row"), CALL_ID, START, END).filter(repeated)
    dup_rows = same.filter(~pl.struct(CALL_ID, START, END).is_first_distinct())["row"]
    if not dup_rows.len():
        return valid, repeated, 0
    keep = repeated.clear().extend_constant(True, valid.height).scatter(dup_rows, False)
    return valid.filter(keep), repeated.filter(keep), dup_rows.len()


def _spread_first_leg(
    valid: pl.DataFrame, multi: pl.Series, later: np.ndarray | None = None
) -> pl.DataFrame:
    """A call's type and account are its first leg's (earliest start, then input order);
    the rows ``later`` (forward legs, whose call is the inbound one) come after the
    others that start at the same instant."""
    if not multi.len():
        return valid
    rank = pl.lit(0)
    if later is not None and len(later):
        rank = pl.int_range(pl.len()).is_in(pl.Series(later).implode()).cast(pl.Int8)
    rows = valid.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("row"),
        rank.alias("later"),
        LEG_GROUP,
        START,
        CALL_TYPE,
        ACCOUNT,
    )[multi]
    firsts = rows.sort(START, "later", "row").unique(
        subset=LEG_GROUP, keep="first", maintain_order=True
    )
    spread = rows.select("row", LEG_GROUP).join(
        firsts.select(LEG_GROUP, CALL_TYPE, ACCOUNT), on=LEG_GROUP, maintain_order="left"
    )
    return valid.with_columns(
        valid[CALL_TYPE].scatter(spread["row"], spread[CALL_TYPE]),
        valid[ACCOUNT].scatter(spread["row"], spread[ACCOUNT]),
    )


def _otp_calls(valid: pl.DataFrame, options: LoadOptions) -> pl.DataFrame:
    """Server calls from an ``--otp-from`` caller id are OTP calls."""
    if not options.otp_from:
        return valid
    otp = otp_mask(valid, options.otp_from)
    if not otp.any():
        return valid
    return valid.with_columns(
        pl.when(otp)
        .then(pl.lit("otp"))
        .otherwise(pl.col(CALL_TYPE))
        .cast(valid.schema[CALL_TYPE])
        .alias(CALL_TYPE)
    )


def _reused_ids(valid: pl.DataFrame, repeated: pl.Series) -> int:
    """Ids on rows of different calls (different times, not linked as legs)."""
    if not repeated.any():
        return 0
    return (
        valid.filter(repeated)
        .group_by(CALL_ID)
        .agg(pl.col(LEG_GROUP).n_unique())
        .filter(pl.col(LEG_GROUP) > 1)
        .height
    )


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
    valid, repeated, duplicates = _drop_duplicates(valid, legs.repeated(valid[CALL_ID]))
    valid = _otp_calls(valid, options)
    forwarded = None
    if options.link_forwards != "off" and valid[ROLE].null_count() < valid.height:
        forwarded = link_forwards(valid, options.otp_from)
        note = forwarded.note()
        if note:
            notes.append(note)
    extra = None if forwarded is None else (forwarded.forward_rows, forwarded.inbound_rows)
    called = legs.number_calls(valid, extra=extra)
    multi = called.multi
    valid = _spread_first_leg(
        valid.with_columns(called.numbers.alias(LEG_GROUP)),
        multi,
        later=None if forwarded is None else forwarded.forward_rows,
    )
    if called.cycles is not None:
        notes.append(called.cycles.note())
    reused = _reused_ids(valid, repeated)
    far = far_outliers(valid, files)
    if far:
        notes.append(far)
    if reused:
        notes.append(
            f"{reused} call id(s) appear on several calls with different times; "
            "they are counted as separate calls (link legs with --group-col or --parent-col)"
        )
    # Every row not in a multi-leg call is a call of its own.
    used = called.linked_groups + valid.height - multi.len()
    schema = canonical_schema(list(file_dtype.categories))
    calls = valid.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    rejected_out = rejected.with_columns(pl.lit(None, LEG_GROUP_DTYPE).alias(LEG_GROUP)).select(
        [pl.col(name).cast(dtype) for name, dtype in schema.items()]
    )
    reasons = dict.fromkeys(INVALID_REASONS, 0)
    for reason_value, count in invalid.group_by(REASON).len().iter_rows():
        reasons[reason_value] = count
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
        invalid=invalid.sort(SOURCE_FILE, SOURCE_ROW, maintain_order=True),
        accounting=accounting,
        files=files,
        tz=display_tz(options, files),
        linked=multi.len() > 0,
        linked_groups=called.linked_groups,
        reused_call_ids=reused,
        notes=tuple(notes),
        forwards=None if forwarded is None else (forwarded.linked, forwarded.unmatched),
    )


# Calls this many times the width of the bulk of the data away from it are far out.
_FAR: Final = 10
_SHOWN_FAR: Final = 3


def far_outliers(calls: pl.DataFrame, files: Sequence[FileReport]) -> str | None:
    """A note naming the few calls that stretch the span far beyond the rest (a value
    misread as 1970-01-21 in a milliseconds column, a year typed wrong), or None.

    The bulk is the calls between the 5th and 95th percentiles of the starts (at least
    one call left out at each end); a call is far out when it starts or ends more than
    10 times the bulk's width (at least a day) before or after it, and such calls are
    at most 5% of all (or just one).
    """
    n = calls.height
    if n < 3:
        return None
    starts = calls[START].sort()
    lo_i = max(1, int(0.05 * n))
    hi_i = min(n - 2, n - 1 - int(0.05 * n))
    if hi_i < lo_i:
        return None
    lo, hi = starts[lo_i], starts[hi_i]
    width = max(hi - lo, timedelta(days=1))
    far = calls.filter((pl.col(START) < lo - _FAR * width) | (pl.col(END) > hi + _FAR * width))
    if far.height == 0 or far.height > max(1, 0.05 * n):
        return None
    shown = ", ".join(
        f"{where(str(r[SOURCE_FILE]), r[SOURCE_ROW], files)} ({r[START]:%Y-%m-%d %H:%M} to "
        f"{r[END]:%Y-%m-%d %H:%M} UTC)"
        for r in far.head(_SHOWN_FAR).iter_rows(named=True)
    )
    more = f" and {far.height - _SHOWN_FAR:,} more" if far.height > _SHOWN_FAR else ""
    return (
        f"{far.height:,} call(s) lie far outside the rest of the data (most start between "
        f"{lo:%Y-%m-%d} and {hi:%Y-%m-%d}): {shown}{more}; check their times"
    )
