"""Lazy scans of sources: every text column as a string, plus a 1-based row number."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from ccc_cli.errors import InputError
from ccc_cli.load.sources import Source, read_head, sniff_line_end, sniff_separator

ROW: Final = "__ccc_row"
# Literals real exports write for "no value" (MySQL dumps, FreePBX, ...).
NULL_VALUES: Final = ["NULL", "\\N"]


@dataclass(frozen=True, slots=True)
class Scan:
    """A lazy frame over one source and the names of its columns."""

    source: Source
    frame: pl.LazyFrame
    columns: tuple[str, ...]
    separator: str | None


def polars_error_line(exc: BaseException) -> str:
    """First meaningful line of a Polars error, for one-line messages."""
    for line in str(exc).splitlines():
        line = line.strip()
        if line and not line.startswith(("This error occurred", "Resolved plan", "Hint")):
            return line[:300]
    return type(exc).__name__


def _numbered(names: list[str]) -> list[str]:
    return [f"column_{i}" for i in range(1, len(names) + 1)]


def scan_source(
    source: Source,
    *,
    has_header: bool,
    separator: str | None,
    data: bytes | None = None,
    skip_rows_after_header: int = 0,
) -> Scan:
    """Lazily scan ``source``; raises :class:`InputError` if it cannot be read.

    ``data``: the file's content already decoded to UTF-8 (a file in another encoding);
    ``skip_rows_after_header``: lines under the header that are not data (CUCM types).
    """
    try:
        if source.format == "parquet":
            frame = pl.scan_parquet(source.path).with_row_index(ROW, offset=1)
            sep = None
        else:
            sep = separator or sniff_separator(source)
            if not read_head(source, 1):
                raise InputError(f"file {source.label} is empty")
            # gzip cannot be scanned lazily; decompress into memory first.
            if data is None and source.compressed:
                data = gzip.decompress(source.path.read_bytes())
            frame = pl.scan_csv(
                data if data is not None else source.path,
                has_header=has_header,
                separator=sep,
                eol_char=sniff_line_end(source),
                infer_schema=False,
                encoding="utf8-lossy",
                null_values=NULL_VALUES,
                truncate_ragged_lines=True,
                row_index_name=ROW,
                row_index_offset=1,
                raise_if_empty=False,
                skip_rows_after_header=skip_rows_after_header,
                # Headerless columns are numbered from 1, as people count them.
                with_column_names=None if has_header else _numbered,
            )
        names = tuple(n for n in frame.collect_schema().names() if n != ROW)
    except InputError:
        raise
    except (pl.exceptions.PolarsError, OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read {source.label}: {polars_error_line(exc)}") from None
    if not names:
        raise InputError(f"file {source.label} has no columns")
    return Scan(source=source, frame=frame, columns=names, separator=sep)


def scan_frame(frame: pl.DataFrame | pl.LazyFrame, label: str) -> Scan:
    """Treat an in-memory frame (columns as in an input file) as a source."""
    lazy = frame.lazy().with_row_index(ROW, offset=1)
    names = tuple(n for n in lazy.collect_schema().names() if n != ROW)
    source = Source(path=Path(label), label=label, format="frame", compressed=False, size=0)
    return Scan(source=source, frame=lazy, columns=names, separator=None)
