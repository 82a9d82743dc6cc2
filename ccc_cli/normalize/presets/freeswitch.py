"""FreeSWITCH: mod_cdr_csv's default template (headerless) and CSVs with its names.

Sources: FreeSWITCH ``conf/vanilla/autoload_configs/cdr_csv.conf.xml``,
developer.signalwire.com mod_cdr_csv; see ``shared/docs/cdr-formats.md`` section 4.
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
    pick,
)
from ccc_cli.schema import (
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_PARENT,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)

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
            pl.when(digits(number, 7))
            .then(pl.lit("external-dst"))
            .when(digits(number, 2, 6))
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
