"""Raw call-type values -> the canonical call types."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ccc_cli.schema import CALL_TYPE_DTYPE, DEFAULT_TYPE_VALUES, OTHER


def type_lookup(
    type_map: Mapping[str, tuple[str, ...]],
    *,
    preset_values: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, str]:
    """Lower-cased raw value -> canonical type: the defaults, then a preset's values,
    then ``type_map`` (``--type-map``), each overriding the one before."""
    lookup = {raw: ctype for ctype, raws in DEFAULT_TYPE_VALUES.items() for raw in raws}
    for ctype, raws in (*(preset_values or {}).items(), *type_map.items()):
        for raw in raws:
            lookup[raw.strip().lower()] = ctype
    return lookup


def map_call_types(raw: pl.Series, lookup: Mapping[str, str]) -> tuple[pl.Series, dict[str, int]]:
    """Canonical call type of each raw value, and the raw values read as ``other``.

    Matching is case-insensitive and ignores surrounding spaces. It is done once per
    distinct raw value (a handful), not once per row; unknown and empty values are
    ``other``.
    """
    counts = raw.value_counts(name="n")
    exact: dict[str, str] = {}
    unmapped: dict[str, int] = {}
    for value, n in counts.iter_rows():
        if value is None:
            continue
        key = value.strip().lower()
        if key in lookup:
            exact[value] = lookup[key]
        elif key:
            unmapped[value] = n
    mapped = raw.replace_strict(exact, default=OTHER, return_dtype=CALL_TYPE_DTYPE)
    top = dict(sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0]))[:20])
    return mapped, top
