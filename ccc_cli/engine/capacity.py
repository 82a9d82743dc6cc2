"""Capacity intervals: when the log's level reached the plan limit.

"At capacity" at t means level(t) >= limit: a new call arriving at t would be rejected.
"Over limit" means level(t) > limit: the log holds more calls than the plan allows.
Both are read off the log's own level (the plain sweep), as maximal half-open intervals
``[from, to)`` between instants where the level changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from ccc_cli.engine.limits import Limits
from ccc_cli.engine.series import (
    BUCKET,
    GROUP,
    INSTANT,
    Levels,
    group_shift,
    level_instants,
    present_types,
)
from ccc_cli.engine.sweep import (
    ACCOUNT_CODE,
    DELTA,
    KEY,
    Events,
    build_events,
    call_starts,
)
from ccc_cli.normalize.callset import CallSet
from ccc_cli.schema import ACCOUNT, CALL_TYPE, CALL_TYPES, START

FROM: Final = "from"
TO: Final = "to"


@dataclass(frozen=True)
class Intervals:
    """Maximal intervals with the level at (or over) the limit.

    ``frame``: ``account`` (per-account limits only), ``from``, ``to`` (UTC datetimes),
    ``seconds``, ``limit``, ``max_level``, ``at_max`` (first instant of it), one
    ``<type>_at_max`` column per call type present, and ``starts_inside`` (calls that
    arrived in the interval).
    """

    frame: pl.DataFrame
    over: bool
    types: tuple[str, ...]

    @property
    def count(self) -> int:
        return self.frame.height

    @property
    def total_seconds(self) -> float:
        return float(self.frame["seconds"].sum()) if self.frame.height else 0.0

    def days_affected(self, tz: str) -> int:
        """Local days (in ``tz``) that an interval touches."""
        if self.frame.height == 0:
            return 0
        local = self.frame.select(
            pl.col(FROM).dt.convert_time_zone(tz).dt.date().alias("a"),
            (pl.col(TO) - pl.duration(microseconds=1))
            .dt.convert_time_zone(tz)
            .dt.date()
            .alias("b"),
        )
        return int(local.select(pl.date_ranges("a", "b").explode().n_unique()).item())


@dataclass(frozen=True)
class _Prepared:
    total: Levels  # the types are read off ``events`` when needed
    names: list[str]
    t0: int
    events: pl.DataFrame  # sorted by (account code), key; with call types
    types: tuple[str, ...]
    grouped: bool

    def type_levels(self, group: pl.Series, at: pl.Series) -> dict[str, pl.Series]:
        """Calls of each type active just after the events of instant ``at`` (in account
        ``group``): a running sum of each type's own +1/-1, read at the last event at or
        before ``at``, no per-type sweep."""
        if self.events.height == 0 or at.len() == 0:
            return {t: pl.zeros(at.len(), dtype=pl.Int64, eager=True) for t in self.types}
        # Events sorted by (group, key) pack into one ascending int64.
        shift = self.total.shift
        group_of = pl.col(ACCOUNT_CODE).cast(pl.Int64) if self.grouped else pl.lit(0, pl.Int64)
        packed = self.events.select((group_of * shift + pl.col(KEY) - 2 * self.t0).alias("p"))
        query = group.cast(pl.Int64) * shift + (at.cast(pl.Int64) - self.t0) * 2 + 1
        pos = packed["p"].search_sorted(query, side="right").cast(pl.Int64) - 1
        code = pl.col(CALL_TYPE).to_physical()
        delta = pl.col(DELTA).cast(pl.Int64)
        found = self.events.select(
            pl.when(code == CALL_TYPES.index(t)).then(delta).otherwise(0).cum_sum().alias(t)
            for t in self.types
        )
        picked = found[pos.clip(lower_bound=0)]
        # A position before the group's first event (or in another group) means none.
        same = pos >= 0
        if self.grouped:
            same = same & (
                self.events[ACCOUNT_CODE].cast(pl.Int64).gather(pos.clip(lower_bound=0))
                == group.cast(pl.Int64)
            )
        # Within a group every type's running sum starts from 0: each earlier group's
        # events sum to zero.
        return {
            t: pl.select(pl.when(pl.lit(same)).then(pl.lit(picked[t])).otherwise(0)).to_series()
            for t in self.types
        }


def prepare_levels(callset: CallSet, limits: Limits, events: Events | None = None) -> _Prepared:
    """The log's level after every instant: total and per type, per account if the
    limits are per account."""
    grouped = limits.by_account
    frame, names = events or build_events(callset, by_account=grouped)
    if grouped:
        frame = frame.sort(ACCOUNT_CODE, maintain_order=True)
    frame = frame.with_columns(pl.lit(0, pl.Int64).alias(BUCKET))
    t0 = int(frame[KEY].min()) // 2 if frame.height else 0  # type: ignore[arg-type]
    top = int(frame[KEY].max()) // 2 if frame.height else 0  # type: ignore[arg-type]
    shift = group_shift(top - t0, len(names) if grouped else 1)
    total = level_instants(frame, grouped, t0, shift).collect()
    return _Prepared(
        total=Levels(total, t0, shift),
        names=names,
        t0=t0,
        events=frame.drop(BUCKET),
        types=present_types(callset),
        grouped=grouped,
    )


def capacity_intervals(
    callset: CallSet, limits: Limits, *, over: bool = False, prepared: _Prepared | None = None
) -> Intervals:
    """Intervals at capacity (``level >= limit``) or, with ``over``, over the limit."""
    prep = prepared or prepare_levels(callset, limits)
    types = prep.types
    total = prep.total.frame
    if limits.by_account:
        limit_of = [limits.for_account(n) for n in prep.names]
        threshold = pl.lit(pl.Series(limit_of, dtype=pl.Int64)).gather(pl.col(GROUP))
    else:
        threshold = pl.lit(limits.total, dtype=pl.Int64)
    hit = (pl.col("level") > threshold) if over else (pl.col("level") >= threshold)
    marked = total.select(GROUP, INSTANT, "level", hit.fill_null(False).alias("hit"))
    # A run of instants changes where "hit" flips or the account changes; a run at the
    # limit ends at the next instant of the same account (the level is 0 after each
    # account's last instant, so there always is one).
    changed = (pl.col("hit") != pl.col("hit").shift(1)) | (pl.col(GROUP) != pl.col(GROUP).shift(1))
    marked = marked.with_columns(
        changed.fill_null(True).cum_sum().alias("run"),
        pl.col(INSTANT).shift(-1).alias("next_t"),
    )
    runs = (
        marked.filter("hit")
        .group_by("run", maintain_order=True)
        .agg(
            pl.col(GROUP).first(),
            pl.col(INSTANT).first().alias(FROM),
            pl.col("next_t").last().alias(TO),
            pl.col("level").max().alias("max_level"),
            pl.col(INSTANT).filter(pl.col("level") == pl.col("level").max()).min().alias("at_max"),
        )
        .drop("run")
    )
    mix = {
        f"{t}_at_max": level for t, level in prep.type_levels(runs[GROUP], runs["at_max"]).items()
    }
    starts = _starts_inside(callset, prep, runs, limits.by_account)
    limit_col = (
        pl.lit(pl.Series([limits.for_account(n) for n in prep.names], dtype=pl.Int64)).gather(
            pl.col(GROUP)
        )
        if limits.by_account
        else pl.lit(limits.total, dtype=pl.Int64)
    )
    utc = [
        pl.from_epoch(c, time_unit="us").dt.replace_time_zone("UTC").alias(c)
        for c in (FROM, TO, "at_max")
    ]
    frame = runs.with_columns(
        *[pl.lit(v).alias(k) for k, v in mix.items()],
        starts.alias("starts_inside"),
        ((pl.col(TO) - pl.col(FROM)) / 1e6).alias("seconds"),
        limit_col.alias("limit"),
    ).with_columns(utc)
    account = (
        [pl.lit(pl.Series(prep.names)).gather(pl.col(GROUP)).alias(ACCOUNT)]
        if limits.by_account
        else []
    )
    frame = frame.select(
        *account,
        FROM,
        TO,
        "seconds",
        "limit",
        "max_level",
        "at_max",
        *mix,
        "starts_inside",
    )
    return Intervals(frame=frame, over=over, types=types)


def _starts_inside(
    callset: CallSet, prep: _Prepared, runs: pl.DataFrame, grouped: bool
) -> pl.Series:
    """Calls (of the interval's account) that arrived in each ``[from, to)``."""
    starts = call_starts(callset)
    if grouped:
        code = {n: i for i, n in enumerate(prep.names)}
        group = (
            pl.col(ACCOUNT)
            .cast(pl.String)
            .fill_null("(none)")
            .replace_strict(code, default=-1, return_dtype=pl.Int64)
        )
    else:
        group = pl.lit(0, pl.Int64)
    shift = prep.total.shift
    keys = starts.select((group * shift + (pl.col(START) - prep.t0)).alias("k"))["k"].sort()
    lo = runs[GROUP].cast(pl.Int64) * shift + (runs[FROM] - prep.t0)
    hi = runs[GROUP].cast(pl.Int64) * shift + (runs[TO] - prep.t0)
    return keys.search_sorted(hi, side="left").cast(pl.Int64) - keys.search_sorted(
        lo, side="left"
    ).cast(pl.Int64)
