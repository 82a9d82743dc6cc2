"""Admission replay: what a plan limit would have done to the calls in the log.

The calls are replayed in time order against the limit, as the platform admits them: a
call that arrives while ``limit`` calls are active is rejected (``REACH_PLAN_LIMIT``) and
never occupies capacity, so later calls may fit. Ends free capacity before starts at the
same instant; calls arriving at the same instant are taken in input order. A zero-length
call is an attempt too: rejected when it arrives at capacity, else admitted without
occupying anything. A call is admitted or rejected as a whole, at its first start; an
admitted call occupies every interval in which one of its legs is active.

Speed: the replay is sequential, but it can only differ from the plain sweep (the log's
own level ``L``) from the first arrival at ``L >= limit``; and once every call rejected
since then has ended, the replay's active calls are the log's again. So the level of the
log, computed vectorised, finds each *episode*'s first arrival; only the events of the
episode (until the last rejected call would have ended) are stepped through one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from ccc_cli.engine.limits import Limits
from ccc_cli.engine.sweep import NO_ACCOUNT, merge_legs
from ccc_cli.normalize.table import CallSet
from ccc_cli.schema import ACCOUNT, CALL_ID, CALL_TYPE, CALL_TYPES, END, LEG_GROUP, START

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_CALL: Final = "call"
_ORDER: Final = "order"
_GROUP: Final = "group"


@dataclass(frozen=True)
class ReplayResult:
    """What the replay rejected.

    ``rejected``: one row per rejected call (``call_id``, ``start``, ``call_type``,
    ``account``, ``level_at_arrival``, ``limit``), in time order. ``sequential_events``
    counts the events stepped through one by one, out of ``events``.
    """

    calls: int
    rejected: pl.DataFrame
    episodes: int
    sequential_events: int
    events: int

    @property
    def rejected_calls(self) -> int:
        return self.rejected.height

    @property
    def rejected_rate(self) -> float:
        return self.rejected_calls / self.calls if self.calls else 0.0

    @property
    def first_rejection(self) -> datetime | None:
        return None if self.rejected.height == 0 else self.rejected[START][0]

    def by_type(self) -> dict[str, int]:
        counts = dict(self.rejected.group_by(CALL_TYPE).len().iter_rows())
        return {t: int(counts.get(t, 0)) for t in CALL_TYPES if counts.get(t)}

    def by_account(self) -> dict[str, int]:
        rows = self.rejected.group_by(ACCOUNT).len().sort(ACCOUNT).iter_rows()
        return {str(a): int(n) for a, n in rows}


def call_table(callset: CallSet) -> pl.DataFrame:
    """One row per call: ``call`` (its leg group), ``order`` (input position of its first
    leg), ``call_id``/``call_type``/``account`` of the first leg, its first start.

    Single-leg calls are rows of the canonical table as they stand; only the calls with
    several legs are sorted to find their first leg (earliest start, then input order).
    """
    calls = callset.calls.with_row_index(_ORDER)
    if callset.linked_groups:
        multi = pl.col(LEG_GROUP) < callset.linked_groups
        firsts = (
            calls.filter(multi)
            .sort(START, _ORDER)
            .unique(subset=LEG_GROUP, keep="first", maintain_order=True)
        )
        calls = pl.concat([calls.filter(~multi), firsts])
    return calls.select(
        pl.col(LEG_GROUP).alias(_CALL),
        pl.col(_ORDER).cast(pl.Int64),
        CALL_ID,
        CALL_TYPE,
        pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT).alias(ACCOUNT),
        pl.col(START).dt.epoch("us").alias(START),
    )


def replay_events(callset: CallSet, calls: pl.DataFrame, *, by_account: bool) -> pl.DataFrame:
    """The replay's events, sorted by (account), time, ends before starts, input order.

    Columns: ``t``, ``is_start``, ``arrival`` (the call's first start), ``delta`` (+1, -1,
    or 0 for a zero-length arrival), ``call``, ``call_end`` (the call's last end),
    ``group`` (account name, or "" when not by account), ``plain`` (the log's level just
    before the event).
    """
    rows = callset.calls.with_row_index(_ORDER).select(
        pl.col(LEG_GROUP).alias(_CALL),
        pl.col(_ORDER).cast(pl.Int64),
        pl.col(START).dt.epoch("us").alias("start"),
        pl.col(END).dt.epoch("us").alias("end"),
        pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT).alias(ACCOUNT),
    )
    # A call of one leg is one interval: its arrival and its end, in input order already.
    intervals = rows.filter(pl.col(_CALL) >= callset.linked_groups).with_columns(
        pl.col("start").alias("first"), pl.col("end").alias("call_end")
    )
    if callset.linked_groups:
        # Multi-leg calls: the union of their legs, and their first start and last end.
        legs = callset.calls.filter(pl.col(LEG_GROUP) < callset.linked_groups).select(
            LEG_GROUP,
            pl.col(START).dt.epoch("us").alias(START),
            pl.col(END).dt.epoch("us").alias(END),
            CALL_TYPE,
            ACCOUNT,
        )
        merged = (
            merge_legs(legs)
            .select(
                pl.col(LEG_GROUP).alias(_CALL),
                "start",
                "end",
                pl.col("start").min().over(LEG_GROUP).alias("first"),
                pl.col("end").max().over(LEG_GROUP).alias("call_end"),
            )
            .join(calls.select(_CALL, _ORDER, ACCOUNT), on=_CALL, how="left")
        )
        intervals = pl.concat([intervals, merged.select(intervals.columns)]).sort(
            _ORDER, maintain_order=True
        )
    arrival = pl.col("start") == pl.col("first")
    occupies = pl.col("end") > pl.col("start")
    # Every call arrives once, at its first start (even a zero-length one); every
    # non-empty interval occupies capacity from its start to its end. Starts are listed
    # in input order, so a stable sort on the packed key (time * 2 + is_start, ends
    # first) keeps calls arriving at the same instant in input order.
    starts = intervals.filter(arrival | occupies).select(
        (pl.col("start") * 2 + 1).alias("key"),
        arrival.alias("arrival"),
        occupies.cast(pl.Int32).alias("delta"),
        _CALL,
        "call_end",
        ACCOUNT,
    )
    ends = intervals.filter(occupies).select(
        (pl.col("end") * 2).alias("key"),
        pl.lit(False).alias("arrival"),
        pl.lit(-1, pl.Int32).alias("delta"),
        _CALL,
        "call_end",
        ACCOUNT,
    )
    events = pl.concat([starts, ends]).sort("key", maintain_order=True)
    if by_account:
        events = events.sort(ACCOUNT, maintain_order=True)
    events = events.with_columns(
        (pl.col("key") // 2).alias("t"),
        (pl.col(ACCOUNT) if by_account else pl.lit("")).alias(_GROUP),
    )
    # Each account's events sum to zero, so one running sum is every account's level.
    return events.with_columns((pl.col("delta").cum_sum() - pl.col("delta")).alias("plain"))


def _replay_block(
    t: IntArray,
    arrival: BoolArray,
    delta: IntArray,
    call: IntArray,
    call_end: IntArray,
    plain: IntArray,
    limit: int,
) -> tuple[list[int], list[int], int, int]:
    """Replay one account's (or all) events; returns the positions of rejected arrivals,
    the replay level at each, the number of episodes and of events stepped through."""
    candidates = np.flatnonzero(arrival & (plain >= limit))
    rejected_at: list[int] = []
    levels: list[int] = []
    episodes = stepped = 0
    n = len(t)
    pos = 0
    while True:
        nxt = int(np.searchsorted(candidates, pos))
        if nxt >= len(candidates):
            break
        j = int(candidates[nxt])
        # Up to j the replay equals the log, so its level is the log's.
        level = int(plain[j])
        rejected: set[int] = set()
        horizon = t[j]
        k = j
        while k < n and (k == j or t[k] <= horizon):
            c = int(call[k])
            if arrival[k]:
                if level >= limit:
                    rejected.add(c)
                    rejected_at.append(k)
                    levels.append(level)
                    horizon = max(horizon, call_end[k])
                else:
                    level += int(delta[k])
            elif c not in rejected:
                level += int(delta[k])
            k += 1
        episodes += 1
        stepped += k - j
        # Every rejected call has ended: the replay's active calls are the log's again.
        if k < n and level != plain[k]:  # pragma: no cover - an internal invariant
            raise AssertionError(f"replay diverged after an episode: {level} != {plain[k]}")
        pos = k
    return rejected_at, levels, episodes, stepped


def replay(callset: CallSet, limits: Limits) -> ReplayResult:
    """Replay every call against ``limits`` (per account when the limits are)."""
    calls = call_table(callset)
    events = replay_events(callset, calls, by_account=limits.by_account)
    columns = {
        name: events[name].to_numpy()
        for name in ("t", "arrival", "delta", _CALL, "call_end", "plain")
    }
    groups = events[_GROUP]
    bounds = _group_bounds(groups)
    hits: list[int] = []
    levels: list[int] = []
    applied: list[int] = []
    episodes = stepped = 0
    for name, lo, hi in bounds:
        limit = limits.total if not limits.by_account else limits.for_account(name)
        if limit is None:
            continue
        block = {name: values[lo:hi] for name, values in columns.items()}
        rows, lv, ep, st = _replay_block(
            block["t"],
            block["arrival"],
            block["delta"],
            block[_CALL],
            block["call_end"],
            block["plain"],
            limit,
        )
        hits += [lo + r for r in rows]
        levels += lv
        applied += [limit] * len(rows)
        episodes += ep
        stepped += st
    picked = events[hits].select(_CALL) if hits else events.clear().select(_CALL)
    rejected = (
        picked.with_columns(
            pl.Series("level_at_arrival", levels, dtype=pl.Int64),
            pl.Series("limit", applied, dtype=pl.Int64),
        )
        .join(
            # Look up only the rejected calls, not every call.
            calls.filter(pl.col(_CALL).is_in(picked[_CALL].implode())),
            on=_CALL,
            how="left",
            maintain_order="left",
        )
        .select(
            CALL_ID,
            pl.from_epoch(START, time_unit="us").dt.replace_time_zone("UTC").alias(START),
            CALL_TYPE,
            ACCOUNT,
            "level_at_arrival",
            "limit",
        )
        .sort(START, maintain_order=True)
    )
    return ReplayResult(
        calls=calls.height,
        rejected=rejected,
        episodes=episodes,
        sequential_events=stepped,
        events=events.height,
    )


def _group_bounds(groups: pl.Series) -> list[tuple[str, int, int]]:
    """(name, first row, end row) of each run of equal values in a sorted column."""
    if groups.len() == 0:
        return []
    runs = groups.rle()
    lengths = runs.struct.field("len").to_list()
    values = runs.struct.field("value").to_list()
    out: list[tuple[str, int, int]] = []
    start = 0
    for value, length in zip(values, lengths, strict=True):
        out.append((str(value), start, start + length))
        start += length
    return out
