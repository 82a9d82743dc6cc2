"""Legs of one call: the connected rows, linked by group values and parent ids.

Two rows are legs of one call when they share a group value, when one names the other's
call id as its parent, or when both name the same parent id (even one no row carries);
a call is every row reachable through such links. Parent cycles are one call, with a
note. Unit tests on hand-built frames, then a Hypothesis property test against a plain
Python union-find written below.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import combinations
from typing import Any
from unittest import mock

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_cli.api import compute_peaks, load_frame
from ccc_cli.errors import UsageError
from ccc_cli.normalize import parse
from ccc_cli.normalize.callset import CallSet
from ccc_cli.normalize.mapping import ColumnMapping, FieldSource, resolve_columns
from ccc_cli.options import LoadOptions

BASE = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
DT = pl.Datetime("us", "UTC")
SCHEMA: dict[str, Any] = {
    "call_id": pl.String,
    "parent_call_id": pl.String,
    "leg_group": pl.String,
    "start_time": DT,
    "end_time": DT,
    "status": pl.String,
}
CYCLE_NOTE = "parent cycle(s)"


def at(seconds: int) -> datetime:
    return BASE + timedelta(seconds=seconds)


Row = tuple[str | None, str | None, str | None, int, int]  # id, parent, group, start s, end s


def frame(rows: Sequence[Row], statuses: Sequence[str | None] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "call_id": [r[0] for r in rows],
            "parent_call_id": [r[1] for r in rows],
            "leg_group": [r[2] for r in rows],
            "start_time": [at(r[3]) for r in rows],
            "end_time": [at(r[4]) for r in rows],
            "status": list(statuses) if statuses is not None else [None] * len(rows),
        },
        schema=SCHEMA,
    )


def _with_group_column(columns: Sequence[str], explicit: Any, **kwargs: Any) -> ColumnMapping:
    mapping = resolve_columns(columns, explicit, **kwargs)
    if mapping.column("group") is not None or "leg_group" not in columns:
        return mapping
    return ColumnMapping(
        {**mapping.fields, "group": FieldSource("group", "leg_group", "kept by the test")}
    )


def load(rows: Sequence[Row], statuses: Sequence[str | None] | None = None) -> CallSet:
    """Load ``rows`` linked by both their group values and their parent ids.

    ``LoadOptions`` does not accept --group-col with --parent-col yet, and the column
    resolver drops a group column found beside a parent column (another change lifts
    both); until then the resolver is wrapped so that the group column stays.
    """
    data = frame(rows, statuses)
    try:
        options = LoadOptions(columns={"group": "leg_group", "parent": "parent_call_id"})
    except UsageError:
        with mock.patch.object(parse, "resolve_columns", _with_group_column):
            return load_frame(data, LoadOptions(columns={"parent": "parent_call_id"}))
    return load_frame(data, options)


def calls_of(cs: CallSet) -> set[frozenset[int]]:
    """The partition of source rows (1-based) into calls."""
    by_call = cs.calls.group_by("leg_group").agg(pl.col("source_row"))
    return {frozenset(rows) for rows in by_call["source_row"].to_list()}


def cycle_notes(cs: CallSet) -> list[str]:
    return [n for n in cs.notes if CYCLE_NOTE in n]


def check_numbering(cs: CallSet) -> None:
    """Multi-leg calls are numbered below linked_groups, every number 0..used-1 is used."""
    sizes = cs.calls.group_by("leg_group").len()
    multi = sizes.filter(pl.col("len") > 1)["leg_group"]
    single = sizes.filter(pl.col("len") == 1)["leg_group"]
    assert (multi < cs.linked_groups).all()
    assert (single >= cs.linked_groups).all()
    assert cs.linked_groups == multi.len()
    assert sorted(sizes["leg_group"].to_list()) == list(range(cs.accounting.used))


# --- cycles ------------------------------------------------------------------------------
def test_two_cycle_is_one_call_with_a_note() -> None:
    # a names b and b names a: one call over [0,20). x [1,30) is another call. Peak 2
    # (as two separate calls a, b and x would reach 3 during [5,10)).
    cs = load([("a", "b", None, 0, 10), ("b", "a", None, 5, 20), ("x", None, None, 1, 30)])
    assert calls_of(cs) == {frozenset({1, 2}), frozenset({3})}
    assert (cs.accounting.used, cs.accounting.merged_legs) == (2, 1)
    assert compute_peaks(cs).total.value == 2
    assert cycle_notes(cs) == [
        "2 rows form 1 parent cycle(s) (e.g. <frame>, row 1: a → b → a); "
        "each cycle is counted as one call"
    ]
    check_numbering(cs)


def test_three_cycle_is_one_call() -> None:
    # a -> b -> c -> a; legs [0,10), [5,15), [12,20): one call covering [0,20). z [0,20)
    # runs beside it: peak 2 (three separate calls would reach 3 during [5,10)).
    cs = load(
        [
            ("z", None, None, 0, 20),
            ("a", "b", None, 0, 10),
            ("b", "c", None, 5, 15),
            ("c", "a", None, 12, 20),
        ]
    )
    assert calls_of(cs) == {frozenset({1}), frozenset({2, 3, 4})}
    assert compute_peaks(cs).total.value == 2
    assert cycle_notes(cs) == [
        "3 rows form 1 parent cycle(s) (e.g. <frame>, row 2: a → b → c → a); "
        "each cycle is counted as one call"
    ]


def test_ring_of_100_legs_is_one_call() -> None:
    # r_i names r_{i+1}, r99 names r0. Leg r_i runs [i, i+2): each overlaps the next, so
    # the union is [0,101) and the level is 1 throughout; 100 separate calls would peak at 2.
    rows = [(f"r{i}", f"r{(i + 1) % 100}", None, i, i + 2) for i in range(100)]
    cs = load(rows)
    assert (cs.accounting.used, cs.accounting.merged_legs) == (1, 99)
    assert compute_peaks(cs).total.value == 1
    assert cycle_notes(cs) == [
        "100 rows form 1 parent cycle(s) (e.g. <frame>, row 1: r0 → r1 → r2 → r3 → … → r0); "
        "each cycle is counted as one call"
    ]
    check_numbering(cs)


def test_chain_into_a_cycle_is_one_call_and_only_the_cycle_is_noted() -> None:
    # u -> t -> a -> b -> a: t and u lead into the cycle {a, b}. One call of 4 legs; the
    # note counts the 2 rows on the cycle, with a (row 3) as the first of them.
    cs = load(
        [
            ("u", "t", None, 0, 5),
            ("t", "a", None, 3, 8),
            ("a", "b", None, 10, 15),
            ("b", "a", None, 12, 20),
            ("x", None, None, 0, 1),
        ]
    )
    assert calls_of(cs) == {frozenset({1, 2, 3, 4}), frozenset({5})}
    assert cycle_notes(cs) == [
        "2 rows form 1 parent cycle(s) (e.g. <frame>, row 3: a → b → a); "
        "each cycle is counted as one call"
    ]


def test_several_cycles_are_counted() -> None:
    # Two 2-cycles and a 3-cycle: 7 rows on 3 cycles, 3 calls; the example is the first
    # row on a cycle in input order (row 1: p -> q -> r -> p).
    cs = load(
        [
            ("p", "q", None, 0, 1),
            ("a", "b", None, 0, 1),
            ("b", "a", None, 0, 1),
            ("q", "r", None, 0, 1),
            ("c", "d", None, 0, 1),
            ("d", "c", None, 0, 1),
            ("r", "p", None, 0, 1),
        ]
    )
    assert calls_of(cs) == {frozenset({1, 4, 7}), frozenset({2, 3}), frozenset({5, 6})}
    assert cycle_notes(cs) == [
        "7 rows form 3 parent cycle(s) (e.g. <frame>, row 1: p → q → r → p); "
        "each cycle is counted as one call"
    ]


def test_self_parent_is_a_first_leg_not_a_cycle() -> None:
    # a names itself: it is a first leg (some exports mark the root that way), alone a
    # call of its own; c names a and joins it. No cycle note.
    alone = load([("a", "a", None, 0, 10), ("b", None, None, 0, 10)])
    assert calls_of(alone) == {frozenset({1}), frozenset({2})}
    assert not alone.linked
    assert cycle_notes(alone) == []
    named = load([("a", "a", None, 0, 10), ("c", "a", None, 5, 20)])
    assert calls_of(named) == {frozenset({1, 2})}
    assert cycle_notes(named) == []
    check_numbering(named)


# --- combined links ----------------------------------------------------------------------
def test_a_parent_joins_two_groups() -> None:
    # Group G1 = {x, y} over [0,10), group G2 = {z, w} over [5,15); w also names x as its
    # parent, which joins the two groups: one call over [0,15), peak 1 (with "a group
    # value wins" w stays in G2 and the peak is 2). v names the missing id "m" and shares
    # G3 with nothing else: a call of its own.
    cs = load(
        [
            ("x", None, "G1", 0, 10),
            ("y", None, "G1", 2, 8),
            ("z", None, "G2", 5, 15),
            ("w", "x", "G2", 6, 12),
            ("v", "m", "G3", 30, 40),
        ]
    )
    assert calls_of(cs) == {frozenset({1, 2, 3, 4}), frozenset({5})}
    assert (cs.accounting.used, cs.accounting.merged_legs) == (2, 3)
    assert compute_peaks(cs).total.value == 1
    check_numbering(cs)


def test_a_group_joins_two_parent_trees() -> None:
    # b names a, d names c; b and d share group G: {a, b, c, d} is one call. e and f both
    # name the missing id "m": one call. g shares a call id with a, at other times, and
    # nobody names it... but b names "a", so every row carrying id "a" joins: g too.
    cs = load(
        [
            ("a", None, None, 0, 10),
            ("b", "a", "G", 1, 10),
            ("c", None, None, 0, 10),
            ("d", "c", "G", 1, 10),
            ("e", "m", None, 0, 10),
            ("f", "m", None, 20, 30),
            ("a", None, None, 50, 60),
        ]
    )
    assert calls_of(cs) == {frozenset({1, 2, 3, 4, 7}), frozenset({5, 6})}
    assert cs.reused_call_ids == 0
    check_numbering(cs)


def test_reused_ids_stay_separate_unless_named() -> None:
    # Two rows carry id "a" at different times and nobody names "a": two calls, one
    # reused id. Once c names "a", both rows are legs of c's call.
    apart = load([("a", None, None, 0, 10), ("a", None, None, 20, 30), ("b", "q", None, 0, 5)])
    assert calls_of(apart) == {frozenset({1}), frozenset({2}), frozenset({3})}
    assert apart.reused_call_ids == 1
    named = load([("a", None, None, 0, 10), ("a", None, None, 20, 30), ("c", "a", None, 5, 25)])
    assert calls_of(named) == {frozenset({1, 2, 3})}
    assert named.reused_call_ids == 0


def test_duplicates_are_dropped_before_linking() -> None:
    # Row 2 repeats row 1 (same id and times): a duplicate, which links nothing even
    # though its group differs. Row 3 shares G with row 2 only: a call of its own.
    cs = load([("a", None, None, 0, 10), ("a", None, "G", 0, 10), ("b", None, "G", 0, 10)])
    assert cs.accounting.duplicates == 1
    assert calls_of(cs) == {frozenset({1}), frozenset({3})}


def test_long_chain_is_one_call() -> None:
    # c_i names c_{i-1} for 10,000 rows given in reverse: one call; legs [i, i+1) touch,
    # so the level is 1 from 0 to 10,000 s.
    n = 10_000
    rows = [(f"c{i}", f"c{i - 1}" if i else None, None, i, i + 1) for i in reversed(range(n))]
    cs = load(rows)
    assert (cs.accounting.used, cs.accounting.merged_legs) == (1, n - 1)
    assert cs.linked_groups == 1
    assert compute_peaks(cs).total.value == 1
    assert cycle_notes(cs) == []


def test_long_chain_closed_into_a_ring() -> None:
    # The same chain with c0 naming the last row: one cycle of 10,000 rows.
    n = 10_000
    rows = [(f"c{i}", f"c{(i - 1) % n}", None, i, i + 1) for i in range(n)]
    cs = load(rows)
    assert cs.accounting.used == 1
    assert cycle_notes(cs) == [
        f"{n} rows form 1 parent cycle(s) (e.g. <frame>, row 1: c0 → c9999 → c9998 → c9997 "
        "→ … → c0); each cycle is counted as one call"
    ]


def test_multi_leg_calls_are_numbered_first_in_input_order() -> None:
    # Calls: {1, 4} (via G), {2}, {3, 5} (5 names c). Multi-leg calls get 0 and 1 in the
    # order of their first row; single rows follow, in input order.
    cs = load(
        [
            ("a", None, "G", 0, 1),
            ("b", None, None, 0, 1),
            ("c", None, None, 0, 1),
            ("d", None, "G", 0, 1),
            ("e", "c", None, 0, 1),
        ]
    )
    numbers = dict(zip(cs.calls["source_row"], cs.calls["leg_group"], strict=True))
    assert numbers == {1: 0, 4: 0, 3: 1, 5: 1, 2: 2}
    assert cs.linked_groups == 2


# --- property: the partition against a union-find oracle ---------------------------------
def oracle_calls(
    rows: Sequence[Row], statuses: Sequence[str | None]
) -> tuple[set[frozenset[int]], int]:
    """Partition of source rows into calls, and the number of duplicates, by the rules
    applied pair by pair (O(n^2)): rejected and invalid rows and duplicates take no part."""
    kept: list[int] = []
    seen: set[tuple[str, int, int]] = set()
    duplicates = 0
    for i, (cid, _, _, s, e) in enumerate(rows):
        if statuses[i] is not None or e < s:
            continue
        if cid is not None:
            if (cid, s, e) in seen:
                duplicates += 1
                continue
            seen.add((cid, s, e))
        kept.append(i)
    up = {i: i for i in kept}

    def find(i: int) -> int:
        while up[i] != i:
            up[i] = up[up[i]]
            i = up[i]
        return i

    for i, j in combinations(kept, 2):
        (id_i, parent_i, group_i, _, _), (id_j, parent_j, group_j, _, _) = rows[i], rows[j]
        linked = (
            (group_i is not None and group_i == group_j)
            or (parent_i is not None and parent_i == id_j)
            or (parent_j is not None and parent_j == id_i)
            or (parent_i is not None and parent_i == parent_j)
        )
        if linked:
            up[find(i)] = find(j)
    calls: dict[int, set[int]] = {}
    for i in kept:
        calls.setdefault(find(i), set()).add(i + 1)
    return {frozenset(c) for c in calls.values()}, duplicates


IDS = ("a", "b", "c", "d", "e", None)
PARENTS = ("a", "b", "c", "d", "e", "m", None, None)  # "m" is never a call id
GROUPS = ("G", "H", "K", None, None, None)


@st.composite
def linked_rows(draw: st.DrawFn) -> tuple[list[Row], list[str | None]]:
    n = draw(st.integers(0, 14))
    rows: list[Row] = []
    for _ in range(n):
        start = draw(st.integers(0, 4))
        rows.append(
            (
                draw(st.sampled_from(IDS)),
                draw(st.sampled_from(PARENTS)),
                draw(st.sampled_from(GROUPS)),
                start,
                start + draw(st.integers(-1, 3)),  # sometimes backwards: invalid
            )
        )
    # Exact copies make duplicates (same id and times); an early copy keeps its links.
    for _ in range(draw(st.integers(0, 2)) if rows else 0):
        rows.insert(draw(st.integers(0, len(rows))), draw(st.sampled_from(rows)))
    statuses = [draw(st.sampled_from((None,) * 7 + ("REACH_PLAN_LIMIT",))) for _ in rows]
    return rows, statuses


@settings(max_examples=300, deadline=None)
@given(linked_rows(), st.sampled_from(("both", "parent", "group")))
def test_calls_are_the_connected_rows(
    drawn: tuple[list[Row], list[str | None]], kinds: str
) -> None:
    rows, statuses = drawn
    if kinds == "parent":
        rows = [(cid, parent, None, s, e) for cid, parent, _, s, e in rows]
    elif kinds == "group":
        rows = [(cid, None, group, s, e) for cid, _, group, s, e in rows]
    cs = load(rows, statuses)
    expected, duplicates = oracle_calls(rows, statuses)
    assert calls_of(cs) == expected
    a = cs.accounting
    assert a.duplicates == duplicates
    assert a.used == len(expected)
    assert a.read == len(rows)
    assert a.read == a.used + a.duplicates + a.merged_legs + a.plan_limit_rejected + a.invalid
    assert cs.linked == any(len(c) > 1 for c in expected)
    check_numbering(cs)


# --- property: the cycle note against walking the parents --------------------------------
def oracle_cycles(parents: Sequence[str | None]) -> tuple[int, int, int | None]:
    """(rows on cycles, cycles, first row on a cycle) for rows with ids r0, r1, ...:
    walk each row's parents until a row without a parent, a missing id, or a repeat."""
    on_cycle: set[int] = set()
    cycles: set[frozenset[int]] = set()
    index = {f"r{i}": i for i in range(len(parents))}
    for start in range(len(parents)):
        path: list[int] = []
        i: int | None = start
        while i is not None and i not in path:
            path.append(i)
            parent = parents[i]
            i = None if parent is None or parent == f"r{i}" else index.get(parent)
        if i is not None:  # came back to a row already walked: a cycle from there
            cycle = frozenset(path[path.index(i) :])
            on_cycle |= cycle
            cycles.add(cycle)
    return len(on_cycle), len(cycles), min(on_cycle) if on_cycle else None


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.lists(
            st.sampled_from([None, "m", *(f"r{i}" for i in range(n))]), min_size=n, max_size=n
        )
    )
)
def test_cycle_note_counts_the_rows_on_cycles(parents: list[str | None]) -> None:
    # Unique ids r0, r1, ...: every parent chain is well defined.
    rows = [(f"r{i}", p, None, 0, 1) for i, p in enumerate(parents)]
    cs = load(rows)
    on_cycle, cycles, first = oracle_cycles(parents)
    notes = cycle_notes(cs)
    if not cycles:
        assert notes == []
        return
    (note,) = notes
    assert note.startswith(
        f"{on_cycle} rows form {cycles} parent cycle(s) (e.g. <frame>, row {first + 1}: r{first} → "
    )
    assert note.endswith(f"→ r{first}); each cycle is counted as one call")


@pytest.mark.parametrize("n", [2, 3, 64, 1000])
def test_rings_and_chains_of_any_length(n: int) -> None:
    # A ring named in a scrambled order is still one call, and so is the chain left
    # when one link is cut.
    order = [(i * 7919) % n for i in range(n)]  # 7919 is prime: a permutation
    ring = [(f"r{i}", f"r{order[(k + 1) % n]}", None, 0, 1) for k, i in enumerate(order)]
    assert load(ring).accounting.used == 1
    chain = [
        (cid, None if k == n - 1 else parent, g, s, e)
        for k, (cid, parent, g, s, e) in enumerate(ring)
    ]
    cs = load(chain)
    assert cs.accounting.used == 1
    assert cycle_notes(cs) == []


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)))
        )
    )
)
def test_components_are_the_smallest_node_reachable(
    graph: tuple[int, list[tuple[int, int]]],
) -> None:
    # The connected-components step alone: every node's label is the smallest node of
    # its component (found here by a plain union-find that keeps the smaller root).
    import numpy as np

    from ccc_cli.normalize.legs import _components

    n, edges = graph
    up = list(range(n))

    def find(i: int) -> int:
        while up[i] != i:
            i = up[i]
        return i

    for a, b in edges:
        ra, rb = find(a), find(b)
        up[max(ra, rb)] = min(ra, rb)
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    assert _components(n, u, v).tolist() == [find(i) for i in range(n)]
