"""The sweep-line: exact concurrency from the canonical call table.

Every call contributes its *activity intervals*: the union of its legs' half-open
``[start, end)`` intervals (a call counts once while any of its legs is active). Each
interval becomes two events packed into one int64 key, ``time_us * 2 + is_start``, so a
single integer sort puts ends before starts at the same instant (half-open intervals:
a call ending at t and one starting at t do not overlap). The running sum of +1/-1 over
the sorted keys is the level just after each event; its maximum is the peak, and the
first event reaching it is the first instant of the peak.

Zero-length intervals never raise the level and are dropped before the sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from ccc_cli.normalize.callset import CallSet

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
from ccc_cli.schema import ACCOUNT, CALL_TYPE, CALL_TYPES, END, LEG_GROUP, START

KEY: Final = "key"
DELTA: Final = "delta"
LEVEL: Final = "level"
ACCOUNT_CODE: Final = "account_code"
NO_ACCOUNT: Final = "(none)"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# Above this, (call number, end offset) no longer packs into one int64.
PACK_LIMIT: Final = 2**62


@dataclass(frozen=True, slots=True)
class Peak:
    """The highest level and the first instant (UTC) it is reached; ``at`` is None when
    no call is ever active."""

    value: int
    at: datetime | None


@dataclass(frozen=True, slots=True)
class PeakSet:
    """A peak overall and per call type (every canonical type is present).

    ``mix`` is the number of active calls of each type at the first instant of the total
    peak (it sums to ``total.value``).
    """

    total: Peak
    by_type: Mapping[str, Peak]
    mix: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class PeakResult:
    """Peaks of the whole data set and, when asked for, of each account."""

    total: Peak
    by_type: Mapping[str, Peak]
    mix: Mapping[str, int]
    by_account: Mapping[str, PeakSet] | None = None


def micros_to_datetime(us: int) -> datetime:
    """UTC datetime of an int64 microsecond timestamp."""
    return _EPOCH + timedelta(microseconds=us)


def activity_intervals(calls: pl.DataFrame, *, linked_groups: int | None) -> list[pl.DataFrame]:
    """The maximal intervals in which each call has an active leg.

    Columns: ``leg_group``, ``start`` and ``end`` as Int64 microseconds, ``call_type``,
    ``account``. ``linked_groups`` is ``CallSet.linked_groups``: every call with several
    legs has a ``leg_group`` below it (0: no call has several legs); ``None`` means
    unknown, and multi-leg calls are then found by looking. Returns frames to be read
    together (single-leg calls pass through without a copy of the whole table).
    """
    phys = calls.select(
        pl.col(LEG_GROUP),
        pl.col(START).dt.epoch("us").alias(START),
        pl.col(END).dt.epoch("us").alias(END),
        pl.col(CALL_TYPE),
        pl.col(ACCOUNT),
    )
    if linked_groups == 0:
        return [phys]
    multi = (
        pl.col(LEG_GROUP).is_duplicated()
        if linked_groups is None
        else pl.col(LEG_GROUP) < linked_groups
    )
    return [phys.filter(~multi), merge_legs(phys.filter(multi))]


def merge_legs(legs: pl.DataFrame) -> pl.DataFrame:
    """Union of the leg intervals of each call (``legs`` holds multi-leg calls only)."""
    # Legs of a call sorted by start: a leg opens a new interval when it starts after
    # every earlier leg of its call has ended. Touching legs ([0,10) and [10,20)) form one
    # interval, which counts the same as two back to back.
    legs = legs.sort(LEG_GROUP, START)
    first = pl.col(LEG_GROUP) != pl.col(LEG_GROUP).shift(1)
    legs = legs.with_columns(
        first.fill_null(True).cum_sum().cast(pl.Int64).alias("__call"),
        pl.when(first.fill_null(True)).then(pl.col(START)).forward_fill().alias("__base"),
    )
    # "Running max of end within the call" without a window per call: pack
    # (call, end - call's first start) into one int64 whose global running max never
    # crosses into the next call, because calls come in increasing order.
    rel_end = pl.col(END) - pl.col("__base")
    span = int(legs.select(rel_end.max()).item() or 0) + 1
    calls = legs.height and int(legs["__call"].max())  # type: ignore[arg-type]
    prev_end: pl.Expr
    if calls * span < PACK_LIMIT:
        packed = (pl.col("__call") * span + rel_end).cum_max().shift(1)
        same_call = (packed // span) == pl.col("__call")
        prev_end = pl.when(same_call).then(packed % span + pl.col("__base"))
    else:
        # Calls lasting millennia (only with --max-duration 0): a window per call.
        prev_end = pl.col(END).cum_max().shift(1).over("__call")
    opens = prev_end.is_null() | (pl.col(START) > prev_end)
    return (
        legs.with_columns(opens.cum_sum().alias("__interval"))
        .group_by("__interval", maintain_order=True)
        .agg(
            pl.col(LEG_GROUP).first(),
            pl.col(START).min(),
            pl.col(END).max(),
            pl.col(CALL_TYPE).first(),
            pl.col(ACCOUNT).first(),
        )
        .drop("__interval")
    )


def sweep_events(intervals: list[pl.DataFrame], keys: list[str]) -> pl.DataFrame:
    """Sorted +1/-1 events of the non-empty intervals, carrying the ``keys`` columns."""
    parts: list[pl.LazyFrame] = []
    for frame in intervals:
        live = frame.lazy().filter(pl.col(END) > pl.col(START))
        parts.append(live.select(*keys, (pl.col(START) * 2 + 1).alias(KEY)))
        parts.append(live.select(*keys, (pl.col(END) * 2).alias(KEY)))
    return (
        pl.concat(parts)
        .sort(KEY)
        .with_columns(((pl.col(KEY) & 1) * 2 - 1).cast(pl.Int32).alias(DELTA))
        .collect()
    )


def _peak(value: int | None, key: int | None) -> Peak:
    """The peak first reached at event ``key`` (time * 2 + is_start)."""
    return _time_peak(int(value or 0), None if key is None else int(key) >> 1)


def _mix(events: pl.DataFrame, key: int | None) -> dict[str, int]:
    """Active calls per type just after every event at the instant of ``key``."""
    counts = dict.fromkeys(CALL_TYPES, 0)
    if key is None:
        return counts
    # A peak is first reached at a start event (time * 2 + 1), the largest key of its
    # instant, so every event of that instant is included.
    rows = events.filter(pl.col(KEY) <= key).group_by(CALL_TYPE).agg(pl.col(DELTA).sum())
    for ctype, level in rows.iter_rows():
        counts[str(ctype)] = int(level)
    return counts


def _by_type(rows: Iterable[tuple[Any, ...]]) -> dict[str, Peak]:
    """Peaks of every canonical type from ``(call_type, value, key)`` rows."""
    found = {str(ctype): _peak(value, key) for ctype, value, key in rows}
    return {t: found.get(t, Peak(0, None)) for t in CALL_TYPES}


def _level_peak(events: pl.LazyFrame) -> pl.LazyFrame:
    """One row: the highest running level of ``events`` and the key where it is first met."""
    level = pl.col(DELTA).cum_sum()
    return events.select(level.max().alias("value"), _first_key_at_max(level).alias(KEY))


def _first_key_at_max(level: pl.Expr) -> pl.Expr:
    """The smallest event key at which ``level`` is highest: the first instant of the peak.

    Not ``arg_max``: Polars' streaming engine (the default for lazy queries in 2.x)
    returns the position of the *last* maximum, while keys are sorted, so their minimum
    is the first whatever the engine.
    """
    return pl.col(KEY).filter(level == level.max()).min()


def _total_and_type_peaks(events: pl.DataFrame) -> tuple[Peak, int | None, dict[str, Peak]]:
    """The total peak (and its event key) and the peak of each call type.

    A type's level is the running sum of its own events in time order, so each type is
    its own filtered sweep over the one sorted event list; Polars runs them in parallel.
    """
    present = [str(t) for t in events[CALL_TYPE].unique().to_list()]
    code = pl.col(CALL_TYPE).to_physical()
    lazy = events.lazy()
    queries = [_level_peak(lazy)] + [
        _level_peak(lazy.filter(code == CALL_TYPES.index(t))) for t in present
    ]
    total_row, *type_rows = (f.row(0) for f in pl.collect_all(queries))
    by_type = _by_type((t, value, key) for t, (value, key) in zip(present, type_rows, strict=True))
    total = _peak(*total_row)
    return total, (total_row[1] if total.at else None), by_type


def _account_codes(intervals: list[pl.DataFrame]) -> tuple[list[str], list[pl.DataFrame]]:
    """Sorted account names, and the intervals with a dense integer ``account_code`` to sort
    and group on instead of the strings."""
    account = pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT)
    names = sorted(
        pl.concat([f.select(account.unique()) for f in intervals])[ACCOUNT].unique().to_list()
    )
    code = (
        account.replace_strict(names, list(range(len(names))), return_dtype=pl.UInt32)
        if names
        else pl.lit(0, dtype=pl.UInt32)  # no rows at all
    )
    coded = [f.with_columns(code.alias(ACCOUNT_CODE)) for f in intervals]
    return names, coded


def build_events(callset: CallSet, *, by_account: bool) -> tuple[pl.DataFrame, list[str]]:
    """The sorted +1/-1 events of every call's activity intervals, with ``call_type`` and,
    with ``by_account``, an ``account_code`` indexing the returned account names."""
    intervals = activity_intervals(callset.calls, linked_groups=callset.linked_groups)
    keys = [CALL_TYPE]
    names: list[str] = []
    if by_account:
        names, intervals = _account_codes(intervals)
        keys.append(ACCOUNT_CODE)
    return sweep_events(intervals, keys), names


def call_starts(callset: CallSet) -> pl.DataFrame:
    """One row per call: ``start`` (Int64 microseconds, its first leg's start),
    ``call_type`` and ``account`` (zero-length calls included: they are attempts too).
    Calls carried into a ``--from`` window started before it: they are not starts."""
    calls = callset.calls.select(
        LEG_GROUP, pl.col(START).dt.epoch("us").alias(START), CALL_TYPE, ACCOUNT
    )
    if callset.carried is not None and callset.carried.len():
        calls = calls.filter(~pl.col(LEG_GROUP).is_in(callset.carried.implode()))
    if callset.linked_groups == 0:
        return calls.drop(LEG_GROUP)
    multi = pl.col(LEG_GROUP) < callset.linked_groups
    firsts = (
        calls.filter(multi)
        .group_by(LEG_GROUP)
        .agg(pl.col(START).min(), pl.col(CALL_TYPE).first(), pl.col(ACCOUNT).first())
    )
    return pl.concat([calls.filter(~multi), firsts]).drop(LEG_GROUP)


Events = tuple[pl.DataFrame, list[str]]


def compute_peaks(
    callset: CallSet, *, by_account: bool = False, events: Events | None = None
) -> PeakResult:
    """Exact peak concurrency overall and per call type (and per account if asked).

    ``events``: the result of :func:`build_events` for the same ``by_account``, when the
    caller already has it.
    """
    if events is None and not by_account:
        return _interval_peaks(callset)
    frame, names = events or build_events(callset, by_account=by_account)
    total, total_key, by_type = _total_and_type_peaks(frame)
    mix = _mix(frame, total_key)
    accounts: dict[str, PeakSet] | None = None
    if by_account:
        accounts = _account_peaks(frame, names)
    return PeakResult(total=total, by_type=by_type, mix=mix, by_account=accounts)


def _sorted_peak(starts: IntArray, ends: IntArray) -> tuple[int, int | None]:
    """Peak and its first instant from the sorted starts and sorted ends of non-empty
    intervals: just after the i-th start the level is i + 1 minus the ends at or before
    it (an end at t frees capacity before a start at t)."""
    import numpy as np  # imported here: the event sweep does not need it

    if starts.size == 0:
        return 0, None
    level = np.arange(1, starts.size + 1) - np.searchsorted(ends, starts, side="right")
    top = level.max()
    # Starts are sorted: the first position at the top is the first instant of the peak.
    return int(top), int(starts[int(np.argmax(level == top))])


def _interval_peaks(callset: CallSet) -> PeakResult:
    """Peaks without the event list: one sort of the starts and one of the ends (each
    carrying the call type), then a binary search per start. The same answer as the
    event sweep, with two sorts of n values instead of one of 2n rows."""
    calls = callset.calls.lazy()
    linked = callset.linked_groups
    columns = [
        pl.col(START).dt.epoch("us").alias(START),
        pl.col(END).dt.epoch("us").alias(END),
        pl.col(CALL_TYPE).to_physical().cast(pl.UInt8).alias("code"),
    ]
    # Single-leg calls are their own interval; only multi-leg calls need merging.
    parts = [calls.filter(pl.col(LEG_GROUP) >= linked).select(columns)]
    if linked:
        legs = calls.filter(pl.col(LEG_GROUP) < linked).select(
            LEG_GROUP, *columns[:2], CALL_TYPE, ACCOUNT
        )
        merged = merge_legs(legs.collect()).lazy()
        parts.append(merged.select(START, END, columns[2]))
    live = pl.concat(parts).filter(pl.col(END) > pl.col(START))
    starts, ends = pl.collect_all(
        [live.select(START, "code").sort(START), live.select(END, "code").sort(END)]
    )
    s, e = starts[START].to_numpy(), ends[END].to_numpy()
    value, at = _sorted_peak(s, e)
    s_code, e_code = starts["code"].to_numpy(), ends["code"].to_numpy()
    by_type: dict[str, Peak] = {}
    for index, name in enumerate(CALL_TYPES):
        # A subset of sorted values is sorted: each type's own starts and ends.
        by_type[name] = _time_peak(*_sorted_peak(s[s_code == index], e[e_code == index]))
    mix = dict.fromkeys(CALL_TYPES, 0)
    if at is not None:
        active = (
            live.filter((pl.col(START) <= at) & (pl.col(END) > at)).group_by("code").len().collect()
        )
        for code, count in active.iter_rows():
            mix[CALL_TYPES[int(code)]] = int(count)
    return PeakResult(total=_time_peak(value, at), by_type=by_type, mix=mix)


def _time_peak(value: int, at: int | None) -> Peak:
    return Peak(value, micros_to_datetime(at)) if value and at is not None else Peak(0, None)


def _partitioned_peaks(events: pl.DataFrame, group: pl.Expr) -> pl.DataFrame:
    """Per value of ``group``: the peak ``value`` and the event ``key`` first reaching it.

    A stable sort on the group keeps each group's events in time order; every call adds
    +1 and -1 inside its own group, so each group's events sum to zero and one running
    sum over the whole partitioned list restarts from 0 at every group: it is each
    group's own level, with no window per group.
    """
    level = pl.col(LEVEL)
    return (
        events.select(group.alias("group"), KEY, DELTA)
        .sort("group", maintain_order=True)
        .with_columns(pl.col("group").set_sorted(), pl.col(DELTA).cum_sum().alias(LEVEL))
        .group_by("group")
        .agg(level.max().alias("value"), _first_key_at_max(level).alias(KEY))
    )


def _account_peaks(events: pl.DataFrame, names: list[str]) -> dict[str, PeakSet]:
    """Peak, per-type peaks and the mix at the peak of every account."""
    code = pl.col(ACCOUNT_CODE)
    type_code = pl.col(CALL_TYPE).to_physical().cast(pl.UInt32)
    acc_rows = {c: (v, k) for c, v, k in _partitioned_peaks(events, code).iter_rows()}
    n_types = len(CALL_TYPES)
    type_rows: dict[int, list[tuple[Any, ...]]] = {}
    for combo, value, key in _partitioned_peaks(events, code * n_types + type_code).iter_rows():
        account, ctype = divmod(combo, n_types)
        type_rows.setdefault(account, []).append((CALL_TYPES[ctype], value, key))
    # Mix at each account's peak: the account's events up to its peak key, by type.
    peak_keys = pl.Series([-1] * len(names), dtype=pl.Int64)
    if acc_rows:
        peak_keys = peak_keys.scatter(list(acc_rows), [k for _, k in acc_rows.values()])
    mix_rows = (
        events.filter(pl.col(KEY) <= pl.lit(peak_keys).gather(code))
        .group_by(ACCOUNT_CODE, CALL_TYPE)
        .agg(pl.col(DELTA).sum())
    )
    mixes: dict[int, dict[str, int]] = {}
    for account, ctype, level in mix_rows.iter_rows():
        mixes.setdefault(account, dict.fromkeys(CALL_TYPES, 0))[str(ctype)] = int(level)
    accounts: dict[str, PeakSet] = {}
    for account, name in enumerate(names):
        value, key = acc_rows.get(account, (0, None))
        acc_peak = _peak(value, key)
        accounts[name] = PeakSet(
            total=acc_peak,
            by_type=_by_type(type_rows.get(account, [])),
            mix=mixes.get(account, dict.fromkeys(CALL_TYPES, 0))
            if acc_peak.at
            else dict.fromkeys(CALL_TYPES, 0),
        )
    return accounts
