"""Baseline: the exact peak in DuckDB SQL, the classic window-function sweep.

One +1 event per start and one -1 per end; ``SUM(delta) OVER (ORDER BY ts, delta ROWS
UNBOUNDED PRECEDING)`` is the level after each event, ends (-1) sorting before starts
(+1) at the same instant (half-open intervals); the peak is its maximum, first reached at
the smallest ``ts`` holding it.

Usage: python benchmarks/baselines/duckdb_peak.py FILE... --format parquet|csv
"""

from __future__ import annotations

import argparse
import json
import time

import duckdb

PEAK_SQL = """
WITH calls AS (
    SELECT epoch_us({start}) AS s, epoch_us({end}) AS e FROM {source}
),
events AS (
    SELECT s AS ts, 1 AS delta FROM calls
    UNION ALL
    SELECT e AS ts, -1 AS delta FROM calls
),
levels AS (
    SELECT ts, SUM(delta) OVER (ORDER BY ts, delta ROWS UNBOUNDED PRECEDING) AS level
    FROM events
)
SELECT level, ts, (SELECT count(*) FROM calls) AS calls
FROM levels
ORDER BY level DESC, ts
LIMIT 1
"""


def source(paths: list[str], fmt: str) -> str:
    """A DuckDB table function reading every file."""
    files = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
    return f"read_parquet({files})" if fmt == "parquet" else f"read_csv({files})"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--start-col", default="start_time")
    parser.add_argument("--end-col", default="end_time")
    args = parser.parse_args()
    sql = PEAK_SQL.format(
        start=quote(args.start_col), end=quote(args.end_col), source=source(args.paths, args.format)
    )
    t0 = time.perf_counter()
    row = duckdb.connect().execute(sql).fetchone()
    t1 = time.perf_counter()
    value, at, calls = row if row is not None else (0, None, 0)
    doc = {
        "tool": "duckdb",
        "task": "peak",
        "calls": int(calls),
        "peak": int(value or 0),
        "at_us": None if not value or at is None else int(at),
        "engine_s": t1 - t0,
    }
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
