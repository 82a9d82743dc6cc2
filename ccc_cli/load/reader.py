"""Lazy scans of sources: text columns as strings, Parquet columns as their types, and a
1-based row number on every row.

Parquet types that common writers (pyarrow, Spark, DuckDB, pandas) emit but that carry
nothing a time or an id needs are made plain here: dictionary-encoded (categorical)
text becomes text, binary becomes text, decimals become floats, all-null columns become
text. Timestamps of any unit and zone, dates, durations and numbers keep their types:
``ccc_cli.normalize.times`` reads them as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from ccc_cli.errors import InputError
from ccc_cli.load.head import TextHead
from ccc_cli.load.sources import Source
from ccc_cli.load.text import MALFORMED, NULL_VALUES, ROW, TextSource

__all__ = [
    "MALFORMED",
    "NULL_VALUES",
    "ROW",
    "Scan",
    "polars_error_line",
    "scan_database",
    "scan_source",
]

_PLAIN_TEXT: Final = (pl.Categorical, pl.Enum, pl.Null)


@dataclass(frozen=True, slots=True)
class Scan:
    """A lazy frame over one source and the names of its columns.

    ``text`` is the reader of a text file (its line numbers and blank lines are known
    once the frame has been read whole); ``head`` what its first lines said.
    """

    source: Source
    frame: pl.LazyFrame
    columns: tuple[str, ...]
    separator: str | None
    text: TextSource | None = None
    head: TextHead | None = None


def polars_error_line(exc: BaseException) -> str:
    """First meaningful line of a Polars error, for one-line messages."""
    for line in str(exc).splitlines():
        line = line.strip()
        if line and not line.startswith(("This error occurred", "Resolved plan", "Hint")):
            return line[:300]
    return type(exc).__name__


def scan_source(source: Source, head: TextHead | None = None) -> Scan:
    """Lazily scan ``source`` (a text file needs its ``head``); raises
    :class:`InputError` if it cannot be read."""
    if source.format == "parquet":
        return _scan_parquet(source)
    assert head is not None
    text = TextSource(source, head)
    return Scan(
        source=source,
        frame=text.frame(),
        columns=head.names,
        separator=head.separator,
        text=text,
        head=head,
    )


def _scan_parquet(source: Source) -> Scan:
    try:
        if source.data is not None:
            frame = pl.read_parquet(io.BytesIO(source.data)).lazy()
        else:
            frame = pl.scan_parquet(source.path)
        schema = frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"cannot read {source.label}: {polars_error_line(exc)}") from None
    names = tuple(schema.names())
    if not names:
        raise InputError(f"file {source.label} has no columns")
    plain = [_plain(name, dtype) for name, dtype in schema.items()]
    frame = frame.with_columns([e for e in plain if e is not None]).with_row_index(ROW, offset=1)
    return Scan(source=source, frame=frame, columns=names, separator=None)


def _plain(name: str, dtype: pl.DataType) -> pl.Expr | None:
    column = pl.col(name)
    if isinstance(dtype, _PLAIN_TEXT):
        return column.cast(pl.String)
    if dtype == pl.Binary:
        return column.cast(pl.String, strict=False)
    if isinstance(dtype, pl.Decimal):
        return column.cast(pl.Float64)
    return None


def scan_database(
    source: Source, *, table: str | None, query: str | None, password_env: str | None
) -> Scan:
    """Lazily scan a database table or query (``source.database``): its columns as they
    are typed, read by one query per collect (see ``ccc_cli.load.database``)."""
    database = source.database
    assert database is not None
    database.configure(table=table, query=query, password_env=password_env)
    frame = database.scan()
    schema = frame.collect_schema()
    names = tuple(schema.names())
    plain = [_plain(name, dtype) for name, dtype in schema.items()]
    frame = frame.with_columns([e for e in plain if e is not None]).with_row_index(ROW, offset=1)
    return Scan(source=source, frame=frame, columns=names, separator=None)


def scan_frame(frame: pl.DataFrame | pl.LazyFrame, label: str) -> Scan:
    """Treat an in-memory frame (columns as in an input file) as a source."""
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    plain = [_plain(name, dtype) for name, dtype in schema.items()]
    lazy = lazy.with_columns([e for e in plain if e is not None]).with_row_index(ROW, offset=1)
    names = tuple(n for n in schema.names() if n != ROW)
    source = Source(path=Path(label), label=label, format="frame", compressed=False, size=0)
    return Scan(source=source, frame=lazy, columns=names, separator=None)
