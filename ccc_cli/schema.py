"""The canonical call table: column names, dtypes, call types and input aliases.

This module is the only place that spells canonical column names. Every other module
imports the constants from here.

The canonical table holds one row per *leg* that occupied capacity (valid, not a
duplicate, not a ``REACH_PLAN_LIMIT`` rejection). Legs of one call share ``leg_group``;
``call_type`` and ``account`` are the call's (taken from its first leg), so every leg of
a call carries the same values. ``answer`` is each leg's own answer (connect) time, null
when the leg was not answered or the input has no answer column; it never changes the
interval a leg occupies, which always runs from its start (ringing included).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import polars as pl

# --- canonical table ---------------------------------------------------------------
CALL_ID: Final = "call_id"
START: Final = "start"
END: Final = "end"
# When the call was answered (connected); null when it was not, or when unknown.
ANSWER: Final = "answer"
CALL_TYPE: Final = "call_type"
ACCOUNT: Final = "account"
LEG_GROUP: Final = "leg_group"
STATUS: Final = "status"
SOURCE_FILE: Final = "source_file"
SOURCE_ROW: Final = "source_row"
# Only on the invalid-rows table.
REASON: Final = "reason"

CALL_TYPES: Final[tuple[str, ...]] = (
    "inbound",
    "outbound",
    "internal",
    "app_to_app",
    "otp",
    "other",
)
OTHER: Final = "other"

# Canonical times are UTC with microsecond resolution; display uses --tz.
TIME_UNIT: Final = "us"
if TYPE_CHECKING:
    TIME_DTYPE: pl.Datetime
    CALL_TYPE_DTYPE: pl.Enum
    # A call number: legs with the same value are one call.
    LEG_GROUP_DTYPE: type[pl.UInt32]
    SOURCE_ROW_DTYPE: type[pl.UInt64]


@functools.cache
def _dtypes() -> dict[str, Any]:
    # The Polars dtypes are built on first use, so that importing this module (as the
    # command line does for --help) does not import Polars.
    import polars as pl

    return {
        "TIME_DTYPE": pl.Datetime(TIME_UNIT, "UTC"),
        "CALL_TYPE_DTYPE": pl.Enum(list(CALL_TYPES)),
        "LEG_GROUP_DTYPE": pl.UInt32,
        "SOURCE_ROW_DTYPE": pl.UInt64,
    }


_LAZY_DTYPES: Final = ("TIME_DTYPE", "CALL_TYPE_DTYPE", "LEG_GROUP_DTYPE", "SOURCE_ROW_DTYPE")


def __getattr__(name: str) -> Any:
    # Only the dtype names: the import system probes others (``__path__``) on every import.
    if name in _LAZY_DTYPES:
        return _dtypes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def canonical_schema(source_files: list[str]) -> pl.Schema:
    """Schema of the canonical call table for a run over ``source_files``."""
    import polars as pl

    columns: dict[str, Any] = {
        CALL_ID: pl.String,
        START: _dtypes()["TIME_DTYPE"],
        END: _dtypes()["TIME_DTYPE"],
        ANSWER: _dtypes()["TIME_DTYPE"],
        CALL_TYPE: _dtypes()["CALL_TYPE_DTYPE"],
        ACCOUNT: pl.Categorical(),
        LEG_GROUP: _dtypes()["LEG_GROUP_DTYPE"],
        STATUS: pl.Categorical(),
        SOURCE_FILE: pl.Enum(source_files),
        SOURCE_ROW: _dtypes()["SOURCE_ROW_DTYPE"],
    }
    return pl.Schema(columns)


# --- row accounting ------------------------------------------------------------------
# Buckets every input row lands in exactly one of; `read` is their sum.
USED: Final = "used"
DUPLICATES: Final = "duplicates"
MERGED_LEGS: Final = "merged_legs"
PLAN_LIMIT_REJECTED: Final = "plan_limit_rejected"
INVALID: Final = "invalid"
# With --from/--to or --account: the rows of calls (and the REACH_PLAN_LIMIT rows) left
# out; then read is the sum of the five buckets and this one.
NOT_SELECTED: Final = "not_selected"
BUCKETS: Final[tuple[str, ...]] = (USED, DUPLICATES, MERGED_LEGS, PLAN_LIMIT_REJECTED, INVALID)

# Reasons a row is invalid, in the order they are checked.
INVALID_REASONS: Final[tuple[str, ...]] = (
    # A record of a text file with the wrong number of fields (a cut line, a stray
    # separator): its values cannot be told apart.
    "malformed_row",
    # A preset's row filter: not a call record (a CUCM CMR row, an Amazon Connect chat).
    "not_a_call",
    "missing_start",
    "bad_start",
    "missing_end",
    "bad_end",
    # A time that reads but cannot be a call's: a sentinel (0000-00-00, the Unix epoch
    # written out, a zero epoch) or outside the plausible window (1970 to 2100 unless
    # --plausible-since/--plausible-until say otherwise).
    "implausible_time",
    "end_before_start",
    "too_long",
)

PLAN_LIMIT_STATUS: Final = "REACH_PLAN_LIMIT"

# --- input fields and their aliases ---------------------------------------------------
# Logical input fields a file can provide. The first alias of each is the canonical
# input name that `ccc generate` writes and that loads with no flags.
FIELD_CALL_ID: Final = "call_id"
FIELD_START: Final = "start"
FIELD_END: Final = "end"
FIELD_ANSWER: Final = "answer"
FIELD_DURATION: Final = "duration"
FIELD_TYPE: Final = "call_type"
FIELD_ACCOUNT: Final = "account"
FIELD_PARENT: Final = "parent"
FIELD_GROUP: Final = "group"
FIELD_STATUS: Final = "status"
# A date column whose start, end and answer columns hold only times of day.
FIELD_DATE: Final = "date"

INPUT_FIELDS: Final[tuple[str, ...]] = (
    FIELD_CALL_ID,
    FIELD_START,
    FIELD_END,
    FIELD_ANSWER,
    FIELD_DURATION,
    FIELD_TYPE,
    FIELD_ACCOUNT,
    FIELD_PARENT,
    FIELD_GROUP,
    FIELD_STATUS,
    FIELD_DATE,
)

# Matched case-insensitively, ignoring spaces, dashes and underscores (see
# ``normalize_header``). Order matters: the first alias present wins.
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    FIELD_CALL_ID: (
        "call_id",
        "callid",
        "id",
        "call_sid",
        "sid",
        "uuid",
        "uniqueid",
        "call_uuid",
        "contact_id",
    ),
    FIELD_START: (
        "start_time",
        "start",
        "starttime",
        "start_stamp",
        "start_timestamp",
        "start_date",
        "started_at",
        "call_start",
        "calldate",
        "call_date",
        "begin_time",
        "date_time_origination",
        "initiation_timestamp",
        "timestamp",
    ),
    FIELD_END: (
        "end_time",
        "end",
        "endtime",
        "end_stamp",
        "end_timestamp",
        "end_date",
        "ended_at",
        "call_end",
        "stop_time",
        "hangup_time",
        "date_time_disconnect",
        "disconnect_timestamp",
    ),
    FIELD_ANSWER: (
        "answer_time",
        "answered_at",
        "answer_stamp",
        "answer_timestamp",
        "connect_time",
        "answertime",
    ),
    FIELD_DURATION: ("duration", "duration_s", "duration_sec", "duration_seconds", "call_duration"),
    FIELD_TYPE: ("call_type", "type", "direction", "call_direction", "calltype"),
    FIELD_ACCOUNT: (
        "account_id",
        "account",
        "account_sid",
        "customer_id",
        "customer",
        "tenant",
        "tenant_id",
        "project_id",
    ),
    FIELD_PARENT: ("parent_call_id", "parent_call_sid", "parent_id", "parent_call_uuid"),
    FIELD_GROUP: ("leg_group", "group_id"),
    FIELD_STATUS: ("status", "call_status", "disposition", "end_reason", "hangup_cause"),
    # Never found by name: a date column is only used when --date-col names it.
    FIELD_DATE: (),
}

# Canonical *input* column names, as `ccc generate` writes them.
INPUT_COLUMNS: Final[dict[str, str]] = {
    FIELD_CALL_ID: "call_id",
    FIELD_START: "start_time",
    FIELD_END: "end_time",
    FIELD_DURATION: "duration",
    FIELD_TYPE: "call_type",
    FIELD_ACCOUNT: "account_id",
    FIELD_PARENT: "parent_call_id",
    FIELD_STATUS: "status",
}

# Call-type values recognised without --type-map (lower-cased, trimmed).
DEFAULT_TYPE_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "inbound": (
        "inbound",
        "in",
        "incoming",
        "callin",
        "call_in",
        "call-in",
        "inbound call",
        "inbound-call",
        "i",
        "trunking-originating",
    ),
    "outbound": (
        "outbound",
        "out",
        "outgoing",
        "callout",
        "call_out",
        "call-out",
        "outbound call",
        "outbound-call",
        "outbound-api",
        "outbound-dial",
        "o",
        "trunking-terminating",
    ),
    "internal": ("internal", "intern", "extension", "ext", "local", "internal call"),
    "app_to_app": ("app_to_app", "app-to-app", "app2app", "apptoapp", "a2a", "app"),
    "otp": ("otp", "otp call", "otp_call", "one-time password"),
    "other": ("other",),
}


def normalize_header(name: str) -> str:
    """Key used to match a header against aliases: lower case, no separators."""
    return "".join(ch for ch in name.strip().lower() if ch.isalnum())
