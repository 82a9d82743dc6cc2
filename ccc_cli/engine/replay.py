"""Admission replay: what a plan limit would have done to the calls in the log.

The calls are replayed in time order against the limit, as the platform admits them: a
call that arrives while ``limit`` calls are active is rejected (``REACH_PLAN_LIMIT``) and
never occupies capacity, so later calls may fit. Ends free capacity before starts at the
same instant; calls arriving at the same instant are taken in input order. A zero-length
call is an attempt too: rejected when it arrives at capacity, else admitted without
occupying anything. A call is admitted or rejected as a whole, at its first start; an
admitted call occupies every interval in which one of its legs is active.

Speed: the replay is sequential, but it can only differ from the plain sweep (the log's
own level ``L``, computed vectorised) from the first arrival at ``L >= limit``, and the two
agree again once every call rejected in that *episode* has ended. Inside an episode the
replay's level is ``L`` minus the rejected calls still occupying capacity, so only two
kinds of events need a sequential step: arrivals where ``L >= limit`` (the only ones that
can be rejected) and the later events of calls already rejected. Everything else is the
log's own sweep. The same pass replays many limits at once (the sizing curve).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from ccc_cli.engine.limits import Limits
from ccc_cli.engine.sweep import NO_ACCOUNT, merge_legs
from ccc_cli.normalize.callset import CallSet
from ccc_cli.schema import ACCOUNT, CALL_ID, CALL_TYPE, CALL_TYPES, END, LEG_GROUP, START

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_CALL: Final = "call"
_ORDER: Final = "order"
_GROUP: Final = "group"
CARRIED: Final = "carried"


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
        carried_in(callset).alias(CARRIED),
    )


def carried_in(callset: CallSet) -> pl.Expr:
    """Whether a row's call began before the --from of the selection: the platform had
    admitted it already, so the replay takes it as it was and never judges it."""
    if callset.carried is None or callset.carried.len() == 0:
        return pl.lit(False)
    return pl.col(LEG_GROUP).is_in(callset.carried.implode())


def replay_events(callset: CallSet, calls: pl.DataFrame, *, by_account: bool) -> pl.DataFrame:
    """The replay's events, sorted by (account), time, ends before starts, input order.

    Columns: ``key`` (time * 2 + is_start), ``arrival`` (the call's first start),
    ``delta`` (+1, -1, or 0 for a zero-length arrival), ``call``, ``call_end`` (the end
    of the call's last occupying interval), ``group`` (account name, or "" when not by
    account), ``plain``
    (the log's level just before the event).
    """
    account = [pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT)] if by_account else []
    # A call of one leg is one interval: its arrival and its end.
    intervals = (
        callset.calls.with_row_index(_ORDER)
        .filter(pl.col(LEG_GROUP) >= callset.linked_groups)
        .select(
            pl.col(LEG_GROUP).alias(_CALL),
            pl.col(_ORDER).cast(pl.Int64),
            pl.col(START).dt.epoch("us").alias("start"),
            pl.col(END).dt.epoch("us").alias("end"),
            pl.col(START).dt.epoch("us").alias("first"),
            pl.col(END).dt.epoch("us").alias("call_end"),
            carried_in(callset).alias(CARRIED),
            *account,
        )
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
        firsts = calls.filter(pl.col(_CALL) < callset.linked_groups).select(
            _CALL, _ORDER, CARRIED, *([ACCOUNT] if by_account else [])
        )
        merged = (
            merge_legs(legs)
            .select(
                pl.col(LEG_GROUP).alias(_CALL),
                "start",
                "end",
                pl.col("start").min().over(LEG_GROUP).alias("first"),
                # The end of its last occupying interval (a zero-length leg occupies nothing).
                pl.col("end")
                .filter(pl.col("end") > pl.col("start"))
                .max()
                .over(LEG_GROUP)
                .fill_null(pl.col("start").min().over(LEG_GROUP))
                .alias("call_end"),
            )
            .join(firsts, on=_CALL, how="left")
        )
        intervals = pl.concat([intervals, merged.select(intervals.columns)])
    # A carried-in call (begun before --from) is not an arrival: it occupies capacity
    # from the window's start as the admitted call it was.
    arrival = (pl.col("start") == pl.col("first")) & ~pl.col(CARRIED)
    occupies = pl.col("end") > pl.col("start")
    # Every call arrives once, at its first start (even a zero-length one); every
    # non-empty interval occupies capacity from its start to its end. The packed key
    # (time * 2 + is_start) puts ends first; the input order breaks ties between calls
    # arriving at the same instant.
    starts = intervals.filter(arrival | occupies).select(
        (pl.col("start") * 2 + 1).alias("key"),
        # Carried-in calls are in place before anything arrives at the window's start.
        pl.when(pl.col(CARRIED)).then(-1).otherwise(pl.col(_ORDER)).alias(_ORDER),
        arrival.alias("arrival"),
        occupies.cast(pl.Int32).alias("delta"),
        _CALL,
        "call_end",
        *([ACCOUNT] if by_account else []),
    )
    ends = intervals.filter(occupies).select(
        (pl.col("end") * 2).alias("key"),
        _ORDER,
        pl.lit(False).alias("arrival"),
        pl.lit(-1, pl.Int32).alias("delta"),
        _CALL,
        "call_end",
        *([ACCOUNT] if by_account else []),
    )
    events = pl.concat([starts, ends])
    order = [ACCOUNT, "key", _ORDER] if by_account else ["key", _ORDER]
    events = events.sort(order).drop(_ORDER)
    # Each account's events sum to zero, so one running sum is every account's level.
    return events.with_columns(
        (pl.col(ACCOUNT) if by_account else pl.lit("")).alias(_GROUP),
        (pl.col("delta").cum_sum() - pl.col("delta")).alias("plain"),
    )


@dataclass(frozen=True)
class _Block:
    """One account's (or all) replay events, as arrays in replay order."""

    arrival: BoolArray
    delta: IntArray
    call: IntArray
    plain: IntArray
    key: IntArray  # time * 2 + is_start, ascending
    call_end: IntArray
    # The events of multi-interval calls: their calls ascending, and their positions.
    multi_call: IntArray
    multi_pos: IntArray

    def later_events(self, call: int, j: int) -> list[int]:
        """Positions after ``j`` of the events of multi-interval ``call`` (arriving at j)."""
        lo = int(np.searchsorted(self.multi_call, call, side="left"))
        hi = int(np.searchsorted(self.multi_call, call, side="right"))
        return [int(p) for p in self.multi_pos[lo:hi] if p > j]


def _block(events: pl.DataFrame, linked_groups: int) -> _Block:
    multi = (
        events.select(_CALL)
        .with_row_index("pos")
        .filter(pl.col(_CALL) < linked_groups)
        .sort(_CALL, "pos")
    )
    # Events of a multi-interval call; a one-interval call has its end found by time.
    intervals = multi.group_by(_CALL).len().filter(pl.col("len") > 2)
    multi = multi.filter(pl.col(_CALL).is_in(intervals[_CALL].implode()))
    return _Block(
        arrival=events["arrival"].to_numpy(),
        delta=events["delta"].to_numpy(),
        call=events[_CALL].to_numpy(),
        plain=events["plain"].to_numpy(),
        key=events["key"].to_numpy(),
        call_end=events["call_end"].to_numpy(),
        multi_call=multi[_CALL].cast(pl.Int64).to_numpy(),
        multi_pos=multi["pos"].cast(pl.Int64).to_numpy(),
    )


@dataclass(frozen=True)
class _Outcome:
    """Rejections of one block at several limits: the arrival positions, and for each a
    mask over the limits that reject it and the replay levels it met."""

    positions: list[int]
    masks: list[npt.NDArray[np.bool_]]
    levels: list[IntArray]
    episodes: IntArray  # per limit
    stepped: int


def _replay_many(block: _Block, limits: IntArray) -> _Outcome:
    """Replay one block against every limit in ``limits`` at once.

    With ``D[k]`` the number of calls rejected at limit ``k`` that would be occupying
    capacity, the replay's level is the log's level minus ``D[k]``. So an arrival can be
    rejected only where the log's own level is already at the lowest limit: those
    arrivals are the only ones stepped through, together with the later events of the
    calls that were rejected (which change ``D``). All other events agree with the log.
    """
    lowest = int(limits.min())
    offsets = limits - lowest
    candidates = np.flatnonzero(block.arrival & (block.plain >= lowest))
    plain = block.plain[candidates].tolist()
    calls = block.call[candidates].tolist()
    occupies = block.delta[candidates].tolist()
    multi = np.isin(block.call[candidates], block.multi_call).tolist()
    # A one-interval call's only later event is its end. Any position among the ends at
    # its end time stands for it: candidates are starts, never at an end's key.
    end_pos = np.searchsorted(block.key, block.call_end[candidates] * 2, side="left").tolist()
    dropped = np.zeros(len(limits), dtype=np.int64)
    floor = 0  # min(dropped + offsets): an arrival below lowest + floor rejects nowhere
    pending: list[tuple[int, int]] = []  # (event position, call) of rejected calls
    masks: dict[int, npt.NDArray[np.bool_]] = {}
    positions: list[int] = []
    rejected_masks: list[npt.NDArray[np.bool_]] = []
    levels: list[IntArray] = []
    episodes = np.zeros(len(limits), dtype=np.int64)
    stepped = 0
    for i, j in enumerate(candidates.tolist()):
        stepped += 1
        while pending and pending[0][0] < j:
            pos, c = heapq.heappop(pending)
            dropped += int(block.delta[pos]) * masks[c]
            floor = int((dropped + offsets).min())
            stepped += 1
        if plain[i] - lowest < floor:
            continue
        level = plain[i] - dropped
        mask = level >= limits
        c = calls[i]
        masks[c] = mask
        positions.append(j)
        rejected_masks.append(mask)
        levels.append(level)
        # A divergence from the log begins where nothing was dropped before.
        episodes[mask & (dropped == 0)] += 1
        if occupies[i]:
            dropped += mask
            floor = int((dropped + offsets).min())
        if multi[i]:
            for pos in block.later_events(c, j):
                heapq.heappush(pending, (pos, c))
        elif occupies[i]:
            heapq.heappush(pending, (end_pos[i], c))
    return _Outcome(positions, rejected_masks, levels, episodes, stepped)


def replay(callset: CallSet, limits: Limits) -> ReplayResult:
    """Replay every call against ``limits`` (per account when the limits are)."""
    calls = call_table(callset)
    events = replay_events(callset, calls, by_account=limits.by_account)
    hits: list[int] = []
    levels: list[int] = []
    applied: list[int] = []
    episodes = stepped = 0
    for name, lo, hi in _group_bounds(events[_GROUP]):
        limit = limits.total if not limits.by_account else limits.for_account(name)
        if limit is None:
            continue
        block = _block(events.slice(lo, hi - lo), callset.linked_groups)
        outcome = _replay_many(block, np.array([limit]))
        hits += [lo + p for p in outcome.positions]
        levels += [int(v[0]) for v in outcome.levels]
        applied += [limit] * len(outcome.positions)
        episodes += int(outcome.episodes[0])
        stepped += outcome.stepped
    return ReplayResult(
        calls=calls.filter(~pl.col(CARRIED)).height,
        rejected=_rejected_rows(events, calls, hits, levels, applied),
        episodes=episodes,
        sequential_events=stepped,
        events=events.height,
    )


def _rejected_rows(
    events: pl.DataFrame, calls: pl.DataFrame, hits: list[int], levels: list[int], limits: list[int]
) -> pl.DataFrame:
    picked = events[hits].select(_CALL) if hits else events.clear().select(_CALL)
    return (
        picked.with_columns(
            pl.Series("level_at_arrival", levels, dtype=pl.Int64),
            pl.Series("limit", limits, dtype=pl.Int64),
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


class Replayer:
    """The replay's events prepared once, to replay any set of limits per group.

    The groups are the accounts (``by_account``) or one group ``""`` for all calls. Used
    by the sizing curve, which replays every limit from the median daily peak up to the
    peak, and again lower when it must look further down.
    """

    def __init__(self, callset: CallSet, *, by_account: bool) -> None:
        self.calls = call_table(callset)
        self._events = replay_events(callset, self.calls, by_account=by_account)
        self._linked = callset.linked_groups
        self._bounds = {name: (lo, hi) for name, lo, hi in _group_bounds(self._events[_GROUP])}
        self._blocks: dict[str, _Block] = {}
        self._instants: dict[str, tuple[IntArray, IntArray]] = {}
        arriving = self.calls.filter(~pl.col(CARRIED))
        counts = (
            arriving.group_by(ACCOUNT).len().iter_rows() if by_account else [("", arriving.height)]
        )
        self.call_counts: dict[str, int] = {str(a): int(n) for a, n in counts}
        # The last end of any leg, zero-length ones too (they end a day span as well).
        end = pl.col(END).dt.epoch("us").max()
        ends = (
            callset.calls.group_by(
                pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT).alias(ACCOUNT)
            )
            .agg(end)
            .iter_rows()
            if by_account
            else [("", callset.calls.select(end).item())]
        )
        self._last_end: dict[str, int] = {str(a): int(e) for a, e in ends if e is not None}

    @property
    def groups(self) -> list[str]:
        """The groups with at least one call, sorted."""
        return sorted(self.call_counts)

    def _block_of(self, group: str) -> _Block | None:
        if group not in self._bounds:
            return None
        if group not in self._blocks:
            lo, hi = self._bounds[group]
            self._blocks[group] = _block(self._events.slice(lo, hi - lo), self._linked)
        return self._blocks[group]

    def peak(self, group: str) -> int:
        """The log's own peak in ``group``."""
        block = self._block_of(group)
        if block is None or block.plain.size == 0:
            return 0
        return int((block.plain + block.delta).max())

    def instants(self, group: str) -> tuple[IntArray, IntArray]:
        """The log's own level in ``group``: each instant with an event (Int64
        microseconds, ascending) and the level from it to the next one. The last instant
        is the group's last leg end (a zero-length leg's too), at level 0."""
        if group not in self._instants:
            block = self._block_of(group)
            if block is None or block.key.size == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            t = block.key >> 1
            # The level after an instant is the level after its last event.
            last = np.append(t[1:] != t[:-1], True)
            t, level = t[last], (block.plain + block.delta)[last].astype(np.int64)
            final = self._last_end.get(group, int(t[-1]))
            if final > t[-1]:
                t, level = np.append(t, final), np.append(level, 0)
            self._instants[group] = (t, level)
        return self._instants[group]

    def time_at_level(self, group: str) -> IntArray:
        """Microseconds the log spent at each level (index: the level)."""
        t, level = self.instants(group)
        if t.size == 0:
            return np.zeros(1, dtype=np.int64)
        return np.bincount(level[:-1], weights=np.diff(t)).astype(np.int64)

    def rejections(self, group: str, limits: IntArray) -> pl.DataFrame:
        """One row per (limit, rejected call) when replaying ``group`` at each limit:
        ``limit`` and ``start`` (the call's arrival, Int64 microseconds)."""
        block = self._block_of(group)
        empty = pl.DataFrame(schema={"limit": pl.Int64, START: pl.Int64})
        if block is None or limits.size == 0:
            return empty
        outcome = _replay_many(block, limits)
        if not outcome.positions:
            return empty
        masks = np.stack(outcome.masks)
        row, col = np.nonzero(masks)
        arrivals = block.key[np.asarray(outcome.positions, dtype=np.int64)] >> 1
        return pl.DataFrame({"limit": limits[col], START: arrivals[row]})
