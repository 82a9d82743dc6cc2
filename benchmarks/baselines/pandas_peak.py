"""Baseline: the exact peak with pandas, the way an analyst writes it.

One +1 event per start and one -1 per end, sorted by time and then by delta so that ends
come before starts at the same instant (half-open intervals), a cumulative sum, its
maximum and the first time it is reached.

Usage: python benchmarks/baselines/pandas_peak.py FILE... --format parquet|csv
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd


def read_calls(paths: list[str], fmt: str, start_col: str, end_col: str) -> pd.DataFrame:
    frames = []
    for path in paths:
        if fmt == "parquet":
            df = pd.read_parquet(path, columns=[start_col, end_col])
        else:
            df = pd.read_csv(path, usecols=[start_col, end_col])
            for col in (start_col, end_col):
                df[col] = pd.to_datetime(df[col], format="ISO8601", utc=True)
        frames.append(df)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def peak(calls: pd.DataFrame, start_col: str, end_col: str) -> tuple[int, int | None]:
    """The peak level and the first instant (µs since the epoch) it is reached."""
    if calls.empty:
        return 0, None
    n = len(calls)
    events = pd.DataFrame(
        {
            "ts": pd.concat([calls[start_col], calls[end_col]], ignore_index=True),
            "delta": np.repeat(np.array([1, -1], dtype=np.int64), n),
        }
    )
    events = events.sort_values(["ts", "delta"], kind="stable", ignore_index=True)
    level = events["delta"].cumsum()
    i = int(level.to_numpy().argmax())
    at = events["ts"].iloc[i]
    epoch = pd.Timestamp(0, tz="UTC")
    return int(level.iloc[i]), int((at - epoch) // pd.Timedelta(microseconds=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--start-col", default="start_time")
    parser.add_argument("--end-col", default="end_time")
    args = parser.parse_args()
    t0 = time.perf_counter()
    calls = read_calls(args.paths, args.format, args.start_col, args.end_col)
    t1 = time.perf_counter()
    value, at = peak(calls, args.start_col, args.end_col)
    t2 = time.perf_counter()
    doc = {
        "tool": "pandas",
        "task": "peak",
        "calls": len(calls),
        "peak": value,
        "at_us": at,
        "read_s": t1 - t0,
        "engine_s": t2 - t1,
    }
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
