"""Writing result tables to files, atomically, in the format the extension names."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import polars as pl

from ccc_cli.errors import OutputError, UsageError
from ccc_cli.report.atomic import atomic_path

TABLE_SUFFIXES = (".csv", ".parquet", ".json")


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
    check_not_directory(path, option=option)
    if _suffix(path) not in TABLE_SUFFIXES:
        raise UsageError(
            f"{option} {path}: unsupported extension {path.suffix or '(none)'!r}",
            hint="use .csv, .parquet or .json",
        )
    check_output_path(path, option=option)


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` (.csv, .parquet or .json records), atomically.

    Datetimes are written as ISO 8601 with offset in CSV and JSON.
    """
    suffix = _suffix(path)
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            frame.write_parquet(tmp)
        elif suffix == ".csv":
            frame.write_csv(tmp, datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z")
        elif suffix == ".json":
            records: list[dict[str, Any]] = frame.to_dicts()
            tmp.write_text(json.dumps(records, default=_json_default, indent=1) + "\n")
        else:  # pragma: no cover - check_table_path runs first
            raise UsageError(f"unsupported output format {suffix!r}")


def _json_default(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
