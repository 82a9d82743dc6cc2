"""Turn the paths a user gives (files, directories, globs, ``-``) into readable sources.

A regular file is read where it lies (gzip'd ones through a decompressing stream). A
pipe, a FIFO, a character device or ``-`` (standard input) can be read only once, so
its bytes are taken into memory when the source is described.
"""

from __future__ import annotations

import glob
import gzip
import io
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final, Literal, cast

from ccc_cli.errors import InputError
from ccc_cli.load.database import is_database_uri

if TYPE_CHECKING:
    from ccc_cli.load.database import DatabaseInput

Format = Literal["csv", "parquet", "frame", "database"]

# Extensions picked up when a directory is given.
KNOWN_SUFFIXES: Final = (
    ".csv",
    ".csv.gz",
    ".tsv",
    ".tsv.gz",
    ".txt",
    ".parquet",
    ".pq",
    ".parquet.gz",
)
STDIN: Final = "-"
_PARQUET_MAGIC: Final = b"PAR1"
_GZIP_MAGIC: Final = b"\x1f\x8b"
_SNIFF_BYTES: Final = 64 * 1024
CHUNK_BYTES: Final = 16 * 1024 * 1024
# Input that is not a regular file is held in memory; past this it must be a file.
_MAX_STREAM_BYTES: Final = 4 * 1024**3


@dataclass(frozen=True, slots=True)
class Source:
    """One input and how to read it.

    ``data`` holds the (decompressed) bytes of an input that cannot be read twice (a
    pipe, standard input) or that must be decompressed whole (gzip'd Parquet); ``size``
    is the size on disk (0 when unknown). A database table or query (a URI given where
    a path stands) has ``format`` ``database``, its URI with the password masked as
    ``label``, and ``database`` (see ``ccc_cli.load.database``).
    """

    path: Path
    label: str
    format: Format
    compressed: bool
    size: int
    data: bytes | None = None
    database: DatabaseInput | None = None

    def describe(self) -> str:
        if self.database is not None:
            return self.database.describe()
        kind = {"parquet": "Parquet", "csv": "delimited text", "frame": "in-memory frame"}[
            self.format
        ]
        return kind + (" (gzip)" if self.compressed else "")

    def open(self) -> IO[bytes]:
        """A binary stream of the (decompressed) content."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.compressed:
            return cast(IO[bytes], gzip.open(self.path, "rb"))
        return self.path.open("rb")


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _has_known_suffix(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in KNOWN_SUFFIXES)


def expand_paths(paths: Sequence[str | Path]) -> list[Source]:
    """Expand files, directories (recursively) and glob patterns, in the order given.

    A file named twice is read once; ``-`` is standard input; a database URI
    (``postgresql://...``, ``mysql://...``) is a source of its own. Raises
    :class:`InputError` for a path that does not exist, a glob or directory with no
    input files, or an unreadable file.
    """
    if not paths:
        raise InputError("no input paths given", hint="pass one or more CSV or Parquet files")
    found: list[Path | Source] = []
    for raw in paths:
        text = str(raw)
        path = Path(text).expanduser()
        if isinstance(raw, str) and is_database_uri(text):
            found.append(_database(text))
        elif text == STDIN:
            found.append(Path(STDIN))
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _has_known_suffix(p))
            if not files:
                raise InputError(
                    f"directory {text} holds no .csv, .csv.gz, .tsv, .txt or .parquet files"
                )
            found.extend(files)
        elif path.exists():
            found.append(path)
        elif _is_glob(text):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))  # noqa: PTH207
            files = [m for m in matches if m.is_file()]
            if not files:
                raise InputError(f"no file matches {text}")
            found.extend(files)
        else:
            raise InputError(f"file {text} not found")
    unique: list[Path | Source] = []
    seen: set[Path | str] = set()
    for p in found:
        key: Path | str
        if isinstance(p, Source):
            assert p.database is not None
            key = p.database.uri.text
        else:
            key = p if str(p) == STDIN else p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return [p if isinstance(p, Source) else _describe(p) for p in unique]


def _database(text: str) -> Source:
    from ccc_cli.load.database import open_database

    database = open_database(text)
    label = database.label
    return Source(
        path=Path(label),
        label=label,
        format="database",
        compressed=False,
        size=0,
        database=database,
    )


def _read_stream(stream: IO[bytes], label: str) -> bytes:
    data = stream.read(_MAX_STREAM_BYTES + 1)
    if len(data) > _MAX_STREAM_BYTES:
        raise InputError(
            f"{label} holds more than {_MAX_STREAM_BYTES // 1024**3} GiB",
            hint="save the input to a file and pass its path",
        )
    return data


def _describe(path: Path) -> Source:
    label = "<stdin>" if str(path) == STDIN else str(path)
    data: bytes | None = None
    try:
        if str(path) == STDIN:
            data = _read_stream(sys.stdin.buffer, label)
            size = 0
        else:
            info = path.stat()
            if stat.S_ISREG(info.st_mode):
                size = info.st_size
                with path.open("rb") as fh:
                    head = fh.read(4)
            else:
                # A FIFO, a character device (/dev/null), a process substitution.
                with path.open("rb") as fh:
                    data = _read_stream(fh, label)
                size = 0
    except OSError as exc:
        raise InputError(f"cannot read {label}: {exc.strerror or exc}") from None
    if data is not None:
        head = data[:4]
    compressed = head[:2] == _GZIP_MAGIC
    if compressed:
        head = _gunzip_head(path, data, label)
    fmt: Format = "parquet" if head == _PARQUET_MAGIC else "csv"
    if fmt == "parquet" and (compressed or data is not None):
        # Parquet is read by seeking; a gzip'd one (or a piped one) is read in memory.
        data = _decompress(path, data, label) if compressed else data
    elif compressed and data is not None:
        data = _decompress(path, data, label)
    return Source(path=path, label=label, format=fmt, compressed=compressed, size=size, data=data)


def _gunzip_head(path: Path, data: bytes | None, label: str) -> bytes:
    try:
        with gzip.open(io.BytesIO(data) if data is not None else path, "rb") as fh:
            return fh.read(4)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read {label}: not a valid gzip file ({exc})") from None


def _decompress(path: Path, data: bytes | None, label: str) -> bytes:
    try:
        with gzip.open(io.BytesIO(data) if data is not None else path, "rb") as fh:
            return _read_stream(cast(IO[bytes], fh), label)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read {label}: not a valid gzip file ({exc})") from None


def read_head(source: Source, n: int = _SNIFF_BYTES) -> bytes:
    """The first ``n`` bytes of a text source (decompressed)."""
    if source.data is not None:
        return source.data[:n]
    try:
        with source.open() as fh:
            return fh.read(n)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read {source.label}: {exc}") from None


def iter_chunks(source: Source, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The whole (decompressed) content, in chunks."""
    if source.data is not None:
        view = memoryview(source.data)
        for at in range(0, len(view), size):
            yield bytes(view[at : at + size])
        return
    try:
        with source.open() as fh:
            while chunk := fh.read(size):
                yield chunk
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read {source.label}: {exc}") from None
