"""Twilio: the Call resource (REST ``Calls.json``) and console exports.

Source: twilio.com/docs/voice/api/call-resource; see ``shared/docs/cdr-formats.md``
section 2.
"""

from __future__ import annotations

import polars as pl

from ccc_cli.normalize.presets.base import (
    Columns,
    Derivation,
    Layout,
    Preset,
    coalesce,
    pick,
)
from ccc_cli.schema import (
    FIELD_ACCOUNT,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_PARENT,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)


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
