"""Zoom Phone call logs (``GET /phone/call_logs``) and call history
(``GET /phone/call_history``), flattened to CSV.

Sources: Zoom developer docs "Understand Zoom Phone call history"
(developers.zoom.us/docs/phone/understanding-call-history/) and the call-log record of
the Zoom API (``id``, ``call_id``, ``direction`` inbound/outbound, ``date_time`` the
call's start, ``answer_start_time``, ``call_end_time``, ``duration``, ``result``,
``caller_number``/``callee_number`` with ``caller_number_type``/``callee_number_type``
1 internal, 2 external, ``path``, ``waiting_time``); call history names them
``start_time``, ``answer_time``, ``end_time`` and adds ``connect_type``
(internal/external). An account's log holds one record per user leg: the records of
one call (both ends of an internal call, each member a call queue rang) share
``call_id``.
"""

from __future__ import annotations

import polars as pl

from ccc_cli.normalize.presets.base import Columns, Derivation, Layout, Preset, pick
from ccc_cli.schema import (
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_END,
    FIELD_GROUP,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)


def _zoom_type(cols: Columns) -> Derivation | None:
    """``internal`` when both numbers are internal (number type 1, or connect_type
    internal), else the direction (``inbound``/``outbound``)."""
    direction = cols.find("direction")
    if direction is None:
        return None
    raw = cols.text(direction).str.to_lowercase()
    a, b = cols.find("caller_number_type"), cols.find("callee_number_type")
    connect = cols.find("connect_type")
    if a is not None and b is not None:
        internal = (cols.text(a) == "1") & (cols.text(b) == "1")
        used = f"{direction}, {a}, {b}"
    elif connect is not None:
        internal = cols.text(connect).str.to_lowercase() == "internal"
        used = f"{direction}, {connect}"
    else:
        return Derivation(direction)
    expr = pl.when(internal.fill_null(False)).then(pl.lit("internal")).otherwise(raw)
    return Derivation(f"rules on {used}", expr)


ZOOM = Preset(
    name="zoom",
    title="Zoom Phone call logs / call history",
    layouts=(
        Layout(
            "call logs",
            required=(("call_id",), ("date_time",), ("direction",), ("call_end_time",)),
            optional=("id", "answer_start_time", "result", "caller_number", "callee_number"),
        ),
        Layout(
            "call history",
            required=(("call_id",), ("start_time",), ("end_time",), ("connect_type",)),
            optional=("id", "call_history_uuid", "answer_time", "direction", "call_result"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("id", "call_history_uuid", "call_id"),
        FIELD_START: pick("date_time", "start_time"),
        FIELD_END: pick("call_end_time", "end_time"),
        FIELD_ANSWER: pick("answer_start_time", "answer_time"),
        FIELD_TYPE: _zoom_type,
        FIELD_GROUP: pick("call_id"),
        FIELD_STATUS: pick("result", "call_result"),
    },
    type_values={
        "inbound": ("inbound",),
        "outbound": ("outbound",),
        "internal": ("internal",),
    },
    limits=(
        "duration is not used (whether it includes ringing is not documented; the end "
        "time is); a call transferred under a new call_id is not linked to the first"
    ),
)
