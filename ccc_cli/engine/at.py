"""One instant under the microscope: what was active at T, and what happened around it.

Support's drill-down for a ``REACH_PLAN_LIMIT`` complaint ("at 10:32:05 you had 7 calls:
2 inbound, 1 outbound, 1 internal, 3 OTP, on a plan of 7"). The rules are the sweep's:

* a leg is active at T when ``start <= T < end`` (half-open: a leg ending at T is over,
  one starting at T counts); a call is active while any of its legs is, and counts once,
  with its own type and account (its first leg's);
* the level at T is the number of active calls, the level the system held from T on
  (the same value the sweep gives after every event of instant T);
* a call arriving at T is rejected when the level is already at the limit.

Only the calls near T are looked at: every leg of every call with a leg overlapping the
minute buckets of the window, so the answer costs a filter of the table, not a sweep of
all of it, and equals what the whole table gives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import polars as pl

from ccc_cli.engine.series import BUCKET_START, TOTAL, bucket_bounds, compute_series, parse_every
from ccc_cli.engine.sweep import NO_ACCOUNT, activity_intervals
from ccc_cli.errors import UsageError
from ccc_cli.normalize.callset import CallSet
from ccc_cli.schema import (
    ACCOUNT,
    ANSWER,
    CALL_ID,
    CALL_TYPE,
    CALL_TYPES,
    END,
    FIELD_ANSWER,
    LEG_GROUP,
    SOURCE_FILE,
    START,
    TIME_DTYPE,
)

TALKING: Final = "talking"
RINGING: Final = "ringing"
LEGS: Final = "legs"
# The ids of a call's legs, first leg first (a forwarded hotline call: the inbound
# record, then the leg to the agent's phone).
LEG_IDS: Final = "leg_ids"
STATE: Final = "state"
LEVEL: Final = "level"
AROUND_EVERY: Final = "1m"
AROUND_COLUMNS: Final = (BUCKET_START, f"{TOTAL}_max", f"{TOTAL}_mean", f"{TOTAL}_starts")
# A drill-down, not a report of the whole log: a day either side at most.
MAX_WINDOW_S: Final = 86_400
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Snapshot:
    """The calls active at one instant and the minutes around it.

    Attributes
    ----------
    at
        The instant (UTC).
    tz
        The callset's zone, for display.
    window_s
        Half-width of the window around ``at``, in seconds.
    account
        The account looked at (``"(none)"``: rows without one); ``None``: every call.
    level
        Calls active at ``at`` (of ``account`` when given).
    by_type
        Active calls per call type (all six types present).
    calls
        One row per active call, sorted by start, then call id: ``call_id`` (its first
        leg's), ``call_type``, ``account`` (null when the rows have none), ``start``
        (first leg start), ``end`` (last leg end), ``legs``, ``state`` (``"talking"``: a
        leg was answered by ``at``; ``"ringing"``: its legs have an answer column but
        none was answered by then; null: no answer column).
    around
        The one-minute series over ``[at - window, at + window)``: ``bucket_start``
        (in ``tz``), ``total_max``, ``total_mean``, ``total_starts``.
    observed_rejections
        ``REACH_PLAN_LIMIT`` rows starting in ``[at - window, at + window]``, by start:
        ``call_id``, ``start``, ``call_type``, ``account`` and ``level``, the level at
        their start instant (of ``account`` when given).
    has_answer
        Whether any input file has an answer column.
    limit, headroom, would_reject
        With a plan limit: ``limit - level``, and whether a call arriving at ``at``
        would have been rejected (``level >= limit``); otherwise ``None``.
    """

    at: datetime
    tz: str
    window_s: int
    account: str | None
    level: int
    by_type: Mapping[str, int]
    calls: pl.DataFrame
    around: pl.DataFrame
    observed_rejections: pl.DataFrame
    has_answer: bool
    limit: int | None = None
    headroom: int | None = None
    would_reject: bool | None = None


def snapshot(
    callset: CallSet,
    *,
    at: datetime,
    window_s: int = 600,
    limit: int | None = None,
    account: str | None = None,
) -> Snapshot:
    """What was active at ``at`` (see the module docstring for the rules).

    ``at`` without a zone is a wall time in ``callset.tz``. ``account`` narrows
    everything to one account (``"(none)"`` for rows without one); an account the data
    does not hold is a usage error naming the known ones. ``limit`` adds the plan's
    headroom at ``at``.
    """
    if not 1 <= window_s <= MAX_WINDOW_S:
        raise UsageError(f"bad --window: {window_s} s", hint="give 1s to 24h either side of --time")
    if limit is not None and limit < 1:
        raise UsageError(f"bad --limit {limit}", hint="a plan allows at least 1 call")
    tz = callset.tz
    at_utc = (at if at.tzinfo is not None else at.replace(tzinfo=ZoneInfo(tz))).astimezone(UTC)
    t = _micros(at_utc)
    w = window_s * 1_000_000
    every = parse_every(AROUND_EVERY)
    bounds = bucket_bounds(t - w, t + w - 1, every, tz)
    lo, hi = int(bounds[0]), int(bounds[-1])

    near = _near(callset.calls, lo, hi)
    rejected = callset.rejected
    if account is not None:
        _check_account(callset, account)
        near = near.filter(_account_is(account))
        rejected = rejected.filter(_account_is(account))
    local = dataclasses.replace(callset, calls=near)

    answered_files = [f.label for f in callset.files if f.mapping.column(FIELD_ANSWER) is not None]
    calls = _active_calls(near, t, answered_files)
    counts = dict.fromkeys(CALL_TYPES, 0)
    for ctype, n in calls.group_by(CALL_TYPE).len().iter_rows():
        counts[str(ctype)] = int(n)

    series = compute_series(
        local,
        every=every,
        start=at_utc - timedelta(seconds=window_s),
        end=at_utc + timedelta(seconds=window_s),
    )
    level = calls.height
    return Snapshot(
        at=at_utc,
        tz=tz,
        window_s=window_s,
        account=account,
        level=level,
        by_type=counts,
        calls=calls,
        around=series.frame.select(AROUND_COLUMNS),
        observed_rejections=_rejections(local, rejected, t - w, t + w),
        has_answer=bool(answered_files),
        limit=limit,
        headroom=None if limit is None else limit - level,
        would_reject=None if limit is None else level >= limit,
    )


def _micros(value: datetime) -> int:
    return (value - _EPOCH) // timedelta(microseconds=1)


def _us(column: str) -> pl.Expr:
    return pl.col(column).dt.epoch("us")


def _account_is(account: str) -> pl.Expr:
    return pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT) == account


def known_accounts(callset: CallSet) -> list[str]:
    """Sorted account names of the calls and the rejected rows (``(none)``: no account)."""
    names = pl.concat(
        [
            f.select(pl.col(ACCOUNT).unique().cast(pl.String))
            for f in (callset.calls, callset.rejected)
        ]
    )[ACCOUNT]
    return sorted(names.fill_null(NO_ACCOUNT).unique().to_list())


def _check_account(callset: CallSet, account: str) -> None:
    known = known_accounts(callset)
    if account in known:
        return
    shown = ", ".join(known[:20]) + (f", ... ({len(known)} in all)" if len(known) > 20 else "")
    raise UsageError(
        f"unknown account {account!r}",
        hint=f"known accounts: {shown}" if known else "the data holds no calls",
    )


def _near(calls: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """Every leg of the calls with a leg touching ``[lo, hi]`` (microseconds).

    Whole calls are kept, so a call's first start (its ``*_starts`` bucket) and its union
    of legs are the same as in the full table; ``hi`` is included so that the level at
    an instant equal to ``hi`` is still exact.
    """
    touching = (_us(START) <= hi) & (_us(END) >= lo)
    groups = calls.filter(touching).select(LEG_GROUP).unique()
    return calls.join(groups, on=LEG_GROUP, how="semi", maintain_order="left")


def _active_calls(near: pl.DataFrame, t: int, answered_files: list[str]) -> pl.DataFrame:
    """One row per call with a leg active at ``t`` (see :class:`Snapshot`)."""
    active = near.filter((_us(START) <= t) & (_us(END) > t)).select(LEG_GROUP).unique()
    legs = near.join(active, on=LEG_GROUP, how="semi", maintain_order="left")
    # First leg: earliest start, then input order (the rule that gave the call its type
    # and account); a stable sort keeps the input order of equal starts.
    answered = pl.col(ANSWER).is_not_null() & (_us(ANSWER) <= t)
    with_answer_column = pl.col(SOURCE_FILE).cast(pl.String).is_in(answered_files)
    per_call = (
        legs.sort(START, maintain_order=True)
        .group_by(LEG_GROUP, maintain_order=True)
        .agg(
            pl.col(CALL_ID).first(),
            pl.col(CALL_TYPE).first(),
            pl.col(ACCOUNT).first().cast(pl.String),
            pl.col(START).min(),
            pl.col(END).max(),
            pl.len().cast(pl.Int64).alias(LEGS),
            pl.col(CALL_ID).alias(LEG_IDS),
            answered.any().alias("__talking"),
            with_answer_column.any().alias("__ringing"),
        )
    )
    state = (
        pl.when(pl.col("__talking"))
        .then(pl.lit(TALKING))
        .when(pl.col("__ringing"))
        .then(pl.lit(RINGING))
        .otherwise(pl.lit(None, pl.String))
        .alias(STATE)
    )
    return per_call.select(CALL_ID, CALL_TYPE, ACCOUNT, START, END, LEGS, LEG_IDS, state).sort(
        START, CALL_ID, nulls_last=True, maintain_order=True
    )


def _rejections(local: CallSet, rejected: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """Rejected rows starting in ``[lo, hi]`` with the level of ``local`` at their start."""
    rows = (
        rejected.filter(_us(START).is_between(lo, hi, closed="both"))
        .sort(START, maintain_order=True)
        .select(
            CALL_ID,
            pl.col(START).cast(TIME_DTYPE),
            CALL_TYPE,
            pl.col(ACCOUNT).cast(pl.String),
        )
    )
    # The level at s is the number of activity intervals with start <= s < end: a
    # binary search in the sorted starts and in the sorted ends of the intervals.
    intervals = pl.concat(
        [
            f.select(START, END).filter(pl.col(END) > pl.col(START))
            for f in activity_intervals(local.calls, linked_groups=local.linked_groups)
        ]
    )
    starts = intervals[START].sort()
    ends = intervals[END].sort()
    at = rows[START].dt.epoch("us")
    level = starts.search_sorted(at, side="right").cast(pl.Int64) - ends.search_sorted(
        at, side="right"
    ).cast(pl.Int64)
    return rows.with_columns(level.alias(LEVEL))
