"""The answers of ccc and of the baselines must agree; this module says where they do not.

A benchmark whose tools disagree measures nothing, so every comparison is recorded and
:meth:`Agreement.raise_if_failed` raises one :class:`AgreementError` listing every
mismatch (tool, value, instant or bucket) rather than stopping at the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import polars as pl

BUCKET = "bucket_start_us"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EXAMPLES = 3


class AgreementError(AssertionError):
    """Tools gave different answers on the same input."""


@dataclass(frozen=True, slots=True)
class PeakAnswer:
    """A peak and the first instant (µs since the epoch, UTC) it is reached."""

    value: int
    at_us: int | None


def iso_to_micros(text: str | None) -> int | None:
    """Microseconds since the epoch of an ISO 8601 instant with an offset."""
    if text is None:
        return None
    return (datetime.fromisoformat(text) - _EPOCH) // timedelta(microseconds=1)


def micros_to_iso(us: int | None) -> str:
    if us is None:
        return "none"
    return (_EPOCH + timedelta(microseconds=us)).isoformat()


@dataclass
class Agreement:
    """Every check made, and the failed ones with what differed."""

    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def _record(self, what: str, problems: list[str]) -> bool:
        if problems:
            self.failed.append(f"{what}: " + "; ".join(problems))
            return False
        self.passed.append(what)
        return True

    def peaks(self, what: str, answers: Mapping[str, PeakAnswer]) -> bool:
        """All tools give the same peak value and the same first instant."""
        if len(answers) < 2:
            return True
        values = {tool: a.value for tool, a in answers.items()}
        instants = {tool: a.at_us for tool, a in answers.items()}
        problems = []
        if len(set(values.values())) > 1:
            problems.append("peak differs: " + ", ".join(f"{t}={v}" for t, v in values.items()))
        if len(set(instants.values())) > 1:
            problems.append(
                "first instant differs: "
                + ", ".join(f"{t}={micros_to_iso(v)}" for t, v in instants.items())
            )
        return self._record(what, problems)

    def equal(self, what: str, values: Mapping[str, object]) -> bool:
        """All ``values`` (one per tool or command) are equal."""
        if len(set(map(repr, values.values()))) <= 1:
            return self._record(what, [])
        return self._record(what, [", ".join(f"{t}={v!r}" for t, v in values.items())])

    def series(
        self, what: str, left_name: str, left: pl.DataFrame, right_name: str, right: pl.DataFrame
    ) -> bool:
        """Two per-bucket tables agree on every bucket and every column.

        Both have :data:`BUCKET` (int64 µs) and one integer column per series (``total``
        and each call type). A series absent on one side must be zero throughout.
        """
        problems = []
        lb, rb = set(left[BUCKET].to_list()), set(right[BUCKET].to_list())
        if lb != rb:
            only_l, only_r = sorted(lb - rb), sorted(rb - lb)
            problems.append(
                f"buckets differ ({left_name} {len(lb)}, {right_name} {len(rb)}; "
                f"only in {left_name}: {[micros_to_iso(b) for b in only_l[:_EXAMPLES]]}, "
                f"only in {right_name}: {[micros_to_iso(b) for b in only_r[:_EXAMPLES]]})"
            )
        columns = sorted((set(left.columns) | set(right.columns)) - {BUCKET})
        joined = left.join(right, on=BUCKET, how="inner", suffix="__r").sort(BUCKET)
        for col in columns:
            lcol = pl.col(col) if col in left.columns else pl.lit(0)
            rcol = (
                pl.col(col + "__r" if col in left.columns else col)
                if col in right.columns
                else pl.lit(0)
            )
            diff = joined.select(
                pl.col(BUCKET), lcol.cast(pl.Int64).alias("l"), rcol.cast(pl.Int64).alias("r")
            ).filter(pl.col("l") != pl.col("r"))
            if diff.height:
                examples = ", ".join(
                    f"{micros_to_iso(b)} {left_name}={lv} {right_name}={rv}"
                    for b, lv, rv in diff.head(_EXAMPLES).iter_rows()
                )
                problems.append(f"{col}: {diff.height} buckets differ (e.g. {examples})")
        return self._record(what, problems)

    def raise_if_failed(self) -> None:
        if self.failed:
            raise AgreementError(
                f"{len(self.failed)} of {len(self.failed) + len(self.passed)} agreement "
                "checks FAILED:\n  " + "\n  ".join(self.failed)
            )
