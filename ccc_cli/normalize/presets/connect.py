"""Amazon Connect contact records (CTR), flattened to CSV or Parquet.

Source: docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html; see
``shared/docs/cdr-formats.md`` section 6.
"""

from __future__ import annotations

import polars as pl

from ccc_cli.normalize.presets.base import (
    Columns,
    Derivation,
    Layout,
    Preset,
    pick,
)
from ccc_cli.schema import (
    FIELD_ACCOUNT,
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_END,
    FIELD_GROUP,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)


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
