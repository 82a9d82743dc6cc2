"""Everything a plan limit says about a log: intervals at capacity and over the limit,
the admission replay, and the check of the REACH_PLAN_LIMIT rows the log itself holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from ccc_cli.engine.capacity import Intervals, capacity_intervals, prepare_levels
from ccc_cli.engine.limits import Limits
from ccc_cli.engine.replay import ReplayResult, replay
from ccc_cli.engine.series import GROUP, Levels, level_at
from ccc_cli.engine.sweep import NO_ACCOUNT
from ccc_cli.normalize.callset import CallSet
from ccc_cli.schema import ACCOUNT, CALL_ID, CALL_TYPE, START

JUSTIFIED: Final = "justified"
UNEXPECTED: Final = "unexpected"
NO_LIMIT: Final = "no_limit"
NO_TIME: Final = "no_time"


@dataclass(frozen=True)
class Observed:
    """The log's own REACH_PLAN_LIMIT rows, each checked against the reconstructed level
    at its start: ``justified`` (level >= limit then), ``unexpected`` (level < limit: a
    support case worth escalating), ``no_limit`` (its account has none) or ``no_time``
    (no readable start)."""

    rows: pl.DataFrame  # call_id, start, call_type, account, level, limit, verdict

    def count(self, verdict: str | None = None) -> int:
        if verdict is None:
            return self.rows.height
        return int((self.rows["verdict"] == verdict).sum())


@dataclass(frozen=True)
class Breaches:
    """The result of ``ccc breaches``."""

    limits: Limits
    capacity: Intervals
    over: Intervals
    replay: ReplayResult
    observed: Observed

    @property
    def breached(self) -> bool:
        """Whether the limit would have rejected at least one call."""
        return self.replay.rejected_calls > 0


def compute_breaches(callset: CallSet, limits: Limits) -> Breaches:
    """Intervals, replay and observed rejections of ``callset`` against ``limits``."""
    prepared = prepare_levels(callset, limits)
    return Breaches(
        limits=limits,
        capacity=capacity_intervals(callset, limits, prepared=prepared),
        over=capacity_intervals(callset, limits, over=True, prepared=prepared),
        replay=replay(callset, limits),
        observed=_observed(callset, limits, prepared.total, prepared.names),
    )


def _observed(callset: CallSet, limits: Limits, total: Levels, names: list[str]) -> Observed:
    rows = callset.rejected.select(
        CALL_ID,
        pl.col(START),
        pl.col(CALL_TYPE).cast(pl.String),
        pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT).alias(ACCOUNT),
    )
    if rows.height == 0:
        # No REACH_PLAN_LIMIT row in the log: nothing to judge (and nothing to map).
        empty = {"level": pl.Int64, "limit": pl.Int64, "verdict": pl.String}
        return Observed(rows.with_columns(pl.lit(None, d).alias(c) for c, d in empty.items()))
    if limits.by_account:
        code = {n: i for i, n in enumerate(names)}
        group = rows[ACCOUNT].replace_strict(code, default=-1, return_dtype=pl.Int64)
        limit = rows[ACCOUNT].replace_strict(
            {n: limits.for_account(n) for n in set(rows[ACCOUNT].to_list())},
            return_dtype=pl.Int64,
        )
    else:
        group = pl.zeros(rows.height, dtype=pl.Int64, eager=True)
        limit = pl.repeat(limits.total, rows.height, dtype=pl.Int64, eager=True)
    when = rows[START].dt.epoch("us")
    level = level_at(total, group.alias(GROUP), when.fill_null(0))["level"]
    level = pl.select(
        pl.when(pl.lit(when).is_null()).then(None).otherwise(pl.lit(level))
    ).to_series()
    verdict = pl.select(
        pl.when(pl.lit(when).is_null())
        .then(pl.lit(NO_TIME))
        .when(pl.lit(limit).is_null())
        .then(pl.lit(NO_LIMIT))
        .when(pl.lit(level) >= pl.lit(limit))
        .then(pl.lit(JUSTIFIED))
        .otherwise(pl.lit(UNEXPECTED))
    ).to_series()
    return Observed(
        rows.with_columns(level.alias("level"), limit.alias("limit"), verdict.alias("verdict"))
    )
