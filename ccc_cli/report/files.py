"""Writing result tables to files, atomically, in the format the extension names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from ccc_cli.errors import UsageError
from ccc_cli.report.atomic import atomic_path

TABLE_SUFFIXES = (".csv", ".parquet", ".json")


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def check_table_path(path: Path, *, option: str) -> None:
    """Fail early (before any work) on an output path ccc cannot write."""
    if _suffix(path) not in TABLE_SUFFIXES:
        raise UsageError(
            f"{option} {path}: unsupported extension {path.suffix or '(none)'!r}",
            hint="use .csv, .parquet or .json",
        )
    if not path.parent.exists():
        raise UsageError(f"{option} {path}: directory {path.parent} does not exist")


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
