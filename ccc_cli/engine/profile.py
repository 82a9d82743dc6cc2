"""A profile of the canonical call table, for ``ccc inspect``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from ccc_cli.normalize.callset import CallSet
from ccc_cli.schema import ACCOUNT, CALL_TYPE, CALL_TYPES, END, LEG_GROUP, START, STATUS

_TOP = 10


@dataclass(frozen=True, slots=True)
class CallProfile:
    """Counts and ranges of the calls that occupied capacity."""

    calls: int
    legs: int
    first_start: datetime | None
    last_end: datetime | None
    calls_by_type: dict[str, int]
    accounts: int
    top_accounts: list[tuple[str | None, int]]
    multi_leg_calls: int
    max_legs: int
    zero_length_legs: int
    statuses: list[tuple[str | None, int]]
    duration_s: dict[str, float | None]


def profile_calls(callset: CallSet) -> CallProfile:
    """Summarise ``callset.calls`` (one vectorised pass per figure)."""
    calls = callset.calls
    # One row per call: its first leg carries the call's type and account.
    per_call = calls.group_by(LEG_GROUP).agg(
        pl.col(CALL_TYPE).first(), pl.col(ACCOUNT).first(), pl.len().alias("legs")
    )
    by_type = dict.fromkeys(CALL_TYPES, 0)
    for ctype, n in per_call.group_by(CALL_TYPE).len().iter_rows():
        by_type[str(ctype)] = n
    accounts = per_call.group_by(ACCOUNT).len().sort(["len", ACCOUNT], descending=[True, False])
    statuses = calls.group_by(STATUS).len().sort(["len", STATUS], descending=[True, False])
    seconds = (pl.col(END) - pl.col(START)).dt.total_microseconds() / 1e6
    stats = calls.select(
        pl.col(START).min().alias("first"),
        pl.col(END).max().alias("last"),
        (pl.col(END) == pl.col(START)).sum().alias("zero"),
        seconds.quantile(0.5, "nearest").alias("p50"),
        seconds.quantile(0.9, "nearest").alias("p90"),
        seconds.max().alias("max"),
    ).row(0, named=True)
    multi = per_call.filter(pl.col("legs") > 1)
    return CallProfile(
        calls=per_call.height,
        legs=calls.height,
        first_start=stats["first"],
        last_end=stats["last"],
        calls_by_type=by_type,
        accounts=accounts.height,
        top_accounts=[(a, n) for a, n in accounts.head(_TOP).iter_rows()],
        multi_leg_calls=multi.height,
        max_legs=int(multi["legs"].max()) if multi.height else (1 if calls.height else 0),  # type: ignore[arg-type]
        zero_length_legs=int(stats["zero"] or 0),
        statuses=[(s, n) for s, n in statuses.head(_TOP).iter_rows()],
        duration_s={k: stats[k] for k in ("p50", "p90", "max")},
    )
