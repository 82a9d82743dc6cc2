"""Property tests: ``compute_series`` against a brute-force bucket oracle.

The oracle below is plain Python and shares nothing with ``ccc_cli`` but the call
partition of ``tests/oracle.py`` (legs linked into calls). For a bucket ``[b, b_next)``:

* ``max``: the level (calls with a leg ``s <= t < e``) at ``b`` and at every event
  instant inside the bucket, the largest of them;
* ``mean``: the step function integrated exactly over ``[b, b_next)`` (integer
  microseconds), divided by the bucket's length;
* ``starts``: calls whose first leg starts in ``[b, b_next)`` (zero-length ones too).

Bucket boundaries come from ``zoneinfo``: every wall time that is a multiple of the width
after local midnight, read with both folds where it occurs twice, and read with ``fold=0``
(shifted by the gap) where it does not exist.

Times are ``base`` + multiples of 15 s (sometimes +-1 us or +0.5 s), so ties, calls ending
on bucket edges and zero-length calls are frequent. The bases sit on interesting local
times: 23:55 in Ho Chi Minh City (its local midnight is 17:00 UTC) and minutes before the
2026 daylight-saving changes of New York.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import oracle
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import TYPES, Call

from ccc_cli.api import LoadOptions, compute_peaks, load_frame
from ccc_cli.engine.series import compute_series, parse_every

US_PER_S = 1_000_000
STEP_US = 15 * US_PER_S
N_STEPS = 40
# Mostly exact multiples of 15 s; sometimes just off a bucket edge.
JITTER_US = (0,) * 10 + (-1, 1, 500_000)
LENGTH_STEPS = (0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 8, 12, 20, 40)
LEG_GAPS_US = (0, 0, 1, STEP_US, 2 * STEP_US, 4 * STEP_US)
EVERY = ("10s", "30s", "1m", "2m", "5m", "15m", "45m", "1h", "2h", "1d")
TYPE_VALUES = (*TYPES, "weird", None)
ACCOUNTS = ("A", "B", "C", None)
DT = pl.Datetime("us", "UTC")
SCHEMA: dict[str, Any] = {
    "call_id": pl.String,
    "start_time": DT,
    "end_time": DT,
    "call_type": pl.String,
    "account_id": pl.String,
    "parent_call_id": pl.String,
}

HCM_BASE = datetime(2024, 3, 1, 16, 55, tzinfo=UTC)  # 23:55 in Ho Chi Minh City (+07)
ZONES: dict[str, tuple[str, datetime]] = {
    "utc": ("UTC", HCM_BASE),
    "hcm": ("Asia/Ho_Chi_Minh", HCM_BASE),
    # 01:55 EDT; at 06:00 UTC the clocks go back from 02:00 EDT to 01:00 EST.
    "ny-fall": ("America/New_York", datetime(2026, 11, 1, 5, 55, tzinfo=UTC)),
    # 01:55 EST; at 07:00 UTC the clocks jump from 02:00 EST to 03:00 EDT.
    "ny-spring": ("America/New_York", datetime(2026, 3, 8, 6, 55, tzinfo=UTC)),
}

fast = settings(max_examples=45, deadline=None)


# --- strategies ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    tz: str
    base_us: int
    every: str
    rows: list[dict[str, Any]]

    @property
    def width_s(self) -> int:
        return parse_every(self.every).seconds


def instant(draw: st.DrawFn, base_us: int, lo: int = 0, hi: int = N_STEPS) -> int:
    return base_us + draw(st.integers(lo, hi)) * STEP_US + draw(st.sampled_from(JITTER_US))


def length(draw: st.DrawFn) -> int:
    return max(0, draw(st.sampled_from(LENGTH_STEPS)) * STEP_US + draw(st.sampled_from(JITTER_US)))


@st.composite
def cdr_rows(draw: st.DrawFn, base_us: int, max_calls: int = 8) -> list[dict[str, Any]]:
    """Up to ``max_calls`` calls, each with 0-3 extra legs linked by parent id (often
    chained, with gaps between legs), in a random order."""
    rows: list[dict[str, Any]] = []
    for k in range(draw(st.integers(0, max_calls))):
        start = instant(draw, base_us)
        end = start + length(draw)
        first = {
            "call_id": f"c{k}",
            "start_time": oracle.from_us(start),
            "end_time": oracle.from_us(end),
            "call_type": draw(st.sampled_from(TYPE_VALUES)),
            "account_id": draw(st.sampled_from(ACCOUNTS)),
            "parent_call_id": None,
        }
        rows.append(first)
        ids = [f"c{k}"]
        for j in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                start = end + draw(st.sampled_from(LEG_GAPS_US))  # after the previous leg
            else:
                start = instant(draw, base_us)  # anywhere: overlapping, or even first
            end = start + length(draw)
            leg_id = f"c{k}.{j}"
            rows.append(
                {
                    "call_id": leg_id,
                    "start_time": oracle.from_us(start),
                    "end_time": oracle.from_us(end),
                    # The loader gives every leg its call's (first leg's) type and account.
                    "call_type": draw(st.sampled_from(TYPE_VALUES)),
                    "account_id": draw(st.sampled_from(ACCOUNTS)),
                    "parent_call_id": draw(st.sampled_from(ids)),
                }
            )
            ids.append(leg_id)
    return list(draw(st.permutations(rows)))


@st.composite
def scenarios(draw: st.DrawFn, zones: Iterable[str] = tuple(ZONES)) -> Scenario:
    tz, base = ZONES[draw(st.sampled_from(tuple(zones)))]
    base_us = oracle.to_us(base)
    every = draw(st.sampled_from(EVERY))
    return Scenario(tz, base_us, every, draw(cdr_rows(base_us)))


# --- the oracle ------------------------------------------------------------------------


def wall_seconds(us: int, zone: ZoneInfo) -> int:
    """Local wall time of a UTC instant, as naive seconds since 1970-01-01 00:00."""
    wall = oracle.from_us(us).astimezone(zone).replace(tzinfo=None)
    return (wall - datetime(1970, 1, 1)) // timedelta(seconds=1)


def boundaries(tz: str, width_s: int, lo_us: int, hi_us: int) -> list[int]:
    """Every bucket boundary (UTC us) with local wall time near [lo_us, hi_us].

    Local midnight + k * width: as the width divides a day, these are exactly the naive
    wall times whose seconds since 1970-01-01 are a multiple of the width.
    """
    zone = ZoneInfo(tz)
    margin = width_s + 3 * 3600
    first = (wall_seconds(lo_us, zone) - margin) // width_s * width_s
    last = wall_seconds(hi_us, zone) + margin
    found: set[int] = set()
    for label in range(first, last + 1, width_s):
        wall = datetime(1970, 1, 1) + timedelta(seconds=label)
        readings = [
            aware
            for fold in (0, 1)
            if (aware := wall.replace(tzinfo=zone, fold=fold))
            .astimezone(UTC)
            .astimezone(zone)
            .replace(tzinfo=None)
            == wall
        ]
        if not readings:
            # A wall time in a gap: zoneinfo's fold=0 reads it with the offset before the
            # gap, i.e. moves it forward by the gap (02:00 EST -> 03:00 EDT).
            readings = [wall.replace(tzinfo=zone)]
        found.update(oracle.to_us(r) for r in readings)
    return sorted(found)


def bucket_list(tz: str, width_s: int, lo_us: int, hi_us: int) -> list[tuple[int, int]]:
    """The buckets ``[b, b_next)`` from the one holding ``lo_us`` to the one holding
    ``hi_us`` (both included)."""
    if hi_us < lo_us:
        return []
    bounds = boundaries(tz, width_s, lo_us, hi_us)
    i0 = bisect_right(bounds, lo_us) - 1
    i1 = bisect_right(bounds, hi_us) - 1
    assert 0 <= i0 <= i1 < len(bounds) - 1
    return [(bounds[i], bounds[i + 1]) for i in range(i0, i1 + 1)]


def first_start(call: Call) -> int:
    return min(s for s, _ in call.legs)


def data_range(calls: list[Call]) -> tuple[int, int] | None:
    """First call start and last end instant (zero-length calls included)."""
    if not calls:
        return None
    return min(map(first_start, calls)), max(e for c in calls for _, e in c.legs)


def present_types(calls: list[Call]) -> list[str]:
    return [t for t in TYPES if any(c.call_type == t for c in calls)]


def level(calls: list[Call], t: int) -> int:
    return sum(1 for c in calls if c.active_at(t))


def call_us(call: Call, lo: int | None = None, hi: int | None = None) -> int:
    """Microseconds of [lo, hi) during which ``call`` has an active leg (union of legs)."""
    cuts = sorted({t for s, e in call.legs for t in (s, e)})
    return sum(
        t1 - t0
        for t0, t1 in pairwise(cuts)
        if (lo is None or t0 >= lo) and (hi is None or t1 <= hi) and call.active_at(t0)
    )


def oracle_bucket(
    calls: list[Call], types: list[str], b: int, b_next: int, *, with_peak: bool
) -> dict[str, Any]:
    """One bucket's row, computed by counting."""
    events = sorted({t for c in calls for s, e in c.legs for t in (s, e) if b <= t < b_next})
    candidates = [b, *(t for t in events if t > b)]  # ascending
    row: dict[str, Any] = {"bucket_start": b}
    groups = [("total", calls)] + [(t, [c for c in calls if c.call_type == t]) for t in types]
    for name, sel in groups:
        levels = [level(sel, t) for t in candidates]
        row[f"{name}_max"] = max(levels)
        # The level is constant between consecutive candidates (and up to b_next).
        cuts = [*candidates, b_next]
        area = sum(n * (t1 - t0) for n, t0, t1 in zip(levels, cuts, cuts[1:], strict=False))
        row[f"{name}_mean"] = area / (b_next - b)
        row[f"{name}_starts"] = sum(1 for c in sel if b <= first_start(c) < b_next)
    if with_peak:
        at = next(t for t in candidates if level(calls, t) == row["total_max"])
        row["peak_at"] = at
        for t in types:
            row[f"{t}_at_peak"] = level([c for c in calls if c.call_type == t], at)
    return row


def oracle_series(
    calls: list[Call], types: list[str], buckets: list[tuple[int, int]], *, with_peak: bool
) -> list[dict[str, Any]]:
    return [oracle_bucket(calls, types, b, bn, with_peak=with_peak) for b, bn in buckets]


def expected_columns(types: list[str], *, by_account: bool, with_peak: bool) -> list[str]:
    cols = ["bucket_start", *(["account_id"] if by_account else [])]
    for c in ("total", *types):
        cols += [f"{c}_max", f"{c}_mean", f"{c}_starts"]
    if with_peak:
        cols += ["peak_at", *(f"{t}_at_peak" for t in types)]
    return cols


# --- helpers ---------------------------------------------------------------------------


def load(scenario: Scenario) -> tuple[Any, list[Call]]:
    rows = scenario.rows
    frame = pl.DataFrame({c: [r[c] for r in rows] for c in SCHEMA}, schema=SCHEMA)
    callset = load_frame(frame, LoadOptions(tz=scenario.tz))
    calls = oracle.run(rows, link="parent").calls
    return callset, calls


def series(callset: Any, scenario: Scenario, **kwargs: Any) -> pl.DataFrame:
    return compute_series(callset, every=parse_every(scenario.every), **kwargs).frame


def frame_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows with instants as UTC microseconds."""
    out = []
    for row in frame.iter_rows(named=True):
        for key in ("bucket_start", "peak_at"):
            if key in row:
                row[key] = oracle.to_us(row[key])
        out.append(row)
    return out


def assert_rows_equal(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Integers and instants exactly, means to a relative 1e-9."""

    def exact(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if not k.endswith("_mean")} for r in rows]

    assert exact(got) == exact(expected)
    for g, e in zip(got, expected, strict=True):
        for key in (k for k in e if k.endswith("_mean")):
            assert math.isclose(g[key], e[key], rel_tol=1e-9), (e["bucket_start"], key, g, e)


def check_dtypes(frame: pl.DataFrame, tz: str) -> None:
    assert frame.schema["bucket_start"] == pl.Datetime("us", tz)
    if "peak_at" in frame.columns:
        assert frame.schema["peak_at"] == pl.Datetime("us", "UTC")


def by_name(frame: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Rows of a by-account frame per account (order kept), without ``account_id``."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in frame_rows(frame):
        out.setdefault(row.pop("account_id"), []).append(row)
    return out


# --- properties ------------------------------------------------------------------------


@fast
@given(scenarios(), st.booleans())
def test_every_bucket_equals_oracle(scenario: Scenario, with_peak: bool) -> None:
    """(a) Bucket list, column list and every value of every bucket."""
    callset, calls = load(scenario)
    frame = series(callset, scenario, with_peak_instant=with_peak)
    types = present_types(calls)
    assert frame.columns == expected_columns(types, by_account=False, with_peak=with_peak)
    check_dtypes(frame, scenario.tz)
    span = data_range(calls)
    buckets = [] if span is None else bucket_list(scenario.tz, scenario.width_s, *span)
    expected = oracle_series(calls, types, buckets, with_peak=with_peak)
    assert_rows_equal(frame_rows(frame), expected)


@fast
@given(scenarios())
def test_series_max_is_the_peak(scenario: Scenario) -> None:
    """(b) The buckets cover the data, so the highest bucket max is the peak (per type too)."""
    callset, _ = load(scenario)
    result = compute_series(callset, every=parse_every(scenario.every))
    peaks = compute_peaks(callset)
    frame = result.frame
    assert (frame["total_max"].max() or 0) == peaks.total.value
    for t in TYPES:
        if t in result.types:
            assert frame[f"{t}_max"].max() == peaks.by_type[t].value, t
        else:
            assert peaks.by_type[t].value == 0, t


@fast
@given(scenarios())
def test_means_integrate_to_call_seconds(scenario: Scenario) -> None:
    """(c) Sum of mean x bucket length = call time inside the covered range (= all of it),
    overall and per type; starts add up to the number of calls."""
    callset, calls = load(scenario)
    frame = series(callset, scenario)
    span = data_range(calls)
    buckets = [] if span is None else bucket_list(scenario.tz, scenario.width_s, *span)
    assert [oracle.to_us(b) for b in frame["bucket_start"]] == [b for b, _ in buckets]
    widths = [bn - b for b, bn in buckets]
    lo, hi = (buckets[0][0], buckets[-1][1]) if buckets else (0, 0)
    for name in ("total", *present_types(calls)):
        sel = [c for c in calls if name in ("total", c.call_type)]
        integral = sum(m * w for m, w in zip(frame[f"{name}_mean"], widths, strict=True))
        expected = sum(call_us(c, lo, hi) for c in sel)
        assert expected == sum(call_us(c) for c in sel)  # the range covers every call
        assert math.isclose(integral, expected, rel_tol=1e-9, abs_tol=1e-6), name
        assert frame[f"{name}_starts"].sum() == len(sel), name


@fast
@given(scenarios(), st.booleans())
def test_by_account_equals_oracle_per_account(scenario: Scenario, with_peak: bool) -> None:
    """(d) Each account's rows are the oracle on that account's calls, over the buckets of
    the whole data; per bucket, accounts add up to the total (starts and means)."""
    callset, calls = load(scenario)
    frame = series(callset, scenario, by_account=True, with_peak_instant=with_peak)
    types = present_types(calls)
    assert frame.columns == expected_columns(types, by_account=True, with_peak=with_peak)
    check_dtypes(frame, scenario.tz)
    span = data_range(calls)
    buckets = [] if span is None else bucket_list(scenario.tz, scenario.width_s, *span)
    per_account = by_name(frame)
    accounts = sorted({c.account for c in calls})
    assert list(per_account) == accounts
    for acc in accounts:
        mine = [c for c in calls if c.account == acc]
        expected = oracle_series(mine, types, buckets, with_peak=with_peak)
        assert_rows_equal(per_account[acc], expected)

    total = frame_rows(series(callset, scenario))
    for i, row in enumerate(total):
        parts = [rows[i] for rows in per_account.values()]
        assert all(p["bucket_start"] == row["bucket_start"] for p in parts)
        for name in ("total", *types):
            assert sum(p[f"{name}_starts"] for p in parts) == row[f"{name}_starts"]
            assert math.isclose(
                sum(p[f"{name}_mean"] for p in parts), row[f"{name}_mean"], rel_tol=1e-9
            )
            assert max(p[f"{name}_max"] for p in parts) <= row[f"{name}_max"]
            assert row[f"{name}_max"] <= sum(p[f"{name}_max"] for p in parts)


@st.composite
def windows(draw: st.DrawFn) -> tuple[Scenario, int | None, int | None]:
    scenario = draw(scenarios())
    lo, hi = -2 * N_STEPS, 3 * N_STEPS  # also well before and after the data
    start = instant(draw, scenario.base_us, lo, hi) if draw(st.booleans()) else None
    end = instant(draw, scenario.base_us, lo, hi) if draw(st.booleans()) else None
    return scenario, start, end


@fast
@given(windows())
def test_start_end_window(window: tuple[Scenario, int | None, int | None]) -> None:
    """(e) ``start``/``end``: the buckets overlapping ``[start, end)`` (a missing bound is
    the data's own: first call start, last end instant), valued as in the whole series;
    calls begun before ``start`` still count."""
    scenario, start, end = window
    callset, calls = load(scenario)
    zone = ZoneInfo(scenario.tz)  # aware bounds in the callset's zone
    frame = series(
        callset,
        scenario,
        start=None if start is None else oracle.from_us(start).astimezone(zone),
        end=None if end is None else oracle.from_us(end).astimezone(zone),
    )
    types = present_types(calls)
    span = data_range(calls)
    lo = start if start is not None else (span[0] if span else None)
    # The bucket holding the last end instant is included: the window runs to just past it.
    hi = end if end is not None else (span[1] + 1 if span else None)
    buckets: list[tuple[int, int]] = []
    if lo is not None and hi is not None:
        buckets = bucket_list(scenario.tz, scenario.width_s, lo, hi - 1)
        assert all(b < hi and bn > lo for b, bn in buckets)
    got = frame_rows(frame)
    assert_rows_equal(got, oracle_series(calls, types, buckets, with_peak=False))

    # Against the unrestricted series: its buckets overlapping the window are exactly the
    # ones shown, with the same values; buckets beyond it (a window reaching past the
    # data) are empty.
    whole = {r["bucket_start"]: r for r in frame_rows(series(callset, scenario))}
    whole_buckets = [] if span is None else bucket_list(scenario.tz, scenario.width_s, *span)
    assert list(whole) == [b for b, _ in whole_buckets]
    empty = lo is None or hi is None or lo >= hi
    overlapping = [] if empty else [b for b, bn in whole_buckets if bn > lo and b < hi]  # type: ignore[operator]
    assert [r["bucket_start"] for r in got if r["bucket_start"] in whole] == overlapping
    for row in got:
        if row["bucket_start"] in whole:
            assert_rows_equal([row], [whole[row["bucket_start"]]])
        else:
            assert all(v == 0 for k, v in row.items() if k != "bucket_start"), row


@fast
@given(scenarios())
def test_peak_instant(scenario: Scenario) -> None:
    """(f) ``peak_at``: in its bucket, the level there is ``total_max``, no earlier
    instant of the bucket reaches it, and the ``<type>_at_peak`` add up to it."""
    callset, calls = load(scenario)
    result = compute_series(callset, every=parse_every(scenario.every), with_peak_instant=True)
    span = data_range(calls)
    buckets = [] if span is None else bucket_list(scenario.tz, scenario.width_s, *span)
    rows = frame_rows(result.frame)
    assert len(rows) == len(buckets)
    events = sorted({t for c in calls for s, e in c.legs for t in (s, e)})
    for row, (b, b_next) in zip(rows, buckets, strict=True):
        at = row["peak_at"]
        assert b <= at < b_next, row
        assert level(calls, at) == row["total_max"], row
        earlier = [b, *(t for t in events if b < t < at)]
        assert all(level(calls, t) < row["total_max"] for t in earlier if t < at), row
        assert sum(row[f"{t}_at_peak"] for t in result.types) == row["total_max"], row
        for t in result.types:
            assert row[f"{t}_at_peak"] == level([c for c in calls if c.call_type == t], at)


@pytest.mark.parametrize("by_account", [False, True])
@pytest.mark.parametrize("with_peak", [False, True])
def test_no_calls_no_buckets(by_account: bool, with_peak: bool) -> None:
    frame = pl.DataFrame({c: [] for c in SCHEMA}, schema=SCHEMA)
    callset = load_frame(frame, LoadOptions(tz="Asia/Ho_Chi_Minh"))
    result = compute_series(
        callset, every=parse_every("1m"), by_account=by_account, with_peak_instant=with_peak
    )
    assert result.frame.height == 0
    assert result.frame.columns == expected_columns([], by_account=by_account, with_peak=with_peak)
    check_dtypes(result.frame, "Asia/Ho_Chi_Minh")


# --- hand-built edge cases -------------------------------------------------------------


def at_s(seconds: int) -> datetime:
    return datetime(2024, 3, 1, 12, 0, tzinfo=UTC) + timedelta(seconds=seconds)


def hand_built(calls: list[tuple[int, int, str, str]]) -> Scenario:
    """(start s, end s, type, account) after 2024-03-01 12:00 UTC, one leg each; 1m buckets."""
    rows = [
        {
            "call_id": f"c{i}",
            "start_time": at_s(s),
            "end_time": at_s(e),
            "call_type": t,
            "account_id": a,
            "parent_call_id": None,
        }
        for i, (s, e, t, a) in enumerate(calls)
    ]
    return Scenario("UTC", oracle.to_us(at_s(0)), "1m", rows)


ZERO_LENGTH_CASES = {
    # One zero-length call at 12:00:00: one bucket [12:00, 12:01) with level 0 and 1 start.
    "only-zero-length": [(0, 0, "inbound", "A")],
    # inbound [12:00:00, 12:00:30) and a zero-length otp call at 12:00:10: the otp columns
    # are there (otp is present) with max 0, mean 0.0 and 1 start.
    "type-with-only-zero-length": [(0, 30, "inbound", "A"), (10, 10, "otp", "B")],
}


@pytest.mark.parametrize("case", list(ZERO_LENGTH_CASES))
@pytest.mark.parametrize("by_account", [False, True])
@pytest.mark.parametrize("with_peak", [False, True])
def test_zero_length_calls_count_as_starts_only(
    case: str, by_account: bool, with_peak: bool
) -> None:
    scenario = hand_built(ZERO_LENGTH_CASES[case])
    callset, calls = load(scenario)
    frame = series(callset, scenario, by_account=by_account, with_peak_instant=with_peak)
    types = present_types(calls)
    assert frame.columns == expected_columns(types, by_account=by_account, with_peak=with_peak)
    buckets = bucket_list("UTC", 60, *data_range(calls))  # type: ignore[misc]
    assert buckets == [(oracle.to_us(at_s(0)), oracle.to_us(at_s(60)))]
    if by_account:
        got = by_name(frame)
        assert list(got) == sorted({c.account for c in calls})
        for acc, rows in got.items():
            mine = [c for c in calls if c.account == acc]
            assert_rows_equal(rows, oracle_series(mine, types, buckets, with_peak=with_peak))
    else:
        expected = oracle_series(calls, types, buckets, with_peak=with_peak)
        assert_rows_equal(frame_rows(frame), expected)
        assert frame["otp_starts" if "otp" in types else "inbound_starts"].to_list() == [1]


@pytest.mark.parametrize("by_account", [False, True])
def test_window_without_calls_gives_empty_buckets(by_account: bool) -> None:
    # No calls, window [12:00:00, 12:00:15) in 10s buckets: the two buckets overlapping it,
    # [12:00:00, 12:00:10) and [12:00:10, 12:00:20), with nothing in them (only the total
    # columns: no type is present). By account there is no account, hence no row.
    frame = pl.DataFrame({c: [] for c in SCHEMA}, schema=SCHEMA)
    callset = load_frame(frame, LoadOptions())
    result = compute_series(
        callset, every=parse_every("10s"), by_account=by_account, start=at_s(0), end=at_s(15)
    )
    assert result.frame.columns == expected_columns([], by_account=by_account, with_peak=False)
    if by_account:
        assert result.frame.height == 0
    else:
        assert frame_rows(result.frame) == [
            {
                "bucket_start": oracle.to_us(at_s(s)),
                "total_max": 0,
                "total_mean": 0.0,
                "total_starts": 0,
            }
            for s in (0, 10)
        ]
