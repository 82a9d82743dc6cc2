"""Microsoft Teams PSTN usage: the PSTN call log of Microsoft Graph
(``communications/callRecords/getPstnCalls``, one ``pstnCallLogRow`` per call), as
exported to CSV (e.g. ``m365 teams report pstncalls --output csv``) or from the Teams
admin center's PSTN usage report.

Source: Microsoft Graph reference "pstnCallLogRow resource type"
(learn.microsoft.com/en-us/graph/api/resources/callrecords-pstncalllogrow): ``id``,
``callId`` ("not guaranteed to be unique"), ``startDateTime``, ``endDateTime``,
``duration`` (seconds), ``callType`` ("whether the call was a PSTN outbound or inbound
call and the type of call, such as a call placed by a user or an audio conference"),
``callerNumber``, ``calleeNumber``, ``conferenceId``, ``userPrincipalName``, ... "Each
row maps to one call"; times are UTC.
"""

from __future__ import annotations

from ccc_cli.normalize.presets.base import Columns, Derivation, Layout, Preset, labelled, pick
from ccc_cli.schema import (
    FIELD_ACCOUNT,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_START,
    FIELD_TYPE,
)


def _teams_type(cols: Columns) -> Derivation | None:
    """``callType`` values end in ``_in`` (a call into Teams: ``user_in``, ``conf_in``)
    or hold ``_out`` (``user_out``, ``user_out_lite``, ``conf_out``, ...)."""
    found = cols.find("callType", "Call type")
    if found is None:
        return None
    kind = cols.text(found).str.to_lowercase()
    rules = [
        (kind.str.contains(r"(^|_)in$"), "pstn-in"),
        (kind.str.contains(r"(^|_)out(_|$)"), "pstn-out"),
    ]
    return Derivation(f"{found} (*_in, *_out*)", labelled(rules))


TEAMS = Preset(
    name="teams",
    title="Microsoft Teams PSTN call log (Graph pstnCallLogRow)",
    layouts=(
        Layout(
            "PSTN call log",
            required=(
                ("startDateTime", "Start time"),
                ("endDateTime", "End time"),
                ("callType", "Call type"),
                ("calleeNumber", "Callee number", "callerNumber", "Caller number"),
            ),
            optional=("callId", "conferenceId", "userPrincipalName", "charge"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("id", "callId", "Call ID"),
        FIELD_START: pick("startDateTime", "Start time"),
        FIELD_END: pick("endDateTime", "End time"),
        FIELD_DURATION: pick("duration", "Duration (seconds)"),
        FIELD_TYPE: _teams_type,
        FIELD_ACCOUNT: pick("tenantId", "userPrincipalName", "UPN"),
    },
    type_values={"inbound": ("pstn-in",), "outbound": ("pstn-out",)},
    limits=(
        "only PSTN calls that connected are logged (ring time and unanswered calls are "
        "not in the log); each dial-in to one audio conference is a call of its own "
        "(conferenceId is not a leg link); Teams-to-Teams calls are not in this log"
    ),
)
