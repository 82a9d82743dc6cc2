"""Seeded draws of one chunk: start instants on the daily curve, types and statuses,
accounts and durations, from lookup tables built once from :mod:`.mix`."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Final

import numpy as np
import numpy.typing as npt

from ccc_cli.synth.mix import (
    ANSWERED_DURATION,
    BUSY,
    EPOCH,
    LOCAL_TZ,
    MAX_MS,
    MIN_MS,
    NO_ANSWER,
    RING_MS,
    SLOT_US,
    SLOTS_PER_DAY,
    ST_COMPLETED,
    TYPE_SHARE,
    TYPES,
    WEEKEND_FACTOR,
    ZIPF_EXPONENT,
    CodeArray,
    DurationArray,
    FloatArray,
    IntArray,
)
from ccc_cli.synth.plan import GenerateOptions


# --- distributions -------------------------------------------------------------------
def _intraday_weights() -> FloatArray:
    """Relative call volume of each 15-minute slot of a local day (sums to 1).

    A quiet night, ramp-up from 07:00, a morning peak around 10:00, a lunch dip
    (12:00-13:30), an afternoon peak around 15:00 and an evening tail.
    """
    hour = (np.arange(SLOTS_PER_DAY, dtype=np.float64) + 0.5) / 4.0

    def bump(centre: float, width: float) -> FloatArray:
        out: FloatArray = np.exp(-0.5 * ((hour - centre) / width) ** 2)
        return out

    w = 0.015 + 1.00 * bump(10.0, 1.3) + 0.90 * bump(15.0, 1.5) + 0.20 * bump(19.5, 1.5)
    # Lunch dip: most agents are away between 12:00 and 13:30.
    w = np.where((hour >= 12.0) & (hour < 13.5), w * 0.55, w)
    total: FloatArray = w / w.sum()
    return total


_SLOT_WEIGHTS: Final = _intraday_weights()


def _period_start(start: datetime) -> datetime:
    """The local midnight (as a UTC instant) of the local date of ``start``."""
    aware = start if start.tzinfo is not None else start.replace(tzinfo=UTC)
    local = aware.astimezone(LOCAL_TZ)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _day_weights(period_start: datetime, days: int) -> FloatArray:
    """Weight of each local day; Saturdays and Sundays get a fraction of a weekday."""
    first_weekday = period_start.astimezone(LOCAL_TZ).weekday()
    weekday = (first_weekday + np.arange(days)) % 7
    w = np.where(weekday >= 5, WEEKEND_FACTOR, 1.0)
    total: FloatArray = w / w.sum()
    return total


def _account_weights(accounts: int) -> FloatArray:
    w = 1.0 / np.arange(1, accounts + 1, dtype=np.float64) ** ZIPF_EXPONENT
    total: FloatArray = w / w.sum()
    return total


def _lookup_table(p: FloatArray, bits: int) -> npt.NDArray[np.int32]:
    """Table that maps a uniform ``bits``-bit integer to outcome ``i`` with probability ``p[i]``.

    Indexing a small table with one cheap integer draw per row is much faster than
    ``Generator.choice(p=...)`` (float draws plus a binary search) and allocates less.
    Probabilities are quantised to multiples of ``2**-bits``.
    """
    edges = np.cumsum(p) / p.sum() * float(1 << bits)
    code = np.searchsorted(edges, np.arange(1 << bits) + 0.5, side="right")
    out: npt.NDArray[np.int32] = np.minimum(code, len(p) - 1).astype(np.int32)
    return out


def _per_type(values: dict[str, float]) -> FloatArray:
    return np.array([values[t] for t in TYPES], dtype=np.float64)


_TYPE_P: Final = _per_type(TYPE_SHARE)
_NO_ANSWER_P: Final = _per_type(NO_ANSWER)
_BUSY_P: Final = _per_type(BUSY)

# Type and status are drawn together from one 16-bit integer per row: the joint
# outcome (type, status) has probability P(type) * P(status | type).
_JOINT_BITS: Final = 16
_N_STATUS_DRAWN: Final = 3  # completed, no-answer, busy
_JOINT: Final = _lookup_table(
    (
        _TYPE_P[:, None] * np.stack([1.0 - _NO_ANSWER_P - _BUSY_P, _NO_ANSWER_P, _BUSY_P], axis=1)
    ).ravel(),
    _JOINT_BITS,
)
_JOINT_TYPE: Final = (_JOINT // _N_STATUS_DRAWN).astype(np.int8)
_JOINT_STATUS: Final = (_JOINT % _N_STATUS_DRAWN).astype(np.int8)
# float32 halves the memory traffic; durations are rounded to milliseconds anyway.
_LOG_MEDIAN_MS: Final = np.log(
    np.array([ANSWERED_DURATION[t][0] * 1_000 for t in TYPES], dtype=np.float32)
)
_LOG_SIGMA: Final = np.array([ANSWERED_DURATION[t][1] for t in TYPES], dtype=np.float32)

# 20 bits: an account's share is exact to 1e-6; only past ~60k accounts would the
# smallest ones round to no calls at all.
_ACCOUNT_BITS: Final = 20
# Up to this many accounts a 16-bit table (256 KiB, fits in cache) is exact enough.
_FEW_ACCOUNTS: Final = 256


def _account_bits(accounts: int) -> int:
    return 16 if accounts <= _FEW_ACCOUNTS else _ACCOUNT_BITS


@functools.lru_cache(maxsize=8)
def _account_table(accounts: int) -> npt.NDArray[np.int32]:
    table = _lookup_table(_account_weights(accounts), _account_bits(accounts))
    table.flags.writeable = False  # shared through the cache
    return table


class Sampler:
    """Draws of one chunk, all from one seeded generator."""

    def __init__(self, options: GenerateOptions, chunk: int) -> None:
        # (seed, chunk) seeds a SeedSequence: chunks are independent and reproducible
        # on their own, whatever the size of the other chunks.
        self.rng = np.random.default_rng([options.seed, chunk])
        period_start = _period_start(options.start)
        origin_us = (period_start - EPOCH) // timedelta(microseconds=1)
        # Probability and first instant of each (day, 15-minute slot) cell, in time order.
        self.cell_p = np.outer(_day_weights(period_start, options.days), _SLOT_WEIGHTS).ravel()
        self.cell_start_us = origin_us + np.arange(len(self.cell_p), dtype=np.int64) * SLOT_US
        self.account_table = _account_table(options.accounts)

    def sorted_starts(self, n: int) -> IntArray:
        """``n`` start instants (microseconds since the epoch), sorted ascending.

        Cell counts come from one multinomial draw, so the cell of each start is known
        in order; sorting then only reorders offsets within a cell, on almost sorted
        data, which is far cheaper than arg-sorting random instants.
        """
        rng = self.rng
        starts = np.repeat(self.cell_start_us, rng.multinomial(n, self.cell_p))
        starts += rng.integers(0, SLOT_US, size=n, dtype=np.int64)
        starts.sort()
        return starts

    def types_and_statuses(self, n: int) -> tuple[CodeArray, CodeArray]:
        u = self.rng.integers(0, 1 << _JOINT_BITS, size=n, dtype=np.uint16)
        return _JOINT_TYPE[u], _JOINT_STATUS[u]

    def accounts(self, n: int) -> npt.NDArray[np.int32]:
        u = self.rng.integers(0, len(self.account_table), size=n, dtype=np.uint32)
        out: npt.NDArray[np.int32] = self.account_table[u]
        return out

    def durations_ms(self, types: CodeArray, statuses: CodeArray) -> DurationArray:
        """Whole-millisecond durations: lognormal if answered, 5-45 s of ringing if not."""
        rng = self.rng
        z = rng.standard_normal(len(types), dtype=np.float32)
        z *= _LOG_SIGMA[types]
        z += _LOG_MEDIAN_MS[types]
        np.exp(z, out=z)
        np.clip(z, MIN_MS, MAX_MS, out=z)
        out: DurationArray = np.rint(z, out=z).astype(np.int32)
        ringing = np.flatnonzero(statuses != ST_COMPLETED)
        out[ringing] = rng.integers(
            RING_MS[0], RING_MS[1], size=len(ringing), endpoint=True, dtype=np.int32
        )
        return out
