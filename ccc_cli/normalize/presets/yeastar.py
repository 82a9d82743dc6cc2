"""Yeastar S-series and P-series PBX call detail records.

Sources: Yeastar "CDR Parameters in Database" (help.yeastar.com/en/cloudpbx/topic/
cdr-database.html: ``id`` "no special meaning, all ids are 0", ``datetime``, ``clid``,
``src``, ``dst``, ``dcontext``, ``srctrunk``, ``dstrunk``, ``duration`` "calculates from
the beginning of the call", ``billable``, ``disposition``, ``calltype``, ``uniqueid`` "CDR
unique identifier", ``didnumber``, ...) and the P-series "Call Detail Record (CDR)
Overview" (help.yeastar.com/en/p-series-cloud-edition/administrator-guide/
call-detail-record-cdr-overview.html: ``Time``, ``Call From``, ``Call To``, ``Call
Duration`` "between the call started and the call ended", ``Ring Duration``, ``Talk
Duration``, ``Status``, ``Communication Type`` Inbound/Outbound/Internal, ...).
"""

from __future__ import annotations

from typing import Final

from ccc_cli.normalize.presets.asterisk import uniqueid_zone
from ccc_cli.normalize.presets.base import Layout, Preset, pick, seconds
from ccc_cli.schema import (
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_GROUP,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)

# The cdr table's columns in the order the documentation lists them (a dump without a
# header); later firmware may add columns after these.
_CDR_TABLE: Final = (
    "id",
    "datetime",
    "clid",
    "src",
    "dst",
    "dcontext",
    "srctrunk",
    "dstrunk",
    "lastapp",
    "lastdata",
    "duration",
    "billable",
    "disposition",
    "amaflags",
    "calltype",
    "accountcode",
    "uniqueid",
    "recordfile",
    "recordpath",
    "monitorfile",
    "monitorpath",
    "dstmonitorfile",
    "dstmonitorpath",
    "extfield1",
    "extfield2",
    "extfield3",
    "extfield4",
    "extfield5",
    "payaccount",
    "usercost",
    "didnumber",
    "transbilling",
    "payexten",
    "srcchanurl",
    "dstchanurl",
)

YEASTAR = Preset(
    name="yeastar",
    title="Yeastar S-series / P-series CDR",
    layouts=(
        Layout(
            "S-series cdr table",
            required=(("datetime",), ("duration",), ("billable", "billsec"), ("calltype",)),
            optional=("uniqueid", "src", "dst", "srctrunk", "dstrunk", "disposition"),
        ),
        Layout(
            "S-series cdr table without header",
            positions=_CDR_TABLE,
            shapes={
                "datetime": "datetime",
                "duration": "int",
                "billable": "int",
                "disposition": "disposition",
                "uniqueid": "uniqueid",
            },
            exact_width=False,
        ),
        Layout(
            "P-series CDR export",
            required=(
                ("Time",),
                ("Call From",),
                ("Call To",),
                ("Call Duration",),
                ("Communication Type",),
            ),
            optional=(
                "ID",
                "Ring Duration",
                "Talk Duration",
                "Status",
                "Source Trunk",
                "Destination Trunk",
            ),
        ),
    ),
    fields={
        # Not ``id``: the table's id is 0 on every row.
        FIELD_CALL_ID: pick("uniqueid", "ID", "call_id"),
        FIELD_START: pick("datetime", "Time"),
        # Both count from the start of the call (ringing included).
        FIELD_DURATION: seconds("duration", "Call Duration"),
        FIELD_TYPE: pick("calltype", "Communication Type"),
        # Rows of one channel (a transfer, a forward) share the Asterisk-style uniqueid.
        FIELD_GROUP: pick("uniqueid"),
        FIELD_STATUS: pick("disposition", "Status"),
    },
    # The PBX is Asterisk inside: the uniqueid starts with the channel's epoch second.
    zone_check=uniqueid_zone,
    type_values={
        "inbound": ("inbound",),
        "outbound": ("outbound",),
        "internal": ("internal",),
    },
    limits=(
        "times are the PBX's naive local time (pass --tz); no end time (start + duration); "
        "rows of one call that do not share a uniqueid (a ring group through other "
        "channels) cannot be linked; call types beyond Inbound/Outbound/Internal "
        "(e.g. Transfer, Callback) are other"
    ),
)
