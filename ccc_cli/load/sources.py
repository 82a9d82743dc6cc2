"""Turn the paths a user gives (files, directories, globs) into readable sources."""

from __future__ import annotations

import glob
import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from ccc_cli.errors import InputError

Format = Literal["csv", "parquet", "frame"]

# Extensions picked up when a directory is given.
KNOWN_SUFFIXES: Final = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".parquet", ".pq")
_PARQUET_MAGIC: Final = b"PAR1"
_SNIFF_BYTES: Final = 64 * 1024
_SEPARATORS: Final = (",", "\t", ";", "|")


@dataclass(frozen=True, slots=True)
class Source:
    """One input file and how to read it."""

    path: Path
    label: str
    format: Format
    compressed: bool
    size: int

    def describe(self) -> str:
        kind = {"parquet": "Parquet", "csv": "delimited text", "frame": "in-memory frame"}[
            self.format
        ]
        return kind + (" (gzip)" if self.compressed else "")


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _has_known_suffix(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in KNOWN_SUFFIXES)


def expand_paths(paths: Sequence[str | Path]) -> list[Source]:
    """Expand files, directories (recursively) and glob patterns, in the order given.

    A file named twice is read once. Raises :class:`InputError` for a path that does not
    exist, a glob or directory with no input files, or an unreadable file.
    """
    if not paths:
        raise InputError("no input paths given", hint="pass one or more CSV or Parquet files")
    found: list[Path] = []
    for raw in paths:
        text = str(raw)
        path = Path(text).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _has_known_suffix(p))
            if not files:
                raise InputError(f"directory {text} holds no .csv, .csv.gz, .tsv or .parquet files")
            found.extend(files)
        elif path.is_file():
            found.append(path)
        elif _is_glob(text):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))  # noqa: PTH207
            files = [m for m in matches if m.is_file()]
            if not files:
                raise InputError(f"no file matches {text}")
            found.extend(files)
        else:
            raise InputError(f"file {text} not found")
    unique: list[Path] = []
    seen: set[Path] = set()
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return [_describe(p) for p in unique]


def _describe(path: Path) -> Source:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    name = path.name.lower()
    compressed = name.endswith(".gz") or head[:2] == b"\x1f\x8b"
    fmt: Format = "parquet" if head == _PARQUET_MAGIC else "csv"
    return Source(path=path, label=str(path), format=fmt, compressed=compressed, size=size)


def read_head(source: Source, n: int = _SNIFF_BYTES) -> bytes:
    """The first ``n`` bytes of a text source (decompressed)."""
    try:
        if source.compressed:
            with gzip.open(source.path, "rb") as fh:
                return fh.read(n)
        with source.path.open("rb") as fh:
            return fh.read(n)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read {source.label}: {exc}") from None


def sniff_line_end(source: Source) -> str:
    """``\r`` for old-Mac/Excel files whose lines end in CR alone, else ``\n`` (which also
    reads CRLF files)."""
    head = read_head(source)
    return "\r" if b"\r" in head and b"\n" not in head else "\n"


def sniff_separator(source: Source) -> str:
    """Field separator of a text file: ``.tsv`` means tab; otherwise the most frequent of
    ``, \\t ; |`` on the first line, outside quotes (comma on a tie)."""
    if source.path.name.lower().endswith((".tsv", ".tsv.gz")):
        return "\t"
    head = read_head(source).decode("utf-8", errors="replace")
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    outside: list[str] = []
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    line = "".join(outside)
    counts = {sep: line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","
