"""A hotline call forwarded to an agent's phone is one call (the definition's own rule).

In a Stringee call log the forward is a second record: a server-originated PSTN call
(``from_internal`` 0, ``to_internal`` 0) from the hotline number to the agent's phone,
running inside the inbound record (``0,1``, customer to hotline). The rule that links
them, when the export carries no explicit link:

* a *forward leg* is a server record (role 2) whose caller is a number some inbound
  record (role 1) called, in the same account; a caller listed in ``--otp-from`` is an
  OTP caller id, never a forward;
* it joins an inbound record to that number that is active when it starts (at or after
  the inbound start, before its end): the one with the most recent start not yet joined;
  between inbound records that started at the same instant, the first in input order;
* one forward leg joins one inbound call, and forward legs are taken in order of their
  start (then input order).

The matching is sequential (each forward leg changes what the next can take), so it
runs in a small compiled kernel over the records of the hotline numbers only: a stack of
active inbound records per (account, number), ended ones dropped lazily.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import polars as pl

from ccc_cli.schema import ACCOUNT, END, START

if TYPE_CHECKING:
    import numpy.typing as npt

# Kept columns a preset with a forward rule fills (see ForwardRule).
ROLE: Final = "__fwd_role"
CALLER: Final = "__caller"
CALLEE: Final = "__callee"
INBOUND: Final = 1
SERVER: Final = 2
# Event kinds, in the order they are taken at one instant: an inbound record that ends
# at t is over (half-open), one that starts at t is active for a forward leg at t.
_END, _START, _FORWARD = 0, 1, 2


@dataclass(frozen=True, slots=True)
class ForwardLinks:
    """Forward legs joined to inbound records (row positions), and what was seen."""

    forward_rows: np.ndarray
    inbound_rows: np.ndarray
    unmatched: int  # server records from a hotline number that joined nothing
    otp: int  # server records from an --otp-from caller id

    @property
    def linked(self) -> int:
        return len(self.forward_rows)

    def note(self) -> str | None:
        """One sentence for the notes, or None when there was nothing to link."""
        if not (self.linked or self.unmatched):
            return None
        return (
            f"forwarded calls: {self.linked:,} server leg(s) from a hotline number joined "
            f"the inbound call they forward, counted once; {self.unmatched:,} such leg(s) "
            "matched no active inbound call and count as calls of their own "
            "(--link-forwards off turns the rule off)"
        )


def normalize_number(expr: pl.Expr) -> pl.Expr:
    """Numbers compared as written, less the decorations exports add: spaces, a URL-
    encoded or plain leading plus."""
    return expr.str.strip_chars().str.replace(r"^(%2[Bb]|\+)", "").str.replace_all(r"[\s\-().]", "")


def otp_mask(valid: pl.DataFrame, otp_from: tuple[str, ...]) -> pl.Series:
    """Server records whose caller is an OTP caller id (``--otp-from``)."""
    if not otp_from or ROLE not in valid.columns:
        return pl.Series([False] * valid.height, dtype=pl.Boolean)
    numbers = pl.Series(otp_from).to_frame("n").select(normalize_number(pl.col("n")))["n"]
    return valid.select(
        (
            (pl.col(ROLE) == SERVER)
            & normalize_number(pl.col(CALLER).cast(pl.String)).is_in(numbers.implode())
        )
        .fill_null(False)
        .alias("otp")
    )["otp"]


def link_forwards(valid: pl.DataFrame, otp_from: tuple[str, ...] = ()) -> ForwardLinks:
    """Pairs of (forward leg, inbound record) rows of ``valid`` (the rule above)."""
    empty = np.zeros(0, dtype=np.int64)
    otp = otp_mask(valid, otp_from)
    if ROLE not in valid.columns:
        return ForwardLinks(empty, empty, 0, 0)
    from ccc_cli.normalize.parse import GROUP, PARENT  # parse imports this module

    account = pl.col(ACCOUNT).cast(pl.String).fill_null("")
    # A record the export links explicitly (a parent id, a group value) is linked by it:
    # an explicit link wins over the rule.
    explicit = pl.lit(False)
    for name in (GROUP, PARENT):
        if name in valid.columns:
            explicit = explicit | pl.col(name).is_not_null()
    rows = valid.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("row"),
        pl.col(ROLE),
        pl.when(pl.col(ROLE) == INBOUND)
        .then(account + "\x1f" + normalize_number(pl.col(CALLEE).cast(pl.String)))
        .when(pl.col(ROLE) == SERVER)
        .then(account + "\x1f" + normalize_number(pl.col(CALLER).cast(pl.String)))
        .alias("line"),
        pl.col(START).dt.epoch("us").alias("s"),
        pl.col(END).dt.epoch("us").alias("e"),
        otp.alias("otp"),
        explicit.alias("explicit"),
    ).filter(pl.col("line").is_not_null() & ~pl.col("otp"))
    inbound = rows.filter(pl.col(ROLE) == INBOUND)
    hotlines = inbound["line"].unique()
    server = rows.filter(
        (pl.col(ROLE) == SERVER) & ~pl.col("explicit") & pl.col("line").is_in(hotlines.implode())
    )
    if server.height == 0 or inbound.height == 0:
        return ForwardLinks(empty, empty, 0, int(otp.sum()))
    events = _events(inbound, server)
    fwd, inb = _match(
        events["key"].to_numpy(),
        events["kind"].to_numpy(),
        events["row"].to_numpy(),
        valid.height,
    )
    return ForwardLinks(fwd, inb, server.height - len(fwd), int(otp.sum()))


def _events(inbound: pl.DataFrame, server: pl.DataFrame) -> pl.DataFrame:
    """The events of the matching, sorted as the kernel takes them: by hotline, time,
    kind (end, start, forward), then: starts latest-in-input first (so that the first in
    input order is on top of the stack), forwards in input order."""
    starts = inbound.select("line", pl.col("s").alias("t"), pl.lit(_START).alias("kind"), "row")
    ends = inbound.select("line", pl.col("e").alias("t"), pl.lit(_END).alias("kind"), "row")
    forwards = server.select("line", pl.col("s").alias("t"), pl.lit(_FORWARD).alias("kind"), "row")
    events = pl.concat([starts, ends, forwards])
    order = pl.when(pl.col("kind") == _START).then(-pl.col("row")).otherwise(pl.col("row"))
    return events.with_columns(
        pl.col("line").rank("dense").cast(pl.Int64).alias("key"),
        pl.col("kind").cast(pl.Int64),
        order.alias("tie"),
    ).sort("key", "t", "kind", "tie")


def _match(
    keys: npt.NDArray[np.int64], kinds: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    fwd, inb, count = _kernel()(keys, kinds, rows, n)
    return fwd[:count], inb[:count]


def _kernel() -> Any:
    """The compiled matching loop (numba, compiled on first use and cached on disk)."""
    from ccc_cli.normalize._forward_kernel import match_forwards

    return match_forwards
