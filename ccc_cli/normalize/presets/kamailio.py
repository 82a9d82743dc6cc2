"""Kamailio and OpenSIPS accounting: the ``acc`` table (one row per SIP transaction, or
per call in OpenSIPS's CDR mode) and the ``acc_cdrs`` table.

Sources: OpenSIPS DB schema (opensips.org/docs/db/db-schema-devel.html, table ``acc``:
``method``, ``from_tag``, ``to_tag``, ``callid``, ``sip_code``, ``sip_reason``, ``time``
"when this record was written", ``duration``, ``ms_duration``, ``setuptime``,
``created``), the OpenSIPS acc module (opensips.org/docs/modules/devel/acc.html: with
the ``cdr`` flag one record per call, ``setuptime`` from the INVITE to its 200 OK,
``duration`` from the 200 OK to the BYE, ``created`` when the call was created),
Kamailio's ``acc`` and ``acc_cdrs`` schemas (kamailio/kamailio
``src/lib/srdb1/schema/acc.xml``, ``acc_cdrs.xml``: ``start_time``, ``end_time``,
``duration``), OpenSIPS Control Panel's ``cdrs`` table (opensips-cp
``web/tools/cdrviewer/cdrs.sql``: ``cdr_id, call_start_time, duration, sip_call_id,
sip_from_tag, sip_to_tag, created``, filled from the INVITE and BYE rows of ``acc``),
its default ``kamailio.cfg`` (``WITH_ACCDB`` adds ``src_user,
src_domain, src_ip, dst_ouser, dst_user, dst_domain``) and ``acc-mysql.cfg``.

In transaction mode a call is its INVITE row; it ends at the BYE row that shares its
``callid``. Only INVITE rows are calls (BYE, CANCEL, ... rows are ``not_a_call``); the
end of each INVITE row is the time of the BYE with its call id (a window over the
call id, no loop), and the rows of one call id (re-INVITEs, forks) are its legs.
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
    labelled,
    pick,
)
from ccc_cli.schema import (
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_GROUP,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)

# Tables dumped without a header (SELECT ... INTO OUTFILE): the columns in table order.
_ACC: Final = ("id", "method", "from_tag", "to_tag", "callid", "sip_code", "sip_reason", "time")
# Kamailio's default kamailio.cfg (WITH_ACCDB) adds these, in this order.
_ACC_EXTRA: Final = ("src_user", "src_domain", "src_ip", "dst_ouser", "dst_user", "dst_domain")
# OpenSIPS 2.2 and later.
_OPENSIPS_ACC: Final = (*_ACC, "duration", "ms_duration", "setuptime", "created")
_ACC_SHAPES: Final = {"method": "sip_method", "sip_code": "sip_code", "time": "datetime"}


def _method(cols: Columns) -> pl.Expr | None:
    found = cols.find("method")
    return None if found is None else cols.text(found).str.to_uppercase()


def _bye_time(cols: Columns) -> pl.Expr | None:
    """Per row, the time of the BYE of its call id (null when none was logged)."""
    method, callid, time = _method(cols), cols.find("callid"), cols.find("time")
    if method is None or callid is None or time is None:
        return None
    text = cols.text(time)
    return pl.when(method == "BYE").then(text).max().over(cols.text(callid))


def _acc_start(cols: Columns) -> Derivation | None:
    # acc_cdrs and OpenSIPS-CP's cdrs table say when the call started. In CDR mode
    # created is when the call was created (its INVITE); in transaction mode (or with
    # created empty) the INVITE's row time, which is when its final reply came.
    found = cols.find("start_time", "call_start_time")
    if found is not None:
        return Derivation(found)
    created, time = cols.find("created"), cols.find("time")
    if time is None:
        return None if created is None else Derivation(created)
    if created is None:
        return Derivation(
            time,
            note="the acc table has no call creation time: calls count from the final "
            "reply to their INVITE, so ring time is lost",
        )
    expr = pl.coalesce(cols.text(created), cols.text(time))
    return Derivation(f"coalesce({created}, {time})", expr)


def _failed(cols: Columns) -> pl.Expr:
    code = cols.find("sip_code")
    if code is None:
        return pl.lit(False)
    return (cols.text(code).cast(pl.Int64, strict=False) >= 300).fill_null(False)


def _acc_end(cols: Columns) -> Derivation | None:
    if cols.find("end_time") is not None:
        return pick("end_time")(cols)
    bye = _bye_time(cols)
    if bye is None:
        return None
    time = cols.find("time")
    assert time is not None
    # A failed INVITE (3xx-6xx) has no BYE: it ends at its final reply.
    expr = pl.coalesce(bye, pl.when(_failed(cols)).then(cols.text(time)))
    return Derivation(f"time of the BYE with the same callid (failed INVITE: {time})", expr)


def _acc_duration(cols: Columns) -> Derivation | None:
    """CDR mode: setup time + talk time, from the start (created). Only on rows whose
    call id has no BYE row (a table in transaction mode carries zeros here)."""
    if cols.find("end_time") is not None:
        return pick("duration")(cols)
    talk, setup = cols.find("duration"), cols.find("setuptime")
    if talk is None:
        return None
    total = cols.text(talk).cast(pl.Float64, strict=False)
    name = talk
    if setup is not None and cols.find("created") is not None:
        total = total + cols.text(setup).cast(pl.Float64, strict=False).fill_null(0)
        name = f"{setup} + {talk}"
    bye = _bye_time(cols)
    if bye is not None:
        total = pl.when(bye.is_null()).then(total)
        name += " (rows without a BYE)"
    return Derivation(name, total)


def _acc_type(cols: Columns) -> Derivation | None:
    """From the extra columns of the sample configs (``src_user``, ``dst_user``): a
    dialled number of 7+ digits ``external-dst`` (outbound), a caller of 7+ digits
    ``external-src`` (inbound), two short numbers ``extension`` (internal)."""
    src = cols.find("src_user", "caller_id")
    dst = cols.find("dst_user", "dst_ouser", "callee_id")
    if src is None or dst is None:
        return None
    a, b = cols.text(src), cols.text(dst)
    rules = [
        (digits(b, 7), "external-dst"),
        (digits(a, 7), "external-src"),
        (digits(a, 2, 6) & digits(b, 2, 6), "extension"),
    ]
    return Derivation(f"rules on {src}, {dst}", labelled(rules))


def _invites_only(cols: Columns) -> tuple[pl.Expr, str] | None:
    method = _method(cols)
    if method is None:
        return None
    return (method == "INVITE").fill_null(False), "method = INVITE (BYE and other rows skipped)"


KAMAILIO = Preset(
    name="kamailio",
    title="Kamailio / OpenSIPS accounting (acc, acc_cdrs)",
    layouts=(
        Layout(
            "acc table",
            required=(("method",), ("callid",), ("sip_code",), ("time",)),
            optional=(
                "from_tag",
                "to_tag",
                "sip_reason",
                "duration",
                "setuptime",
                "created",
                "src_user",
                "dst_user",
            ),
        ),
        Layout("acc table without header, 8 columns", positions=_ACC, shapes=_ACC_SHAPES),
        Layout(
            "acc table without header, kamailio.cfg extra columns, 14 columns",
            positions=(*_ACC, *_ACC_EXTRA),
            shapes=_ACC_SHAPES,
        ),
        Layout(
            "OpenSIPS acc table without header, 12 columns",
            positions=_OPENSIPS_ACC,
            shapes={**_ACC_SHAPES, "duration": "int", "setuptime": "int"},
        ),
        Layout(
            "acc_cdrs table",
            # The table itself is id, start_time, end_time, duration: the call id and a
            # SIP field come from cdr_extra, and tell it from a generic export.
            required=(
                ("callid",),
                ("start_time",),
                ("end_time",),
                ("duration",),
                ("from_tag", "to_tag", "sip_code", "sip_reason", "src_user", "src_ip"),
            ),
            optional=("id", "dst_user", "src_domain", "dst_domain"),
        ),
        # OpenSIPS Control Panel's CDR viewer pairs each INVITE with its BYE into it.
        Layout(
            "OpenSIPS-CP cdrs table",
            required=(("cdr_id",), ("call_start_time",), ("duration",), ("sip_call_id",)),
            optional=("sip_from_tag", "sip_to_tag", "created", "caller_id", "callee_id"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("id", "cdr_id", "callid"),
        FIELD_START: _acc_start,
        FIELD_END: _acc_end,
        FIELD_DURATION: _acc_duration,
        FIELD_TYPE: _acc_type,
        # Forks, re-INVITEs and the CDR rows of one dialog share the SIP Call-ID.
        FIELD_GROUP: pick("callid", "sip_call_id"),
        FIELD_STATUS: pick("sip_reason", "sip_code"),
    },
    keep=_invites_only,
    type_values={
        "inbound": ("external-src",),
        "outbound": ("external-dst",),
        "internal": ("extension",),
    },
    limits=(
        "times are the database server's naive local time (pass --tz); in transaction "
        "mode a call counts from the final reply to its INVITE (ring time lost) to its "
        "BYE, an answered call whose BYE was not logged has no end, and a call forked "
        "or forwarded under a new Call-ID is not linked; the direction needs the extra "
        "src_user/dst_user columns"
    ),
)
