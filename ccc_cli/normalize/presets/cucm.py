"""Cisco Unified CM CDR flat files: with their header (and the line of SQL types), or
without it (the records only, as some collectors store them).

Sources: Cisco CallManager CDR definition, CUCM CDR Analysis and Reporting guides;
"CDR Field Descriptions" of the Call Detail Records Administration Guide for Release
10.0(1) and 11.0(1) and the Call Reporting and Billing Administration Guide 11.5(1)
and 15 ("all fields in the current CDRs in the order in which they appear"): 123 fields
up to 10.x; 11.0 adds the six IMS charging fields (``incomingICID`` ...
``outgoingTermIOI``) after ``huntPilotPattern``, 129 fields; later releases append
more. See ``shared/docs/cdr-formats.md`` section 5.
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

# The CDR fields in file order, CUCM 10.x (123 fields).
_CUCM_10: Final = (
    "cdrRecordType",
    "globalCallID_callManagerId",
    "globalCallID_callId",
    "origLegCallIdentifier",
    "dateTimeOrigination",
    "origNodeId",
    "origSpan",
    "origIpAddr",
    "callingPartyNumber",
    "callingPartyUnicodeLoginUserID",
    "origCause_location",
    "origCause_value",
    "origPrecedenceLevel",
    "origMediaTransportAddress_IP",
    "origMediaTransportAddress_Port",
    "origMediaCap_payloadCapability",
    "origMediaCap_maxFramesPerPacket",
    "origMediaCap_g723BitRate",
    "origVideoCap_Codec",
    "origVideoCap_Bandwidth",
    "origVideoCap_Resolution",
    "origVideoTransportAddress_IP",
    "origVideoTransportAddress_Port",
    "origRSVPAudioStat",
    "origRSVPVideoStat",
    "destLegIdentifier",
    "destNodeId",
    "destSpan",
    "destIpAddr",
    "originalCalledPartyNumber",
    "finalCalledPartyNumber",
    "finalCalledPartyUnicodeLoginUserID",
    "destCause_location",
    "destCause_value",
    "destPrecedenceLevel",
    "destMediaTransportAddress_IP",
    "destMediaTransportAddress_Port",
    "destMediaCap_payloadCapability",
    "destMediaCap_maxFramesPerPacket",
    "destMediaCap_g723BitRate",
    "destVideoCap_Codec",
    "destVideoCap_Bandwidth",
    "destVideoCap_Resolution",
    "destVideoTransportAddress_IP",
    "destVideoTransportAddress_Port",
    "destRSVPAudioStat",
    "destRSVPVideoStat",
    "dateTimeConnect",
    "dateTimeDisconnect",
    "lastRedirectDn",
    "pkid",
    "originalCalledPartyNumberPartition",
    "callingPartyNumberPartition",
    "finalCalledPartyNumberPartition",
    "lastRedirectDnPartition",
    "duration",
    "origDeviceName",
    "destDeviceName",
    "origCallTerminationOnBehalfOf",
    "destCallTerminationOnBehalfOf",
    "origCalledPartyRedirectOnBehalfOf",
    "lastRedirectRedirectOnBehalfOf",
    "origCalledPartyRedirectReason",
    "lastRedirectRedirectReason",
    "destConversationId",
    "globalCallId_ClusterID",
    "joinOnBehalfOf",
    "comment",
    "authCodeDescription",
    "authorizationLevel",
    "clientMatterCode",
    "origDTMFMethod",
    "destDTMFMethod",
    "callSecuredStatus",
    "origConversationId",
    "origMediaCap_Bandwidth",
    "destMediaCap_Bandwidth",
    "authorizationCodeValue",
    "outpulsedCallingPartyNumber",
    "outpulsedCalledPartyNumber",
    "origIpv4v6Addr",
    "destIpv4v6Addr",
    "origVideoCap_Codec_Channel2",
    "origVideoCap_Bandwidth_Channel2",
    "origVideoCap_Resolution_Channel2",
    "origVideoTransportAddress_IP_Channel2",
    "origVideoTransportAddress_Port_Channel2",
    "origVideoChannel_Role_Channel2",
    "destVideoCap_Codec_Channel2",
    "destVideoCap_Bandwidth_Channel2",
    "destVideoCap_Resolution_Channel2",
    "destVideoTransportAddress_IP_Channel2",
    "destVideoTransportAddress_Port_Channel2",
    "destVideoChannel_Role_Channel2",
    "incomingProtocolID",
    "incomingProtocolCallRef",
    "outgoingProtocolID",
    "outgoingProtocolCallRef",
    "currentRoutingReason",
    "origRoutingReason",
    "lastRedirectingRoutingReason",
    "huntPilotDN",
    "huntPilotPartition",
    "calledPartyPatternUsage",
    "outpulsedOriginalCalledPartyNumber",
    "outpulsedLastRedirectingNumber",
    "wasCallQueued",
    "totalWaitTimeInQueue",
    "callingPartyNumber_uri",
    "originalCalledPartyNumber_uri",
    "finalCalledPartyNumber_uri",
    "lastRedirectDn_uri",
    "mobileCallingPartyNumber",
    "finalMobileCalledPartyNumber",
    "origMobileDeviceName",
    "destMobileDeviceName",
    "origMobileCallDuration",
    "destMobileCallDuration",
    "mobileCallType",
    "originalCalledPartyPattern",
    "finalCalledPartyPattern",
    "lastRedirectingPartyPattern",
    "huntPilotPattern",
)
# 11.0 and later: the IMS P-Charging-Vector fields follow (129 fields; later releases
# append more after these).
_CUCM_11: Final = (
    *_CUCM_10,
    "incomingICID",
    "incomingOrigIOI",
    "incomingTermIOI",
    "outgoingICID",
    "outgoingOrigIOI",
    "outgoingTermIOI",
)
_RECORD_SHAPES: Final = {
    "cdrRecordType": "int",
    "globalCallID_callManagerId": "int",
    "globalCallID_callId": "int",
    "dateTimeOrigination": "epoch_s",
    "dateTimeConnect": "int",
    "dateTimeDisconnect": "epoch_s",
    "pkid": "uuid",
    "duration": "int",
}

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
        Layout(
            "headerless CDR records, CUCM 10.x (123 fields)",
            positions=_CUCM_10,
            shapes=_RECORD_SHAPES,
        ),
        Layout(
            "headerless CDR records, CUCM 11.x and later (129 or more fields)",
            positions=_CUCM_11,
            shapes=_RECORD_SHAPES,
            exact_width=False,
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
