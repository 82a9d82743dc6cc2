"""Stringee: the call log of the REST API, the StringeeX call history and the
StringeeX dashboard export (Vietnamese headers).

Sources: developer.stringee.com (call-rest-api-call-log, api-stringeex-call-management),
help.stringeex.com (lich-su-cuoc-goi); see ``shared/docs/cdr-formats.md`` section 1.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from ccc_cli.normalize.presets.base import (
    VIETNAM_TZ,
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
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
)


def _stringee_type(cols: Columns) -> Derivation | None:
    # 1 = the endpoint is a Stringee app/SDK user, 0 = a phone (PSTN/SIP): the raw value
    # is the pair, e.g. "01" for a phone calling an app user (inbound).
    a, b = cols.find("from_internal"), cols.find("to_internal")
    if a is None or b is None:
        return None
    flag = {c: cols.text(c).str.replace(r"\.0+$", "") for c in (a, b)}
    return Derivation(f"{a},{b}", pl.concat_str([flag[a], flag[b]]))


def _stringee_forwards(cols: Columns) -> tuple[pl.Expr, pl.Expr, pl.Expr] | None:
    """A 0,1 record is a phone calling the hotline (the callee is the hotline number); a
    0,0 record is server-originated (an OTP or robocall, a click-to-call, or the leg that
    forwards a hotline call to an agent's phone: its caller is the hotline number)."""
    pair = _stringee_type(cols)
    caller, callee = cols.find("from_number"), cols.find("to_number")
    if pair is None or pair.expr is None or caller is None or callee is None:
        return None
    role = (
        pl.when(pair.expr == "01")
        .then(pl.lit(1, pl.Int8))
        .when(pair.expr == "00")
        .then(pl.lit(2, pl.Int8))
    )
    return role, cols.text(caller), cols.text(callee)


STRINGEE = Preset(
    name="stringee",
    title="Stringee call log (REST /v1/call/log)",
    layouts=(
        Layout(
            "call log, epoch ms",
            required=(("start_time",), ("stop_time",), ("from_internal",), ("to_internal",)),
            optional=("id", "answer_time", "from_number", "to_number", "project_id"),
        ),
        Layout(
            "call log, *_datetime strings",
            required=(
                ("start_time_datetime",),
                ("stop_time_datetime",),
                ("from_internal",),
                ("to_internal",),
            ),
            optional=("id", "answer_time_datetime"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("id", "call_id", "uuid"),
        FIELD_START: pick("start_time", "start_time_datetime"),
        FIELD_END: pick("stop_time", "stop_time_datetime"),
        FIELD_ANSWER: pick("answer_time", "answer_time_datetime"),
        FIELD_TYPE: _stringee_type,
        FIELD_ACCOUNT: pick("account_id", "project_id"),
        FIELD_STATUS: pick("end_call_cause", "status"),
    },
    tz=VIETNAM_TZ,
    epoch_unit="ms",
    time_formats=("%Y/%m/%d, %H:%M:%S",),
    type_values={
        "app_to_app": ("11",),
        "inbound": ("01",),
        "outbound": ("10", "00"),
    },
    forwards=_stringee_forwards,
    limits=(
        "a 0,0 call (server to phone) is the leg forwarding a hotline call to an agent's "
        "phone when it starts from the hotline number during an inbound call to it (then "
        "it joins that call: --link-forwards), else an OTP/robocall or click-to-call "
        "(outbound; --otp-from NUMBER types an OTP caller id's calls otp); the log holds no "
        "explicit link"
    ),
)

_STRINGEEX_STATUS: Final = {"1": "connected", "2": "missed", "3": "ivr", "4": "survey_ivr"}


def _stringeex_status(cols: Columns) -> Derivation | None:
    col = cols.find("status")
    if col is None:
        return None
    text = cols.text(col)
    return Derivation(
        f"{col} (1 connected, 2 missed, 3 ivr, 4 survey_ivr)",
        text.replace(_STRINGEEX_STATUS),
    )


STRINGEEX = Preset(
    name="stringeex",
    title="StringeeX call history (REST /v1/call/history)",
    layouts=(
        Layout(
            "call history",
            required=(
                ("customer_number",),
                ("stringee_number",),
                ("direction",),
                ("start_time",),
                ("end_time",),
            ),
            optional=("id", "answer_time", "status", "queue_duration", "ivr_duration"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("id", "call_id"),
        FIELD_START: pick("start_time"),
        FIELD_END: pick("end_time"),
        FIELD_ANSWER: pick("answer_time"),
        FIELD_TYPE: pick("direction"),
        FIELD_ACCOUNT: pick("project_id"),
        FIELD_STATUS: _stringeex_status,
    },
    tz=VIETNAM_TZ,
    epoch_unit="ms",
    type_values={"outbound": ("0",), "inbound": ("1",), "internal": ("2",)},
    limits="after-call work (acw_duration) happens after hangup and is not counted",
)

STRINGEEX_VI = Preset(
    name="stringeex_vi",
    title="StringeeX dashboard export, Vietnamese headers",
    layouts=(
        Layout(
            "Lịch sử cuộc gọi export",
            required=(("Mã cuộc gọi",), ("Loại cuộc gọi",), ("Thời điểm bắt đầu",)),
            optional=("Thời điểm kết thúc", "Trạng thái thoại", "Số khách hàng", "Số hotline"),
        ),
    ),
    fields={
        FIELD_CALL_ID: pick("Mã cuộc gọi"),
        FIELD_START: pick("Thời điểm bắt đầu"),
        FIELD_END: pick("Thời điểm kết thúc"),
        FIELD_TYPE: pick("Loại cuộc gọi"),
        FIELD_STATUS: pick("Trạng thái thoại"),
    },
    tz=VIETNAM_TZ,
    # Day first, hours without zero padding: "9:05:03, 1/7/2024" (Stringee's own exporter).
    time_formats=(
        "%H:%M:%S, %d/%m/%Y",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d-%m-%Y %H:%M:%S",
    ),
    type_values={
        "inbound": ("gọi vào", "cuộc gọi vào", "goi vao"),
        "outbound": ("gọi ra", "cuộc gọi ra", "goi ra"),
        "internal": ("gọi nội bộ", "cuộc gọi nội bộ", "nội bộ", "goi noi bo"),
    },
    limits="no answer time in the export; the header names are not published by Stringee",
)
