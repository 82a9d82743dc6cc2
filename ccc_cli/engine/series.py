"""Concurrency over time: for every bucket, the exact maximum, the time-weighted mean
(offered load in Erlangs) and the number of calls that started, overall and per type.

Everything comes from the one sorted event list of :mod:`ccc_cli.engine.sweep`:

* the level after the last event of each instant (the true level from that instant on:
  ends sort before starts, so levels *inside* an instant are not levels the system held);
* a bucket's maximum is the larger of the level carried into it (the level at its start)
  and the levels of the instants inside it, so empty buckets cost nothing extra;
* the integral of the level is a running sum of level x time-to-next-instant, read at
  each bucket boundary, so a bucket's mean is (integral at its end - at its start) / width.

Buckets are aligned on local wall time in ``tz``: a width that divides a day, counted
from local midnight (``1d`` buckets start at local midnight). On a daylight-saving change
a local label that occurs twice gives two buckets, and a label that does not exist is
read as the time zone rules shift it; a bucket always runs to the next bucket's start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

import polars as pl

from ccc_cli.engine.sweep import (
    ACCOUNT_CODE,
    DELTA,
    KEY,
    NO_ACCOUNT,
    Events,
    build_events,
    call_starts,
    micros_to_datetime,
)
from ccc_cli.errors import InputError, UsageError
from ccc_cli.normalize.callset import CallSet, where
from ccc_cli.normalize.times import localize
from ccc_cli.schema import (
    ACCOUNT,
    CALL_TYPE,
    CALL_TYPES,
    END,
    SOURCE_FILE,
    SOURCE_ROW,
    START,
    TIME_UNIT,
)

DAY_S: Final = 86_400
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": DAY_S}
_EVERY = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")

TOTAL: Final = "total"
BUCKET_START: Final = "bucket_start"
ACCOUNT_ID: Final = "account_id"
_T: Final = "t"
_IDX: Final = "bucket"
_GROUP: Final = "group"


@dataclass(frozen=True, slots=True)
class Every:
    """A bucket width that divides a day: ``1s`` .. ``1d``."""

    seconds: int
    text: str

    @property
    def micros(self) -> int:
        return self.seconds * 1_000_000


def parse_every(text: str) -> Every:
    """Parse ``--every`` (``30s``, ``5m``, ``1h``, ``1d``, ...)."""
    match = _EVERY.match(text)
    if match is None:
        raise UsageError(f"bad --every {text!r}", hint="write e.g. 30s, 1m, 15m, 1h or 1d")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if not 1 <= seconds <= DAY_S or DAY_S % seconds:
        raise UsageError(
            f"bad --every {text!r}: buckets must divide a day evenly (1s to 1d)",
            hint="e.g. 1s, 10s, 30s, 1m, 5m, 15m, 30m, 1h, 2h, 6h, 12h, 1d",
        )
    return Every(seconds=seconds, text=text.strip())


def _local_naive(us: int, tz: str) -> datetime:
    return micros_to_datetime(us).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def bucket_bounds(first_us: int, last_us: int, every: Every, tz: str) -> pl.Series:
    """Sorted bucket boundaries (UTC microseconds): the first bucket holds ``first_us``,
    the last holds ``last_us``, and the final value is the end of the last bucket."""
    if (last_us - first_us) // every.micros > MAX_BUCKET_CELLS:
        raise InputError(
            f"--every {every.text} from {_day(first_us)} to {_day(last_us)} makes more than "
            f"{MAX_BUCKET_CELLS:,} buckets",
            hint="pass --from and --to to look at a window, or a wider --every",
        )
    if tz == "UTC":
        step = every.micros
        lo, hi = first_us // step * step, last_us // step * step + step
        return pl.int_range(lo, hi + 1, step, dtype=pl.Int64, eager=True)
    # Every local label from the first local midnight to two days after the last, read
    # both ways where a label occurs twice (a repeated hour gives two buckets; but a local
    # day is one bucket even where midnight repeats); a nonexistent label lands on an
    # existing one.
    day0 = _local_naive(first_us, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    day1 = _local_naive(last_us, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    sides: tuple[Literal["earliest", "latest"], ...] = (
        ("earliest",) if every.seconds == DAY_S else ("earliest", "latest")
    )
    labels = pl.datetime_range(
        day0 - timedelta(days=1),
        day1 + timedelta(days=2),
        interval=f"{every.seconds}s",
        time_unit=TIME_UNIT,
        eager=True,
        closed="left",
    ).to_frame("label")
    instants = (
        labels.select(
            pl.concat(
                [localize(pl.col("label"), tz, ambiguous=side).dt.epoch("us") for side in sides]
            )
            .unique()
            .sort()
            .alias("b")
        )
        .to_series()
        .drop_nulls()
    )
    i0 = instants.search_sorted(first_us, side="right") - 1
    i1 = instants.search_sorted(last_us, side="right") - 1
    return instants.slice(int(i0), int(i1) - int(i0) + 2)


@dataclass(frozen=True)
class Levels:
    """The level of one series column (the total or one type) after each instant.

    Rows are sorted by (group, t); ``key`` packs them into one sorted int64 so that
    "the last instant of group g at or before x" is a single binary search.
    """

    frame: pl.DataFrame  # group, t, level, integral (up to t), key
    t0: int
    shift: int  # key = group * shift + (t - t0); see group_shift


def group_shift(span_us: int, groups: int) -> int:
    """The power of two that packs (group, time since t0) into one ascending int64, for
    times up to ``span_us`` after t0 (event keys, twice the time, included).

    A log with many accounts over a long span may not fit: then the per-account view
    needs a narrower window.
    """
    shift = 1 << (max(span_us, 1) * 2 + 2).bit_length()
    if max(groups, 1) * shift >= 1 << 62:
        years = span_us / 3.156e13
        raise InputError(
            f"{groups:,} accounts over {years:,.1f} years are too many to analyse per account "
            "at once",
            hint="pass --from/--to to analyse a shorter window",
        )
    return shift


# A run never plans more (bucket x account) cells than this: about 1.5 KB of memory
# each across the columns of a series, so the cap is a few GB at most.
MAX_BUCKET_CELLS: Final = 5_000_000


def check_bucket_budget(
    callset: CallSet, first_us: int, last_us: int, every: Every, groups: int = 1
) -> None:
    """Raise :class:`InputError` when ``[first_us, last_us]`` in buckets of ``every``
    (times ``groups`` accounts) is more than :data:`MAX_BUCKET_CELLS`, naming the span,
    the calls at its ends and the way out."""
    buckets = (last_us - first_us) // every.micros + 2
    if buckets * max(groups, 1) <= MAX_BUCKET_CELLS:
        return
    span_days = (last_us - first_us) / 86_400e6
    span = f"{span_days / 365.25:,.1f} years" if span_days > 730 else f"{span_days:,.0f} days"
    per = f" for {groups:,} accounts" if groups > 1 else ""
    raise InputError(
        f"--every {every.text} over {span} ({_day(first_us)} to {_day(last_us)}) makes "
        f"{buckets:,} buckets{per}, more than the {MAX_BUCKET_CELLS:,} a run holds; "
        f"{_ends_of_span(callset)}",
        hint="pass --from and --to to look at a window, or a wider --every (e.g. 1h or 1d); "
        "if those calls are junk, check their times",
    )


def _day(us: int) -> str:
    return micros_to_datetime(us).strftime("%Y-%m-%d")


def _ends_of_span(callset: CallSet) -> str:
    """Where the earliest start and the latest end of the calls come from."""
    calls = callset.calls
    if calls.height == 0:
        return "no calls"
    first = calls.row(int(calls[START].arg_min() or 0), named=True)
    last = calls.row(int(calls[END].arg_max() or 0), named=True)
    files = callset.files
    return (
        f"the earliest call is {where(str(first[SOURCE_FILE]), first[SOURCE_ROW], files)} "
        f"({first[START]:%Y-%m-%d %H:%M} UTC), the latest ends at "
        f"{where(str(last[SOURCE_FILE]), last[SOURCE_ROW], files)} ({last[END]:%Y-%m-%d %H:%M} UTC)"
    )


def level_instants(events: pl.DataFrame, grouped: bool, t0: int, shift: int) -> pl.LazyFrame:
    """Levels after each instant of ``events`` (sorted by group, then key; with a
    ``bucket`` column, carried along), with the integral of the level from the group's
    first instant up to each instant. Wrap the collected frame in :class:`Levels`."""
    t = pl.col(KEY) // 2
    group = pl.col(ACCOUNT_CODE) if grouped else pl.lit(0, pl.UInt32)
    last = (t != t.shift(-1)).fill_null(True)
    if grouped:
        last = last | (pl.col(ACCOUNT_CODE) != pl.col(ACCOUNT_CODE).shift(-1)).fill_null(True)
    inst = (
        events.lazy()
        .select(
            group.cast(pl.Int64).alias(_GROUP),
            t.alias(_T),
            pl.col(_IDX),
            pl.col(DELTA).cum_sum().cast(pl.Int64).alias("level"),
            last.alias("last"),
        )
        .filter("last")
    )
    # Area up to the next instant. After a group's last instant its level is 0, so the
    # (meaningless) gap to the next group's first instant adds nothing.
    area = (pl.col("level") * (pl.col(_T).shift(-1) - pl.col(_T))).fill_null(0)
    running = area.cum_sum() - area
    if grouped:
        first = (pl.col(_GROUP) != pl.col(_GROUP).shift(1)).fill_null(True)
        running = running - pl.when(first).then(running).forward_fill()
    return inst.select(
        _GROUP,
        _T,
        _IDX,
        "level",
        running.alias("integral"),
        ((pl.col(_GROUP) * shift) + (pl.col(_T) - t0)).alias("key"),
    )


def level_at(levels: Levels, group: pl.Series, x: pl.Series) -> pl.DataFrame:
    """Level at each instant ``x`` of ``group`` (after that instant's events) and the
    integral of the level from the group's start up to ``x``."""
    frame = levels.frame
    if frame.height == 0:  # no activity at all in this column (e.g. only zero-length calls)
        zeros = pl.zeros(x.len(), dtype=pl.Int64, eager=True)
        return pl.DataFrame({"level": zeros, "integral": zeros})
    group = group.cast(pl.Int64)
    query = group * levels.shift + (x - levels.t0)
    pos = frame["key"].search_sorted(query, side="right").cast(pl.Int64) - 1
    picked = frame[pos.clip(lower_bound=0)]
    same = (pos >= 0) & (picked[_GROUP] == group)
    return pl.select(
        pl.when(pl.lit(same)).then(pl.lit(picked["level"])).otherwise(0).alias("level"),
        pl.when(pl.lit(same))
        .then(
            pl.lit(picked["integral"]) + pl.lit(picked["level"]) * (pl.lit(x) - pl.lit(picked[_T]))
        )
        .otherwise(0)
        .alias("integral"),
    )


def _cell_maxima(levels: pl.LazyFrame, n: int) -> pl.LazyFrame:
    """The highest level among the instants inside each (group, bucket) cell."""
    # Instants come sorted by (group, t), so their cells come sorted too.
    return (
        levels.filter((pl.col(_IDX) >= 0) & (pl.col(_IDX) < n))
        .select((pl.col(_GROUP) * n + pl.col(_IDX)).set_sorted().alias("cell"), "level")
        .group_by("cell")
        .agg(pl.col("level").max())
    )


def _bucket_values(
    levels: Levels, maxima: pl.DataFrame, grid: pl.DataFrame, n: int, column: str
) -> pl.DataFrame:
    """``<column>_max``, ``<column>_mean`` and the level carried into each bucket, for
    every (group, bucket) row of ``grid``."""
    at_start = level_at(levels, grid[_GROUP], grid["b"])
    at_end = level_at(levels, grid[_GROUP], grid["b_next"])
    cells = (grid[_GROUP] * n + grid[_IDX]).to_frame("cell")
    inside_max = cells.join(maxima, on="cell", how="left", maintain_order="left")["level"]
    width = (grid["b_next"] - grid["b"]).cast(pl.Float64)
    carried = at_start["level"]
    return pl.select(
        pl.max_horizontal(pl.lit(carried), pl.lit(inside_max).fill_null(pl.lit(carried))).alias(
            f"{column}_max"
        ),
        ((pl.lit(at_end["integral"]) - pl.lit(at_start["integral"])) / pl.lit(width)).alias(
            f"{column}_mean"
        ),
        pl.lit(carried).alias(f"__carried_{column}"),
    )


@dataclass(frozen=True)
class SeriesResult:
    """The per-bucket table and what it was computed with.

    ``frame`` columns: ``bucket_start`` (datetime in ``tz``), ``account_id`` (with
    ``by_account``), then ``total_max``, ``total_mean``, ``total_starts`` and the same three
    for each call type present in the data. With ``with_peak_instant`` also
    ``peak_at`` (first instant of the bucket's ``total_max``) and ``<type>_at_peak``.
    """

    frame: pl.DataFrame
    every: Every
    tz: str
    types: tuple[str, ...]


def present_types(callset: CallSet) -> tuple[str, ...]:
    """Call types with at least one call, in canonical order."""
    present = {str(t) for t in callset.calls[CALL_TYPE].unique().to_list()}
    return tuple(t for t in CALL_TYPES if t in present)


def compute_series(
    callset: CallSet,
    *,
    every: Every,
    by_account: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
    with_peak_instant: bool = False,
    events: Events | None = None,
) -> SeriesResult:
    """The bucketed series of ``callset`` (see the module docstring for the rules).

    ``start``/``end`` restrict the buckets to those overlapping ``[start, end)``; calls
    that began earlier still count while they last. ``events``: the result of
    :func:`~ccc_cli.engine.sweep.build_events` for the same ``by_account``, if at hand.
    """
    tz = callset.tz
    types = present_types(callset)
    columns = [TOTAL, *types]
    grouped = by_account
    events_frame, names = events or build_events(callset, by_account=by_account)
    starts = call_starts(callset)

    first = None if start is None else _to_us(start, tz)
    last = None if end is None else _to_us(end, tz) - 1
    if first is None and starts.height:
        first = int(starts[START].min())  # type: ignore[arg-type]
    if last is None and callset.calls.height:
        last = int(callset.calls[END].dt.epoch("us").max())  # type: ignore[arg-type]
    if first is None or last is None or last < first:
        schema = _empty_schema(columns, tz, grouped, with_peak_instant)
        return SeriesResult(pl.DataFrame(schema=schema), every, tz, types)

    n_groups = len(names) if grouped else 1
    check_bucket_budget(callset, first, last, every, n_groups)
    bounds = bucket_bounds(first, last, every, tz)
    n = bounds.len() - 1
    bucket = pl.int_range(n, dtype=pl.Int64, eager=True)
    grid = pl.DataFrame(
        {
            _GROUP: pl.int_range(n_groups, dtype=pl.Int64, eager=True).gather(
                pl.int_range(n * n_groups, eager=True) // n
            ),
            _IDX: pl.concat([bucket] * n_groups) if n_groups else bucket.clear(),
        }
    ).with_columns(
        pl.lit(bounds.slice(0, n)).gather(pl.col(_IDX)).alias("b"),
        pl.lit(bounds.slice(1, n)).gather(pl.col(_IDX)).alias("b_next"),
    )

    if grouped:
        # Stable partition by account: each account's events stay in time order and sum
        # to zero, so one running sum restarts at 0 for every account.
        events_frame = events_frame.sort(ACCOUNT_CODE, maintain_order=True)
    t0 = min(int(events_frame[KEY].min()) // 2, first) if events_frame.height else first  # type: ignore[arg-type]
    # The bucket of every event, found once (every column's instants carry it along).
    events_frame = events_frame.with_columns(
        (bounds.search_sorted(events_frame[KEY] // 2, side="right").cast(pl.Int64) - 1).alias(_IDX)
    )
    code = pl.col(CALL_TYPE).to_physical()
    per_column = {TOTAL: events_frame} | {
        t: events_frame.filter(code == CALL_TYPES.index(t)) for t in types
    }
    # One plan per column (total, each type), run together on all cores; then the
    # maxima inside the buckets, likewise.
    top = max(int(bounds[-1]), int(events_frame[KEY].max()) // 2 if events_frame.height else 0)  # type: ignore[arg-type]
    shift = group_shift(top - t0, n_groups)
    collected = pl.collect_all(
        [level_instants(ev, grouped, t0, shift) for ev in per_column.values()]
    )
    levels = {c: Levels(f, t0, shift) for c, f in zip(per_column, collected, strict=True)}
    found = pl.collect_all([_cell_maxima(levels[c].frame.lazy(), n) for c in per_column])
    maxima = dict(zip(per_column, found, strict=True))
    frame = grid.hstack(
        [
            col
            for c in columns
            for col in _bucket_values(levels[c], maxima[c], grid, n, c).get_columns()
        ]
    )
    frame = frame.join(
        _starts_per_bucket(starts, bounds, types, names, grouped),
        on=[_GROUP, _IDX],
        how="left",
        maintain_order="left",
    )
    if with_peak_instant:
        frame = _with_peak_instant(frame, levels, bounds, types)

    ordered: list[str] = []
    for c in columns:
        ordered += [f"{c}_max", f"{c}_mean", f"{c}_starts"]
    if with_peak_instant:
        ordered += ["peak_at", *[f"{t}_at_peak" for t in types]]
    frame = frame.select(
        pl.from_epoch("b", time_unit="us")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(tz)
        .alias(BUCKET_START),
        *([pl.lit(pl.Series(names)).gather(pl.col(_GROUP)).alias(ACCOUNT_ID)] if grouped else []),
        *[pl.col(c).fill_null(0) if c.endswith("_starts") else pl.col(c) for c in ordered],
    )
    return SeriesResult(frame, every, tz, types)


def _with_peak_instant(
    frame: pl.DataFrame, levels: dict[str, Levels], bounds: pl.Series, types: tuple[str, ...]
) -> pl.DataFrame:
    """Add ``peak_at`` (first instant of ``total_max`` in the bucket) and the level of each
    type at that instant."""
    n = bounds.len() - 1
    total = levels[TOTAL].frame.select(
        _GROUP,
        _T,
        "level",
        (pl.lit(bounds).search_sorted(pl.col(_T), side="right").cast(pl.Int64) - 1).alias(_IDX),
    )
    first_inside = (
        total.filter((pl.col(_IDX) >= 0) & (pl.col(_IDX) < n))
        .join(frame.select(_GROUP, _IDX, f"{TOTAL}_max"), on=[_GROUP, _IDX])
        .filter(pl.col("level") == pl.col(f"{TOTAL}_max"))
        .group_by(_GROUP, _IDX)
        .agg(pl.col(_T).min().alias("inside_at"))
    )
    frame = frame.join(first_inside, on=[_GROUP, _IDX], how="left", maintain_order="left")
    # The carried level counts from the bucket start; otherwise the first instant inside.
    carried = frame[f"__carried_{TOTAL}"] == frame[f"{TOTAL}_max"]
    at = frame.select(
        pl.when(pl.lit(carried)).then(pl.col("b")).otherwise(pl.col("inside_at"))
    ).to_series()
    mix = {f"{t}_at_peak": level_at(levels[t], frame[_GROUP], at)["level"] for t in types}
    return frame.with_columns(
        pl.from_epoch(pl.lit(at), time_unit="us").dt.replace_time_zone("UTC").alias("peak_at"),
        *[pl.lit(v).alias(k) for k, v in mix.items()],
    )


def _starts_per_bucket(
    starts: pl.DataFrame, bounds: pl.Series, types: tuple[str, ...], names: list[str], grouped: bool
) -> pl.DataFrame:
    """``<column>_starts`` per (group, bucket): calls whose first leg starts in it."""
    n = bounds.len() - 1
    idx = (pl.lit(bounds).search_sorted(pl.col(START), side="right").cast(pl.Int64) - 1).alias(_IDX)
    group = (
        pl.col(ACCOUNT)
        .cast(pl.String)
        .fill_null(NO_ACCOUNT)
        .replace_strict(names, list(range(len(names))), return_dtype=pl.Int64)
        if grouped and names
        else pl.lit(0, pl.Int64)
    ).alias(_GROUP)
    code = pl.col(CALL_TYPE).to_physical().alias("code")
    # Count per (group, bucket, type code), then spread the types into columns.
    counted = (
        starts.lazy()
        .select(group, idx, code)
        .filter((pl.col(_IDX) >= 0) & (pl.col(_IDX) < n))
        .group_by(_GROUP, _IDX, "code")
        .len()
        .collect()
    )
    return counted.group_by(_GROUP, _IDX).agg(
        pl.col("len").sum().cast(pl.Int64).alias(f"{TOTAL}_starts"),
        *[
            pl.col("len")
            .filter(pl.col("code") == CALL_TYPES.index(t))
            .sum()
            .cast(pl.Int64)
            .alias(f"{t}_starts")
            for t in types
        ],
    )


def _empty_schema(
    columns: list[str], tz: str, grouped: bool, with_peak_instant: bool
) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {BUCKET_START: pl.Datetime(TIME_UNIT, tz)}
    if grouped:
        schema[ACCOUNT_ID] = pl.String()
    for c in columns:
        schema[f"{c}_max"] = pl.Int64()
        schema[f"{c}_mean"] = pl.Float64()
        schema[f"{c}_starts"] = pl.Int64()
    if with_peak_instant:
        schema["peak_at"] = pl.Datetime(TIME_UNIT, "UTC")
        for c in columns[1:]:
            schema[f"{c}_at_peak"] = pl.Int64()
    return schema


def _to_us(value: datetime, tz: str) -> int:
    """Microseconds since the epoch; a naive ``value`` is a wall time in ``tz``."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(tz))
    return (aware - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


# Column names of the level tables, for the other engine modules.
INSTANT: Final = _T
GROUP: Final = _GROUP
BUCKET: Final = _IDX
