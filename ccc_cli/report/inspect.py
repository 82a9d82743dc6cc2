"""``ccc inspect``: how each file was read, and what came out."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from ccc_cli.engine.profile import CallProfile
from ccc_cli.normalize.callset import CallSet, FileReport
from ccc_cli.normalize.detect import NoMappingError
from ccc_cli.normalize.mapping import FIELD_FLAGS
from ccc_cli.report.common import (
    accounting_line,
    envelope,
    file_document,
    header,
    inputs_document,
)
from ccc_cli.report.timefmt import human, iso
from ccc_cli.schema import ANSWER, CALL_TYPES, END, REASON, SOURCE_FILE, SOURCE_ROW, START

SAMPLE_ROWS = 5
_SHOWN_MISSING = 4


def _field_doc(report: FileReport, name: str) -> dict[str, Any]:
    source = report.mapping.fields[name]
    doc: dict[str, Any] = {"column": source.column, "why": source.why}
    if source.also:
        doc["columns"] = [source.column, *source.also]
    if name in report.encodings:
        doc["encoding"] = report.encodings[name].describe()
    if name == "duration" and report.duration_unit:
        doc["unit"] = report.duration_unit
    return doc


def _preset_doc(report: FileReport) -> dict[str, Any] | None:
    match = report.preset
    if match is None:
        return None
    return {
        "name": match.preset,
        "title": match.title,
        "layout": match.layout,
        "chosen_by": match.chosen_by,
        "why": match.why,
        "row_filter": report.row_filter,
        "call_type_values": dict(match.type_values),
        "cannot_know": match.limits or None,
    }


def _file_doc(report: FileReport, tz: str) -> dict[str, Any]:
    return {
        **file_document(report),
        "mapped": True,
        "separator": report.separator,
        "encoding": report.encoding,
        "encoding_why": report.encoding_why,
        "rows_numbered_by": report.row_unit,
        "timezone": report.tz or tz,
        "preset_match": _preset_doc(report),
        "query": report.query,
        "fields": {name: _field_doc(report, name) for name in report.mapping.fields},
        "unmapped_call_types": dict(report.unmapped_types),
    }


def _rows_doc(frame: pl.DataFrame, tz: str) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dicts():
        out.append(
            {
                k: (iso(v, tz) if k in (START, END, ANSWER) else v if k != SOURCE_FILE else str(v))
                for k, v in row.items()
            }
        )
    return out


def inspect_document(callset: CallSet, profile: CallProfile) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc inspect``."""
    tz = callset.tz
    doc = inputs_document(callset, "inspect")
    doc["files"] = [_file_doc(f, tz) for f in callset.files]
    doc["time_range"] = {
        "first_start": iso(profile.first_start, tz),
        "last_end": iso(profile.last_end, tz),
    }
    doc |= {
        "calls": profile.calls,
        "legs": profile.legs,
        "multi_leg_calls": profile.multi_leg_calls,
        "max_legs": profile.max_legs,
        "zero_length_legs": profile.zero_length_legs,
        "calls_by_type": {t: int(profile.calls_by_type.get(t, 0)) for t in CALL_TYPES},
        "accounts": profile.accounts,
        "top_accounts": [{"account": a, "calls": n} for a, n in profile.top_accounts],
        "statuses": [{"status": s, "legs": n} for s, n in profile.statuses],
        "duration_seconds": profile.duration_s,
    }
    if callset.forwards is not None:
        linked, unmatched = callset.forwards
        doc["forward_legs"] = {"linked": linked, "unmatched": unmatched}
    doc["sample"] = _rows_doc(callset.calls.head(SAMPLE_ROWS), tz)
    doc["invalid_sample"] = _rows_doc(callset.invalid.head(SAMPLE_ROWS), tz)
    return doc


def render_inspect(console: Console, callset: CallSet, profile: CallProfile) -> None:
    """The human report of ``ccc inspect``."""
    tz = callset.tz
    for report in callset.files:
        sep = f", separator {report.separator!r}" if report.separator else ""
        code = f", encoding {report.encoding}" if report.encoding else ""
        if report.encoding_why:
            code += f" ({report.encoding_why})"
        console.print(
            f"[bold]{report.label}[/bold]: {report.kind}{sep}{code}, {report.rows:,} rows",
            highlight=False,
        )
        if report.query is not None:
            console.print(f"  query: {report.query}", highlight=False)
        match = report.preset
        if match is not None:
            how = {"detected": "detected", "--preset": "set by --preset"}.get(
                match.chosen_by, "no preset matched"
            )
            console.print(
                f"  preset: [bold]{match.preset}[/bold] ({how}), {match.layout}: {match.why}",
                highlight=False,
            )
            if report.row_filter:
                console.print(f"  rows kept: {report.row_filter}", highlight=False)
            if match.type_values:
                shown = ", ".join(f"{raw!r} {ctype}" for raw, ctype in match.type_values.items())
                console.print(f"  call-type values: {shown} (--type-map overrides)")
            if match.limits:
                console.print(f"  cannot know: {match.limits}", highlight=False)
        table = Table(show_edge=False, box=None, padding=(0, 2))
        table.add_column("field")
        table.add_column("column")
        table.add_column("why")
        table.add_column("read as")
        for name, source in report.mapping.fields.items():
            enc = report.encodings.get(name)
            read_as = enc.describe() if enc else ""
            if name == "duration" and report.duration_unit:
                unit = "seconds" if report.duration_unit == "s" else "milliseconds"
                read_as = (
                    f"{unit}; used where the end is empty"
                    if "end" in report.mapping.fields
                    else unit
                )
            table.add_row(name, source.shown(), source.why, read_as)
        console.print(table)
        missing = [f for f in FIELD_FLAGS if f not in report.mapping.fields]
        if missing:
            console.print("  not found: " + ", ".join(f"{f} ({FIELD_FLAGS[f]})" for f in missing))
        if report.unmapped_types:
            shown = ", ".join(f"{v!r} x{n:,}" for v, n in report.unmapped_types.items())
            console.print(f"  call-type values read as 'other': {shown} (map them with --type-map)")
        console.print()

    console.print(
        f"time zone: {tz} (naive input times are read in it and every time is shown in it;"
        " --tz changes it)"
    )
    console.print(f"time range: {human(profile.first_start, tz)} .. {human(profile.last_end, tz)}")
    console.print(accounting_line(callset.accounting))
    legs = (
        f"; {profile.multi_leg_calls:,} calls have several legs (up to {profile.max_legs})"
        if profile.multi_leg_calls
        else ""
    )
    console.print(f"calls: {profile.calls:,} from {profile.legs:,} legs{legs}")
    if callset.forwards is not None:
        linked, unmatched = callset.forwards
        console.print(
            f"forward legs (a server leg from a hotline number during an inbound call to it "
            f"joins that call): {linked:,} joined, {unmatched:,} matched none "
            "(--link-forwards off counts them apart)"
        )
    if profile.zero_length_legs:
        console.print(f"zero-length legs (never counted as active): {profile.zero_length_legs:,}")
    types = Table(title="Calls by type", title_justify="left")
    types.add_column("call type")
    types.add_column("calls", justify="right")
    types.add_column("share", justify="right")
    for ctype, n in profile.calls_by_type.items():
        if n:
            types.add_row(ctype, f"{n:,}", f"{n / max(profile.calls, 1):.1%}")
    console.print(types)
    d = profile.duration_s
    if d["p50"] is not None:
        console.print(
            f"duration: median {d['p50']:,.1f} s, p90 {d['p90']:,.1f} s, max {d['max']:,.1f} s"
        )
    if profile.accounts > 1 or (profile.top_accounts and profile.top_accounts[0][0] is not None):
        top = ", ".join(f"{a or '(none)'} {n:,}" for a, n in profile.top_accounts)
        console.print(f"accounts: {profile.accounts:,} (calls: {top})")
    if callset.calls.height:
        sample = Table(title="Sample rows (canonical)", title_justify="left")
        cols = ["call_id", START, END, "call_type", "account", SOURCE_ROW]
        for c in cols:
            sample.add_column(header(c), no_wrap=c in (START, END, "call_id"))
        for row in callset.calls.head(SAMPLE_ROWS).iter_rows(named=True):
            sample.add_row(
                *[
                    human(row[c], tz)
                    if c in (START, END)
                    else str(row[c] if row[c] is not None else "-")
                    for c in cols
                ]
            )
        console.print(sample)
    if callset.invalid.height:
        bad = Table(title="First invalid rows", title_justify="left")
        fields = (SOURCE_FILE, SOURCE_ROW, "column", REASON, "value")
        for c in fields:
            bad.add_column(header(c), overflow="fold")
        for row in callset.invalid.head(SAMPLE_ROWS).iter_rows(named=True):
            bad.add_row(*["-" if row[c] is None else str(row[c]) for c in fields])
        console.print(bad)


def unmapped_document(error: NoMappingError, tz: str) -> dict[str, Any]:
    """``ccc inspect --format json`` for a file no preset and no alias maps: its
    columns with sample values, and the closest presets with what each is missing
    (``rows`` is null: no row was read as a call)."""
    return envelope(
        "inspect",
        timezone=tz,
        files=[
            {
                "path": error.label,
                "mapped": False,
                "problem": error.message,
                "hint": error.advice,
                "columns": [
                    {"name": name, "samples": list(error.samples.get(name, ()))}
                    for name in error.columns
                ],
                "closest_presets": [
                    {"name": c.preset, "layout": c.layout, "missing": list(c.missing)}
                    for c in error.closest
                ],
            }
        ],
        rows=None,
        notes=[],
    )


def render_unmapped(console: Console, error: NoMappingError) -> None:
    """The human report of ``ccc inspect`` for a file it cannot map."""
    console.print(f"[bold]{error.label}[/bold]: cannot be mapped", highlight=False)
    console.print(f"  {error.message.removeprefix(error.label + ': ')}", highlight=False)
    table = Table(show_edge=False, box=None, padding=(0, 2))
    table.add_column("column")
    table.add_column("sample values")
    for name in error.columns:
        values = ", ".join(repr(v) for v in error.samples.get(name, ()))
        table.add_row(name, values or "(empty)")
    console.print(table)
    if error.closest:
        console.print("closest presets:")
        for c in error.closest:
            items = list(c.missing[:_SHOWN_MISSING])
            if len(c.missing) > _SHOWN_MISSING:
                items.append(f"... ({len(c.missing)} in all)")
            missing = "; ".join(items) if items else "nothing"
            console.print(
                f"  {c.preset} ({c.layout}): not found: {missing}",
                highlight=False,
            )
    else:
        console.print("closest presets: none shares a column name with this file")
    console.print(f"hint: {error.advice}", highlight=False)
