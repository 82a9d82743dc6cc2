"""What to generate (:class:`GenerateOptions`), what was written (:class:`GenerateSummary`)
and how many rows of each kind every chunk holds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ccc_cli.errors import UsageError
from ccc_cli.synth.ids import MAX_ROWS
from ccc_cli.synth.mix import DUPLICATE_SHARE, INVALID_SHARE, LEGS_PER_CALL, PLAN_LIMIT_SHARE


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    """What to generate.

    Attributes
    ----------
    rows
        Total rows written, every kind included (calls, forwarded legs, plan-limit
        rejections, invalid rows and duplicates).
    days
        Length of the period in local days.
    seed
        Seed of the random generators; the same options give the same table.
    start
        First local midnight of the period. Any instant is accepted and floored to the
        local (UTC+7) midnight of its local date, so both ``2026-01-05T00:00Z`` and
        ``2026-01-04T17:00Z`` mean "from Monday 2026-01-05, local time". A naive
        datetime is taken as UTC.
    accounts
        Number of customer accounts, ``acc-01`` .. ``acc-NN``, sized by a Zipf law.
    chunk_rows
        Rows per generated chunk (memory bound when writing large tables).
    clean
        Only valid, single-leg calls: no forwarded legs, ``REACH_PLAN_LIMIT``, invalid
        or duplicate rows, so that every row is one call. Tools that do not merge legs,
        drop duplicates or skip invalid rows then count the same calls as ccc (the
        benchmark compares ccc with such baselines on these files).
    """

    rows: int = 10_000
    days: int = 7
    seed: int = 0
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)
    accounts: int = 6
    chunk_rows: int = 2_000_000
    clean: bool = False


@dataclass(frozen=True, slots=True)
class GenerateSummary:
    """Counts of what :func:`write_generated` wrote; the row kinds sum to ``rows``.

    Attributes
    ----------
    path
        The file written.
    rows
        Total rows.
    calls
        Base calls with a normal status (completed, no-answer, busy) and valid times.
    forwarded_legs
        Second legs of forwarded inbound calls (``parent_call_id`` set).
    plan_limit_rows
        ``REACH_PLAN_LIMIT`` rejections (no end).
    invalid_rows
        Rows with a missing end or an end before the start.
    duplicate_rows
        Exact copies of earlier calls.
    """

    path: Path
    rows: int
    calls: int
    forwarded_legs: int
    plan_limit_rows: int
    invalid_rows: int
    duplicate_rows: int
    # invalid_rows by the reason ccc gives them: no end (nor duration), or an end 5 s
    # before the start.
    missing_end_rows: int = 0
    end_before_start_rows: int = 0


@dataclass(frozen=True, slots=True)
class ChunkPlan:
    """Exact row counts of one chunk, fixed by its size alone (not by the seed)."""

    index: int
    rows: int
    calls: int
    legs: int
    plan_limit: int
    invalid: int
    duplicates: int


def round_half_up(x: float) -> int:
    """Round half up (Python's ``round`` rounds half to even, which is harder to reason about)."""
    return math.floor(x + 0.5)


def _plan_chunk(index: int, rows: int, *, clean: bool = False) -> ChunkPlan:
    """Split ``rows`` into row kinds so that they add up exactly (all calls if ``clean``)."""
    if clean:
        return ChunkPlan(index, rows, rows, 0, 0, 0, 0)
    plan_limit = round_half_up(rows * PLAN_LIMIT_SHARE)
    invalid = round_half_up(rows * INVALID_SHARE)
    duplicates = round_half_up(rows * DUPLICATE_SHARE)
    remaining = rows - plan_limit - invalid - duplicates
    # calls + legs == remaining with legs ~= calls * 0.45 * 0.06. Inbound calls (~45% of
    # the calls) outnumber the legs (~2.6%) by far; pick_parents still copes if a tiny
    # chunk draws too few of them.
    legs = round_half_up(remaining * LEGS_PER_CALL / (1.0 + LEGS_PER_CALL))
    calls = remaining - legs
    return ChunkPlan(index, rows, calls, legs, plan_limit, invalid, duplicates)


def plan_chunks(options: GenerateOptions) -> list[ChunkPlan]:
    validate(options)
    n_chunks = -(-options.rows // options.chunk_rows)
    return [
        _plan_chunk(
            k,
            min(options.chunk_rows, options.rows - k * options.chunk_rows),
            clean=options.clean,
        )
        for k in range(n_chunks)
    ]


def validate(options: GenerateOptions) -> None:
    checks = (
        (0 <= options.rows <= MAX_ROWS, "rows", options.rows, f"use 0 to {MAX_ROWS} rows"),
        (options.days >= 1, "days", options.days, "use 1 or more days"),
        (options.accounts >= 1, "accounts", options.accounts, "use 1 or more accounts"),
        (options.chunk_rows >= 1, "chunk_rows", options.chunk_rows, "use a positive chunk size"),
        (options.seed >= 0, "seed", options.seed, "use a non-negative seed"),
    )
    for ok, name, value, hint in checks:
        if not ok:
            raise UsageError(f"invalid {name} for generate: {value}", hint=hint)
