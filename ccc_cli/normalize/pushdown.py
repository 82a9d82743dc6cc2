"""Database inputs: scan the table, apply the preset to its columns, and send the
analysis window (``--from``/``--to``) to the database as a condition on the start column.

The window can be pushed down only once the preset is known (it names the start
column), so it is set here, between detection and the parse plan; see
:meth:`ccc_cli.load.database.DatabaseInput.push_window` for the conditions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

import polars as pl

from ccc_cli.load.reader import scan_database
from ccc_cli.normalize.detect import AppliedPreset, apply_preset
from ccc_cli.normalize.mapping import resolve_columns
from ccc_cli.normalize.select import resolve_instant
from ccc_cli.normalize.times import epoch_unit_for
from ccc_cli.options import LoadOptions
from ccc_cli.schema import FIELD_DURATION, FIELD_END, FIELD_START

if TYPE_CHECKING:
    from ccc_cli.load.reader import Scan
    from ccc_cli.load.sources import Source

_SAMPLE_ROWS: Final = 1000


def open_database_source(source: Source, options: LoadOptions) -> tuple[Scan, AppliedPreset]:
    """Scan a database input, detect (or take) its preset from its column names, and
    push the window down."""
    database = source.database
    assert database is not None
    scan = scan_database(
        source, table=options.table, query=options.query, password_env=options.password_env
    )
    scan, applied = apply_preset(scan, options, header=scan.columns)
    if options.window_from is None and options.window_to is None:
        return scan, applied
    mapping = resolve_columns(
        scan.columns,
        options.columns,
        label=source.label,
        preset=applied.fields,
        aliases=applied.aliases,
    )
    start = mapping.column(FIELD_START)
    # Each row's end is its own when it comes from the row's end or duration column; a
    # preset expression (Kamailio ends a call at the BYE row's time) may read other rows.
    raw = set(database.raw_columns)
    derived_end = any(
        (column := mapping.column(name)) is not None and column not in raw
        for name in (FIELD_END, FIELD_DURATION)
    )

    def epoch_unit() -> str | None:
        if options.epoch_unit != "auto":
            return options.epoch_unit
        if applied.epoch_unit is not None:
            return applied.epoch_unit
        assert start is not None
        column = pl.col(start)
        try:
            sample = (
                scan.frame.select(column)
                .filter(column.is_not_null() & (column != 0))
                .head(_SAMPLE_ROWS)
                .collect()
                .to_series()
            )
        except pl.exceptions.PolarsError:
            return None
        return epoch_unit_for(sample) if sample.len() else None

    tz = options.tz or applied.tz or "UTC"
    database.push_window(
        start=start,
        derived_end=derived_end,
        window_from=resolve_instant(options.window_from, tz),
        window_to=resolve_instant(options.window_to, tz),
        margin_s=options.max_duration_s,
        tz=tz,
        epoch_unit=epoch_unit,
    )
    if database.window_note:
        applied = replace(applied, notes=(*applied.notes, database.window_note))
    return scan, applied
