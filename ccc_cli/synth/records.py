"""The rows of one chunk as column arrays: calls, plan-limit rejections, invalid rows and
the second legs of forwarded calls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccc_cli.synth.mix import (
    GAP_LEG_SHARE,
    INBOUND,
    MAX_MS,
    MIN_MS,
    OUTBOUND,
    ST_COMPLETED,
    ST_PLAN,
    US_PER_S,
    BoolArray,
    CodeArray,
    DurationArray,
    IntArray,
)
from ccc_cli.synth.plan import ChunkPlan
from ccc_cli.synth.sampler import Sampler


@dataclass(slots=True)
class Records:
    """Column arrays of generated rows, one entry per row, sorted by start."""

    start_us: IntArray
    duration_ms: DurationArray  # end = start + duration; meaningless where not has_end
    has_end: BoolArray
    call_type: CodeArray
    account: npt.NDArray[np.int32]
    status: CodeArray


def base_records(s: Sampler, plan: ChunkPlan) -> tuple[Records, BoolArray]:
    """Calls, plan-limit rejections and invalid rows, sorted by start.

    Returns the records and the mask of normal calls (neither rejected nor invalid).
    """
    rng = s.rng
    n = plan.calls + plan.plan_limit + plan.invalid
    # Starts are drawn sorted and every other attribute independently of them, so
    # pairing them position by position is a random pairing: no shuffle needed.
    start_us = s.sorted_starts(n)
    call_type, status = s.types_and_statuses(n)
    account = s.accounts(n)

    special = rng.choice(n, size=plan.plan_limit + plan.invalid, replace=False)
    rejected = special[: plan.plan_limit]
    invalid = special[plan.plan_limit :]
    # Invalid rows keep a normal status: half end 5 s before they start, half have no end.
    backwards = invalid[: plan.invalid - plan.invalid // 2]
    no_end = invalid[plan.invalid - plan.invalid // 2 :]
    status[invalid] = ST_COMPLETED
    status[rejected] = ST_PLAN

    duration_ms = s.durations_ms(call_type, status)
    duration_ms[backwards] = -5_000
    has_end = np.ones(n, dtype=np.bool_)
    has_end[rejected] = False
    has_end[no_end] = False
    normal = np.ones(n, dtype=np.bool_)
    normal[special] = False
    records = Records(start_us, duration_ms, has_end, call_type, account, status)
    return records, normal


def pick_parents(s: Sampler, base: Records, normal: BoolArray, legs: int) -> IntArray:
    """Indices (ascending) of ``legs`` distinct normal inbound calls, answered ones first."""
    rng = s.rng
    answered_inbound = np.flatnonzero(
        normal & (base.call_type == INBOUND) & (base.status == ST_COMPLETED)
    )
    if len(answered_inbound) >= legs:
        picked = answered_inbound[rng.choice(len(answered_inbound), size=legs, replace=False)]
    else:
        # Only in tiny chunks with unlucky draws: rank every call, answered inbound
        # first, then other inbound, then other normal calls, which become inbound.
        key = (
            rng.random(len(normal))
            + (base.status != ST_COMPLETED)
            + 2.0 * (base.call_type != INBOUND)
            + 4.0 * ~normal
        )
        picked = np.argsort(key, kind="stable")[:legs]
        base.call_type[picked] = INBOUND
    out: IntArray = np.sort(picked)
    return out


def forwarded_legs(s: Sampler, base: Records, parent: IntArray) -> tuple[Records, IntArray]:
    """Second legs of the forwarded calls ``parent``, sorted by start, and their parents."""
    rng = s.rng
    n = len(parent)
    p_start = base.start_us[parent]
    p_dur_us = base.duration_ms[parent].astype(np.int64) * 1_000
    p_end = p_start + p_dur_us

    # Overlapping legs start 3-30 s into the parent, but always before it ends.
    hi_us = np.clip(p_dur_us - US_PER_S, 3 * US_PER_S, 30 * US_PER_S)
    offset = 3 * US_PER_S + (rng.random(n) * (hi_us - 3 * US_PER_S)).astype(np.int64)
    offset = np.where(offset < p_dur_us, offset, p_dur_us // 2)
    # ... and end between 5 s before and 10 s after the parent's end.
    end_target = p_end + rng.integers(-5 * US_PER_S, 10 * US_PER_S, size=n, endpoint=True)

    # About 10% start 1-20 s after the parent ended: "legs with a gap".
    gap = rng.random(n) < GAP_LEG_SHARE
    gap_start = p_end + rng.integers(US_PER_S, 20 * US_PER_S, size=n, endpoint=True)
    gap_len = np.exp(np.log(60.0) + 0.8 * rng.standard_normal(n)) * US_PER_S

    start_us = np.where(gap, gap_start, p_start + offset)
    end_us = np.where(gap, gap_start + gap_len.astype(np.int64), end_target)
    # Whole milliseconds, at least 1 s: a leg ends after it starts.
    duration_ms = np.clip((end_us - start_us) // 1_000, MIN_MS, MAX_MS).astype(np.int32)

    order = np.argsort(start_us, kind="stable")
    legs = Records(
        start_us=start_us[order],
        duration_ms=duration_ms[order],
        has_end=np.ones(n, dtype=np.bool_),
        call_type=np.full(n, OUTBOUND, dtype=np.int8),
        account=base.account[parent][order],
        status=np.full(n, ST_COMPLETED, dtype=np.int8),
    )
    return legs, parent[order]
