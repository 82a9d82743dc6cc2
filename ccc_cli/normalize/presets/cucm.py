"""Cisco Unified CM CDR flat files.

Sources: Cisco CallManager CDR definition, CUCM CDR Analysis and Reporting guides; see
``shared/docs/cdr-formats.md`` section 5.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from ccc_cli.normalize.presets.base import (
    Columns,
    Derivation,
    Layout,
    Preset,
    pick,
)
from ccc_cli.schema import (
    FIELD_ANSWER,
    FIELD_CALL_ID,
    FIELD_END,
    FIELD_GROUP,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)

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
