"""Baseline: the exact peak with numpy, sorted starts and ends and ``searchsorted``.

The level just after the instant ``t`` is ``#starts <= t - #ends <= t`` (half-open
intervals: a call ending at ``t`` no longer counts). The peak is reached at a start, so
it is enough to evaluate it at every start: with the starts sorted, ``#starts <= s[i]``
is at least ``i + 1`` and exactly that for the last start of the instant, which is where
the maximum is read, so ``i + 1 - searchsorted(ends, s[i], "right")`` has the right
maximum and its first argmax is the first instant of the peak. Two sorts and one
binary search per call: the fastest exact peak we know in Python.

Usage: python benchmarks/baselines/numpy_peak.py FILE... --format parquet|csv
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

Int64Array = npt.NDArray[np.int64]


def read_intervals(
    paths: list[str], fmt: str, start_col: str, end_col: str
) -> tuple[Int64Array, Int64Array]:
    """Starts and ends as int64 microseconds since the epoch (UTC)."""
    ts = pa.timestamp("us", tz="UTC")
    tables = []
    for path in paths:
        if fmt == "parquet":
            tables.append(pq.ParquetFile(path).read(columns=[start_col, end_col]))
        else:
            options = pacsv.ConvertOptions(
                include_columns=[start_col, end_col], column_types={start_col: ts, end_col: ts}
            )
            tables.append(pacsv.read_csv(path, convert_options=options))
    table = pa.concat_tables(tables)

    def micros(name: str) -> Int64Array:
        column = pc.cast(table[name].cast(ts), pa.int64())
        out: Int64Array = column.to_numpy()
        return out

    return micros(start_col), micros(end_col)


def peak(starts: Int64Array, ends: Int64Array) -> tuple[int, int | None]:
    """The peak level and the first instant (µs) it is reached."""
    if len(starts) == 0:
        return 0, None
    s = np.sort(starts)
    e = np.sort(ends)
    level = np.arange(1, len(s) + 1, dtype=np.int64) - np.searchsorted(e, s, side="right")
    i = int(np.argmax(level))
    return int(level[i]), int(s[i])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--start-col", default="start_time")
    parser.add_argument("--end-col", default="end_time")
    args = parser.parse_args()
    t0 = time.perf_counter()
    starts, ends = read_intervals(args.paths, args.format, args.start_col, args.end_col)
    t1 = time.perf_counter()
    value, at = peak(starts, ends)
    t2 = time.perf_counter()
    doc = {
        "tool": "numpy",
        "task": "peak",
        "calls": len(starts),
        "peak": value,
        "at_us": at,
        "read_s": t1 - t0,
        "engine_s": t2 - t1,
    }
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
