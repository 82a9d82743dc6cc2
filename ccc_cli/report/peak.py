"""``ccc peak``: the JSON document and the table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from ccc_cli.engine.sweep import Peak, PeakResult
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.common import (
    accounting_line,
    inputs_document,
    peak_object,
    value_at,
)
from ccc_cli.report.timefmt import human
from ccc_cli.schema import CALL_TYPE, CALL_TYPES


def peak_by_type_document(by_type: Mapping[str, Peak], tz: str) -> dict[str, Any]:
    """``peak_by_type``: every call type's own peak, ``{type: {value, at}}``."""
    return {t: value_at(by_type[t].value, by_type[t].at, tz) for t in CALL_TYPES if t in by_type}


def peak_figures(
    total: Peak, mix: Mapping[str, int], by_type: Mapping[str, Peak], tz: str
) -> dict[str, Any]:
    """``peak`` and ``peak_by_type`` of one scope (all calls, or one account)."""
    return {
        "peak": peak_object(total.value, total.at, mix, tz),
        "peak_by_type": peak_by_type_document(by_type, tz),
    }


def peak_document(result: PeakResult, callset: CallSet) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc peak`` (docs/schema/peak.json)."""
    tz = callset.tz
    doc = inputs_document(callset, "peak")
    doc |= peak_figures(result.total, result.mix, result.by_type, tz)
    if result.by_account is not None:
        doc["by_account"] = {
            name: peak_figures(ps.total, ps.mix, ps.by_type, tz)
            for name, ps in result.by_account.items()
        }
    return doc


def peak_frame(result: PeakResult) -> pl.DataFrame:
    """``--format csv``: one row per scope and call type (``total`` first): [``account``],
    ``call_type``, ``peak``, ``peak_at``."""
    scopes: list[tuple[str | None, Peak, Mapping[str, Peak]]] = [
        (None, result.total, result.by_type)
    ]
    if result.by_account is not None:
        scopes = [(name, ps.total, ps.by_type) for name, ps in result.by_account.items()]
    rows = []
    for account, total, by_type in scopes:
        for name, peak in [
            ("total", total),
            *((t, by_type[t]) for t in CALL_TYPES if t in by_type),
        ]:
            row: dict[str, Any] = {} if result.by_account is None else {"account": account}
            rows.append(row | {"call_type": name, "peak": peak.value, "peak_at": peak.at})
    schema: dict[str, Any] = {
        "call_type": pl.String,
        "peak": pl.Int64,
        "peak_at": pl.Datetime("us", "UTC"),
    }
    if result.by_account is not None:
        schema = {"account": pl.String, **schema}
    return pl.DataFrame(rows, schema=schema)


def mix_sentence(value: int, at: str, mix: Mapping[str, int], tz: str) -> str:
    """``7 calls at 2026-11-20 10:32:05 UTC (2 inbound, 1 outbound, 1 internal, 3 otp)``."""
    parts = ", ".join(f"{n} {t}" for t, n in mix.items() if n)
    noun = "call" if value == 1 else "calls"
    return f"{value} {noun} at {at} {tz}" + (f" ({parts})" if parts else "")


def render_peak(console: Console, result: PeakResult, callset: CallSet) -> None:
    """The table of ``ccc peak``: total and per type, then per account if computed."""
    tz = callset.tz
    present = _present_types(callset)
    table = Table(title=f"Peak concurrent calls (times in {tz})", title_justify="left")
    table.add_column("call type")
    table.add_column("peak", justify="right")
    table.add_column("at", no_wrap=True)
    table.add_row("total", str(result.total.value), human(result.total.at, tz), style="bold")
    for ctype, peak in result.by_type.items():
        if ctype in present:
            table.add_row(ctype, str(peak.value), human(peak.at, tz))
    console.print(table)
    if result.total.at is not None:
        console.print(
            "peak: " + mix_sentence(result.total.value, human(result.total.at, tz), result.mix, tz)
        )
    else:
        console.print("peak: no call was ever active")
    if result.by_account is not None:
        acc = Table(title=f"By account (times in {tz})", title_justify="left")
        acc.add_column("account")
        acc.add_column("peak", justify="right")
        acc.add_column("at", no_wrap=True)
        acc.add_column("mix")
        for name, ps in sorted(result.by_account.items(), key=lambda kv: -kv[1].total.value):
            mix = ", ".join(f"{n} {t}" for t, n in ps.mix.items() if n)
            acc.add_row(name, str(ps.total.value), human(ps.total.at, tz), mix or "-")
        console.print(acc)
    console.print(accounting_line(callset.accounting))


def _present_types(callset: CallSet) -> set[str]:
    return {str(t) for t in callset.calls[CALL_TYPE].unique().to_list()}
