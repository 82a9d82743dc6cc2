"""``ccc breaches`` and ``ccc check``: JSON documents and screens."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from ccc_cli.engine.breaches import JUSTIFIED, NO_LIMIT, NO_TIME, UNEXPECTED, Breaches
from ccc_cli.engine.capacity import FROM, TO, Intervals
from ccc_cli.engine.limits import Limits
from ccc_cli.engine.replay import ReplayResult
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.common import accounting_line, header, inputs_document, peak_object
from ccc_cli.report.timefmt import duration_text, human, iso
from ccc_cli.schema import CALL_TYPES, START

SHOWN = 10
# Short names for narrow table cells.
SHORT_TYPES = {
    "inbound": "in",
    "outbound": "out",
    "internal": "int",
    "app_to_app": "app",
    "otp": "otp",
    "other": "oth",
}


def limits_document(limits: Limits) -> dict[str, Any]:
    """``limit`` (one limit on all calls, or null) and, with per-account limits,
    ``limits``: ``{accounts: {account: limit}, default}``."""
    if limits.total is not None:
        return {"limit": limits.total}
    return {
        "limit": None,
        "limits": {"accounts": dict(limits.per_account), "default": limits.default},
    }


def intervals_records(intervals: Intervals, tz: str) -> list[dict[str, Any]]:
    """Maximal intervals ``[from, to)``, each with its ``peak`` (value, first instant,
    mix) and the calls that started inside."""
    out = []
    for row in intervals.frame.iter_rows(named=True):
        record: dict[str, Any] = {}
        if "account" in row:
            record["account"] = row["account"]
        mix = {t: row[f"{t}_at_max"] for t in intervals.types}
        record |= {
            "from": iso(row[FROM], tz),
            "to": iso(row[TO], tz),
            "seconds": row["seconds"],
            "limit": row["limit"],
            "peak": peak_object(row["max_level"], row["at_max"], mix, tz),
            "starts_inside": row["starts_inside"],
        }
        out.append(record)
    return out


def intervals_frame(result: Breaches) -> pl.DataFrame:
    """``--format csv``: every interval at capacity, then over the limit: ``kind``
    (``capacity``, ``over_limit``), [``account``], ``from``, ``to``, ``seconds``,
    ``limit``, ``peak``, ``peak_at``, ``peak_mix_<type>``, ``starts_inside``."""
    frames = []
    for kind, intervals in (("capacity", result.capacity), ("over_limit", result.over)):
        frame = intervals.frame
        mix = [
            (pl.col(f"{t}_at_max") if t in intervals.types else pl.lit(0, pl.Int64)).alias(
                f"peak_mix_{t}"
            )
            for t in CALL_TYPES
        ]
        account = [pl.col("account")] if "account" in frame.columns else []
        frames.append(
            frame.select(
                pl.lit(kind).alias("kind"),
                *account,
                FROM,
                TO,
                "seconds",
                "limit",
                pl.col("max_level").alias("peak"),
                pl.col("at_max").alias("peak_at"),
                *mix,
                "starts_inside",
            )
        )
    return pl.concat(frames, how="vertical_relaxed")


def intervals_totals(intervals: Intervals, tz: str) -> dict[str, Any]:
    return {
        "intervals": intervals.count,
        "seconds": intervals.total_seconds,
        "days_affected": intervals.days_affected(tz),
    }


def replay_document(result: ReplayResult, tz: str) -> dict[str, Any]:
    """``replay``: the admission replay's outcome (``ccc breaches``, ``ccc check``)."""
    by_type = result.by_type()
    return {
        "calls": result.calls,
        "rejected_calls": result.rejected_calls,
        "rejected_rate": result.rejected_rate,
        "rejected_calls_by_type": {t: int(by_type.get(t, 0)) for t in CALL_TYPES},
        "rejected_calls_by_account": result.by_account(),
        "first_rejection": iso(result.first_rejection, tz),
        "episodes": result.episodes,
        "sequential_events": result.sequential_events,
        "events": result.events,
    }


def records(frame: pl.DataFrame, tz: str) -> list[dict[str, Any]]:
    """Rows as JSON objects, instants as ISO 8601 with offset in ``tz``."""
    return [
        {k: iso(v, tz) if hasattr(v, "isoformat") else v for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]


def breaches_document(result: Breaches, callset: CallSet) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc breaches`` (docs/schema/breaches.json)."""
    tz = callset.tz
    observed = result.observed
    return {
        **inputs_document(callset, "breaches"),
        **limits_document(result.limits),
        "capacity_intervals": intervals_records(result.capacity, tz),
        "capacity": intervals_totals(result.capacity, tz),
        "over_limit_intervals": intervals_records(result.over, tz),
        "over_limit": intervals_totals(result.over, tz),
        "replay": replay_document(result.replay, tz),
        "observed_rejections": {
            "count": observed.count(),
            "justified": observed.count(JUSTIFIED),
            "unexpected": observed.count(UNEXPECTED),
            "no_limit": observed.count(NO_LIMIT),
            "no_time": observed.count(NO_TIME),
            "rows": records(observed.rows, tz),
        },
        "breached": result.breached,
    }


def check_document(
    result: ReplayResult,
    callset: CallSet,
    limits: Limits,
    *,
    passed: bool,
    max_rejected: int | None,
    max_reject_rate: float | None,
) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc check`` (docs/schema/check.json): the
    verdict, what was allowed, and the replay as in ``ccc breaches``."""
    return {
        **inputs_document(callset, "check"),
        "passed": passed,
        **limits_document(limits),
        "max_rejected": max_rejected,
        "max_reject_rate": max_reject_rate,
        "replay": replay_document(result, callset.tz),
    }


def merge_check_documents(docs: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """``ccc check --each``: one document over several files, each file's verdict under
    ``by_file`` (``passed``, ``rows``, ``replay``); the top-level ``passed`` is all of
    them, ``rows`` sums their accounting, ``replay`` is null (per file only)."""
    first = docs[0][1]
    merged = {
        **first,
        "files": [f for _, d in docs for f in d["files"]],
        "rows": _sum_rows([d["rows"] for _, d in docs]),
        "notes": [n for _, d in docs for n in d["notes"]],
        "reused_call_ids": sum(d["reused_call_ids"] for _, d in docs),
        "passed": all(d["passed"] for _, d in docs),
        "replay": None,
    }
    merged["by_file"] = {
        label: {"passed": d["passed"], "rows": d["rows"], "replay": d["replay"]}
        for label, d in docs
    }
    return merged


def _sum_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for doc in rows:
        for key, value in doc.items():
            if isinstance(value, dict):
                inner = total.setdefault(key, {})
                for k, v in value.items():
                    inner[k] = inner.get(k, 0) + v
            else:
                total[key] = total.get(key, 0) + value
    return total


def _clock(start: Any, end: Any, tz: str) -> str:
    """The end of an interval: only its time of day when on the same local day."""
    text = human(end, tz)
    same_day = human(start, tz)[:10] == text[:10]
    return text[11:] if same_day else text


def breach_summary_lines(result: Breaches, tz: str) -> list[str]:
    """The few lines ``ccc analyze --limit`` shows."""
    cap, over, rep = result.capacity, result.over, result.replay
    lines = [
        f"at capacity: {cap.count:,} interval(s), {duration_text(cap.total_seconds)} in all, "
        f"on {cap.days_affected(tz)} day(s); over the limit: {over.count:,} interval(s), "
        f"{duration_text(over.total_seconds)}",
    ]
    if rep.rejected_calls:
        kinds = ", ".join(f"{n:,} {t}" for t, n in rep.by_type().items())
        lines.append(
            f"the plan would have rejected {rep.rejected_calls:,} of {rep.calls:,} calls "
            f"({rep.rejected_rate:.3%}: {kinds}), the first at {human(rep.first_rejection, tz)}"
        )
    else:
        lines.append(f"the plan would have rejected none of the {rep.calls:,} calls")
    obs = result.observed
    if obs.count():
        lines.append(
            f"REACH_PLAN_LIMIT rows in the log: {obs.count():,} ({obs.count(JUSTIFIED):,} "
            f"justified, {obs.count(UNEXPECTED):,} unexpected: level below the limit)"
        )
    return lines


def render_breaches(console: Console, result: Breaches, callset: CallSet) -> None:
    """Summary, the longest intervals, rejected calls by type/account, observed rows."""
    tz = callset.tz
    console.print(f"[bold]ccc breaches[/bold]: {result.limits.describe()} (times in {tz})")
    for line in breach_summary_lines(result, tz):
        console.print(line, markup=False)
    cap = result.capacity
    if cap.count:
        longest = cap.frame.sort(["seconds", FROM], descending=[True, False]).head(SHOWN)
        table = Table(
            title=f"Longest {longest.height} of {cap.count:,} intervals at capacity "
            "(types: in/out/int/app/otp/oth)",
            title_justify="left",
        )
        if "account" in longest.columns:
            table.add_column("account")
        for name in ("from", "to", "length", "peak", "starts inside", "mix at peak"):
            table.add_column(
                name,
                justify="right" if name in ("peak", "starts inside") else "left",
                no_wrap=name in ("from", "to"),
            )
        for row in longest.iter_rows(named=True):
            mix = " ".join(
                f"{row[f'{t}_at_max']} {SHORT_TYPES[t]}" for t in cap.types if row[f"{t}_at_max"]
            )
            cells = [row["account"]] if "account" in row else []
            cells += [
                human(row[FROM], tz),
                _clock(row[FROM], row[TO], tz),
                duration_text(row["seconds"]),
                str(row["max_level"]),
                str(row["starts_inside"]),
                mix,
            ]
            table.add_row(*cells)
        console.print(table)
    rep = result.replay
    if rep.rejected_calls and len(rep.by_account()) > 1:
        table = Table(title="Rejected calls by account", title_justify="left")
        table.add_column("account")
        table.add_column("rejected", justify="right")
        for account, n in sorted(rep.by_account().items(), key=lambda kv: -kv[1]):
            table.add_row(account, f"{n:,}")
        console.print(table)
    unexpected = result.observed.rows.filter(pl.col("verdict") == UNEXPECTED)
    obs = unexpected.head(SHOWN)
    if obs.height:
        table = Table(
            title="Unexpected REACH_PLAN_LIMIT rows (level below the limit)", title_justify="left"
        )
        for name in ("call_id", "start", "call_type", "account", "level", "limit"):
            table.add_column(header(name), no_wrap=name == "start")
        for row in obs.iter_rows(named=True):
            table.add_row(
                str(row["call_id"]),
                human(row[START], tz),
                str(row["call_type"]),
                str(row["account"]),
                str(row["level"]),
                str(row["limit"]),
            )
        console.print(table)
        if unexpected.height > obs.height:
            console.print(
                f"... and {unexpected.height - obs.height:,} more (all of them: --format json)"
            )
    console.print(accounting_line(callset.accounting), markup=False)
