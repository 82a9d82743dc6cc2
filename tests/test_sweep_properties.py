"""Property tests: ``load_frame`` + ``compute_peaks`` against the brute-force oracle.

Times are drawn from a small set of instants (0..20 s after a base) so that ties,
back-to-back calls and zero-length calls are frequent; rows come with legs (by parent id,
grandchildren included, or by group), duplicates, ``REACH_PLAN_LIMIT`` rejections and
invalid rows, in a random order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import oracle
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import TYPES
from polars.testing import assert_frame_equal

from ccc_cli.api import LoadOptions, compute_peaks, load_calls, load_frame
from ccc_cli.engine.sweep import build_events

BASE = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DT = pl.Datetime("us", "UTC")
SCHEMA: dict[str, Any] = {
    "call_id": pl.String,
    "start_time": DT,
    "end_time": DT,
    "duration": pl.Int64,
    "call_type": pl.String,
    "account_id": pl.String,
    "parent_call_id": pl.String,
    "leg_group": pl.String,
    "status": pl.String,
}
LINKS = ("none", "parent", "group")
# Raw type values: every canonical name, case/space variants, unknown and empty.
TYPE_VALUES = (*TYPES, "OTP", " Inbound ", "weird", None)
ACCOUNTS = ("A", "B", "C", None)
STATUSES = (None,) * 6 + ("ANSWERED", "REACH_PLAN_LIMIT", "failed: reach_plan_limit")
MAX_DURATIONS = (86400.0, None, 5.0, 8.0)

fast = settings(max_examples=150, deadline=None)


def at(seconds: int) -> datetime:
    return BASE + timedelta(seconds=seconds)


# --- strategies ------------------------------------------------------------------------


@st.composite
def leg_times(draw: st.DrawFn, with_duration: bool) -> dict[str, Any]:
    """Start/end (or duration) of one row; sometimes zero-length, backwards or missing."""
    start = draw(st.integers(0, 20))
    length = draw(st.integers(-2, 12))
    hole = draw(st.sampled_from((None,) * 10 + ("start", "end")))
    row: dict[str, Any] = {"start_time": at(start), "end_time": at(start + length)}
    if hole == "start":
        row["start_time"] = None
    if hole == "end":
        row["end_time"] = None
    if with_duration:
        if hole is None and draw(st.booleans()):
            # Only a duration: the end is start + duration.
            row["end_time"] = None
            row["duration"] = length
        else:
            # Used only where the end is missing.
            row["duration"] = draw(st.none() | st.integers(-2, 12))
    return row


@st.composite
def cdr_rows(
    draw: st.DrawFn,
    link: str,
    *,
    with_duration: bool = False,
    reuse: bool = True,
    uniform_legs: bool = False,
    shuffle: bool = True,
    max_calls: int = 8,
) -> list[dict[str, Any]]:
    """Input rows of up to ``max_calls`` logical calls, each with 0-3 extra legs.

    ``reuse``: a call may carry an earlier call's id, a grouped leg its first leg's id,
    and a duplicate may differ from its original in type/account (all of which make the
    input order matter). ``uniform_legs``: every leg of a call has its first leg's type
    and account.
    """
    statuses = st.sampled_from(STATUSES)
    rows: list[dict[str, Any]] = []
    for k in range(draw(st.integers(0, max_calls))):
        nominal = f"c{k}"
        cid: str | None = nominal
        if reuse and k and draw(st.integers(0, 7)) == 0:
            cid = f"c{draw(st.integers(0, k - 1))}"
        elif draw(st.integers(0, 11)) == 0:
            cid = None
        ctype = draw(st.sampled_from(TYPE_VALUES))
        account = draw(st.sampled_from(ACCOUNTS))
        n_legs = 0 if link == "none" else draw(st.integers(0, 3))
        group = f"g{k}" if n_legs or draw(st.booleans()) else None
        first: dict[str, Any] = {
            "call_id": cid,
            "call_type": ctype,
            "account_id": account,
            "status": draw(statuses),
            "leg_group": group,
            **draw(leg_times(with_duration)),
        }
        call_rows = [first]
        # Ids the next leg may name as its parent (grandchildren name earlier legs).
        parents = [cid if cid is not None else nominal]
        for j in range(n_legs):
            leg_id = f"{nominal}.{j}"
            same = uniform_legs or draw(st.booleans())
            leg = {
                "call_id": leg_id,
                "call_type": ctype if same else draw(st.sampled_from(TYPE_VALUES)),
                "account_id": account if same else draw(st.sampled_from(ACCOUNTS)),
                "status": draw(statuses),
                **draw(leg_times(with_duration)),
            }
            if link == "parent":
                leg["parent_call_id"] = draw(st.sampled_from(parents))
                if draw(st.integers(0, 7)):
                    parents.append(leg_id)
                else:
                    # A leg without an id still joins its parent's call.
                    leg["call_id"] = None
            else:
                # A leg may share the first leg's call id (then its times decide whether
                # it is a duplicate), and may lack the group value (then it is alone).
                ids = (leg_id, leg_id, cid, None) if reuse else (leg_id, None)
                leg["call_id"] = draw(st.sampled_from(ids))
                leg["leg_group"] = group if draw(st.integers(0, 7)) else None
            call_rows.append(leg)
        if link == "parent" and n_legs and draw(st.integers(0, 7)) == 0:
            # The root row is missing: legs naming the same absent parent are still one call.
            call_rows = call_rows[1:]
        rows.extend(call_rows)
    for _ in range(draw(st.integers(0, 3)) if rows else 0):
        copy = dict(draw(st.sampled_from(rows)))
        if reuse and draw(st.integers(0, 3)) == 0:
            # Same id and times, other attributes: still a duplicate of the first one seen.
            copy["call_type"] = draw(st.sampled_from(TYPE_VALUES))
            copy["account_id"] = draw(st.sampled_from(ACCOUNTS))
        rows.insert(draw(st.integers(0, len(rows))), copy)
    if shuffle:
        rows = list(draw(st.permutations(rows)))
    return rows


@st.composite
def scenarios(draw: st.DrawFn, **kwargs: Any) -> tuple[str, bool, float | None, list[dict]]:
    link = draw(st.sampled_from(LINKS))
    with_duration = draw(st.booleans())
    max_duration = draw(st.sampled_from(MAX_DURATIONS))
    rows = draw(cdr_rows(link, with_duration=with_duration, **kwargs))
    return link, with_duration, max_duration, rows


# --- helpers ---------------------------------------------------------------------------


def make_frame(rows: list[dict[str, Any]], link: str, with_duration: bool) -> pl.DataFrame:
    cols = ["call_id", "start_time", "end_time", "call_type", "account_id", "status"]
    if with_duration:
        cols.append("duration")
    if link == "parent":
        cols.append("parent_call_id")
    if link == "group":
        cols.append("leg_group")
    return pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in cols}, schema={c: SCHEMA[c] for c in cols}
    )


def load_options(link: str, max_duration: float | None = 86400.0) -> LoadOptions:
    columns = {"group": "leg_group"} if link == "group" else {}
    return LoadOptions(columns=columns, max_duration_s=max_duration)


def run_both(
    rows: list[dict[str, Any]], link: str, with_duration: bool, max_duration: float | None
) -> tuple[Any, Any, oracle.OracleResult]:
    callset = load_frame(make_frame(rows, link, with_duration), load_options(link, max_duration))
    result = compute_peaks(callset, by_account=True)
    expected = oracle.run(rows, link=link, max_duration_s=max_duration)
    return callset, result, expected


def view(peak: Any) -> tuple[int, datetime | None]:
    return (peak.value, peak.at)


def package_peaks(result: Any) -> dict[str, Any]:
    """Every peak of a PeakResult as plain tuples (for readable diffs)."""
    assert result.by_account is not None
    return {
        "total": view(result.total),
        "by_type": {t: view(p) for t, p in result.by_type.items()},
        "by_account": {
            acc: (view(ps.total), {t: view(p) for t, p in ps.by_type.items()})
            for acc, ps in result.by_account.items()
        },
    }


def oracle_peaks(expected: oracle.OracleResult) -> dict[str, Any]:
    return {
        "total": view(expected.total),
        "by_type": {t: view(p) for t, p in expected.by_type.items()},
        "by_account": {
            acc: (view(total), {t: view(p) for t, p in types.items()})
            for acc, (total, types) in expected.by_account.items()
        },
    }


def values_only(peaks: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": peaks["total"][0],
        "by_type": {t: v for t, (v, _) in peaks["by_type"].items()},
        "by_account": {
            acc: (total[0], {t: v for t, (v, _) in types.items()})
            for acc, (total, types) in peaks["by_account"].items()
        },
    }


def package_calls(callset: Any) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """The calls of a CallSet as sorted (type, account, sorted legs in us)."""
    calls: dict[int, tuple[str, str, list[tuple[int, int]]]] = {}
    for row in callset.calls.iter_rows(named=True):
        account = row["account"] if row["account"] is not None else oracle.NO_ACCOUNT
        entry = calls.setdefault(row["leg_group"], (row["call_type"], account, []))
        assert entry[:2] == (row["call_type"], account), "legs of one call disagree"
        entry[2].append((oracle.to_us(row["start"]), oracle.to_us(row["end"])))
    return sorted((t, a, sorted(legs)) for t, a, legs in calls.values())


def oracle_calls(expected: oracle.OracleResult) -> list[tuple[str, str, list[tuple[int, int]]]]:
    return sorted((c.call_type, c.account, sorted(c.legs)) for c in expected.calls)


# --- properties ------------------------------------------------------------------------


@fast
@given(scenarios())
def test_peaks_equal_oracle(scenario: tuple[str, bool, float | None, list[dict]]) -> None:
    """Every peak value and first instant (total, per type, per account x type)."""
    link, with_duration, max_duration, rows = scenario
    _, result, expected = run_both(rows, link, with_duration, max_duration)
    assert package_peaks(result) == oracle_peaks(expected)


@fast
@given(scenarios())
def test_peak_only_path_equals_oracle_and_the_event_sweep(
    scenario: tuple[str, bool, float | None, list[dict]],
) -> None:
    """Without accounts ``compute_peaks`` takes the sorted-starts/ends path (no event
    list): every value, first instant and the mix equal the oracle and the event sweep."""
    link, with_duration, max_duration, rows = scenario
    callset, _, expected = run_both(rows, link, with_duration, max_duration)
    fast_path = compute_peaks(callset)
    swept = compute_peaks(callset, events=build_events(callset, by_account=False))
    for result in (fast_path, swept):
        assert view(result.total) == view(expected.total)
        assert {t: view(p) for t, p in result.by_type.items()} == {
            t: view(p) for t, p in expected.by_type.items()
        }
        assert dict(result.mix) == expected.mix_at(expected.total.at)


@fast
@given(scenarios())
def test_mix_is_the_per_type_level_at_the_peak(
    scenario: tuple[str, bool, float | None, list[dict]],
) -> None:
    """``mix``: calls per type active at the first instant of the peak; sums to the peak."""
    link, with_duration, max_duration, rows = scenario
    _, result, expected = run_both(rows, link, with_duration, max_duration)
    assert dict(result.mix) == expected.mix_at(expected.total.at)
    assert sum(result.mix.values()) == result.total.value
    assert result.by_account is not None
    for acc, peak_set in result.by_account.items():
        assert dict(peak_set.mix) == expected.mix_at(peak_set.total.at, acc), acc
        assert sum(peak_set.mix.values()) == peak_set.total.value, acc


@fast
@given(scenarios())
def test_row_accounting_and_calls_equal_oracle(
    scenario: tuple[str, bool, float | None, list[dict]],
) -> None:
    """Buckets, invalid reasons, reused ids, linking and the call partition itself."""
    link, with_duration, max_duration, rows = scenario
    callset, _, expected = run_both(rows, link, with_duration, max_duration)
    acc = callset.accounting.as_dict()
    assert acc == expected.accounting
    buckets = ("used", "duplicates", "merged_legs", "plan_limit_rejected", "invalid")
    assert sum(acc[b] for b in buckets) == acc["read"] == len(rows)
    assert sum(acc["invalid_reasons"].values()) == acc["invalid"] == callset.invalid.height
    assert callset.rejected.height == acc["plan_limit_rejected"]
    assert callset.calls.height == acc["used"] + acc["merged_legs"]
    assert callset.reused_call_ids == expected.reused_call_ids
    assert callset.linked == expected.linked
    assert package_calls(callset) == oracle_calls(expected)


@fast
@given(st.data(), st.sampled_from(LINKS), st.booleans())
def test_shuffling_rows_keeps_peak_values(data: st.DataObject, link: str, uniform: bool) -> None:
    """Input order only breaks ties between rows; without such ties the values stay.

    No reused ids and exact duplicates only; with ``uniform`` legs (legs share their
    call's type and account) every value is order-free, otherwise the total is.
    """
    rows = data.draw(cdr_rows(link, reuse=False, uniform_legs=uniform))
    shuffled = data.draw(st.permutations(rows))
    before = values_only(package_peaks(run_both(rows, link, False, 86400.0)[1]))
    after = values_only(package_peaks(run_both(shuffled, link, False, 86400.0)[1]))
    if uniform:
        assert after == before
    else:
        assert after["total"] == before["total"]


@fast
@given(scenarios())
def test_peak_bounds_and_level_decomposition(
    scenario: tuple[str, bool, float | None, list[dict]],
) -> None:
    """Peak <= calls; max per type <= total <= sum per type; same for accounts; the
    level at every instant is the sum of the per-type and of the per-account levels."""
    link, with_duration, max_duration, rows = scenario
    callset, result, expected = run_both(rows, link, with_duration, max_duration)
    assert result.by_account is not None
    calls = callset.accounting.used
    type_values = [p.value for p in result.by_type.values()]
    assert set(result.by_type) == set(TYPES)
    assert result.total.value <= calls
    assert max(type_values) <= result.total.value <= sum(type_values)
    acc_values = [ps.total.value for ps in result.by_account.values()]
    if acc_values:
        assert max(acc_values) <= result.total.value <= sum(acc_values)
    for peak_set in result.by_account.values():
        inner = [p.value for p in peak_set.by_type.values()]
        assert max(inner) <= peak_set.total.value <= sum(inner)
    assert (result.total.at is None) == (result.total.value == 0)
    accounts = {c.account for c in expected.calls}
    for t in expected.instants():
        level = expected.level(t)
        assert level == sum(expected.level(t, lambda c, k=k: c.call_type == k) for k in TYPES)
        assert level == sum(expected.level(t, lambda c, a=a: c.account == a) for a in accounts)
        assert level <= result.total.value


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenarios(max_calls=6), st.sampled_from(("csv", "parquet")))
def test_csv_and_parquet_load_like_the_frame(
    tmp_path: Path, scenario: tuple[str, bool, float | None, list[dict]], fmt: str
) -> None:
    """The same rows written to a file and read back give the same calls and peaks."""
    link, with_duration, max_duration, rows = scenario
    frame = make_frame(rows, link, with_duration)
    options = load_options(link, max_duration)
    path = tmp_path / f"calls.{fmt}"
    if fmt == "csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    from_frame = load_frame(frame, options)
    from_file = load_calls([path], options)
    file_calls = from_file.calls
    if fmt == "csv":
        # A text file numbers rows by line: the header is line 1.
        file_calls = file_calls.with_columns(pl.col("source_row") - 1)
    assert_frame_equal(file_calls.drop("source_file"), from_frame.calls.drop("source_file"))
    assert from_file.accounting == from_frame.accounting
    assert package_peaks(compute_peaks(from_file, by_account=True)) == package_peaks(
        compute_peaks(from_frame, by_account=True)
    )


@st.composite
def parent_forest(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Up to 3 trees of up to 40 legs, often long chains, in a random order."""
    rows: list[dict[str, Any]] = []
    for k in range(draw(st.integers(1, 3))):
        for i in range(draw(st.integers(1, 40))):
            # Mostly the previous leg (deep chains), sometimes any earlier one.
            up = None if i == 0 else draw(st.sampled_from((i - 1, i - 1, 0, i // 2)))
            start = draw(st.integers(0, 20))
            rows.append(
                {
                    "call_id": f"t{k}.{i}",
                    "parent_call_id": None if up is None else f"t{k}.{up}",
                    "start_time": at(start),
                    "end_time": at(start + draw(st.integers(0, 4))),
                    "call_type": draw(st.sampled_from(TYPE_VALUES)),
                    "account_id": draw(st.sampled_from(ACCOUNTS)),
                }
            )
    return list(draw(st.permutations(rows)))


@settings(max_examples=40, deadline=None)
@given(parent_forest())
def test_parent_chains_of_any_depth(rows: list[dict[str, Any]]) -> None:
    """Every leg of a tree joins its root's call, however deep the chain."""
    callset, result, expected = run_both(rows, "parent", False, 86400.0)
    assert callset.accounting.as_dict() == expected.accounting
    assert package_calls(callset) == oracle_calls(expected)
    assert package_peaks(result) == oracle_peaks(expected)


@pytest.mark.parametrize("link", LINKS)
def test_no_rows_at_all(link: str) -> None:
    """An empty frame (columns only) loads and peaks at 0, like the oracle says."""
    _, result, expected = run_both([], link, False, 86400.0)
    assert package_peaks(result) == oracle_peaks(expected)
    assert result.total == type(result.total)(0, None)
