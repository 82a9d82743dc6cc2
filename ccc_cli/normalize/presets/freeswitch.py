"""FreeSWITCH: mod_cdr_csv's default template (headerless) and CSVs with its names
(``freeswitch``); the database CDR table of mod_cdr_pg_csv (``freeswitch_db``).

Sources: FreeSWITCH ``conf/vanilla/autoload_configs/cdr_csv.conf.xml`` and
``cdr_pg_csv.conf.xml`` (the ``cdr`` table's default schema: ``local_ip_v4,
caller_id_name, caller_id_number, destination_number, context, start_stamp,
answer_stamp, end_stamp, duration, billsec, hangup_cause, uuid, bleg_uuid, accountcode,
read_codec, write_codec, sip_hangup_disposition, ani``, stamps as PostgreSQL
``timestamp with time zone``), developer.signalwire.com mod_cdr_csv and
mod_cdr_pg_csv pages; see ``shared/docs/cdr-formats.md`` section 4.
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


# mod_cdr_pg_csv's default schema, also the column order of its CSV spool files: the
# example cdr_csv template's columns with the local IP first and two more at the end.
_PG_SCHEMA: Final = ("local_ip_v4", *_FREESWITCH_EXAMPLE, "sip_hangup_disposition", "ani")
# PostgreSQL writes offsets as +07 or +05:30, with fractions of a second when set.
_PG_STAMP: Final = "%Y-%m-%d %H:%M:%S%.f%#z"


def _freeswitch_end(cols: Columns) -> Derivation | None:
    """end_stamp, where it is written to the second. The engine checks it against
    start + duration; a stamp re-saved by a spreadsheet at minute resolution (seen in
    real files) is left out, so the exact duration gives that row's end."""
    end = cols.find("end_stamp")
    if end is None:
        return None
    if cols.find("duration") is None:
        return Derivation(end)
    text = cols.text(end)
    to_the_second = text.str.contains(r"\d:\d{2}:\d{2}").fill_null(False)
    return Derivation(f"{end} (to the second)", pl.when(to_the_second).then(text))


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


_FIELDS: Final = {
    FIELD_CALL_ID: pick("uuid"),
    FIELD_START: pick("start_stamp"),
    FIELD_END: _freeswitch_end,
    FIELD_ANSWER: pick("answer_stamp"),
    FIELD_DURATION: pick("duration"),
    FIELD_TYPE: _freeswitch_type,
    # The A-leg names its B-leg: linking it to that uuid makes them one call.
    FIELD_PARENT: pick("bleg_uuid"),
    FIELD_STATUS: pick("hangup_cause"),
}
_TYPE_VALUES: Final = {
    "inbound": ("public",),
    "outbound": ("external-dst",),
    "internal": ("extension",),
}

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
    fields=_FIELDS,
    time_formats=(_PG_STAMP,),
    type_values=_TYPE_VALUES,
    limits=(
        "stamps without an offset are naive server-local times (pass --tz); only A-legs are "
        "written unless legs=ab is configured"
    ),
)

FREESWITCH_DB = Preset(
    name="freeswitch_db",
    title="FreeSWITCH database CDR (mod_cdr_pg_csv cdr table)",
    layouts=(
        Layout(
            "mod_cdr_pg_csv cdr table",
            required=(
                ("start_stamp",),
                ("end_stamp",),
                ("uuid",),
                ("local_ip_v4", "sip_hangup_disposition", "direction"),
            ),
            optional=("answer_stamp", "bleg_uuid", "context", "hangup_cause", "billsec"),
        ),
        Layout(
            "mod_cdr_pg_csv spool file, default schema, 18 columns",
            positions=_PG_SCHEMA,
            shapes={
                "start_stamp": "datetime",
                "answer_stamp": "datetime?",
                "end_stamp": "datetime",
                "duration": "int",
                "billsec": "int",
                "uuid": "uuid",
                "bleg_uuid": "uuid?",
            },
        ),
    ),
    fields=_FIELDS,
    time_formats=(_PG_STAMP,),
    type_values=_TYPE_VALUES,
    limits=(
        "FreeSWITCH writes bleg_uuid only on an A-leg whose B-leg answered: the B-legs "
        "of an unanswered forward or ring group are counted as calls of their own; "
        "stamps without an offset are naive server-local times (pass --tz)"
    ),
)
