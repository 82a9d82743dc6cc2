"""Grandstream UCM (UCM6xxx / UCM63xx) CDR export: the ``.csv`` downloaded from the web
interface (CDR -> CDR -> Download).

Sources: Grandstream "UCM6xxx Series CDR and REC API Guide" and the UCM6100/6200/6300
user manuals, sections "CDR" and "Downloaded CDR File" (data fields ``Start Time``,
``Call From``, ``Call To``, ``Call Time`` and ``Talk Time`` as ``0:00:10``, ``Status``;
filters by ``Source Trunk Name``, ``Destination Trunk Name`` and ``Action Type``;
contexts ``ext-did-XXXXX`` inbound, ``from-internal`` outbound, ``ext-local``
internal). The UCM is Asterisk inside: a call's rows (IVR, queue, each ring-group
member, a transfer) share its ``Session``.
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

_SOURCE_TRUNK: Final = ("Source Trunk Name", "Source Trunk", "src_trunk_name")
_DEST_TRUNK: Final = (
    "Dest Trunk Name",
    "Destination Trunk Name",
    "Destination Trunk",
    "dst_trunk_name",
)


def _grandstream_type(cols: Columns) -> Derivation | None:
    """Raw type keys, in order: ``trunk-trunk`` (a call passed from one trunk to
    another), ``from-trunk`` (inbound), ``to-trunk`` (outbound), then the dialplan
    context the manual documents (``ext-did-*`` inbound, ``from-internal`` outbound,
    ``ext-local`` internal), else ``unknown``."""
    src = cols.find(*_SOURCE_TRUNK)
    dst = cols.find(*_DEST_TRUNK)
    ctx = cols.find("Context", "dcontext")
    used = [c for c in (src, dst, ctx) if c is not None]
    if not used:
        return None
    rules = []
    if src is not None and dst is not None:
        both = cols.text(src).is_not_null() & cols.text(dst).is_not_null()
        rules.append((both, "trunk-trunk"))
    if src is not None:
        rules.append((cols.text(src).is_not_null(), "from-trunk"))
    if dst is not None:
        rules.append((cols.text(dst).is_not_null(), "to-trunk"))
    if ctx is not None:
        context = cols.text(ctx).str.to_lowercase()
        rules.append((context.str.starts_with("ext-did"), "ext-did"))
        rules.append((context == "from-internal", "from-internal"))
        rules.append((context == "ext-local", "ext-local"))
    # Internal calls are "not sent over a trunk" (the manual's CDR filter).
    default = "no-trunk" if src is not None and dst is not None else "unknown"
    return Derivation(f"rules on {', '.join(used)}", labelled(rules, default))


GRANDSTREAM = Preset(
    name="grandstream",
    title="Grandstream UCM CDR export",
    layouts=(
        Layout(
            "UCM CDR export",
            required=(
                ("Start Time",),
                ("Call Time",),
                ("End Time", "Answer Time"),
                ("Session", "Unique ID"),
            ),
            optional=(
                "Talk Time",
                "Disposition",
                "Status",
                "Source Trunk Name",
                "Dest Trunk Name",
                "Action Type",
                "Source Channel",
                "Dest Channel",
                "Caller Number",
                "Callee Number",
            ),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("Unique ID", "uniqueid"),
        FIELD_START: pick("Start Time"),
        # Empty on calls that were never answered: Call Time (from the start) fills in.
        FIELD_END: pick("End Time"),
        FIELD_ANSWER: pick("Answer Time"),
        FIELD_DURATION: seconds("Call Time"),
        FIELD_TYPE: _grandstream_type,
        # Every row of one call (IVR, queue, ring-group members, transfers) shares it.
        FIELD_GROUP: pick("Session"),
        FIELD_STATUS: pick("Disposition", "Status"),
    },
    type_values={
        "inbound": ("from-trunk", "ext-did"),
        "outbound": ("to-trunk", "from-internal"),
        "internal": ("ext-local", "no-trunk"),
    },
    limits=(
        "times are the UCM's naive local time (pass --tz); a call passed from one trunk "
        "to another (trunk-trunk) is neither inbound nor outbound (other)"
    ),
)
