"""Writing result tables to files, atomically, in the format the extension names, or as
CSV to standard output (``-``); CSV safe to open in a spreadsheet.

**Safe CSV.** A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by spreadsheets as a formula (``=HYPERLINK(...)`` in a call id); such a
cell gets a leading ``'`` (OWASP's rule for CSV injection), unless it is a plain number
(``-5``, ``+3.5``, ``1e3``: a number cannot run anything). Numeric, date and time columns
are never touched. ``raw=True`` (``--raw-csv``) writes every cell as it is. Parquet and
JSON are never changed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Final

import polars as pl

from ccc_cli.errors import OutputError, UsageError
from ccc_cli.report.atomic import atomic_path

TABLE_SUFFIXES = (".csv", ".parquet", ".json")
# The path that means standard output (``-o -``).
STDOUT: Final = "-"
# ISO 8601 with the UTC offset, microseconds when not zero.
CSV_DATETIME: Final = "%Y-%m-%dT%H:%M:%S%.f%:z"
# A text cell starting with one of these is a formula to a spreadsheet (OWASP).
_FORMULA_START: Final = r"^[=+\-@\t\r]"
_PLAIN_NUMBER: Final = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def is_stdout(path: Path | str | None) -> bool:
    """Whether an output option names standard output (``-``)."""
    return path is not None and str(path) == STDOUT


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def check_not_directory(path: Path, *, option: str) -> None:
    """Raise :class:`OutputError` if the output ``path`` is an existing directory.

    Checked before the extension: ``-o results`` naming a directory is better answered
    with "is a directory" than with "unsupported extension".
    """
    if path.is_dir():
        raise OutputError(f"{option} {path}: is a directory", hint="name a file inside it")


def check_output_path(path: Path, *, option: str) -> None:
    """Fail before any work on an output path that cannot be written.

    Checks what can be known up front: the directory exists, is a directory and is
    writable, and the path is not a directory or another non-regular file (an atomic
    write replaces the path: it would replace a device or a pipe, not write into it).
    Writing can still fail later (a full disk): :func:`~ccc_cli.report.atomic.atomic_path`
    reports that.

    Raises
    ------
    OutputError
        Naming ``option``, the path and the reason.
    """
    where = f"{option} {path}"
    check_not_directory(path, option=option)
    if path.exists() and not path.is_file():
        raise OutputError(
            f"{where}: not a regular file",
            hint="name a regular file; ccc replaces the file it writes",
        )
    parent = path.parent
    if not parent.exists():
        raise OutputError(
            f"{where}: directory {parent} does not exist",
            hint="create the directory first, or choose another path",
        )
    if not parent.is_dir():
        raise OutputError(
            f"{where}: {parent} is not a directory",
            hint="choose a path inside an existing directory",
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(
            f"{where}: directory {parent} is not writable",
            hint="choose a directory you can write to",
        )


def check_table_path(path: Path, *, option: str) -> None:
    """Fail early (before any work) on a table output ccc cannot write: an unsupported
    extension (a usage error), or a path :func:`check_output_path` rejects."""
    if is_stdout(path):
        return  # CSV on standard output
    check_not_directory(path, option=option)
    if _suffix(path) not in TABLE_SUFFIXES:
        raise UsageError(
            f"{option} {path}: unsupported extension {path.suffix or '(none)'!r}",
            hint="use .csv, .parquet or .json",
        )
    check_output_path(path, option=option)


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula prefixed
    with ``'`` (see the module docstring); other columns unchanged."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
            cell = pl.col(name).cast(pl.String)
            risky = cell.str.contains(_FORMULA_START) & ~cell.str.contains(_PLAIN_NUMBER)
            exprs.append(pl.when(risky).then(pl.lit("'") + cell).otherwise(cell).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def csv_frame(frame: pl.DataFrame, *, tz: str | None = None, raw: bool = False) -> pl.DataFrame:
    """``frame`` as CSV holds it: lists (a call's leg ids) joined by spaces, instants in
    ``tz``, text cells neutralised unless ``raw``."""
    lists = [n for n, d in frame.schema.items() if isinstance(d, pl.List)]
    out = in_zone(frame, tz).with_columns(
        pl.col(n).cast(pl.List(pl.String)).list.join(" ") for n in lists
    )
    return out if raw else neutralise(out)


def in_zone(frame: pl.DataFrame, tz: str | None) -> pl.DataFrame:
    """``frame`` with its instants (time-zone-aware columns) shown in ``tz``."""
    if tz is None:
        return frame
    aware = [n for n, d in frame.schema.items() if isinstance(d, pl.Datetime) and d.time_zone]
    return frame.with_columns(pl.col(n).dt.convert_time_zone(tz) for n in aware)


def csv_text(frame: pl.DataFrame, *, tz: str | None = None, raw: bool = False) -> str:
    """The CSV text of ``frame`` (header line first)."""
    return csv_frame(frame, tz=tz, raw=raw).write_csv(None, datetime_format=CSV_DATETIME)


def write_table(
    frame: pl.DataFrame,
    path: Path,
    *,
    tz: str | None = None,
    raw_csv: bool = False,
    document: dict[str, Any] | None = None,
) -> int:
    """Write ``frame`` to ``path`` (.csv, .parquet or .json records; ``-``: CSV on
    standard output), atomically; return the bytes written.

    Instants are ISO 8601 with offset (in ``tz`` when given) in CSV and JSON. A ``.json``
    path gets ``document`` when given (``series -o FILE.json``: the whole document),
    else the rows as records.
    """
    if is_stdout(path):
        text = csv_text(frame, tz=tz, raw=raw_csv)
        sys.stdout.write(text)
        return len(text.encode())
    suffix = _suffix(path)
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            frame.write_parquet(tmp)
        elif suffix == ".csv":
            csv_frame(frame, tz=tz, raw=raw_csv).write_csv(tmp, datetime_format=CSV_DATETIME)
        elif suffix == ".json":
            payload: Any = in_zone(frame, tz).to_dicts() if document is None else document
            tmp.write_text(json.dumps(payload, default=_json_default, indent=1) + "\n")
        else:  # pragma: no cover - check_table_path runs first
            raise UsageError(f"unsupported output format {suffix!r}")
        return tmp.stat().st_size


def _json_default(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
