"""The bundled sample: ccc's figures equal an independent plain-Python count, and the
figures sample_data/README.md states."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from ccc_cli.cli.app import app

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "calls.csv"


def independent_count() -> tuple[dict[str, int], int, dict[str, int]]:
    """Row buckets, total peak and per-type peaks, with csv + datetime + sorting only."""
    with SAMPLE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    buckets = defaultdict(int)
    buckets["read"] = len(rows)
    seen: set[tuple[str, datetime, datetime]] = set()
    legs: list[tuple[dict[str, str], datetime, datetime]] = []
    for row in rows:
        if "reach_plan_limit" in row["status"].lower():
            buckets["plan_limit_rejected"] += 1
            continue
        start = datetime.fromisoformat(row["start_time"])
        if not row["end_time"]:
            buckets["invalid"] += 1  # no end (the sample has no duration without an end)
            continue
        end = datetime.fromisoformat(row["end_time"])
        if end < start:
            buckets["invalid"] += 1
            continue
        key = (row["call_id"], start, end)
        if key in seen:
            buckets["duplicates"] += 1
            continue
        seen.add(key)
        legs.append((row, start, end))
    parent = {r["call_id"]: r["parent_call_id"] for r, _, _ in legs if r["parent_call_id"]}

    def root(call_id: str) -> str:
        while call_id in parent:
            call_id = parent[call_id]
        return call_id

    calls: dict[str, list[tuple[dict[str, str], datetime, datetime]]] = defaultdict(list)
    for leg in legs:
        calls[root(leg[0]["call_id"])].append(leg)
    buckets["used"] = len(calls)
    buckets["merged_legs"] = len(legs) - len(calls)

    def peak(call_type: str | None) -> int:
        events: list[tuple[datetime, int]] = []
        for call_legs in calls.values():
            first = min(call_legs, key=lambda leg: leg[1])
            if call_type is not None and first[0]["call_type"] != call_type:
                continue
            # Union of the call's legs, then +1/-1 per interval; ends sort before starts.
            merged: list[list[datetime]] = []
            for _, s, e in sorted(call_legs, key=lambda leg: leg[1]):
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            for s, e in merged:
                if e > s:
                    events += [(s, 1), (e, -1)]
        level = best = 0
        for _, delta in sorted(events, key=lambda ev: (ev[0], ev[1])):
            level += delta
            best = max(best, level)
        return best

    types = ("inbound", "outbound", "internal", "app_to_app", "otp")
    return dict(buckets), peak(None), {t: peak(t) for t in types}


def test_sample_matches_independent_count_and_its_readme() -> None:
    r = CliRunner().invoke(app, ["peak", str(SAMPLE), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    buckets, total, by_type = independent_count()
    rows = {k: v for k, v in doc["rows"].items() if k != "invalid_reasons"}
    assert rows == {k: buckets.get(k, 0) for k in rows}
    assert doc["peak"]["value"] == total
    assert {t: doc["peak_by_type"][t]["value"] for t in by_type} == by_type
    # The figures sample_data/README.md promises.
    assert rows == {
        "read": 8000,
        "used": 7766,
        "duplicates": 4,
        "merged_legs": 210,
        "plan_limit_rejected": 16,
        "invalid": 4,
    }
    assert total == 21
    readme = (SAMPLE.parent / "README.md").read_text(encoding="utf-8")
    assert "a peak of\n21 concurrent calls" in readme
