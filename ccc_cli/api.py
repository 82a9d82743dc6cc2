"""The library entry points: load CDR files into a :class:`CallSet`, then analyse it.

>>> from ccc_cli.api import load_calls, compute_peaks
>>> calls = load_calls(["sample_data/calls.csv"])          # doctest: +SKIP
>>> compute_peaks(calls).total.value                       # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from ccc_cli.errors import UsageError
from ccc_cli.load.reader import scan_frame
from ccc_cli.load.sources import expand_paths
from ccc_cli.normalize.build import ProgressSink, build_callset
from ccc_cli.normalize.callset import CallSet
from ccc_cli.normalize.detect import apply_preset, open_source
from ccc_cli.options import LoadOptions

if TYPE_CHECKING:
    from ccc_cli.engine.analysis import Analysis, analyze
    from ccc_cli.engine.at import Snapshot, snapshot
    from ccc_cli.engine.breaches import Breaches, compute_breaches
    from ccc_cli.engine.limits import Limits, read_limits
    from ccc_cli.engine.replay import ReplayResult, replay
    from ccc_cli.engine.series import Every, SeriesResult, compute_series, parse_every
    from ccc_cli.engine.sizing import (
        PlanSizing,
        Sizing,
        erlang_b,
        erlang_b_channels,
        recommend_plan,
        size_plan,
    )
    from ccc_cli.engine.sweep import PeakResult, compute_peaks

# The engine is imported on first use, so that loading alone (and every command that
# needs only part of the engine) does not pay for all of it.
_LAZY = {
    "Analysis": "analysis",
    "analyze": "analysis",
    "Snapshot": "at",
    "snapshot": "at",
    "Breaches": "breaches",
    "compute_breaches": "breaches",
    "Limits": "limits",
    "read_limits": "limits",
    "ReplayResult": "replay",
    "replay": "replay",
    "Every": "series",
    "SeriesResult": "series",
    "compute_series": "series",
    "parse_every": "series",
    "PlanSizing": "sizing",
    "Sizing": "sizing",
    "erlang_b": "sizing",
    "erlang_b_channels": "sizing",
    "recommend_plan": "sizing",
    "size_plan": "sizing",
    "PeakResult": "sweep",
    "compute_peaks": "sweep",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"ccc_cli.engine.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'ccc_cli.api' has no attribute {name!r}")


__all__ = [
    "Analysis",
    "Breaches",
    "CallSet",
    "Every",
    "Limits",
    "LoadOptions",
    "PeakResult",
    "PlanSizing",
    "ReplayResult",
    "SeriesResult",
    "Sizing",
    "Snapshot",
    "analyze",
    "compute_breaches",
    "compute_peaks",
    "compute_series",
    "erlang_b",
    "erlang_b_channels",
    "load_calls",
    "load_frame",
    "parse_every",
    "read_limits",
    "recommend_plan",
    "replay",
    "size_plan",
    "snapshot",
]


def load_calls(
    paths: Sequence[str | Path],
    options: LoadOptions | None = None,
    *,
    progress: ProgressSink | None = None,
) -> CallSet:
    """Read CDR files (CSV, TSV, gzip'd CSV, Parquet; files, directories or globs) and
    database tables: a URI (``postgresql://user@host/db``, ``mysql://...``) stands where
    a path stands, read with ``options.table`` (default ``cdr``) or ``options.query``."""
    opts = options or LoadOptions()
    sources = expand_paths(paths)
    databases = [s.database for s in sources if s.database is not None]
    if not databases and (opts.table is not None or opts.query is not None):
        flag = "--table" if opts.table is not None else "--query"
        raise UsageError(
            f"{flag} applies to database inputs, and no input is a database URI",
            hint="pass a URI such as postgresql://user@host/asteriskcdrdb",
        )
    try:
        opened = [open_source(source, opts) for source in sources]
        return build_callset(
            [scan for scan, _ in opened], opts, progress, presets=[p for _, p in opened]
        )
    finally:
        for database in databases:
            database.close()


def load_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    options: LoadOptions | None = None,
    *,
    label: str = "<frame>",
) -> CallSet:
    """Read an in-memory frame whose columns are as in an input file."""
    opts = options or LoadOptions()
    scan, preset = apply_preset(scan_frame(frame, label), opts)
    return build_callset([scan], opts, presets=[preset])
