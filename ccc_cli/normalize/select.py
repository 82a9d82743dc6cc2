"""The selection of a run: a time window (``--from``/``--to``) and accounts
(``--account``), applied to the call table once it is built.

A call is selected when it overlaps the window, ``[from, to)``, and its account is one
of those asked for. Its legs are clipped to the window, so every level inside the
window is exact (calls begun earlier count while they are active) and nothing outside
it is seen. A call that began before ``from`` is *carried in*: the platform had already
admitted it, so an admission replay must not reject it (``CallSet.carried``).

Every row stays accounted for: the legs of calls left out, and the ``REACH_PLAN_LIMIT``
rows outside the selection, are counted as ``not_selected``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

import polars as pl

from ccc_cli.errors import UsageError
from ccc_cli.normalize.callset import CallSet, RowAccounting
from ccc_cli.options import LoadOptions
from ccc_cli.schema import ACCOUNT, END, LEG_GROUP, START, TIME_DTYPE


@dataclass(frozen=True, slots=True)
class Selection:
    """What a run looks at: ``start``/``end`` (aware; None: open) and accounts."""

    start: datetime | None
    end: datetime | None
    accounts: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.start is not None or self.end is not None or bool(self.accounts)


def resolve_instant(value: datetime | None, tz: str) -> datetime | None:
    """A ``--from``/``--to`` value: an aware instant as it is, a naive one read as a
    wall time in ``tz`` (the zone times are shown in)."""
    if value is None:
        return None
    if value.tzinfo is None:
        zone: tzinfo = ZoneInfo(tz)
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def selection_of(options: LoadOptions, tz: str) -> Selection:
    """The selection ``options`` ask for, its naive instants read in ``tz``."""
    return Selection(
        resolve_instant(options.window_from, tz),
        resolve_instant(options.window_to, tz),
        tuple(options.accounts),
    )


def select(callset: CallSet, selection: Selection) -> CallSet:
    """The calls of ``callset`` inside ``selection``, legs clipped to the window."""
    if not selection.active:
        return callset
    calls = callset.calls
    lo = _lit(selection.start)
    hi = _lit(selection.end)
    per_call = calls.group_by(LEG_GROUP).agg(
        pl.col(START).min().alias("first"), pl.col(END).max().alias("last"), pl.col(ACCOUNT).first()
    )
    keep = pl.lit(True)
    if selection.end is not None:
        keep = keep & (pl.col("first") < hi)
    if selection.start is not None:
        # Overlapping the window, or a zero-length call right at its start (an attempt
        # made inside the window).
        keep = keep & ((pl.col("last") > lo) | (pl.col("first") >= lo))
    if selection.accounts:
        _check_accounts(callset, selection.accounts)
        keep = keep & _account_in(selection.accounts)
    chosen = per_call.filter(keep)
    carried = (
        chosen.filter(pl.col("first") < lo)[LEG_GROUP]
        if selection.start is not None
        else chosen.clear()[LEG_GROUP]
    )
    kept = calls.join(chosen.select(LEG_GROUP), on=LEG_GROUP, how="semi", maintain_order="left")
    kept = kept.with_columns(_clip(START, lo, hi, selection), _clip(END, lo, hi, selection))
    rejected = _select_rejected(callset.rejected, selection, lo, hi)
    used = chosen.height
    legs = kept.height
    acc = callset.accounting
    left_out = (acc.used + acc.merged_legs - legs) + (acc.plan_limit_rejected - rejected.height)
    accounting = RowAccounting(
        read=acc.read,
        used=used,
        duplicates=acc.duplicates,
        merged_legs=legs - used,
        plan_limit_rejected=rejected.height,
        invalid=acc.invalid,
        invalid_reasons=acc.invalid_reasons,
        not_selected=left_out,
    )
    return replace(
        callset,
        calls=kept,
        rejected=rejected,
        accounting=accounting,
        selection=selection,
        carried=carried,
        notes=(*callset.notes, _note(selection, used, acc.used, callset.tz)),
    )


NO_ACCOUNT: Final = "(none)"


def _account_in(accounts: tuple[str, ...]) -> pl.Expr:
    """The row's account is one of ``accounts`` (``(none)``: rows without one)."""
    return pl.col(ACCOUNT).cast(pl.String).fill_null(NO_ACCOUNT).is_in(list(accounts))


def _check_accounts(callset: CallSet, accounts: tuple[str, ...]) -> None:
    """An account the data does not hold is a usage error naming the ones it does."""
    known = sorted(
        pl.concat([callset.calls.select(ACCOUNT), callset.rejected.select(ACCOUNT)])[ACCOUNT]
        .cast(pl.String)
        .fill_null(NO_ACCOUNT)
        .unique()
        .to_list()
    )
    for account in accounts:
        if account not in known:
            shown = ", ".join(known[:20]) + (
                f", ... ({len(known)} in all)" if len(known) > 20 else ""
            )
            raise UsageError(
                f"unknown account {account!r}",
                hint=f"known accounts: {shown}" if known else "the data holds no calls",
            )


def _lit(value: datetime | None) -> pl.Expr:
    return pl.lit(value, dtype=TIME_DTYPE)


def _clip(column: str, lo: pl.Expr, hi: pl.Expr, selection: Selection) -> pl.Expr:
    value = pl.col(column)
    if selection.start is not None:
        value = pl.max_horizontal(value, lo)
    if selection.end is not None:
        value = pl.min_horizontal(value, hi)
    return value.alias(column)


def _select_rejected(
    rejected: pl.DataFrame, selection: Selection, lo: pl.Expr, hi: pl.Expr
) -> pl.DataFrame:
    """The log's REACH_PLAN_LIMIT rows made inside the selection (a row with no start
    is kept: nothing places it outside)."""
    keep = pl.lit(True)
    if selection.start is not None:
        keep = keep & (pl.col(START).is_null() | (pl.col(START) >= lo))
    if selection.end is not None:
        keep = keep & (pl.col(START).is_null() | (pl.col(START) < hi))
    if selection.accounts:
        keep = keep & _account_in(selection.accounts)
    return rejected.filter(keep)


def _note(selection: Selection, used: int, before: int, tz: str) -> str:
    def shown(value: datetime | None) -> str:
        return "..." if value is None else value.astimezone(ZoneInfo(tz)).isoformat()

    parts = []
    if selection.start is not None or selection.end is not None:
        start, end = shown(selection.start), shown(selection.end)
        parts.append(f"from {start} to {end} (calls begun earlier count while active)")
    if selection.accounts:
        parts.append("account " + ", ".join(selection.accounts))
    return f"selection: {'; '.join(parts)}: {used:,} of {before:,} calls"
