"""Duplicates and legs: which rows repeat an earlier row, and which rows are one call.

A call is a connected set of rows. Two rows are linked when

- they share a group value (all of the group columns, when there are several);
- one names the other's call id as its parent;
- both name the same parent id, even one that no row carries.

Links combine: a leg linked to two groups joins them, a parent chain of any length is
one call, and so is a parent cycle (A -> B -> A). A row whose id nobody names is linked
by its id to nothing, so rows that merely share a call id stay separate calls.

Everything is vectorised. Rows are joined through *keys* (each distinct group value and
each id some row names as a parent): a row touches at most one key of each kind, a row
touching two keys links them, and the keys' connected components, found by min-label
hooking and pointer jumping in O(log n) rounds, are the calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from ccc_cli.normalize.parse import GROUP, PARENT
from ccc_cli.schema import CALL_ID, LEG_GROUP_DTYPE, SOURCE_FILE, SOURCE_ROW

_ROW: Final = "row"
_KEY: Final = "key"
# Ids of a cycle shown in the note; a longer cycle is shortened with an ellipsis.
_SHOWN_IDS: Final = 4

_Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ParentCycles:
    """Rows whose parent chain comes back to itself instead of reaching a first leg."""

    rows: int  # rows on a cycle (not those whose chain merely leads into one)
    cycles: int
    example_file: str
    example_row: int  # source row of the first row (input order) on a cycle
    example_ids: tuple[str, ...]  # its id, its parent's, ... (at most _SHOWN_IDS)
    example_length: int  # rows on the example's cycle

    def note(self) -> str:
        """One sentence for ``CallSet.notes``."""
        ids = list(self.example_ids)
        if self.example_length > len(ids):
            ids.append("…")
        path = " → ".join([*ids, self.example_ids[0]])
        return (
            f"{self.rows} rows form {self.cycles} parent cycle(s) "
            f"(e.g. {self.example_file}, row {self.example_row}: {path}); "
            "each cycle is counted as one call"
        )


@dataclass(frozen=True, slots=True)
class CallNumbers:
    """The call of every row (``leg_group``) and what the engine needs to know of it."""

    numbers: pl.Series  # one per row: 0..linked_groups-1 for multi-leg calls, then unique
    linked_groups: int  # the number of multi-leg calls
    multi: pl.Series  # positions (Int64, ascending) of the rows of multi-leg calls
    cycles: ParentCycles | None = None


def repeated(ids: pl.Series) -> pl.Series:
    """Mask of the rows whose (non-null) id occurs more than once.

    Ids are compared by their 64-bit hash, sorted as integers (far cheaper than hashing
    the strings into a table); a collision can only add a candidate, and every later
    step compares the ids themselves.
    """
    present = ids.is_not_null()
    hashes = ids.hash()
    ordered = (hashes.filter(present) if ids.null_count() else hashes).sort()
    seen_twice = ordered.filter(ordered == ordered.shift(1))
    if seen_twice.len() == 0:
        return present.clear().extend_constant(False, ids.len())
    return hashes.is_in(seen_twice.unique().implode()) & present


def number_calls(
    valid: pl.DataFrame,
    *,
    group: Sequence[str] = (GROUP,),
    extra: tuple[_Ints, _Ints] | None = None,
) -> CallNumbers:
    """Number the calls of the rows of ``valid`` (after duplicates are dropped).

    ``group`` names the group columns: rows with the same values in all of them (none
    null) are legs of one call. ``extra``: more links, as two arrays of row positions
    (row ``a[i]`` and row ``b[i]`` are legs of one call; forward legs). Calls with
    several legs are numbered 0..k-1 in the order of their first row, then every other
    row gets a number of its own, in input order.
    """
    n = valid.height
    parts: list[pl.DataFrame] = []  # (row, key): each row has at most one key per part
    n_keys = 0
    cycles = None
    if valid[PARENT].null_count() < n:
        by_parent, by_id, n_ids = _id_keys(valid)
        parts += [by_parent, by_id]
        n_keys = n_ids
        cycles = _parent_cycles(valid, by_parent, by_id, n_ids)
    grouped = _group_keys(valid, group)
    if grouped is not None:
        parts.append(grouped.with_columns(pl.col(_KEY) + n_keys))
        n_keys += int(grouped[_KEY].max()) + 1  # type: ignore[arg-type]
    if extra is not None and len(extra[0]):
        # One key per linked pair, touched by both rows.
        pairs = np.arange(n_keys, n_keys + len(extra[0]), dtype=np.int64)
        parts.append(
            pl.DataFrame(
                {
                    _ROW: np.concatenate([extra[0], extra[1]]).astype(np.int64),
                    _KEY: np.concatenate([pairs, pairs]),
                }
            )
        )
        n_keys += len(extra[0])
    if not parts:
        return CallNumbers(
            pl.int_range(n, dtype=LEG_GROUP_DTYPE, eager=True), 0, pl.Series([], dtype=pl.Int64)
        )
    keyed = parts[0] if len(parts) == 1 else pl.concat(parts).sort(_ROW)
    rows = keyed[_ROW].to_numpy()
    keys = keyed[_KEY].to_numpy()
    # A row touching several keys links them (its keys are adjacent after the sort).
    same_row = rows[1:] == rows[:-1]
    label = np.arange(n_keys, dtype=np.int64)
    if same_row.any():
        label = _components(n_keys, keys[:-1][same_row], keys[1:][same_row])
        first_key = np.concatenate([[True], ~same_row])
        rows, keys = rows[first_key], keys[first_key]
    numbers, k, multi = _numbers(n, rows, label[keys], n_keys)
    return CallNumbers(pl.Series(numbers), k, pl.Series(multi), cycles)


def _id_keys(valid: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(row, key) of the rows naming a parent id, (row, key) of the rows whose own id
    some row names, and the number of such ids (keys 0..n-1)."""
    named = valid.select(pl.int_range(pl.len(), dtype=pl.Int64).alias(_ROW), PARENT).filter(
        pl.col(PARENT).is_not_null()
    )
    id_values = named[PARENT].unique(maintain_order=True)
    codes = pl.DataFrame(
        {PARENT: id_values, _KEY: pl.int_range(id_values.len(), dtype=pl.Int64, eager=True)}
    )
    by_parent = named.join(codes, on=PARENT, maintain_order="left").select(_ROW, _KEY)
    # Hashes narrow a million ids to a few candidates before the ids themselves are
    # compared.
    ids = valid[CALL_ID]
    candidates = ids.hash().is_in(id_values.hash().implode()) & ids.is_not_null()
    by_id = (
        pl.DataFrame({_ROW: candidates.arg_true().cast(pl.Int64), PARENT: ids.filter(candidates)})
        .join(codes, on=PARENT, maintain_order="left")
        .select(_ROW, _KEY)
    )
    return by_parent, by_id, id_values.len()


def _group_keys(valid: pl.DataFrame, group: Sequence[str]) -> pl.DataFrame | None:
    """(row, key) of the rows with a group value (keys 0..n-1, in order of first row);
    None when there are none. With several group columns a value is the tuple of them."""
    columns = [c for c in group if c in valid.columns]
    if not columns or all(valid[c].null_count() == valid.height for c in columns):
        return None
    rows = valid.select(pl.int_range(pl.len(), dtype=pl.Int64).alias(_ROW), *columns).filter(
        pl.all_horizontal(pl.col(c).is_not_null() for c in columns)
    )
    if rows.height == 0:
        return None
    # Hashing the values into a table is cheaper than ranking them (a string sort).
    codes = rows.select(columns).unique(maintain_order=True).with_row_index(_KEY)
    return rows.join(codes, on=columns, maintain_order="left").select(
        _ROW, pl.col(_KEY).cast(pl.Int64)
    )


def _components(n: int, u: _Ints, v: _Ints) -> _Ints:
    """The smallest node of the connected component of each of nodes 0..n-1 (edges u-v).

    Each round hooks every root onto the smallest root it has an edge to (only onto a
    smaller one, so the trees stay acyclic), flattens the trees by pointer jumping, and
    moves the edges onto the roots, dropping those inside a tree. The roots left with an
    edge are the local minima of the contracted graph: at most half of a chain's or a
    ring's nodes, so chains and rings of any length take at most log2(n) + 1 rounds, each
    with at most log2(n) jumps (about 14 rounds and 33 jumps for a million nodes in
    random order; one round for a chain numbered in order).
    """
    parent = np.arange(n, dtype=np.int64)
    while u.size:
        np.minimum.at(parent, np.maximum(u, v), np.minimum(u, v))
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
        u, v = parent[u], parent[v]
        inside = u == v
        if inside.any():
            u, v = u[~inside], v[~inside]
    return parent


def _numbers(
    n: int, rows: _Ints, label: _Ints, n_labels: int
) -> tuple[npt.NDArray[np.uint32], int, _Ints]:
    """Call numbers of ``n`` rows given the call ``label`` (0..n_labels-1) of the linked
    ``rows`` (ascending): 0..k-1 for labels on several rows, in order of their first row;
    then one number per other row, in input order."""
    counts = np.bincount(label, minlength=n_labels)
    in_multi = counts[label] > 1
    multi, multi_label = rows[in_multi], label[in_multi]
    first = np.full(n_labels, n, dtype=np.int64)
    np.minimum.at(first, multi_label, multi)
    shared = np.flatnonzero(counts > 1)
    k = shared.size
    number_of = np.zeros(n_labels, dtype=np.uint32)
    number_of[shared[np.argsort(first[shared])]] = np.arange(k, dtype=np.uint32)
    numbers = np.empty(n, dtype=np.uint32)
    alone = np.ones(n, dtype=bool)
    alone[multi] = False
    numbers[alone] = np.arange(k, k + n - multi.size, dtype=np.uint32)
    numbers[multi] = number_of[multi_label]
    return numbers, k, multi


def _parent_cycles(
    valid: pl.DataFrame, by_parent: pl.DataFrame, by_id: pl.DataFrame, n_ids: int
) -> ParentCycles | None:
    """The rows on parent cycles, for the note (the calls themselves need no cycle rule).

    Only a row that has a parent (not itself) and is named by another can be on a cycle.
    Each such row steps to the row its parent id names: none when a first leg (a row
    with no parent of its own) carries that id, else the first row carrying it. After
    ceil(log2(m)) + 1 rounds of pointer jumping over those m rows, a row still short of
    the end is on a cycle or leads into one; the rows reached then are the cycles'.
    """
    parent_rows, parent_key = by_parent[_ROW].to_numpy(), by_parent[_KEY].to_numpy()
    id_rows, id_key = by_id[_ROW].to_numpy(), by_id[_KEY].to_numpy()
    if not id_rows.size:
        return None
    # Both tables are in row order: the own key of a row with a parent, if it has one.
    at = np.minimum(np.searchsorted(id_rows, parent_rows), id_rows.size - 1)
    inner = (id_rows[at] == parent_rows) & (id_key[at] != parent_key)
    positions, up_key = parent_rows[inner], parent_key[inner]
    m = positions.size
    if m == 0:
        return None
    carried_by_inner = np.zeros(id_rows.size, dtype=bool)
    carried_by_inner[at[inner]] = True
    ends = np.zeros(n_ids, dtype=bool)
    ends[id_key[~carried_by_inner]] = True
    # Position m stands for "reached a first leg or a missing parent" and stays there.
    first = np.full(n_ids, m, dtype=np.int64)
    np.minimum.at(first, id_key[carried_by_inner], np.arange(m, dtype=np.int64))
    up = np.append(np.where(ends[up_key], m, first[up_key]), m)
    first_up = up.copy()
    lowest = np.arange(m + 1, dtype=np.int64)  # smallest position on the path so far
    for _ in range(math.ceil(math.log2(m)) + 1 if m > 1 else 1):
        lowest = np.minimum(lowest, lowest[up])
        up = up[up]
        if (up[:m] == m).all():
            return None
    # After 2**rounds >= m steps from any row, only rows on cycles are reached, and every
    # one of them is; ``lowest`` of a row on a cycle is then its cycle's smallest row.
    on_cycle = np.unique(up[:m][up[:m] != m])
    cycle_of = lowest[on_cycle]
    example = int(on_cycle[0])
    length = int((cycle_of == lowest[example]).sum())
    path = [example]
    while len(path) < min(length, _SHOWN_IDS):
        path.append(int(first_up[path[-1]]))
    row = int(positions[example])
    return ParentCycles(
        rows=int(on_cycle.size),
        cycles=int(np.unique(cycle_of).size),
        example_file=str(valid[SOURCE_FILE][row]),
        example_row=int(valid[SOURCE_ROW][row]),
        example_ids=tuple(str(i) for i in valid[CALL_ID].gather(positions[path])),
        example_length=length,
    )
