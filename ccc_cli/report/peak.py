"""``ccc peak``: the JSON document and the table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from ccc_cli.engine.sweep import Peak, PeakResult
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.common import accounting_line, inputs_document
from ccc_cli.report.timefmt import human, iso
from ccc_cli.schema import CALL_TYPE


def _peak_doc(peak: Peak, tz: str) -> dict[str, Any]:
    return {"value": peak.value, "at": iso(peak.at, tz)}


def _types_doc(by_type: Mapping[str, Peak], tz: str) -> dict[str, Any]:
    return {t: _peak_doc(p, tz) for t, p in by_type.items()}


def peak_document(result: PeakResult, callset: CallSet) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc peak``."""
    tz = callset.tz
    doc = inputs_document(callset)
    doc["peak"] = {
        "total": {**_peak_doc(result.total, tz), "by_type_at_peak": dict(result.mix)},
        "by_type": _types_doc(result.by_type, tz),
    }
    if result.by_account is not None:
        doc["by_account"] = {
            name: {
                **_peak_doc(ps.total, tz),
                "by_type_at_peak": dict(ps.mix),
                "by_type": _types_doc(ps.by_type, tz),
            }
            for name, ps in result.by_account.items()
        }
    return doc


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
    table.add_column("first reached", no_wrap=True)
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
        acc.add_column("first reached")
        acc.add_column("calls by type at the peak")
        for name, ps in sorted(result.by_account.items(), key=lambda kv: -kv[1].total.value):
            mix = ", ".join(f"{n} {t}" for t, n in ps.mix.items() if n)
            acc.add_row(name, str(ps.total.value), human(ps.total.at, tz), mix or "-")
        console.print(acc)
    console.print(accounting_line(callset.accounting))


def _present_types(callset: CallSet) -> set[str]:
    return {str(t) for t in callset.calls[CALL_TYPE].unique().to_list()}
