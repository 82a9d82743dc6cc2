"""Line numbers of the records of a text file, and the blank lines it holds.

The CSV reader numbers *records* (a blank line is not a record; a quoted value may hold
line breaks). People look for *lines*. The map between the two is found as cheaply as
the file allows:

1. one pass of byte counts (line ends, quotes, pairs of line ends). When no blank line
   sits between records and the file has as many lines as records, record k is on
   line k: the map is the identity (almost every real export);
2. otherwise, when no quoted value holds a line break (the non-blank lines are as many
   as the records), the non-blank lines are found with numpy, chunk by chunk;
3. otherwise (line breaks inside quoted values, or a quote that never closes) Python's
   ``csv`` module walks the file and says where each record starts.

A line ends at LF, CR or CRLF, in any mix, as in Python's ``csv`` module.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

_CR: Final = 13
_LF: Final = 10
_ENDS: Final = b"\r\n"
# Two line ends in a row make a blank line (CRLF counts as one end).
_BLANK_PAIRS: Final = (b"\n\n", b"\r\r", b"\n\r")


@dataclass(frozen=True, slots=True)
class LineCounts:
    """Byte counts of one pass over a file."""

    body_lines: int  # lines up to the last non-blank one (0 for a file of line ends)
    inner_blank: bool  # a pair of line ends (a blank line, or one in a value) in the body
    # The last body line and the line ends after it (None when longer than kept).
    tail: bytes | None


def count_lines(chunks: Iterable[bytes]) -> LineCounts:
    """One pass of byte counts over the whole file."""
    ends = 0
    size = 0
    first_pair: int | None = None
    prev = b""
    kept = b""  # the last bytes seen, from the start of a line where possible
    starts_with_end = False
    for chunk in chunks:
        if size == 0 and chunk:
            starts_with_end = chunk[:1] in (b"\r", b"\n")
        joined = prev + chunk
        ends += chunk.count(b"\n") + chunk.count(b"\r") - joined.count(b"\r\n")
        if first_pair is None:
            hits = [f for f in (joined.find(p) for p in _BLANK_PAIRS) if f >= 0]
            if hits:
                first_pair = size - len(prev) + min(hits)
        kept = (kept + chunk)[-_KEEP:]
        prev = chunk[-1:]
        size += len(chunk)
    trailing = len(kept) - len(kept.rstrip(_ENDS))
    if trailing == size:
        return LineCounts(0, False, kept)
    body_end = size - trailing
    tail_ends = _count_ends(kept[len(kept) - trailing :])
    inner = starts_with_end or (first_pair is not None and first_pair < body_end)
    body = kept[: len(kept) - trailing]
    cut = max(body.rfind(b"\n"), body.rfind(b"\r"))
    tail = kept[cut + 1 :] if cut >= 0 or len(kept) == size else None
    return LineCounts(ends - tail_ends + 1, inner, tail)


_KEEP: Final = 1024 * 1024


def _count_ends(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


@contextmanager
def any_field_size() -> Iterator[None]:
    """Python's csv module refuses fields over 128 KiB unless told otherwise; the limit
    is process-wide, so it is put back afterwards."""
    before = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _blank_after_last_record(tail: bytes) -> int:
    """Blank lines after the last record, which starts at the start of ``tail``: the
    line ends there are blank lines, unless a quote left open holds them."""
    reader = csv.reader(io.StringIO(tail.decode("utf-8", errors="replace"), newline=""))
    with any_field_size():
        try:
            return sum(1 for record in reader if not record)
        except csv.Error:
            return 0


@dataclass(frozen=True, slots=True)
class LineMap:
    """Record number (1-based, header included, blank lines not counted) -> line."""

    blank_lines: int
    table: np.ndarray | None = None  # line of record k at k - 1; None: the identity
    exact: bool = True

    def lines(self, records: pl.Series) -> pl.Series:
        if self.table is None or records.len() == 0:
            return records
        index = (records.cast(pl.Int64) - 1).clip(0, len(self.table) - 1).to_numpy()
        return pl.Series(records.name, self.table[index]).cast(records.dtype)


def line_map(chunks: Callable[[], Iterator[bytes]], records: int) -> LineMap:
    """The map for a file of ``records`` records (as the CSV reader counted them)."""
    counts = count_lines(chunks())
    if counts.tail is not None:
        if not counts.inner_blank and counts.body_lines == records:
            return LineMap(_blank_after_last_record(counts.tail))
        table = _nonblank_lines(chunks())
        if len(table) == records:
            last = _blank_after_last_record(counts.tail)
            return LineMap(counts.body_lines - len(table) + last, table)
    return _walk(chunks(), records)


def _nonblank_lines(chunks: Iterator[bytes]) -> np.ndarray:
    """Line numbers (1-based) of the non-blank lines, chunk by chunk with numpy."""
    parts: list[np.ndarray] = []
    lines = 0  # line ends seen so far
    last_end = -1  # offset (in the file) of the last byte of the last line end
    size = 0
    carry = b""  # a CR at the end of a chunk waits for the next byte (CRLF or not)
    for chunk in chunks:
        data = carry + chunk
        base = size - len(carry)
        size += len(chunk)
        carry = data[-1:] if data.endswith(b"\r") else b""
        body = data[: len(data) - len(carry)]
        found, lines, last_end = _ends(body, data, base, lines, last_end)
        parts.append(found)
    if carry:
        # A CR at the very end of the file ends its last line.
        found, lines, last_end = _ends(carry, carry + b"\0", size - 1, lines, last_end)
        parts.append(found)
    if size > last_end + 1:
        parts.append(np.array([lines + 1], dtype=np.int64))
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def _ends(
    body: bytes, data: bytes, base: int, lines: int, last_end: int
) -> tuple[np.ndarray, int, int]:
    """The non-blank lines ended in ``body`` (at file offset ``base``; ``data`` holds
    the byte after it), and the updated line count and last end."""
    view = np.frombuffer(body, dtype=np.uint8)
    after = np.frombuffer(data[1 : len(body) + 1].ljust(len(body), b"\0"), dtype=np.uint8)
    before = np.concatenate((np.zeros(1, dtype=np.uint8), view[:-1]))
    end_at = np.flatnonzero((view == _LF) | ((view == _CR) & (after != _LF)))
    # A line's end begins at the CR of a CRLF, else at the end itself.
    crlf = (view[end_at] == _LF) & (before[end_at] == _CR)
    begin = end_at - crlf.astype(np.int64)
    prev_end = np.concatenate(([last_end - base], end_at[:-1]))
    found = lines + 1 + np.flatnonzero(begin > prev_end + 1)
    if len(end_at):
        last_end = base + int(end_at[-1])
    return found.astype(np.int64), lines + len(end_at), last_end


def _walk(chunks: Iterator[bytes], records: int) -> LineMap:
    """Python's csv module over the whole file: where each record starts."""
    stream = io.BufferedReader(_ChunkStream(chunks))
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text)
    starts: list[int] = []
    blank = 0
    ended = 0
    with any_field_size():
        try:
            for record in reader:
                if record:
                    starts.append(ended + 1)
                else:
                    blank += 1
                ended = reader.line_num
        except csv.Error:
            pass
    table = np.array(starts[:records], dtype=np.int64)
    if len(table) < records:
        # The readers disagree (they should not); keep numbering past the known lines.
        extra = np.arange(1, records - len(table) + 1, dtype=np.int64)
        table = np.concatenate((table, (table[-1] if len(table) else 0) + extra))
        return LineMap(blank, table, exact=False)
    return LineMap(blank, table)


class _ChunkStream(io.RawIOBase):
    """A readable binary stream over an iterator of chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n
