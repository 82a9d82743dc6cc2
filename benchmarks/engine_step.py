"""The engine step alone: ccc's sweep on an already loaded table, next to numpy's.

Run as its own process by ``run.py``: loads the files once with
``ccc_cli.api.load_calls`` (timed), then times ``compute_peaks`` on the loaded
:class:`CallSet` (and, inside it, ``build_events``: intervals, packed keys and the one
sort) and the numpy ``searchsorted`` peak on the same intervals taken out of the loaded
table as int64 arrays (the conversion is not timed: the baseline gets its arrays for
free). Each step runs once to warm up, then ``--repeat`` times; medians are printed as
one JSON object.

Usage: python benchmarks/engine_step.py FILE... [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from benchmarks.baselines.numpy_peak import peak as numpy_peak
from ccc_cli.api import compute_peaks, load_calls
from ccc_cli.engine.sweep import build_events
from ccc_cli.schema import END, START

T = TypeVar("T")


def timed(step: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median seconds of ``repeat`` runs after one warm-up, and the last result."""
    result = step()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    callset = load_calls(args.paths)
    load_s = time.perf_counter() - t0

    engine_s, result = timed(lambda: compute_peaks(callset), args.repeat)
    events_s, _ = timed(lambda: build_events(callset, by_account=False), args.repeat)

    calls = callset.calls.select(pl.col(START).dt.epoch("us"), pl.col(END).dt.epoch("us"))
    starts = calls[START].to_numpy()
    ends = calls[END].to_numpy()
    numpy_s, (np_value, np_at) = timed(lambda: numpy_peak(starts, ends), args.repeat)

    total = result.total
    doc = {
        "tool": "ccc-engine",
        "calls": callset.calls.height,
        "load_s": load_s,
        "engine_s": engine_s,
        "build_events_s": events_s,
        "numpy_s": numpy_s,
        "peak": total.value,
        "at": None if total.at is None else total.at.isoformat(),
        "numpy_peak": np_value,
        "numpy_at_us": np_at,
    }
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
