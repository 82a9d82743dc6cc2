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
from typing import Final
from zoneinfo import ZoneInfo

import polars as pl

from ccc_cli.engine.sweep import (
    ACCOUNT_CODE,
    DELTA,
    KEY,
    NO_ACCOUNT,
    build_events,
    call_starts,
    micros_to_datetime,
)
from ccc_cli.errors import UsageError
from ccc_cli.normalize.table import CallSet
from ccc_cli.normalize.times import localize
from ccc_cli.schema import ACCOUNT, CALL_TYPE, CALL_TYPES, END, START, TIME_UNIT

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
    if tz == "UTC":
        step = every.micros
        lo, hi = first_us // step * step, last_us // step * step + step
        return pl.int_range(lo, hi + 1, step, dtype=pl.Int64, eager=True)
    # Every local label from the first local midnight to two days after the last, read
    # both ways where a label occurs twice; a nonexistent label lands on an existing one.
    day0 = _local_naive(first_us, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    day1 = _local_naive(last_us, tz).replace(hour=0, minute=0, second=0, microsecond=0)
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
                [
                    localize(pl.col("label"), tz, ambiguous=side).dt.epoch("us")
                    for side in ("earliest", "latest")
                ]
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
    present = set(callset.calls[CALL_TYPE].cast(pl.String).unique().to_list())
    return tuple(t for t in CALL_TYPES if t in present)


def _level_instants(events: pl.DataFrame, types: tuple[str, ...], grouped: bool) -> pl.DataFrame:
    """One row per instant (per account): ``t`` and the level of the total and of each
    type after every event at that instant."""
    code = pl.col(CALL_TYPE).to_physical()
    frame = events
    if grouped:
        # Stable partition by account: each account's events stay in time order and sum
        # to zero, so one running sum restarts at 0 for every account.
        frame = frame.sort(ACCOUNT_CODE, maintain_order=True)
    levels = [pl.col(DELTA).cum_sum().alias(TOTAL)] + [
        ((code == CALL_TYPES.index(t)).cast(pl.Int32) * pl.col(DELTA)).cum_sum().alias(t)
        for t in types
    ]
    t = pl.col(KEY) // 2
    last = (t != t.shift(-1)).fill_null(True)
    if grouped:
        last = last | (pl.col(ACCOUNT_CODE) != pl.col(ACCOUNT_CODE).shift(-1)).fill_null(True)
    group = (
        [pl.col(ACCOUNT_CODE).alias(_GROUP)] if grouped else [pl.lit(0, pl.UInt32).alias(_GROUP)]
    )
    return (
        frame.select(*group, t.alias(_T), *levels, last.alias("last")).filter("last").drop("last")
    )


def _at_bounds(instants: pl.DataFrame, bounds: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """For every (group, boundary x): each column's level at x and its integral up to x."""
    by_group = instants.sort(_GROUP, _T)
    nxt = pl.col(_T).shift(-1).over(_GROUP)
    areas = {
        f"I_{c}": (pl.col(c) * (nxt - pl.col(_T)).fill_null(0)).cum_sum().over(_GROUP)
        - pl.col(c) * (nxt - pl.col(_T)).fill_null(0)
        for c in columns
    }
    with_integrals = by_group.with_columns(**areas).sort(_T)
    joined = bounds.sort("x").join_asof(
        with_integrals,
        left_on="x",
        right_on=_T,
        by=_GROUP,
        strategy="backward",
        check_sortedness=False,  # both sorted on the key above; groups are interleaved
    )
    since = pl.col("x") - pl.col(_T)
    return joined.select(
        _GROUP,
        "x",
        *[pl.col(c).fill_null(0).alias(f"L_{c}") for c in columns],
        *[(pl.col(f"I_{c}") + pl.col(c) * since).fill_null(0).alias(f"I_{c}") for c in columns],
    )


def compute_series(
    callset: CallSet,
    *,
    every: Every,
    by_account: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
    with_peak_instant: bool = False,
) -> SeriesResult:
    """The bucketed series of ``callset`` (see the module docstring for the rules).

    ``start``/``end`` restrict the buckets to those overlapping ``[start, end)``; calls
    that began earlier still count while they last.
    """
    tz = callset.tz
    types = present_types(callset)
    columns = [TOTAL, *types]
    events, names = build_events(callset, by_account=by_account)
    starts = call_starts(callset)
    grouped = by_account

    first = None if start is None else _to_us(start)
    last = None if end is None else _to_us(end) - 1
    if first is None:
        first = starts[START].min() if starts.height else None  # type: ignore[assignment]
    if last is None:
        last = callset.calls[END].dt.epoch("us").max() if callset.calls.height else None  # type: ignore[assignment]
    schema_cols = _empty_schema(columns, tz, grouped, with_peak_instant)
    if first is None or last is None or last < first:
        return SeriesResult(pl.DataFrame(schema=schema_cols), every, tz, types)

    bounds = bucket_bounds(int(first), int(last), every, tz)
    n = bounds.len() - 1
    groups = (
        pl.DataFrame({_GROUP: list(range(len(names)))}, schema={_GROUP: pl.UInt32})
        if grouped
        else pl.DataFrame({_GROUP: [0]}, schema={_GROUP: pl.UInt32})
    )
    grid = groups.join(
        pl.DataFrame({_IDX: pl.int_range(n, dtype=pl.Int64, eager=True)}), how="cross"
    ).with_columns(
        pl.lit(bounds.slice(0, n)).gather(pl.col(_IDX)).alias("b"),
        pl.lit(bounds.slice(1, n)).gather(pl.col(_IDX)).alias("b_next"),
    )

    instants = _level_instants(events, types, grouped)
    boundary = groups.join(bounds.to_frame("x"), how="cross")
    at = _at_bounds(instants, boundary, columns)
    at_start = at.rename({"x": "b"})
    at_end = at.select(_GROUP, pl.col("x").alias("b_next"), *[f"I_{c}" for c in columns]).rename(
        {f"I_{c}": f"J_{c}" for c in columns}
    )
    inside = instants.with_columns(
        (pl.lit(bounds).search_sorted(pl.col(_T), side="right").cast(pl.Int64) - 1).alias(_IDX)
    ).filter((pl.col(_IDX) >= 0) & (pl.col(_IDX) < n))
    maxima = inside.group_by(_GROUP, _IDX).agg(pl.col(c).max().alias(f"M_{c}") for c in columns)

    frame = (
        grid.join(at_start, on=[_GROUP, "b"], how="left")
        .join(at_end, on=[_GROUP, "b_next"], how="left")
        .join(maxima, on=[_GROUP, _IDX], how="left")
    )
    width = (pl.col("b_next") - pl.col("b")).cast(pl.Float64)
    out = [
        e
        for c in columns
        for e in (
            pl.max_horizontal(pl.col(f"L_{c}"), pl.col(f"M_{c}").fill_null(pl.col(f"L_{c}")))
            .cast(pl.Int64)
            .alias(f"{c}_max"),
            ((pl.col(f"J_{c}") - pl.col(f"I_{c}")) / width).alias(f"{c}_mean"),
        )
    ]
    frame = frame.with_columns(out)
    frame = frame.join(
        _starts_per_bucket(starts, bounds, types, names, grouped), on=[_GROUP, _IDX], how="left"
    )
    if with_peak_instant:
        frame = _with_peak_instant(frame, inside, types)

    ordered: list[str] = []
    for c in columns:
        ordered += [f"{c}_max", f"{c}_mean", f"{c}_starts"]
    if with_peak_instant:
        ordered += ["peak_at", *[f"{t}_at_peak" for t in types]]
    frame = frame.sort(_GROUP, _IDX).select(
        pl.from_epoch("b", time_unit="us")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(tz)
        .alias(BUCKET_START),
        *([pl.lit(pl.Series(names)).gather(pl.col(_GROUP)).alias(ACCOUNT_ID)] if grouped else []),
        *[pl.col(c).fill_null(0) if c.endswith("_starts") else pl.col(c) for c in ordered],
    )
    return SeriesResult(frame, every, tz, types)


def _with_peak_instant(
    frame: pl.DataFrame, inside: pl.DataFrame, types: tuple[str, ...]
) -> pl.DataFrame:
    """Add ``peak_at`` (first instant of ``total_max`` in the bucket) and the level of each
    type at that instant."""
    first_inside = (
        inside.join(frame.select(_GROUP, _IDX, "total_max"), on=[_GROUP, _IDX])
        .filter(pl.col(TOTAL) == pl.col("total_max"))
        .sort(_T)
        .group_by(_GROUP, _IDX)
        .agg(
            pl.col(_T).first().alias("inside_at"),
            *[pl.col(t).first().alias(f"in_{t}") for t in types],
        )
    )
    carried = pl.col(f"L_{TOTAL}") == pl.col("total_max")
    frame = frame.join(first_inside, on=[_GROUP, _IDX], how="left")
    return frame.with_columns(
        pl.from_epoch(
            pl.when(carried).then(pl.col("b")).otherwise(pl.col("inside_at")), time_unit="us"
        )
        .dt.replace_time_zone("UTC")
        .alias("peak_at"),
        *[
            pl.when(carried)
            .then(pl.col(f"L_{t}"))
            .otherwise(pl.col(f"in_{t}"))
            .cast(pl.Int64)
            .alias(f"{t}_at_peak")
            for t in types
        ],
    )


def _starts_per_bucket(
    starts: pl.DataFrame, bounds: pl.Series, types: tuple[str, ...], names: list[str], grouped: bool
) -> pl.DataFrame:
    n = bounds.len() - 1
    idx = (pl.lit(bounds).search_sorted(pl.col(START), side="right").cast(pl.Int64) - 1).alias(_IDX)
    group = (
        pl.col(ACCOUNT)
        .cast(pl.String)
        .fill_null(NO_ACCOUNT)
        .replace_strict(names, list(range(len(names))), return_dtype=pl.UInt32)
        if grouped and names
        else pl.lit(0, pl.UInt32)
    ).alias(_GROUP)
    counted = (
        starts.select(group, idx, pl.col(CALL_TYPE).cast(pl.String))
        .filter((pl.col(_IDX) >= 0) & (pl.col(_IDX) < n))
        .group_by(_GROUP, _IDX)
        .agg(
            pl.len().cast(pl.Int64).alias(f"{TOTAL}_starts"),
            *[(pl.col(CALL_TYPE) == t).sum().cast(pl.Int64).alias(f"{t}_starts") for t in types],
        )
    )
    return counted


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


def _to_us(value: datetime) -> int:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return (aware - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
