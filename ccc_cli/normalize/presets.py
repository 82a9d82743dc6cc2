"""Built-in presets: how each vendor's CDR export maps onto the canonical fields.

This module is the one place that spells vendor column names (canonical names live in
``ccc_cli.schema``). A preset is data: the layouts it recognises (header names, or the
column count and value shapes of a headerless file), a rule per canonical field (a
column, or a vectorised Polars expression over several columns), the time encoding and
zone of its naive times, the raw call-type values it produces and a row filter. The
facts come from the vendors' documentation (see ``shared/docs/cdr-formats.md``).

Rules never loop over rows: each is one expression applied to the whole column. Derived
fields become columns named after their rule (``coalesce(end_time, date_updated)``), so
``ccc inspect`` shows exactly what was read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import polars as pl

from ccc_cli.schema import (
    FIELD_ACCOUNT,
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_GROUP,
    FIELD_PARENT,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
    normalize_header,
)

AUTO: Final = "auto"
GENERIC: Final = "generic"
VIETNAM_TZ: Final = "Asia/Ho_Chi_Minh"


def header_key(name: str) -> str:
    """Header matching key: NFC (Vietnamese exports may be decomposed), lower case,
    letters and digits only."""
    return normalize_header(unicodedata.normalize("NFC", name))


class Columns:
    """The columns of one file, looked up by vendor name case- and separator-blind."""

    def __init__(self, names: Sequence[str], dtypes: Mapping[str, pl.DataType]) -> None:
        self.names = tuple(names)
        self.dtypes = dict(dtypes)
        self._by_key: dict[str, str] = {}
        for name in names:
            self._by_key.setdefault(header_key(name), name)

    def find(self, *candidates: str) -> str | None:
        """The first of ``candidates`` present in the file (its spelling in the file)."""
        for cand in candidates:
            found = self._by_key.get(header_key(cand))
            if found is not None:
                return found
        return None

    def text(self, name: str) -> pl.Expr:
        """A column as trimmed text; empty and ``NULL``-like values are null."""
        raw = pl.col(name)
        text = raw if self.dtypes.get(name) == pl.String else raw.cast(pl.String)
        stripped = text.str.strip_chars()
        empty = stripped.str.len_bytes() == 0
        return (
            pl.when(empty | stripped.str.to_lowercase().is_in(["null", "\\n"]))
            .then(None)
            .otherwise(stripped)
        )


@dataclass(frozen=True, slots=True)
class Derivation:
    """How one field is fed: an input column as is (``expr`` is None), or an expression
    added to the frame under the name ``column`` (which describes it)."""

    column: str
    expr: pl.Expr | None = None
    note: str | None = None


FieldRule = Callable[[Columns], Derivation | None]
RowFilter = Callable[[Columns], tuple[pl.Expr, str] | None]


def pick(*candidates: str) -> FieldRule:
    """The first candidate column the file has."""

    def rule(cols: Columns) -> Derivation | None:
        found = cols.find(*candidates)
        return None if found is None else Derivation(found)

    return rule


def coalesce(*candidates: str) -> FieldRule:
    """The first non-empty value among the candidate columns the file has."""

    def rule(cols: Columns) -> Derivation | None:
        present = [c for c in (cols.find(x) for x in candidates) if c is not None]
        if len(present) <= 1:
            return Derivation(present[0]) if present else None
        expr = pl.coalesce([cols.text(c) for c in present])
        return Derivation(f"coalesce({', '.join(present)})", expr)

    return rule


def _digits(expr: pl.Expr, low: int, high: int | None = None) -> pl.Expr:
    """A number of ``low`` to ``high`` digits (an optional leading ``+``)."""
    top = "" if high is None else str(high)
    return expr.str.contains(rf"^\+?\d{{{low},{top}}}$").fill_null(False)


@dataclass(frozen=True, slots=True)
class Layout:
    """One column layout a preset reads.

    With a header: ``required`` lists groups of names, one of each group must be present
    (names compared with :func:`header_key`); ``optional`` names add evidence. Headerless:
    ``positions`` names the columns by position and ``shapes`` gives the value shape
    expected under some of those names (see ``ccc_cli.normalize.detect``).
    """

    name: str
    required: tuple[tuple[str, ...], ...] = ()
    optional: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    shapes: Mapping[str, str] = field(default_factory=dict)
    # Headerless: the column count must equal len(positions); when False, extra (or
    # fewer, down to the last shaped column) columns are accepted.
    exact_width: bool = True

    @property
    def headerless(self) -> bool:
        return bool(self.positions)


@dataclass(frozen=True, slots=True)
class Preset:
    """A vendor format: layouts, a rule per field, time encoding and call-type values."""

    name: str
    title: str
    layouts: tuple[Layout, ...]
    fields: Mapping[str, FieldRule]
    # Zone of naive times when --tz is not given (None: UTC).
    tz: str | None = None
    epoch_unit: str | None = None
    # Tried before the built-in formats (day-first dates, vendor-specific shapes).
    time_formats: tuple[str, ...] = ()
    # Raw call-type value (lower case) per canonical type; --type-map wins over these.
    type_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keep: RowFilter | None = None
    # Given the canonical calls of a file read with naive times as UTC (no --tz): a note
    # when the data itself shows the times are local (Asterisk's uniqueid epoch).
    zone_check: Callable[[pl.DataFrame], str | None] | None = None
    # What the format cannot tell (for the README and ``ccc inspect``).
    limits: str = ""


# --- Stringee ------------------------------------------------------------------------------
def _stringee_type(cols: Columns) -> Derivation | None:
    # 1 = the endpoint is a Stringee app/SDK user, 0 = a phone (PSTN/SIP): the raw value
    # is the pair, e.g. "01" for a phone calling an app user (inbound).
    a, b = cols.find("from_internal"), cols.find("to_internal")
    if a is None or b is None:
        return None
    flag = {c: cols.text(c).str.replace(r"\.0+$", "") for c in (a, b)}
    return Derivation(f"{a},{b}", pl.concat_str([flag[a], flag[b]]))


STRINGEE = Preset(
    name="stringee",
    title="Stringee call log (REST /v1/call/log)",
    layouts=(
        Layout(
            "call log, epoch ms",
            required=(("start_time",), ("stop_time",), ("from_internal",), ("to_internal",)),
            optional=("id", "answer_time", "from_number", "to_number", "project_id"),
        ),
        Layout(
            "call log, *_datetime strings",
            required=(
                ("start_time_datetime",),
                ("stop_time_datetime",),
                ("from_internal",),
                ("to_internal",),
            ),
            optional=("id", "answer_time_datetime"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("id", "call_id", "uuid"),
        FIELD_START: pick("start_time", "start_time_datetime"),
        FIELD_END: pick("stop_time", "stop_time_datetime"),
        FIELD_ANSWER: pick("answer_time", "answer_time_datetime"),
        FIELD_TYPE: _stringee_type,
        FIELD_ACCOUNT: pick("account_id", "project_id"),
        FIELD_STATUS: pick("end_call_cause", "status"),
    },
    tz=VIETNAM_TZ,
    epoch_unit="ms",
    time_formats=("%Y/%m/%d, %H:%M:%S",),
    type_values={
        "app_to_app": ("11",),
        "inbound": ("01",),
        "outbound": ("10", "00"),
    },
    limits=(
        "a 0,0 call (server to phone) is an OTP/robocall or the leg forwarding a hotline "
        "call to an agent's phone; the log cannot tell which (outbound by default)"
    ),
)

_STRINGEEX_STATUS: Final = {"1": "connected", "2": "missed", "3": "ivr", "4": "survey_ivr"}


def _stringeex_status(cols: Columns) -> Derivation | None:
    col = cols.find("status")
    if col is None:
        return None
    text = cols.text(col)
    return Derivation(
        f"{col} (1 connected, 2 missed, 3 ivr, 4 survey_ivr)",
        text.replace(_STRINGEEX_STATUS),
    )


STRINGEEX = Preset(
    name="stringeex",
    title="StringeeX call history (REST /v1/call/history)",
    layouts=(
        Layout(
            "call history",
            required=(
                ("customer_number",),
                ("stringee_number",),
                ("direction",),
                ("start_time",),
                ("end_time",),
            ),
            optional=("id", "answer_time", "status", "queue_duration", "ivr_duration"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("id", "call_id"),
        FIELD_START: pick("start_time"),
        FIELD_END: pick("end_time"),
        FIELD_ANSWER: pick("answer_time"),
        FIELD_TYPE: pick("direction"),
        FIELD_ACCOUNT: pick("project_id"),
        FIELD_STATUS: _stringeex_status,
    },
    tz=VIETNAM_TZ,
    epoch_unit="ms",
    type_values={"outbound": ("0",), "inbound": ("1",), "internal": ("2",)},
    limits="after-call work (acw_duration) happens after hangup and is not counted",
)

STRINGEEX_VI = Preset(
    name="stringeex_vi",
    title="StringeeX dashboard export, Vietnamese headers",
    layouts=(
        Layout(
            "Lịch sử cuộc gọi export",
            required=(("Mã cuộc gọi",), ("Loại cuộc gọi",), ("Thời điểm bắt đầu",)),
            optional=("Thời điểm kết thúc", "Trạng thái thoại", "Số khách hàng", "Số hotline"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("Mã cuộc gọi"),
        FIELD_START: pick("Thời điểm bắt đầu"),
        FIELD_END: pick("Thời điểm kết thúc"),
        FIELD_TYPE: pick("Loại cuộc gọi"),
        FIELD_STATUS: pick("Trạng thái thoại"),
    },
    tz=VIETNAM_TZ,
    # Day first, hours without zero padding: "9:05:03, 1/7/2024" (Stringee's own exporter).
    time_formats=(
        "%H:%M:%S, %d/%m/%Y",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d-%m-%Y %H:%M:%S",
    ),
    type_values={
        "inbound": ("gọi vào", "cuộc gọi vào", "goi vao"),
        "outbound": ("gọi ra", "cuộc gọi ra", "goi ra"),
        "internal": ("gọi nội bộ", "cuộc gọi nội bộ", "nội bộ", "goi noi bo"),
    },
    limits="no answer time in the export; the header names are not published by Stringee",
)


# --- Twilio --------------------------------------------------------------------------------
def _twilio_type(cols: Columns) -> Derivation | None:
    direction = cols.find("direction")
    if direction is None:
        return None
    src, dst = cols.find("from"), cols.find("to")
    raw = cols.text(direction).str.to_lowercase()
    if src is None or dst is None:
        return Derivation(direction)
    # Twilio Client on both ends is an app-to-app call, whatever the direction says.
    both_clients = cols.text(src).str.starts_with("client:") & cols.text(dst).str.starts_with(
        "client:"
    )
    expr = pl.when(both_clients.fill_null(False)).then(pl.lit("client-client")).otherwise(raw)
    return Derivation(f"{direction} ({src}/{dst} client: → client-client)", expr)


TWILIO = Preset(
    name="twilio",
    title="Twilio Call resource / console export",
    layouts=(
        Layout(
            "Call resource",
            required=(("sid", "call_sid"), ("parent_call_sid",), ("direction",)),
            optional=("start_time", "end_time", "date_created", "status", "account_sid"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("sid", "call_sid"),
        # Empty start: not dialled yet; empty end: did not complete (busy, failed,
        # no-answer). The record's creation/update times stand in for them.
        FIELD_START: coalesce("start_time", "date_created"),
        FIELD_END: coalesce("end_time", "date_updated"),
        FIELD_DURATION: pick("duration"),
        FIELD_TYPE: _twilio_type,
        FIELD_ACCOUNT: pick("account_sid"),
        FIELD_PARENT: pick("parent_call_sid"),
        FIELD_STATUS: pick("status"),
    },
    type_values={"app_to_app": ("client-client",)},
    limits=(
        "no answer time; whether start_time includes ringing is not documented; busy and "
        "unanswered calls have no end_time (date_updated stands in)"
    ),
)


# --- Asterisk ------------------------------------------------------------------------------
_CDR_CSV_BASE: Final = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
)
# cdr.conf: loguniqueid adds uniqueid, loguserfield adds userfield, newcdrcolumns adds
# peeraccount, linkedid and sequence (asterisk cdr/cdr_csv.c).
_CDR_CSV_VARIANTS: Final = {
    16: _CDR_CSV_BASE,
    17: (*_CDR_CSV_BASE, "uniqueid"),
    18: (*_CDR_CSV_BASE, "uniqueid", "userfield"),
    19: (*_CDR_CSV_BASE, "peeraccount", "linkedid", "sequence"),
    21: (*_CDR_CSV_BASE, "uniqueid", "userfield", "peeraccount", "linkedid", "sequence"),
}
_CDR_CUSTOM: Final = (
    "clid",
    "src",
    "dst",
    "dcontext",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "accountcode",
    "uniqueid",
    "userfield",
    "sequence",
)
# The FreePBX asteriskcdrdb.cdr table dumped without a header. Columns after dst_cnam
# vary between versions and are left unnamed (a "0" there is no linkedid).
_FREEPBX_TABLE: Final = (
    "calldate",
    "clid",
    "src",
    "dst",
    "dcontext",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "accountcode",
    "uniqueid",
    "userfield",
    "did",
    "recordingfile",
    "cnum",
    "cnam",
    "outbound_cnum",
    "outbound_cnam",
    "dst_cnam",
)
_CDR_SHAPES: Final = {
    "start": "datetime",
    "answer": "datetime?",
    "end": "datetime",
    "duration": "int",
    "billsec": "int",
    "disposition": "disposition",
}
_TABLE_SHAPES: Final = {
    "calldate": "datetime",
    "duration": "int",
    "billsec": "int",
    "disposition": "disposition",
    "uniqueid": "uniqueid",
}

# Contexts whose calls come from outside (FreePBX from-pstn/from-trunk/from-did, ...).
_INBOUND_CONTEXT: Final = r"(?i)(pstn|trunk|from-did|^did|inbound|incoming|from-external|public)"
# A phone's channel: technology, then an extension number or a name of a few letters and
# digits that is not a trunk; trunks are named channels (PJSIP/VIOrig-..., DAHDI/...).
_EXTENSION_CHANNEL: Final = r"(?i)^(SIP|PJSIP|IAX2|SCCP|Local)/\d{2,6}[-@;]|^Local/"
_TRUNK_CHANNEL: Final = r"(?i)^(SIP|PJSIP|IAX2)/[^/@;-]*[A-Za-z][^/@;-]*-[0-9a-f]+$|^DAHDI/"


def _asterisk_type(cols: Columns) -> Derivation | None:
    """Raw type keys from the dialplan context, the channels and the numbers.

    In order: ``inbound-context`` (an inbound context), ``from-trunk`` (party A is a
    trunk channel), ``to-trunk`` (party B is a trunk), ``external-src`` (a caller number
    of 7+ digits), ``external-dst`` (a dialled number of 7+ digits), ``extension`` (party
    A is a phone or both numbers are short), else ``unknown``.
    """
    ctx, chan, dchan = cols.find("dcontext"), cols.find("channel"), cols.find("dstchannel")
    src, dst = cols.find("src"), cols.find("dst")
    used = [c for c in (ctx, chan, dchan, src, dst) if c is not None]
    if not used:
        return None
    rules: list[tuple[pl.Expr, str]] = []
    if ctx is not None:
        rules.append((cols.text(ctx).str.contains(_INBOUND_CONTEXT), "inbound-context"))
    if chan is not None:
        rules.append((cols.text(chan).str.contains(_TRUNK_CHANNEL), "from-trunk"))
    if dchan is not None:
        rules.append((cols.text(dchan).str.contains(_TRUNK_CHANNEL), "to-trunk"))
    if src is not None:
        rules.append((_digits(cols.text(src), 7), "external-src"))
    if dst is not None:
        rules.append((_digits(cols.text(dst), 7), "external-dst"))
    if chan is not None:
        rules.append((cols.text(chan).str.contains(_EXTENSION_CHANNEL), "extension"))
    if src is not None and dst is not None:
        short = _digits(cols.text(src), 2, 6) & _digits(cols.text(dst), 1, 6)
        rules.append((short, "extension"))
    expr: pl.Expr = pl.lit("unknown")
    for cond, key in reversed(rules):
        expr = pl.when(cond.fill_null(False)).then(pl.lit(key)).otherwise(expr)
    return Derivation(f"rules on {', '.join(used)}", expr)


def _asterisk_id(cols: Columns) -> Derivation | None:
    # Forks of one Dial share uniqueid (and times): uniqueid/sequence keeps them apart,
    # so they are merged as legs rather than dropped as duplicates.
    uid, seq = cols.find("uniqueid"), cols.find("sequence")
    if uid is None:
        return None
    if seq is None:
        return Derivation(uid)
    expr = pl.concat_str([cols.text(uid), cols.text(seq)], separator="/", ignore_nulls=True)
    return Derivation(f"{uid}/{seq}", expr)


def _asterisk_start(cols: Columns) -> Derivation | None:
    found = cols.find("start", "calldate")
    if found is not None:
        return Derivation(found)
    answer = cols.find("answer")
    if answer is None:
        return None
    return Derivation(
        answer,
        note="the file has no start (creation) time: calls count from their answer time, "
        "so ring time is lost",
    )


def _asterisk_duration(cols: Columns) -> Derivation | None:
    # With only an answer time, the billed seconds run from it.
    if cols.find("start", "calldate") is None and cols.find("answer") is not None:
        return pick("billsec")(cols)
    return pick("duration")(cols)


def _uniqueid_zone(calls: pl.DataFrame) -> str | None:
    """The integer part of an Asterisk uniqueid is the epoch second its channel was
    created, in UTC; a start read as UTC that sits a whole number of quarter hours away
    from it on most rows was written in the PBX's local time."""
    if calls.height == 0:
        return None
    created = calls["call_id"].str.extract(r"(?:^|-)(\d{9,10})\.\d+", 1).cast(pl.Int64)
    diff = (calls["start"].dt.epoch("s") - created).drop_nulls()
    if diff.len() == 0:
        return None
    quarter = (diff / 900).round(0).cast(pl.Int64) * 900
    offset = int(quarter.mode().sort()[0])
    agree = int(((diff - offset).abs() <= 60).sum())
    if offset == 0 or agree * 2 < diff.len():
        return None
    sign = "+" if offset > 0 else "-"
    hours, minutes = divmod(abs(offset) // 60, 60)
    return (
        f"start times sit {sign}{hours:02d}:{minutes:02d} from the epoch in the Asterisk "
        f"uniqueid on {agree} of {diff.len()} rows: the PBX wrote local times "
        f"(UTC{sign}{hours:02d}:{minutes:02d}); they are read as UTC, pass --tz with its zone"
    )


ASTERISK = Preset(
    name="asterisk",
    title="Asterisk / FreePBX CDR (cdr_csv, cdr_custom, database exports)",
    layouts=(
        Layout(
            "database export (calldate + duration)",
            required=(("calldate",), ("duration",), ("billsec", "disposition")),
            optional=("uniqueid", "linkedid", "dcontext", "channel", "dstchannel", "src", "dst"),
        ),
        Layout(
            "CDR with header (start/answer/end)",
            required=(("start",), ("end",), ("billsec",), ("dcontext", "disposition")),
            optional=("answer", "uniqueid", "linkedid", "channel", "dstchannel"),
        ),
        *(
            Layout(f"cdr_csv Master.csv, {n} columns", positions=names, shapes=_CDR_SHAPES)
            for n, names in _CDR_CSV_VARIANTS.items()
        ),
        Layout(
            "cdr_custom default Master.csv, 19 columns",
            positions=_CDR_CUSTOM,
            shapes={**_CDR_SHAPES, "uniqueid": "uniqueid"},
        ),
        Layout(
            "FreePBX cdr table dump",
            positions=_FREEPBX_TABLE,
            shapes=_TABLE_SHAPES,
            exact_width=False,
        ),
    ),
    fields={
        FIELD_CALL_ID: _asterisk_id,
        FIELD_START: _asterisk_start,
        FIELD_END: pick("end"),
        FIELD_ANSWER: pick("answer"),
        FIELD_DURATION: _asterisk_duration,
        FIELD_TYPE: _asterisk_type,
        FIELD_GROUP: pick("linkedid", "uniqueid"),
        FIELD_STATUS: pick("disposition"),
    },
    time_formats=("%d/%m/%Y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%Y %H:%M"),
    zone_check=_uniqueid_zone,
    type_values={
        "inbound": ("inbound-context", "from-trunk", "external-src"),
        "outbound": ("to-trunk", "external-dst"),
        "internal": ("extension",),
    },
    limits=(
        "times are naive server-local times (pass --tz); which channels are trunks is "
        "guessed from their names; database exports hold no answer time"
    ),
)


# --- FreeSWITCH ----------------------------------------------------------------------------
_FREESWITCH_EXAMPLE: Final = (
    "caller_id_name",
    "caller_id_number",
    "destination_number",
    "context",
    "start_stamp",
    "answer_stamp",
    "end_stamp",
    "duration",
    "billsec",
    "hangup_cause",
    "uuid",
    "bleg_uuid",
    "accountcode",
    "read_codec",
    "write_codec",
)


def _freeswitch_end(cols: Columns) -> Derivation | None:
    # duration is whole seconds from start to end: start + duration is the end, exact
    # even when a spreadsheet re-saved the stamps at minute resolution (seen in real
    # files). end_stamp only serves files without a duration column.
    return None if cols.find("duration") is not None else pick("end_stamp")(cols)


def _freeswitch_type(cols: Columns) -> Derivation | None:
    ctx, dst = cols.find("context"), cols.find("destination_number")
    if ctx is None:
        return None
    context = cols.text(ctx).str.to_lowercase()
    expr: pl.Expr = context
    if dst is not None:
        number = cols.text(dst)
        expr = (
            pl.when(_digits(number, 7))
            .then(pl.lit("external-dst"))
            .when(_digits(number, 2, 6))
            .then(pl.lit("extension"))
            .otherwise(context)
        )
    expr = pl.when(context == "public").then(pl.lit("public")).otherwise(expr)
    used = ctx if dst is None else f"{ctx}, {dst}"
    return Derivation(f"rules on {used}", expr)


FREESWITCH = Preset(
    name="freeswitch",
    title="FreeSWITCH mod_cdr_csv (default template)",
    layouts=(
        Layout(
            "mod_cdr_csv default template, 15 columns",
            positions=_FREESWITCH_EXAMPLE,
            shapes={
                "start_stamp": "datetime",
                "answer_stamp": "datetime?",
                "end_stamp": "datetime",
                "duration": "int",
                "billsec": "int",
                "uuid": "uuid",
                "bleg_uuid": "uuid?",
            },
            exact_width=False,
        ),
        Layout(
            "CDR with header",
            required=(("start_stamp",), ("end_stamp",), ("uuid",)),
            optional=("answer_stamp", "bleg_uuid", "context", "hangup_cause"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("uuid"),
        FIELD_START: pick("start_stamp"),
        FIELD_END: _freeswitch_end,
        FIELD_ANSWER: pick("answer_stamp"),
        FIELD_DURATION: pick("duration"),
        FIELD_TYPE: _freeswitch_type,
        # The A-leg names its B-leg: linking it to that uuid makes them one call.
        FIELD_PARENT: pick("bleg_uuid"),
        FIELD_STATUS: pick("hangup_cause"),
    },
    type_values={
        "inbound": ("public",),
        "outbound": ("external-dst",),
        "internal": ("extension",),
    },
    limits=(
        "times are naive server-local times (pass --tz); only A-legs are written unless "
        "legs=ab is configured"
    ),
)


# --- Cisco CUCM ----------------------------------------------------------------------------
_PHONE_DEVICE: Final = r"(?i)^(SEP|CSF|BOT|TCT|TAB|CIPC|ATA)"


def _cucm_type(cols: Columns) -> Derivation | None:
    orig, dest = cols.find("origDeviceName"), cols.find("destDeviceName")
    if orig is None or dest is None:
        return None
    side = {
        c: pl.when(cols.text(c).str.contains(_PHONE_DEVICE))
        .then(pl.lit("phone"))
        # An empty device (no destination reached) is neither.
        .when(cols.text(c).is_not_null())
        .then(pl.lit("trunk"))
        .otherwise(pl.lit("none"))
        for c in (orig, dest)
    }
    return Derivation(
        f"{orig}-{dest} (SEP/CSF/... phone, else trunk)",
        pl.concat_str([side[orig], side[dest]], separator="-"),
    )


def _cucm_group(cols: Columns) -> Derivation | None:
    mgr, call = cols.find("globalCallID_callManagerId"), cols.find("globalCallID_callId")
    if mgr is None or call is None:
        return None
    return Derivation(
        f"{mgr}-{call}", pl.concat_str([cols.text(mgr), cols.text(call)], separator="-")
    )


def _cucm_keep(cols: Columns) -> tuple[pl.Expr, str] | None:
    kind = cols.find("cdrRecordType")
    if kind is None:
        return None
    return (cols.text(kind) == "1").fill_null(False), f"{kind} = 1 (CMR and other rows skipped)"


CUCM = Preset(
    name="cucm",
    title="Cisco Unified CM CDR flat file",
    layouts=(
        Layout(
            "CDR flat file",
            required=(
                ("cdrRecordType",),
                ("globalCallID_callManagerId",),
                ("globalCallID_callId",),
                ("dateTimeOrigination",),
                ("dateTimeDisconnect",),
            ),
            optional=("dateTimeConnect", "pkid", "origDeviceName", "destDeviceName"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("pkid"),
        FIELD_START: pick("dateTimeOrigination"),
        FIELD_END: pick("dateTimeDisconnect"),
        FIELD_ANSWER: pick("dateTimeConnect"),
        FIELD_TYPE: _cucm_type,
        FIELD_GROUP: _cucm_group,
        FIELD_STATUS: pick("destCause_value"),
    },
    epoch_unit="s",
    keep=_cucm_keep,
    type_values={
        "inbound": ("trunk-phone",),
        "outbound": ("phone-trunk",),
        "internal": ("phone-phone", "phone-none"),
    },
    limits="which devices are trunks is guessed from the device names (SEP..., CSF... = phones)",
)


# --- Amazon Connect ------------------------------------------------------------------------
def _connect_group(cols: Columns) -> Derivation | None:
    contact, initial = cols.find("ContactId"), cols.find("InitialContactId")
    if contact is None:
        return None
    if initial is None:
        return Derivation(contact)
    return Derivation(
        f"coalesce({initial}, {contact})",
        pl.coalesce(cols.text(initial), cols.text(contact)),
    )


def _connect_keep(cols: Columns) -> tuple[pl.Expr, str] | None:
    channel, method = cols.find("Channel"), cols.find("InitiationMethod")
    parts: list[tuple[pl.Expr, str]] = []
    if channel is not None:
        voice = cols.text(channel).str.to_uppercase().is_null() | (
            cols.text(channel).str.to_uppercase() == "VOICE"
        )
        parts.append((voice, f"{channel} = VOICE"))
    if method is not None:
        monitor = cols.text(method).str.to_uppercase() == "MONITOR"
        parts.append((~monitor.fill_null(False), f"{method} != MONITOR"))
    if not parts:
        return None
    expr = parts[0][0]
    for extra, _ in parts[1:]:
        expr = expr & extra
    return expr.fill_null(True), " and ".join(text for _, text in parts)


CONNECT = Preset(
    name="connect",
    title="Amazon Connect contact records (flattened CTR)",
    layouts=(
        Layout(
            "contact records",
            required=(("ContactId",), ("InitiationTimestamp",), ("DisconnectTimestamp",)),
            optional=("InitiationMethod", "InitialContactId", "Channel"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("ContactId"),
        FIELD_START: pick("InitiationTimestamp"),
        FIELD_END: pick("DisconnectTimestamp"),
        FIELD_ANSWER: pick("Agent.ConnectedToAgentTimestamp", "ConnectedToAgentTimestamp"),
        FIELD_TYPE: pick("InitiationMethod"),
        FIELD_GROUP: _connect_group,
        FIELD_ACCOUNT: pick("AWSAccountId", "InstanceARN"),
        FIELD_STATUS: pick("DisconnectReason"),
    },
    keep=_connect_keep,
    type_values={
        "inbound": ("inbound", "transfer", "queue_transfer", "webrtc_api"),
        "outbound": ("outbound", "callback", "api", "external_outbound"),
    },
    limits=(
        "records are delivered at least once and a contact may appear in several "
        "versions; only exact repeats are dropped"
    ),
)

GENERIC_PRESET = Preset(
    name=GENERIC,
    title="canonical column names and their aliases",
    layouts=(),
    fields={},
)

PRESETS: Final[dict[str, Preset]] = {
    p.name: p
    for p in (
        STRINGEE,
        STRINGEEX,
        STRINGEEX_VI,
        TWILIO,
        ASTERISK,
        FREESWITCH,
        CUCM,
        CONNECT,
        GENERIC_PRESET,
    )
}
PRESET_NAMES: Final[tuple[str, ...]] = tuple(PRESETS)
