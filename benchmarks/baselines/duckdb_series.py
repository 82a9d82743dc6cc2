"""Baseline: the exact per-minute maximum concurrency in DuckDB SQL, overall and by type.

The peak's window sweep, ``PARTITION BY`` series (``total`` and each call type), then per
bucket ``[m, m + 1 min)``: the highest level after any event inside it, or the level the
bucket opens with (calls begun earlier and still active), whichever is higher. The
opening level is the sum of the deltas of all earlier buckets; buckets without events
keep it throughout. Every bucket from the one holding the first start to the one holding
the last end is written, empty ones included, as ccc does.

Usage: python benchmarks/baselines/duckdb_series.py FILE... --format parquet|csv --out OUT.parquet
"""

from __future__ import annotations

import argparse
import json
import time

import duckdb

SERIES_SQL = """
CREATE TEMP TABLE calls AS
    SELECT epoch_us({start}) AS s, epoch_us({end}) AS e, CAST({type} AS VARCHAR) AS t
    FROM {source};

CREATE TEMP TABLE buckets AS
WITH events AS (
    SELECT s AS ts, 1 AS delta, t FROM calls
    UNION ALL
    SELECT e AS ts, -1 AS delta, t FROM calls
),
series AS (
    SELECT ts, delta, 'total' AS grp FROM events
    UNION ALL
    SELECT ts, delta, t AS grp FROM events
),
levels AS (
    SELECT grp, ts, delta,
        SUM(delta) OVER (PARTITION BY grp ORDER BY ts, delta ROWS UNBOUNDED PRECEDING) AS level
    FROM series
)
SELECT grp, ts // {width} AS m, max(level) AS top, sum(delta) AS net
FROM levels
GROUP BY grp, m;

CREATE TEMP TABLE grid AS
WITH span AS (SELECT min(s) // {width} AS lo, max(e) // {width} AS hi FROM calls),
minutes AS (SELECT unnest(range(lo, hi + 1)) AS m FROM span),
groups AS (SELECT DISTINCT grp FROM buckets)
SELECT groups.grp, minutes.m, b.top, coalesce(b.net, 0) AS net
FROM minutes CROSS JOIN groups
LEFT JOIN buckets b ON b.grp = groups.grp AND b.m = minutes.m;

CREATE TEMP TABLE result AS
WITH opened AS (
    SELECT grp, m, top,
        coalesce(SUM(net) OVER (
            PARTITION BY grp ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0) AS opening
    FROM grid
)
SELECT m * {width} AS bucket_start_us, grp,
    CAST(greatest(coalesce(top, opening), opening) AS BIGINT) AS max
FROM opened;
"""

PIVOT_SQL = """
COPY (
    PIVOT result ON grp USING first(max) GROUP BY bucket_start_us ORDER BY bucket_start_us
) TO '{out}' (FORMAT parquet)
"""

MINUTE_US = 60_000_000


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
    parser.add_argument("--type-col", default="call_type")
    parser.add_argument("--out", required=True, help="Parquet file for the buckets.")
    args = parser.parse_args()
    sql = SERIES_SQL.format(
        start=quote(args.start_col),
        end=quote(args.end_col),
        type=quote(args.type_col),
        source=source(args.paths, args.format),
        width=MINUTE_US,
    )
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(sql)
    con.execute(PIVOT_SQL.format(out=args.out.replace("'", "''")))
    row = con.execute("SELECT count(DISTINCT bucket_start_us), max(max) FROM result").fetchone()
    t1 = time.perf_counter()
    buckets, top = row if row is not None else (0, 0)
    doc = {
        "tool": "duckdb",
        "task": "series",
        "every": "1m",
        "buckets": int(buckets),
        "max": int(top or 0),
        "out": args.out,
        "engine_s": t1 - t0,
    }
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
