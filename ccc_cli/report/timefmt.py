"""Showing instants in the user's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def to_local(at: datetime, tz: str) -> datetime:
    """``at`` (aware) in zone ``tz``."""
    return at.astimezone(ZoneInfo(tz))


def iso(at: datetime | None, tz: str) -> str | None:
    """ISO 8601 with offset in ``tz`` (JSON); microseconds only when non-zero."""
    if at is None:
        return None
    local = to_local(at, tz)
    return local.isoformat(timespec="microseconds" if local.microsecond else "seconds")


def human(at: datetime | None, tz: str) -> str:
    """``YYYY-MM-DD HH:MM:SS[.ffffff]`` in ``tz`` (tables name the zone in a header)."""
    if at is None:
        return "-"
    local = to_local(at, tz)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{local.microsecond:06d}" if local.microsecond else "")


def duration_text(seconds: float, *, with_seconds: bool = True) -> str:
    """``1h01m05s`` (or ``1h01m`` without seconds when an hour or more), ``4m09s``."""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if not hours:
        return f"{minutes}m{secs:02d}s"
    return f"{hours}h{minutes:02d}m{secs:02d}s" if with_seconds else f"{hours}h{minutes:02d}m"
