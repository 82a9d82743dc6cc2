"""Pick the preset of each file (``--preset auto``) and apply it to the file's scan.

Detection reads only the head of a file. A file with a header is scored by the header
names each preset layout requires (and the optional ones it also finds); a headerless
file by its column count and the shapes of the values of a sample of rows (a datetime
where the start should be, integers where the durations should be, ...). The best score
wins; two presets with the same best score are ambiguous and need ``--preset``. A file
no preset recognises is read with the canonical names and their aliases (``generic``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

import polars as pl

from ccc_cli.errors import InputError
from ccc_cli.load.head import read_text_head
from ccc_cli.load.reader import Scan, scan_source
from ccc_cli.load.sources import Source
from ccc_cli.normalize.forwards import CALLEE, CALLER, ROLE
from ccc_cli.normalize.mapping import FieldSource
from ccc_cli.normalize.presets import (
    AUTO,
    GENERIC,
    PRESET_NAMES,
    PRESETS,
    Columns,
    Layout,
    Preset,
    header_key,
)
from ccc_cli.options import LoadOptions
from ccc_cli.schema import (
    ALIASES,
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_GROUP,
    FIELD_PARENT,
    FIELD_START,
    INPUT_FIELDS,
)

KEEP: Final = "__ccc_keep"
_SAMPLE_RECORDS: Final = 50
# Rows read to judge a generic file's columns (repeated ids, empty ends).
_SAMPLE_ROWS: Final = 1000
_MIN_SHARE: Final = 0.8
_SHAPES: Final = {
    "datetime": re.compile(
        r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?"
        r"( ?(Z|[+-]\d{2}(:?\d{2})?))?$"
    ),
    "int": re.compile(r"^-?\d+$"),
    "epoch_s": re.compile(r"^\d{9,10}$"),
    "sip_method": re.compile(
        r"^(INVITE|ACK|BYE|CANCEL|OPTIONS|REGISTER|PRACK|SUBSCRIBE|NOTIFY|PUBLISH|INFO|"
        r"REFER|MESSAGE|UPDATE)$"
    ),
    "sip_code": re.compile(r"^[1-6]\d{2}$"),
    "uuid": re.compile(
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    ),
    "uniqueid": re.compile(r"^([\w.-]+-)?\d{9,10}\.\d+$"),
    "disposition": re.compile(r"^(ANSWERED|NO ANSWER|BUSY|FAILED|CONGESTION)$", re.I),
}
_SHAPE_WORDS: Final = {
    "datetime": "a datetime",
    "int": "an integer",
    "epoch_s": "epoch seconds",
    "sip_method": "a SIP method",
    "sip_code": "a SIP reply code",
    "uuid": "a UUID",
    "uniqueid": "an Asterisk uniqueid",
    "disposition": "a disposition",
}


def manual_hint() -> str:
    """What to pass when no preset fits (for error messages)."""
    return (
        f"pass --preset NAME ({', '.join(PRESET_NAMES)}) or name the columns: "
        "--start-col and --end-col (or --duration-col), with --no-header and column_N "
        "names for a headerless file"
    )


@dataclass(frozen=True, slots=True)
class PresetMatch:
    """Which preset reads a file, and why (for ``ccc inspect``)."""

    preset: str
    layout: str
    why: str
    chosen_by: str  # "detected", "--preset" or "default"
    title: str = ""
    limits: str = ""
    # The preset's raw call-type values -> canonical type (--type-map wins over these).
    type_values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AppliedPreset:
    """A preset applied to one file: what the normaliser needs from it."""

    match: PresetMatch
    fields: Mapping[str, FieldSource]
    aliases: bool  # fields the preset does not set may be found by alias (generic)
    keep_why: str | None
    tz: str | None
    epoch_unit: str | None
    time_formats: tuple[str, ...]
    type_values: Mapping[str, tuple[str, ...]]
    encoding: str | None
    notes: tuple[str, ...] = field(default=())
    zone_check: Callable[[pl.DataFrame], str | None] | None = None


# --- scoring -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Candidate:
    preset: Preset
    layout: Layout
    score: float
    why: str


def _score_header(preset: Preset, layout: Layout, names: Sequence[str]) -> _Candidate | None:
    keys = {header_key(n): n for n in names}
    found: list[str] = []
    for group in layout.required:
        hit = next((keys[header_key(g)] for g in group if header_key(g) in keys), None)
        if hit is None:
            return None
        found.append(hit)
    extra = [keys[header_key(o)] for o in layout.optional if header_key(o) in keys]
    why = f"header has {', '.join(found)}" + (f" (and {', '.join(extra)})" if extra else "")
    return _Candidate(preset, layout, len(found) + 0.5 * len(extra), why)


def _fits(value: str, shape: str) -> bool:
    text = value.strip()
    if shape.endswith("?"):
        if not text:
            return True
        shape = shape[:-1]
    return bool(_SHAPES[shape].match(text))


def _score_rows(preset: Preset, layout: Layout, rows: Sequence[list[str]]) -> _Candidate | None:
    width = len(rows[0])
    # A FreePBX table dump and FreeSWITCH templates may carry extra (or fewer) columns
    # after the named ones; cdr_csv variants are told apart by their exact count.
    exact = layout.exact_width
    positions = {name: i for i, name in enumerate(layout.positions)}
    needed = max(positions[s] for s in layout.shapes) + 1
    if (exact and width != len(layout.positions)) or width < needed:
        return None
    ok = sum(
        len(r) == width and all(_fits(r[positions[s]], shape) for s, shape in layout.shapes.items())
        for r in rows
    )
    if ok < _MIN_SHARE * len(rows):
        return None
    shown = ", ".join(
        f"{s} (column {positions[s] + 1}) {_SHAPE_WORDS[shape.rstrip('?')]}"
        + (" or empty" if shape.endswith("?") else "")
        for s, shape in layout.shapes.items()
    )
    why = f"headerless, {width} columns; {shown} in {ok} of {len(rows)} sample rows"
    return _Candidate(preset, layout, len(layout.shapes) + ok / len(rows), why)


def _candidates(
    presets: Sequence[Preset], header: Sequence[str] | None, rows: Sequence[list[str]]
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for preset in presets:
        best: _Candidate | None = None
        for layout in preset.layouts:
            if header is not None and not layout.headerless:
                cand = _score_header(preset, layout, header)
            elif header is None and layout.headerless and rows:
                cand = _score_rows(preset, layout, rows)
            else:
                cand = None
            if cand is not None and (best is None or cand.score > best.score):
                best = cand
        if best is not None:
            found.append(best)
    return sorted(found, key=lambda c: -c.score)


# --- applying ------------------------------------------------------------------------------
def _choose(
    requested: str,
    found: list[_Candidate],
    *,
    label: str,
    header: Sequence[str] | None,
    width: int,
) -> _Candidate | None:
    if requested != AUTO:
        match = [c for c in found if c.preset.name == requested]
        if match:
            return match[0]
        if requested == GENERIC:
            return None
        preset = PRESETS[requested]
        if header is not None:
            keys = {header_key(n) for n in header}
            missing = min(
                (
                    [g[0] for g in lay.required if not any(header_key(x) in keys for x in g)]
                    for lay in preset.layouts
                    if not lay.headerless
                ),
                key=len,
                default=[],
            )
            what = f"the header lacks {', '.join(missing)}" if missing else "headerless layouts"
        else:
            what = f"headerless, {width} columns"
        article = "an" if requested[0] in "aeiou" else "a"
        raise InputError(
            f"{label}: does not look like {article} {requested} file ({what})",
            hint=manual_hint(),
        )
    if not found:
        return None
    if len(found) > 1 and found[1].score == found[0].score:
        names = " and ".join(c.preset.name for c in found[:2])
        raise InputError(
            f"{label}: the columns fit both {names} equally well",
            hint=f"pass --preset {found[0].preset.name} (or {found[1].preset.name})",
        )
    return found[0]


def open_source(source: Source, options: LoadOptions) -> tuple[Scan, AppliedPreset]:
    """Detect (or take) the preset of one file, scan it, and apply the preset."""
    if source.format == "database":
        from ccc_cli.normalize.pushdown import open_database_source

        return open_database_source(source, options)
    if source.format == "parquet":
        scan = scan_source(source)
        return apply_preset(scan, options, header=scan.columns)
    head = read_text_head(
        source,
        encoding=options.encoding,
        separator=options.separator,
        has_header=options.has_header,
    )
    scan = scan_source(source, head)
    return apply_preset(
        scan,
        options,
        header=head.header,
        rows=[list(r) for r in head.rows],
        encoding=head.encoding.name,
        skip_type_line=head.type_line,
    )


def apply_preset(
    scan: Scan,
    options: LoadOptions,
    *,
    header: Sequence[str] | None = None,
    rows: Sequence[list[str]] = (),
    encoding: str | None = None,
    skip_type_line: bool = False,
) -> tuple[Scan, AppliedPreset]:
    """Choose the preset of a scanned file (``header`` None: headerless, judged by
    ``rows``) and apply it. An in-memory frame passes its column names as the header."""
    requested = options.preset
    if header is None and not rows:
        header = scan.columns
    presets = [p for p in PRESETS.values() if p.name != GENERIC]
    found = _candidates(presets, header, rows)
    chosen = _choose(
        requested,
        found,
        label=scan.source.label,
        header=header,
        width=len(scan.columns),
    )
    if chosen is None:
        why = (
            "set by --preset"
            if requested == GENERIC
            else "no preset matched; canonical names and their aliases"
        )
        match = PresetMatch(
            GENERIC,
            "canonical names",
            why,
            "--preset" if requested != AUTO else "default",
            PRESETS[GENERIC].title,
        )
        applied = AppliedPreset(
            match=match,
            fields=_answer_fallback(scan, options),
            aliases=True,
            keep_why=None,
            tz=None,
            epoch_unit=None,
            time_formats=(),
            type_values={},
            encoding=encoding,
        )
        _check_mappable(scan, options, applied.fields, header=header, rows=rows)
        notes: list[str] = []
        if applied.fields:
            notes.append(
                f"{scan.source.label}: the file has no start (creation) time: calls count "
                "from their answer time for their billed seconds, so ring time is lost"
            )
        notes += generic_notes(scan, options, header=header, rows=rows)
        return scan, replace(applied, notes=tuple(notes))
    return _apply(scan, chosen, options, requested, encoding, skip_type_line)


# Billed seconds: talk time from the answer (Asterisk billsec, Plivo bill_duration, ...).
_BILLSEC: Final = ("billsec", "bill_sec", "billable_seconds", "bill_duration", "talk_time")


def _answer_fallback(scan: Scan, options: LoadOptions) -> dict[str, FieldSource]:
    """Generic files with an answer time and billed seconds but no start time: the call
    runs from the answer for the billed seconds (ring time is lost)."""
    if {FIELD_START, FIELD_DURATION, FIELD_END} & set(options.columns):
        return {}
    cols = Columns(scan.columns, {})
    if cols.find(*ALIASES[FIELD_START]) is not None:
        return {}
    answer = options.columns.get(FIELD_ANSWER) or cols.find(*ALIASES[FIELD_ANSWER])
    billsec = cols.find(*_BILLSEC)
    if answer is None or billsec is None:
        return {}
    why = "no start column: the answer time (ring time lost)"
    return {
        FIELD_START: FieldSource(FIELD_START, answer, why),
        FIELD_DURATION: FieldSource(FIELD_DURATION, billsec, "billed seconds from the answer"),
    }


def _apply(
    scan: Scan,
    chosen: _Candidate,
    options: LoadOptions,
    requested: str,
    encoding: str | None,
    skip_type_line: bool,
) -> tuple[Scan, AppliedPreset]:
    preset, layout = chosen.preset, chosen.layout
    frame = scan.frame
    names = list(scan.columns)
    if layout.headerless:
        # Vendor names for the numbered columns; column_N stays usable in flags.
        renames = [
            pl.col(f"column_{i + 1}").alias(name)
            for i, name in enumerate(layout.positions)
            if i < len(scan.columns) and name not in names
        ]
        frame = frame.with_columns(renames)
        names += [e.meta.output_name() for e in renames]
    dtypes = frame.collect_schema()
    cols = Columns(names, dict(dtypes))

    explicit = options.columns
    fields: dict[str, FieldSource] = {}
    derived: list[pl.Expr] = []
    notes: list[str] = []
    for name in INPUT_FIELDS:
        rule = preset.fields.get(name)
        if rule is None or name in explicit:
            continue
        d = rule(cols)
        if d is None:
            continue
        column = d.column
        if d.expr is not None:
            while column in names:
                column += "'"
            derived.append(d.expr.alias(column))
            names.append(column)
        fields[name] = FieldSource(name, column, f"preset {preset.name}")
        if d.note:
            notes.append(f"{scan.source.label}: {d.note}")
    keep = preset.keep(cols) if preset.keep is not None else None
    if keep is not None:
        derived.append(keep[0].alias(KEEP))
    roles = preset.forwards(cols) if preset.forwards is not None else None
    if roles is not None:
        derived += [e.alias(name) for e, name in zip(roles, (ROLE, CALLER, CALLEE), strict=True)]
    if derived:
        frame = frame.with_columns(derived)
    columns = tuple(names)
    scan = Scan(source=scan.source, frame=frame, columns=columns, separator=scan.separator)
    why = chosen.why + (
        "; the line of SQL types under the header is skipped" if skip_type_line else ""
    )
    match = PresetMatch(
        preset.name,
        layout.name,
        why,
        "--preset" if requested != AUTO else "detected",
        preset.title,
        preset.limits,
        {raw: ctype for ctype, raws in preset.type_values.items() for raw in raws},
    )
    applied = AppliedPreset(
        match=match,
        fields=fields,
        aliases=False,
        keep_why=None if keep is None else keep[1],
        tz=preset.tz,
        epoch_unit=preset.epoch_unit,
        time_formats=preset.time_formats,
        type_values=preset.type_values,
        encoding=encoding,
        notes=tuple(notes),
        zone_check=preset.zone_check,
    )
    return scan, applied


# --- files no preset maps ------------------------------------------------------------------
_SAMPLE_VALUES: Final = 3
_SHOWN_PRESETS: Final = 3


@dataclass(frozen=True, slots=True)
class ClosePreset:
    """A preset layout a file nearly fits, and what the file lacks for it."""

    preset: str
    layout: str
    missing: tuple[str, ...]


class NoMappingError(InputError):
    """No preset fits a file and its columns do not name a start (or an end).

    ``ccc inspect`` catches it to show the columns, sample values and the closest
    presets instead of failing; other commands report it as an input error.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str,
        label: str,
        columns: Sequence[str],
        samples: Mapping[str, Sequence[str]],
        closest: Sequence[ClosePreset],
        advice: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.advice = advice or hint  # the hint without "run ccc inspect"
        self.label = label
        self.columns = tuple(columns)
        self.samples = dict(samples)
        self.closest = tuple(closest)


def _shorten(columns: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(columns[:limit])
    return shown + (f", ... ({len(columns)} in all)" if len(columns) > limit else "")


def _check_mappable(
    scan: Scan,
    options: LoadOptions,
    fallback: Mapping[str, FieldSource],
    *,
    header: Sequence[str] | None,
    rows: Sequence[list[str]],
) -> None:
    """Raise :class:`NoMappingError` when the canonical names and aliases (with the
    column flags) find no start, or no end and no duration, in a file no preset fits."""
    cols = Columns(scan.columns, {})
    given = set(options.columns) | set(fallback)

    def found(name: str) -> bool:
        return name in given or cols.find(*ALIASES[name]) is not None

    label = scan.source.label
    # Last, so that a long path is what a cut line loses.
    inspect = f"; 'ccc inspect {label}' shows its columns and the closest presets"
    if not found(FIELD_START):
        what = "no start-time column found and no preset matched"
        numbered = bool(scan.columns) and scan.columns[0] == "column_1"
        hint = (
            f"pass --preset {'|'.join(PRESET_NAMES)}, or name the columns with --start-col "
            "and --end-col (or --duration-col)"
            + (", with column_N names for a headerless file" if numbered else "")
            + inspect
        )
    elif not found(FIELD_END) and not found(FIELD_DURATION):
        what = "no end-time or duration column found"
        hint = "pass --end-col NAME or --duration-col NAME" + inspect
    else:
        return
    raise NoMappingError(
        f"{label}: {what}; columns: {_shorten(scan.columns)}",
        hint=hint,
        advice=hint.removesuffix(inspect),
        label=label,
        columns=scan.columns,
        samples=_samples(scan),
        closest=closest_presets(header, rows, width=len(scan.columns)),
    )


def _samples(scan: Scan) -> dict[str, list[str]]:
    """A few non-empty values of every column (as text)."""
    try:
        head = scan.frame.select(list(scan.columns)).head(50).collect()
    except (pl.exceptions.PolarsError, OSError):
        return {c: [] for c in scan.columns}
    out: dict[str, list[str]] = {}
    for name in scan.columns:
        values = head[name].cast(pl.String, strict=False).drop_nulls()
        values = values.filter(values.str.strip_chars().str.len_bytes() > 0)
        out[name] = values.unique(maintain_order=True).head(_SAMPLE_VALUES).to_list()
    return out


def closest_presets(
    header: Sequence[str] | None, rows: Sequence[list[str]], *, width: int
) -> list[ClosePreset]:
    """The preset layouts a file comes nearest to, with what it lacks for each: the
    required header names it does not have, or for a headerless file the column count
    or the value shapes that do not fit (at most three, nearest first)."""
    ranked: list[tuple[float, ClosePreset]] = []
    for preset in PRESETS.values():
        best: tuple[float, ClosePreset] | None = None
        for layout in preset.layouts:
            if header is not None and not layout.headerless:
                keys = {header_key(n) for n in header}
                missing = tuple(
                    " or ".join(group)
                    for group in layout.required
                    if not any(header_key(g) in keys for g in group)
                )
                if len(missing) == len(layout.required):
                    continue
                share = 1 - len(missing) / len(layout.required)
            elif header is None and layout.headerless and rows:
                missing = _shape_misses(layout, rows, width)
                share = 1 - len(missing) / (len(layout.shapes) + 1)
            else:
                continue
            cand = (share, ClosePreset(preset.name, layout.name, missing))
            if best is None or cand[0] > best[0]:
                best = cand
        if best is not None and best[0] > 0:
            ranked.append(best)
    ranked.sort(key=lambda c: (-c[0], len(c[1].missing)))
    return [c for _, c in ranked[:_SHOWN_PRESETS]]


def _shape_misses(layout: Layout, rows: Sequence[list[str]], width: int) -> tuple[str, ...]:
    misses: list[str] = []
    needed = max(layout.positions.index(s) for s in layout.shapes) + 1
    if (layout.exact_width and width != len(layout.positions)) or width < needed:
        misses.append(f"{len(layout.positions)} columns (the file has {width})")
    for name, shape in layout.shapes.items():
        i = layout.positions.index(name)
        ok = sum(len(r) > i and _fits(r[i], shape) for r in rows)
        if ok < _MIN_SHARE * len(rows):
            word = _SHAPE_WORDS[shape.rstrip("?")]
            misses.append(f"{name} (column {i + 1}) {word}")
    return tuple(misses)


# --- what a generic file seems to hold -------------------------------------------------------
# Header keys (see header_key) of columns that link the rows of one call, and the flag that
# uses them. A uniqueid links rows only where values repeat.
_GROUP_LINKS: Final = (
    "session",
    "sessionid",
    "linkedid",
    "calllinkid",
    "globalcallid",
    "globalcallidcallid",
    "conversationid",
    "conversationuuid",
    "initialcontactid",
    "callhistoryuuid",
)
_PARENT_LINKS: Final = ("bleguuid", "parentuuid", "originatingleguuid", "aleguuid")
_SHARED_LINKS: Final = ("uniqueid", "callid", "callsid")
# Durations counted from the start, then billed (talk) seconds.
_DURATIONS: Final = (
    "calltime",
    "callduration",
    "totalduration",
    "calllength",
    "lengthinsec",
    "durationsec",
    "billsec",
    "billable",
    "billableseconds",
    "talktime",
    "talkduration",
)
_EMPTY_SHARE: Final = 0.05


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[\w.-]+", name) else f"'{name}'"


def generic_notes(
    scan: Scan,
    options: LoadOptions,
    *,
    header: Sequence[str] | None,
    rows: Sequence[list[str]],
) -> list[str]:
    """Notes for a file read with the canonical names and aliases: a column that looks
    like a call link while no legs are linked, and a duration beside an end that is
    often empty. Each is one sentence with the flag to pass."""
    if header is None and rows:
        return []
    label = scan.source.label
    cols = Columns(scan.columns, {})
    notes: list[str] = []
    linked = bool({FIELD_GROUP, FIELD_PARENT} & set(options.columns)) or any(
        cols.find(*ALIASES[f]) is not None for f in (FIELD_GROUP, FIELD_PARENT)
    )
    if not linked:
        # The call id's own repeats get the engine's note on reused ids.
        call_id = options.columns.get(FIELD_CALL_ID) or cols.find(*ALIASES[FIELD_CALL_ID])
        link = _link_column(scan, cols, call_id)
        if link is not None:
            name, flag = link
            notes.append(
                f"{label}: no preset matched and no legs are linked, but column {name!r} "
                f"looks like a call link; if rows sharing it are legs of one call, pass "
                f"{flag} {_quoted(name)}"
            )
    end = options.columns.get(FIELD_END) or cols.find(*ALIASES[FIELD_END])
    has_duration = FIELD_DURATION in options.columns or cols.find(*ALIASES[FIELD_DURATION])
    if end is not None and not has_duration:
        duration = next(
            (c for c in (cols.find(k) for k in _DURATIONS) if c is not None and c != end), None
        )
        empty = _empty_share(scan, end)
        if duration is not None and empty >= _EMPTY_SHARE:
            notes.append(
                f"{label}: {empty:.0%} of the sampled rows have no {end!r} while column "
                f"{duration!r} looks like a duration; to end those calls with it, pass "
                f"--duration-col {_quoted(duration)}"
            )
    return notes


def _link_column(scan: Scan, cols: Columns, call_id: str | None) -> tuple[str, str] | None:
    for key in _GROUP_LINKS:
        found = cols.find(key)
        if found is not None:
            return found, "--group-col"
    for key in _PARENT_LINKS:
        found = cols.find(key)
        if found is not None:
            return found, "--parent-col"
    for key in _SHARED_LINKS:
        found = cols.find(key)
        if found is not None and found != call_id and _repeats(scan, found):
            return found, "--group-col"
    return None


def _head(scan: Scan, column: str) -> pl.Series | None:
    try:
        frame = scan.frame.select(pl.col(column)).head(_SAMPLE_ROWS).collect()
    except (pl.exceptions.PolarsError, OSError):
        return None
    return frame.to_series().cast(pl.String, strict=False)


def _repeats(scan: Scan, column: str) -> bool:
    values = _head(scan, column)
    if values is None:
        return False
    values = values.drop_nulls()
    return values.len() > values.n_unique()


def _empty_share(scan: Scan, column: str) -> float:
    values = _head(scan, column)
    if values is None or values.len() == 0:
        return 0.0
    empty = values.is_null() | (values.str.strip_chars().str.len_bytes() == 0)
    return float(empty.sum()) / values.len()
