"""Asterisk and FreePBX: cdr_csv and cdr_custom ``Master.csv`` files, database
exports (cdr_adaptive_odbc, FreePBX ``asteriskcdrdb.cdr``) and headerless table dumps.

Sources: asterisk/asterisk ``cdr/cdr_csv.c``, ``configs/samples/cdr_custom.conf.sample``,
docs.asterisk.org CDR specification; see ``shared/docs/cdr-formats.md`` section 3.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from ccc_cli.normalize.presets.base import (
    Columns,
    Derivation,
    Layout,
    Preset,
    digits,
    group_of,
    pick,
)
from ccc_cli.schema import (
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_GROUP,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)

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
        rules.append((digits(cols.text(src), 7), "external-src"))
    if dst is not None:
        rules.append((digits(cols.text(dst), 7), "external-dst"))
    if chan is not None:
        rules.append((cols.text(chan).str.contains(_EXTENSION_CHANNEL), "extension"))
    if src is not None and dst is not None:
        short = digits(cols.text(src), 2, 6) & digits(cols.text(dst), 1, 6)
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


def uniqueid_zone(calls: pl.DataFrame) -> str | None:
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


_NO_LINKEDID: Final = (
    "no linkedid column (Asterisk 1.8 or older): legs are linked only when they share "
    "uniqueid (party A's channel), so ring-group fan-out and transfers through Local "
    "channels count as separate calls"
)

ASTERISK = Preset(
    name="asterisk",
    title="Asterisk / FreePBX CDR (cdr_csv, cdr_custom, database exports)",
    layouts=(
        Layout(
            "database export (calldate + duration)",
            required=(("calldate",), ("duration",), ("billsec", "disposition"), ("linkedid",)),
            optional=("uniqueid", "dcontext", "channel", "dstchannel", "src", "dst"),
        ),
        # Asterisk 1.8 and older wrote no linkedid (nor peeraccount and sequence).
        Layout(
            "database export without linkedid (Asterisk 1.8 or older)",
            required=(("calldate",), ("duration",), ("billsec", "disposition"), ("uniqueid",)),
            optional=("dcontext", "channel", "dstchannel", "src", "dst"),
        ),
        Layout(
            "database export (calldate + duration), no call ids",
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
        FIELD_GROUP: group_of("linkedid", "uniqueid", note=_NO_LINKEDID),
        FIELD_STATUS: pick("disposition"),
    },
    time_formats=("%d/%m/%Y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%Y %H:%M"),
    zone_check=uniqueid_zone,
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
