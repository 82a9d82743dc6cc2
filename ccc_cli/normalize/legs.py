"""Duplicates and legs: which rows repeat an earlier row, and which rows are one call.

Legs are linked by a shared group value, or by a parent id naming another row's call
id. Every step is vectorised: repeated ids are found by sorting 64-bit hashes, parent
chains are resolved by pointer jumping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from ccc_cli.normalize.parse import GROUP, PARENT
from ccc_cli.schema import CALL_ID, LEG_GROUP_DTYPE

# Pointer-jumping rounds: enough for parent chains of any length up to 2**64.
_MAX_JUMPS: Final = 64


@dataclass(frozen=True, slots=True)
class Links:
    """Rows that carry linking information, and the key of each."""

    rows: pl.Series  # row positions (UInt32/Int64)
    keys: pl.Series  # their keys (strings)


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


def _parent_roots(children: pl.DataFrame) -> pl.Series:
    """Root call id of the parent chain of every row of ``children`` (rows with a parent).

    A leg may name a leg that itself has a parent. Pointer jumping resolves every chain
    in O(log depth) vectorised joins: each round replaces every id's parent by its
    parent's parent, so a chain of depth d is flat after about log2(d) rounds.
    """
    links = (
        children.filter(pl.col(CALL_ID).is_not_null() & (pl.col(CALL_ID) != pl.col(PARENT)))
        .select(pl.col(CALL_ID).alias("child"), pl.col(PARENT).alias("up"))
        .unique(subset="child", keep="first", maintain_order=True)
    )
    for _ in range(_MAX_JUMPS):
        step = links.join(
            links.select(pl.col("child").alias("up"), pl.col("up").alias("next")),
            on="up",
            how="left",
        )
        # In a cycle an id can come back to itself; it then stays where it was.
        advance = pl.col("next").is_not_null() & (pl.col("next") != pl.col("child"))
        if not step.select(advance.any()).item():
            break
        links = step.select("child", pl.when(advance).then("next").otherwise("up").alias("up"))
    roots = children.select(pl.col(PARENT).alias("child")).join(
        links, on="child", how="left", maintain_order="left"
    )
    return roots.select(pl.coalesce("up", "child")).to_series()


def _parent_keys(valid: pl.DataFrame) -> pl.DataFrame:
    """(row, key) of every row linked by a parent id: children keyed by their root id,
    and the first legs they name."""
    children = valid.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), CALL_ID, PARENT
    ).filter(pl.col(PARENT).is_not_null())
    roots = _parent_roots(children)
    root_ids = roots.unique()
    # A row without a parent is a call's first leg when some leg names it; other rows
    # (even ones sharing a call id) stay separate calls. Hashes narrow the search to a
    # few candidates before the ids themselves are compared.
    ids = valid[CALL_ID]
    candidates = ids.hash().is_in(root_ids.hash().implode()) & ids.is_not_null()
    firsts = (
        pl.DataFrame({"row": candidates.arg_true().cast(pl.Int64), CALL_ID: ids.filter(candidates)})
        .join(children.select("row"), on="row", how="anti")
        .filter(pl.col(CALL_ID).is_in(root_ids.implode()))
    )
    return pl.concat(
        [
            pl.DataFrame({"row": children["row"], "key": roots}),
            firsts.select("row", pl.col(CALL_ID).alias("key")),
        ]
    ).sort("row")


def links(valid: pl.DataFrame) -> Links | None:
    """Rows linked to other rows and their keys (rows sharing a key are legs of one call);
    None when the data holds no linking information at all."""
    has_group = valid[GROUP].null_count() < valid.height
    has_parent = valid[PARENT].null_count() < valid.height
    if not has_group and not has_parent:
        return None
    keys: dict[str, pl.DataFrame] = {}
    if has_parent:
        keys["p"] = _parent_keys(valid)
    if has_group:
        groups = valid.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), GROUP).filter(
            pl.col(GROUP).is_not_null()
        )
        keys["g"] = groups.select("row", pl.col(GROUP).alias("key"))
    if len(keys) == 1:
        (table,) = keys.values()
    else:
        # Both kinds: a group value wins; prefixes keep a group value from meeting an id.
        table = (
            pl.concat(
                [
                    t.with_columns(
                        (kind + "\x1f" + pl.col("key")).alias("key"), pl.lit(i).alias("o")
                    )
                    for i, (kind, t) in enumerate(sorted(keys.items(), key=lambda kv: kv[0] != "g"))
                ]
            )
            .sort("row", "o")
            .unique(subset="row", keep="first", maintain_order=True)
            .drop("o")
        )
    return Links(rows=table["row"], keys=table["key"])


def number_calls(n: int, found: Links | None) -> tuple[pl.Series, int, pl.Series]:
    """Call numbers for ``n`` rows: 0..k-1 for the k distinct keys of linked rows, then one
    number per unlinked row. Also returns k and the positions of rows in multi-leg calls.
    """
    if found is None:
        return pl.int_range(n, dtype=LEG_GROUP_DTYPE, eager=True), 0, pl.Series([], dtype=pl.Int64)
    ranks = found.keys.rank("dense").cast(pl.Int64) - 1
    n_keys = int(ranks.max()) + 1 if ranks.len() else 0  # type: ignore[arg-type]
    unlinked = (
        pl.Series([True]).extend_constant(True, n - 1) if n else pl.Series([], dtype=pl.Boolean)
    )
    unlinked = unlinked.scatter(found.rows, False)
    numbers = (n_keys + unlinked.cast(pl.Int64).cum_sum() - 1).scatter(found.rows, ranks)
    multi = found.rows.filter(ranks.is_duplicated())
    return numbers.cast(LEG_GROUP_DTYPE), n_keys, multi
