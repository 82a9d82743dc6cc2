"""Delimited text files as a lazy Polars frame, read by PyArrow's CSV reader.

PyArrow's reader follows the rules of Python's ``csv`` module, which is what people
mean by CSV: a record ends at CR, LF or CRLF in any mix outside quotes; inside quotes a
line break is data; a quote that does not open a field is data (``5" screen``); a
blank line is not a record. It also says which records have the wrong number of
fields, and it streams, in blocks, with projection (only the columns a plan uses are
converted).

Every column is read as text (``NULL`` and ``\\N`` as null). Each row carries its record
number (1-based, the header line included, blank lines not counted; turned into a line
number once the whole file has been read, see ``ccc_cli.load.lines``). A record with
the wrong number of fields is not dropped: it becomes a row whose fields are null and
whose ``__ccc_malformed`` column holds its text, so the normaliser counts it as
invalid (``malformed_row``) in its place. (A file whose every data line ends in a
separator the header lacks is read with one more, unnamed, column: see
``ccc_cli.load.head``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from ccc_cli.errors import InputError
from ccc_cli.load.head import TextHead
from ccc_cli.load.lines import LineMap, line_map
from ccc_cli.load.sources import Source, iter_chunks

ROW: Final = "__ccc_row"
MALFORMED: Final = "__ccc_malformed"
# Literals real exports write for "no value" (MySQL dumps, FreePBX, ...).
NULL_VALUES: Final = ["NULL", "\\N"]
_BLOCK: Final = 16 * 1024 * 1024
_MAX_BLOCK: Final = 1024 * 1024 * 1024
_SHOWN: Final = 200


@dataclass(slots=True)
class _Odd:
    """Records the reader set aside (wrong number of fields), by record number."""

    malformed: dict[int, str] = field(default_factory=dict)

    def numbers(self) -> list[int]:
        return sorted(self.malformed)


@dataclass(frozen=True, slots=True)
class TextStats:
    """What a complete pass over the file found."""

    records: int  # records read, header lines included
    malformed: int


class TextSource:
    """One text file as a lazy frame (a Polars IO source over PyArrow's reader)."""

    def __init__(self, source: Source, head: TextHead) -> None:
        self.source = source
        self.head = head
        self._utf8: bytes | None = None
        self.stats: TextStats | None = None

    # --- the frame ------------------------------------------------------------------------
    def frame(self) -> pl.LazyFrame:
        from polars.io.plugins import register_io_source

        schema: dict[str, Any] = dict.fromkeys(self.head.names, pl.String)
        schema[MALFORMED] = pl.String
        schema[ROW] = pl.UInt64
        return register_io_source(
            self._batches,
            schema=schema,
            is_pure=True,
            explain_name="ccc text",
            explain_detail=self.source.label,
        )

    def line_map(self) -> LineMap:
        """Record numbers -> lines (after a complete pass)."""
        assert self.stats is not None
        return line_map(self._chunks, self.stats.records)

    # --- reading --------------------------------------------------------------------------
    def _chunks(self) -> Iterator[bytes]:
        if self.head.encoding.is_utf8:
            return _without_bom(iter_chunks(self.source))
        data = self._transcoded()
        return iter(data[i : i + _BLOCK] for i in range(0, len(data), _BLOCK))

    def _transcoded(self) -> bytes:
        """A file in another encoding, as UTF-8 (held in memory: such files are legacy
        exports, small next to the UTF-8 ones)."""
        if self._utf8 is None:
            raw = b"".join(iter_chunks(self.source))
            text = raw.decode(self.head.encoding.name, errors="replace").lstrip("\ufeff")
            self._utf8 = text.encode("utf-8")
        return self._utf8

    def _input(self) -> Any:
        if not self.head.encoding.is_utf8:
            return pa.BufferReader(self._transcoded())
        if self.source.data is not None:
            return pa.BufferReader(self.source.data)
        if self.source.compressed:
            return pa.input_stream(str(self.source.path), compression="gzip")
        return str(self.source.path)

    def _reader(self, columns: list[str], odd: _Odd, block: int) -> pacsv.CSVStreamingReader:
        def on_invalid(row: Any) -> str:
            # Arrow numbers the skipped blank lines too; ours are records only.
            odd.malformed[row.number - self.head.leading_blank] = row.text or ""
            return "skip"

        return pacsv.open_csv(
            self._input(),
            read_options=pacsv.ReadOptions(
                use_threads=False,  # records are numbered only by the serial reader
                block_size=block,
                column_names=list(self.head.names),
                # Arrow counts the blank lines above the header among the rows it skips.
                skip_rows=self.head.leading_blank + self.head.skip,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=self.head.separator,
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=columns,
                column_types=dict.fromkeys(columns, pa.string()),
                null_values=NULL_VALUES,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    def _batches(
        self,
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,  # noqa: ARG002 (blocks are sized by bytes)
    ) -> Iterator[pl.DataFrame]:
        wanted = [*self.head.names, MALFORMED, ROW] if with_columns is None else with_columns
        columns = [c for c in wanted if c in self.head.names] or [self.head.names[0]]
        block = _BLOCK
        while True:
            try:
                yield from self._read(columns, wanted, predicate, n_rows, block)
                return
            except pa.ArrowInvalid as exc:
                if ("straddl" in str(exc) or "skip initial" in str(exc)) and block < _MAX_BLOCK:
                    block *= 8  # a record larger than a block: read it in larger blocks
                    continue
                if "skip initial" in str(exc):
                    # Nothing under the header (a file of one line, with no line end).
                    self.stats = TextStats(self.head.skip, 0)
                    return
                raise InputError(
                    f"cannot read {self.source.label}: {_arrow_message(exc)}"
                ) from None

    def _read(
        self,
        columns: list[str],
        wanted: list[str],
        predicate: pl.Expr | None,
        n_rows: int | None,
        block: int,
    ) -> Iterator[pl.DataFrame]:
        odd = _Odd()
        numbering = _Numbering(self.head.skip + 1, self.head.names)
        done = 0
        try:
            reader = self._reader(columns, odd, block)
        except pa.ArrowInvalid as exc:
            if "Empty CSV file" in str(exc):
                self.stats = TextStats(self.head.skip, 0)
                return
            raise
        for batch in reader:
            frame = numbering.place(pl.from_arrow(batch), odd)  # type: ignore[arg-type]
            out = self._finish(frame, wanted, predicate)
            done += out.height
            if n_rows is not None and done >= n_rows:
                yield out.head(out.height - (done - n_rows))
                return
            yield out
        tail = numbering.flush(odd, columns)
        if tail.height:
            yield self._finish(tail, wanted, predicate)
        self.stats = TextStats(numbering.next - 1, len(odd.malformed))

    def _finish(
        self, frame: pl.DataFrame, wanted: list[str], predicate: pl.Expr | None
    ) -> pl.DataFrame:
        frame = frame.select([c for c in wanted if c in frame.columns])
        return frame if predicate is None else frame.filter(predicate)


class _Numbering:
    """Record numbers of the rows of each batch, with the set-aside records put back
    in their places."""

    def __init__(self, first: int, names: tuple[str, ...]) -> None:
        self.next = first
        self.names = names

    def place(self, frame: pl.DataFrame, odd: _Odd) -> pl.DataFrame:
        n = frame.height
        pending = [k for k in odd.numbers() if k >= self.next]
        if not pending:
            numbers = pl.int_range(self.next, self.next + n, dtype=pl.UInt64, eager=True)
            self.next += n
            return frame.with_columns(numbers.alias(ROW), pl.lit(None, pl.String).alias(MALFORMED))
        candidates = np.arange(self.next, self.next + n + len(pending), dtype=np.int64)
        taken = candidates[~np.isin(candidates, pending)][:n]
        last = int(taken[-1]) if n else self.next - 1
        here = [k for k in pending if k <= last]
        frame = frame.with_columns(
            pl.Series(ROW, taken, dtype=pl.UInt64), pl.lit(None, pl.String).alias(MALFORMED)
        )
        if n:
            self.next = last + 1
        return self._with_odd(frame, here, odd)

    def flush(self, odd: _Odd, columns: list[str]) -> pl.DataFrame:
        """The set-aside records after the last batch."""
        pending = [k for k in odd.numbers() if k >= self.next]
        schema = {**dict.fromkeys(columns, pl.String), ROW: pl.UInt64, MALFORMED: pl.String}
        if pending:
            self.next = pending[-1] + 1
        return self._with_odd(pl.DataFrame(schema=schema), pending, odd)

    def _with_odd(self, frame: pl.DataFrame, numbers: list[int], odd: _Odd) -> pl.DataFrame:
        """``frame`` with the set-aside records ``numbers`` put back as rows whose fields
        are null and whose ``MALFORMED`` holds the record's text (a loop over those
        records only: they are few)."""
        if not numbers:
            return frame
        extra = pl.DataFrame(
            {
                **{c: [None] * len(numbers) for c in frame.columns if c not in (ROW, MALFORMED)},
                ROW: numbers,
                MALFORMED: [odd.malformed[k][:_SHOWN] for k in numbers],
            },
            schema=frame.schema,
        )
        return pl.concat([frame, extra]).sort(ROW)


def _without_bom(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks less a UTF-8 byte-order mark (it is not text of the first line)."""
    first = True
    for chunk in chunks:
        if first:
            first = False
            chunk = chunk.removeprefix(b"\xef\xbb\xbf")
        yield chunk


def _arrow_message(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]
