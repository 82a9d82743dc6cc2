"""3CX Phone System call data records (the CDR service: Settings -> CDR, written to a
file or a socket as CSV, one line per call segment).

Source: 3CX "Call Data Records (CDR)" (3cx.com/docs/cdr-call-data-records), mirrored in
github.com/dorel14/3CX-Cdr-Server: the fields ``historyid, callid, duration, time-start,
time-answered, time-end, reason-terminated, from-no, to-no, from-dn, to-dn, dial-no,
reason-changed, final-number, final-dn, bill-code, bill-rate, bill-cost, bill-name,
chain, from-type, to-type, final-type, from-dispname, to-dispname, final-dispname,
missed-queue-calls`` in that default order (the administrator may pick and reorder
them; the service writes no header). Segments of one call share ``callid``;
``from-type``/``to-type``/``final-type`` name the kind of endpoint (Extension, Line
(a trunk), Queue, IVR, ...).
"""

from __future__ import annotations

from typing import Final

from ccc_cli.normalize.presets.base import (
    Columns,
    Derivation,
    Layout,
    Preset,
    labelled,
    pick,
    seconds,
    unless_column,
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

_DEFAULT_ORDER: Final = (
    "historyid",
    "callid",
    "duration",
    "time-start",
    "time-answered",
    "time-end",
    "reason-terminated",
    "from-no",
    "to-no",
    "from-dn",
    "to-dn",
    "dial-no",
    "reason-changed",
    "final-number",
    "final-dn",
    "bill-code",
    "bill-rate",
    "bill-cost",
    "bill-name",
    "chain",
    "from-type",
    "to-type",
    "final-type",
    "from-dispname",
    "to-dispname",
    "final-dispname",
    "missed-queue-calls",
)


def _threecx_type(cols: Columns) -> Derivation | None:
    """Raw type keys: ``from-line`` (the call came in on a trunk: inbound), ``to-line``
    (it went out on one: outbound), ``extension`` (an extension called something else
    on the PBX: internal), else ``unknown``."""
    src, dst, final = cols.find("from-type"), cols.find("to-type"), cols.find("final-type")
    if src is None or dst is None:
        return None
    is_line = {
        c: cols.text(c).str.to_lowercase().str.contains("line")
        for c in (src, dst, final)
        if c is not None
    }
    out = is_line[dst] | is_line[final] if final is not None else is_line[dst]
    rules = [
        (is_line[src], "from-line"),
        (out, "to-line"),
        (cols.text(src).str.to_lowercase().str.contains("extension"), "extension"),
    ]
    used = ", ".join(c for c in (src, dst, final) if c is not None)
    return Derivation(f"rules on {used}", labelled(rules))


THREECX = Preset(
    name="3cx",
    title="3CX call data records (CDR service)",
    layouts=(
        Layout(
            "CDR with header",
            required=(("historyid",), ("callid",), ("time-start",), ("time-end", "duration")),
            optional=("time-answered", "from-type", "to-type", "reason-terminated", "chain"),
        ),
        Layout(
            "CDR service default order, 27 fields",
            positions=_DEFAULT_ORDER,
            shapes={
                "historyid": "int",
                "time-start": "datetime",
                "time-answered": "datetime?",
                "time-end": "datetime",
            },
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("historyid"),
        FIELD_START: pick("time-start"),
        FIELD_END: pick("time-end"),
        FIELD_ANSWER: pick("time-answered"),
        # Whether duration counts from time-start or from the answer is not documented:
        # it only stands in for a file without time-end.
        FIELD_DURATION: unless_column("time-end", seconds("duration")),
        FIELD_TYPE: _threecx_type,
        # The segments of one call (queue, transfer, forward) share the call id.
        FIELD_GROUP: pick("callid"),
        FIELD_STATUS: pick("reason-terminated"),
    },
    type_values={
        "inbound": ("from-line",),
        "outbound": ("to-line",),
        "internal": ("extension",),
    },
    limits=(
        "3CX does not document the time zone or format of the time fields (read as "
        "naive UTC unless --tz); the field order is the administrator's choice, so a "
        "headerless file in another order needs --no-header and column flags"
    ),
)
