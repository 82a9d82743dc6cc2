"""The call mix of the synthetic CDRs, as data: types, statuses, durations, row kinds.

Every figure the generator draws from is here; the sampler (:mod:`.sampler`) turns them
into lookup tables and draws.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt

from ccc_cli.schema import (
    CALL_TYPES,
    OTHER,
    PLAN_LIMIT_STATUS,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int8]
DurationArray = npt.NDArray[np.int32]
_T = TypeVar("_T", bound=np.generic)

# --- call mix ------------------------------------------------------------------------
# Every canonical type except the catch-all "other": a generator knows what it made.
TYPES: Final[tuple[str, ...]] = tuple(t for t in CALL_TYPES if t != OTHER)
INBOUND: Final = TYPES.index("inbound")
OUTBOUND: Final = TYPES.index("outbound")

TYPE_SHARE: Final[dict[str, float]] = {
    "inbound": 0.45,
    "outbound": 0.30,
    "internal": 0.07,
    "app_to_app": 0.06,
    "otp": 0.12,
}
# Share of calls of each type that end unanswered / busy (ringing only). Outbound
# campaigns reach many customers who do not pick up, OTP calls almost always connect.
NO_ANSWER: Final[dict[str, float]] = {
    "inbound": 0.06,
    "outbound": 0.25,
    "internal": 0.10,
    "app_to_app": 0.08,
    "otp": 0.03,
}
BUSY: Final[dict[str, float]] = {
    "inbound": 0.02,
    "outbound": 0.07,
    "internal": 0.03,
    "app_to_app": 0.02,
    "otp": 0.01,
}
# Lognormal (median s, sigma) of *answered* calls. The medians are set above the target
# overall medians (inbound ~120 s, outbound ~60 s, internal ~90 s, app_to_app ~150 s,
# otp ~20 s) because the short unanswered calls pull the overall median down.
ANSWERED_DURATION: Final[dict[str, tuple[float, float]]] = {
    "inbound": (130.0, 0.9),
    "outbound": (105.0, 1.0),
    "internal": (105.0, 0.9),
    "app_to_app": (165.0, 0.9),
    "otp": (20.5, 0.25),
}
RING_MS: Final = (5_000, 45_000)  # unanswered/busy calls ring 5-45 s
MIN_MS: Final = 1_000
MAX_MS: Final = 4 * 3600 * 1_000  # cap at 4 h

STATUS_COMPLETED: Final = "completed"
STATUS_NO_ANSWER: Final = "no-answer"
STATUS_BUSY: Final = "busy"
STATUSES: Final[tuple[str, ...]] = (
    STATUS_COMPLETED,
    STATUS_NO_ANSWER,
    STATUS_BUSY,
    PLAN_LIMIT_STATUS,
)
ST_COMPLETED, ST_NO_ANSWER, ST_BUSY, ST_PLAN = range(4)

# --- row kinds (shares of all rows) --------------------------------------------------
PLAN_LIMIT_SHARE: Final = 0.002
INVALID_SHARE: Final = 0.0005
DUPLICATE_SHARE: Final = 0.0005
FORWARDED_SHARE: Final = 0.06  # of inbound calls
# Legs per base call, used to split "calls + legs" exactly.
LEGS_PER_CALL: Final = TYPE_SHARE["inbound"] * FORWARDED_SHARE
GAP_LEG_SHARE: Final = 0.10  # legs that start after the parent ended
ZIPF_EXPONENT: Final = 1.2

# --- time ----------------------------------------------------------------------------
# Asia/Ho_Chi_Minh has used UTC+7 with no DST since 1975; a fixed offset avoids needing
# tzdata (absent on Windows unless installed).
LOCAL_TZ: Final = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
US_PER_S: Final = 1_000_000
SLOT_US: Final = 15 * 60 * US_PER_S
SLOTS_PER_DAY: Final = 96
WEEKEND_FACTOR: Final = 0.35
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
