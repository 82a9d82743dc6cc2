"""What the head of a text file says: its encoding, separator, header and column names.

Only the first 64 KB are parsed here (with Python's ``csv`` module, whose rules the
full reader follows too); the encoding is decided over the whole file
(``ccc_cli.load.encoding``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ccc_cli.errors import InputError
from ccc_cli.load.encoding import TextEncoding, detect_text_encoding
from ccc_cli.load.sources import Source, iter_chunks, read_head

SNIFF_BYTES: Final = 64 * 1024
_SAMPLE_RECORDS: Final = 50
_SEPARATORS: Final = (",", "\t", ";", "|")
_DATA_LIKE: Final = re.compile(
    r"^\s*$|^[+-]?\d+([.:/-]\d+)*$|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
)
# The SQL type names a database export writes on the line under its header (CUCM).
_SQL_TYPE: Final = re.compile(
    r"^(INTEGER|INT|BIGINT|SMALLINT|TINYINT|VARCHAR(\(\d+\))?|NVARCHAR(\(\d+\))?|CHAR(\(\d+\))?"
    r"|TEXT|UNIQUEIDENTIFIER|DATETIME|TIMESTAMP|DATE|TIME|BOOLEAN|BIT|DECIMAL(\([\d,]+\))?"
    r"|NUMERIC|FLOAT|REAL|DOUBLE)$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class TextHead:
    """How to read one text file.

    ``names`` are the frame's column names (unique; ``column_N`` where the file has no
    name); ``header`` the names as the file writes them (None: headerless); ``rows`` a
    sample of data records; ``skip`` the lines above the data (header, type line).
    """

    encoding: TextEncoding
    separator: str
    header: tuple[str, ...] | None
    names: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    type_line: bool
    leading_blank: int = 0  # blank lines above the first record

    @property
    def skip(self) -> int:
        return (self.header is not None) + self.type_line


def looks_like_data(columns: Sequence[str]) -> bool:
    """Whether a "header" is really a data row (empty names, numbers, dates)."""
    return sum(bool(_DATA_LIKE.search(c)) for c in columns) >= max(2, len(columns) // 4)


def is_type_line(record: Sequence[str]) -> bool:
    """A line of SQL type names under the header (CUCM's CDR files): every field is one."""
    values = [v.strip() for v in record]
    return bool(values) and all(_SQL_TYPE.match(v) for v in values)


def _decode_head(head: bytes, encoding: TextEncoding, *, whole: bool) -> str:
    """The head as text; a sequence cut by the end of the head is left out."""
    decoder = codecs.getincrementaldecoder(encoding.name)(errors="replace")
    text = decoder.decode(head, final=whole)
    return text.lstrip("\ufeff")


def sniff_separator(first_line: str, label: str) -> str:
    """``.tsv`` means tab; otherwise the most frequent of ``, \\t ; |`` on the first
    line, outside quotes (comma on a tie)."""
    if label.lower().endswith((".tsv", ".tsv.gz")):
        return "\t"
    outside: list[str] = []
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    line = "".join(outside)
    counts = {sep: line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def _records(text: str, separator: str, *, whole: bool) -> tuple[list[list[str]], int]:
    """The non-blank records of the head (the last one dropped when it may be cut), and
    the blank lines above the first."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    out: list[list[str]] = []
    leading = 0
    try:
        for record in reader:
            if record:
                out.append(record)
            elif not out:
                leading += 1
            if len(out) > _SAMPLE_RECORDS + 2:
                break
        else:
            if not whole and out:
                out.pop()
    except csv.Error:
        pass
    return out, leading


def unique_names(names: Sequence[str]) -> tuple[str, ...]:
    """Column names a frame can hold: an empty name becomes ``column_N`` (its 1-based
    position), a repeated one gets ``_2``, ``_3``, ..."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = raw.strip() or f"column_{i}"
        candidate, k = name, 1
        while candidate in seen:
            k += 1
            candidate = f"{name}_{k}"
        seen.add(candidate)
        out.append(candidate)
    return tuple(out)


def _trailing_empties(width: int, rows: Sequence[Sequence[str]]) -> int:
    """Extra fields every sample row has past the header, all empty (a separator at the
    end of each data line): read as unnamed columns rather than as malformed rows."""
    if not rows:
        return 0
    extra = {len(r) - width for r in rows}
    if len(extra) != 1:
        return 0
    (k,) = extra
    if k <= 0 or any(v.strip() for r in rows for v in r[width:]):
        return 0
    return k


def read_text_head(
    source: Source,
    *,
    encoding: str | None,
    separator: str | None,
    has_header: bool | None,
) -> TextHead:
    """Decide how to read a text file from its first bytes (and its encoding from all)."""
    head = read_head(source, SNIFF_BYTES)
    if not head:
        raise InputError(f"file {source.label} is empty", hint="check the path or the export")
    chosen = detect_text_encoding(head, iter_chunks(source), iter_chunks(source), encoding)
    whole = len(head) < SNIFF_BYTES
    text = _decode_head(head, chosen, whole=whole)
    if not text.strip():
        raise InputError(f"file {source.label} holds only blank lines")
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep = separator or sniff_separator(first, source.label)
    records, leading = _records(text, sep, whole=whole)
    if not records:
        raise InputError(f"file {source.label} holds no records", hint="check the export")
    header_present = has_header if has_header is not None else not looks_like_data(records[0])
    header = tuple(records[0]) if header_present else None
    rows = records[1:] if header_present else records
    type_line = header is not None and bool(rows) and is_type_line(rows[0])
    if type_line:
        rows = rows[1:]
    width = len(header) if header is not None else max(len(r) for r in records)
    names = list(header) if header is not None else [""] * width
    names += [""] * _trailing_empties(width, rows)
    return TextHead(
        encoding=chosen,
        separator=sep,
        header=header,
        names=unique_names(names),
        rows=tuple(tuple(r) for r in rows[:_SAMPLE_RECORDS]),
        type_line=type_line,
        leading_blank=leading,
    )
