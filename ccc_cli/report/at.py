"""``ccc at``: the sentence support reads out, the active calls, the minutes around."""

from __future__ import annotations

from typing import Any, Final

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ccc_cli.engine.at import LEG_IDS, LEGS, LEVEL, STATE, Snapshot
from ccc_cli.engine.series import BUCKET_START, TOTAL
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.breaches import records
from ccc_cli.report.common import accounting_line, header, inputs_document, mix_document
from ccc_cli.report.timefmt import human, iso
from ccc_cli.schema import ACCOUNT, CALL_ID, CALL_TYPE, END, PLAN_LIMIT_STATUS, START

# Active calls listed on the screen; all of them are in --format json.
MAX_CALL_ROWS: Final = 50


def snapshot_document(snap: Snapshot, callset: CallSet) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc at`` (docs/schema/at.json)."""
    tz = snap.tz
    doc = inputs_document(callset, "at")
    doc |= {
        "at": iso(snap.at, tz),
        "account": snap.account,
        "window_seconds": snap.window_s,
        "level": snap.level,
        "mix": mix_document(snap.by_type),
        "limit": snap.limit,
        "headroom": snap.headroom,
        "would_reject": snap.would_reject,
        "active_calls": records(snap.calls, tz),
        "around": {"every": "1m", "buckets": records(snap.around, tz)},
        "observed_rejections": _observed_document(snap),
    }
    return doc


def judged_rejections(snap: Snapshot) -> pl.DataFrame:
    """The REACH_PLAN_LIMIT rows near the instant with their verdict, as ``ccc
    breaches`` judges them: ``justified`` when the level at the row's start was at or
    above the limit, ``unexpected`` below it, ``no_limit`` without ``--limit``."""
    rows = snap.observed_rejections
    if snap.limit is None:
        verdict = pl.lit("no_limit")
    else:
        verdict = (
            pl.when(pl.col(LEVEL) >= snap.limit)
            .then(pl.lit("justified"))
            .otherwise(pl.lit("unexpected"))
        )
    return rows.with_columns(pl.lit(snap.limit, pl.Int64).alias("limit"), verdict.alias("verdict"))


def _observed_document(snap: Snapshot) -> dict[str, Any]:
    rows = judged_rejections(snap)
    counts = dict(rows.group_by("verdict").len().iter_rows())
    return {
        "count": rows.height,
        **{v: int(counts.get(v, 0)) for v in ("justified", "unexpected", "no_limit")},
        "rows": records(rows, snap.tz),
    }


def active_calls_frame(snap: Snapshot) -> pl.DataFrame:
    """``--format csv``: the calls active at the instant, every one with its full id
    (``leg_ids`` joined by spaces)."""
    return snap.calls


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def snapshot_sentence(snap: Snapshot) -> str:
    """``at 2026-11-20 10:32:05 Asia/Ho_Chi_Minh: 7 calls (2 inbound, ...) on a plan of 7:
    a new call would have been rejected (REACH_PLAN_LIMIT)``."""
    head = f"at {human(snap.at, snap.tz)} {snap.tz}"
    if snap.account is not None:
        head += f", account {snap.account}"
    mix = ", ".join(f"{n} {t}" for t, n in snap.by_type.items() if n)
    text = f"{head}: {_plural(snap.level, 'call')}" + (f" ({mix})" if mix else "")
    if snap.limit is None or snap.headroom is None:
        return text
    text += f" on a plan of {snap.limit}: "
    if snap.would_reject:
        text += f"a new call would have been rejected ({PLAN_LIMIT_STATUS})"
        if snap.headroom < 0:
            text += f"; {-snap.headroom} over the plan"
        return text
    return text + f"room for {_plural(snap.headroom, 'more call')}"


def _legs(count: int, ids: list[str | None]) -> str:
    """``1``, or ``2: in-1, fwd-1`` (a call of several legs lists them, first leg first)."""
    if count == 1:
        return "1"
    shown = ", ".join("-" if i is None else escape(i) for i in ids[:4])
    return f"{count}: {shown}" + (", ..." if count > 4 else "")


def _cell(value: Any) -> str:
    return "-" if value is None else escape(str(value))


def render_snapshot(console: Console, snap: Snapshot, callset: CallSet) -> None:
    """The screen of ``ccc at``: the sentence, the active calls, the minute-by-minute
    maxima around the instant, and the rejections observed near it."""
    tz = snap.tz
    console.print(snapshot_sentence(snap), markup=False)
    console.print()

    if snap.calls.height:
        calls = Table(
            title=f"Calls active at {human(snap.at, tz)} (times in {tz})", title_justify="left"
        )
        for name in (CALL_ID, CALL_TYPE, ACCOUNT, START, END):
            calls.add_column(header(name), no_wrap=name in (START, END))
        calls.add_column("legs", justify="right")
        if snap.has_answer:
            calls.add_column("state")
        for row in snap.calls.head(MAX_CALL_ROWS).iter_rows(named=True):
            cells = [
                _cell(row[CALL_ID]),
                str(row[CALL_TYPE]),
                _cell(row[ACCOUNT]),
                human(row[START], tz),
                human(row[END], tz),
                _legs(row[LEGS], row[LEG_IDS]),
            ]
            if snap.has_answer:
                cells.append(_cell(row[STATE]))
            calls.add_row(*cells)
        console.print(calls)
        if snap.calls.height > MAX_CALL_ROWS:
            console.print(
                f"... and {snap.calls.height - MAX_CALL_ROWS:,} more (all of them: --format json)"
            )
        if not snap.has_answer:
            console.print("(no answer-time column: ringing and talking calls look alike)")
        console.print()

    _render_around(console, snap)
    _render_rejections(console, snap)
    console.print(accounting_line(callset.accounting))


def _render_around(console: Console, snap: Snapshot) -> None:
    tz = snap.tz
    frame = snap.around
    if frame.height == 0:
        return
    one_day = frame[BUCKET_START].dt.date().n_unique() == 1
    fmt = "%H:%M" if one_day else "%Y-%m-%d %H:%M"
    minutes = Table(
        title=f"Max concurrent calls per minute, {_window(snap)} either side (times in {tz})",
        title_justify="left",
    )
    minutes.add_column("minute", no_wrap=True)
    minutes.add_column("max", justify="right")
    minutes.add_column("mean", justify="right")
    minutes.add_column("starts", justify="right")
    minutes.add_column("")
    # Aware datetimes compare as instants, whatever their zones.
    at = snap.at
    starts = frame[BUCKET_START].to_list()
    for i, row in enumerate(frame.iter_rows(named=True)):
        bucket = row[BUCKET_START]
        holds_t = bucket <= at and (i + 1 == len(starts) or at < starts[i + 1])
        notes = []
        if holds_t:
            notes.append("<- time")
        peak = row[f"{TOTAL}_max"]
        if snap.limit is not None and peak >= snap.limit:
            notes.append("over the plan" if peak > snap.limit else "at the plan limit")
        minutes.add_row(
            bucket.strftime(fmt),
            str(peak),
            f"{row[f'{TOTAL}_mean']:.2f}",
            str(row[f"{TOTAL}_starts"]),
            ", ".join(notes),
            style="bold" if holds_t else None,
        )
    console.print(minutes)
    console.print()


def _render_rejections(console: Console, snap: Snapshot) -> None:
    tz = snap.tz
    rows = snap.observed_rejections
    span = _window(snap)
    if rows.height == 0:
        console.print(f"{PLAN_LIMIT_STATUS} rows within {span} of the time: none")
        return
    table = Table(
        title=f"{PLAN_LIMIT_STATUS} rows within {span} of the time (times in {tz})",
        title_justify="left",
    )
    table.add_column("start", no_wrap=True)
    table.add_column(header(CALL_ID))
    table.add_column(header(CALL_TYPE))
    table.add_column(header(ACCOUNT))
    table.add_column(header(LEVEL), justify="right")
    table.add_column("verdict")
    for row in judged_rejections(snap).iter_rows(named=True):
        table.add_row(
            human(row[START], tz),
            _cell(row[CALL_ID]),
            str(row[CALL_TYPE]),
            _cell(row[ACCOUNT]),
            str(row[LEVEL]),
            str(row["verdict"]),
        )
    console.print(table)


def _window(snap: Snapshot) -> str:
    s = snap.window_s
    for unit, size in (("h", 3600), ("m", 60)):
        if s % size == 0:
            return f"{s // size}{unit}"
    return f"{s}s"
