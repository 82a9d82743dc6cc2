"""What the page shows, as the JSON documents of the commands that compute it.

The page is drawn from these documents only, never from engine objects: each is built
by the same function as the ``--format json`` output of its command (``ccc analyze``,
``ccc size``, ``ccc breaches``, ``ccc at``, ``ccc series``), from the same engine entry
points, so a figure on the page is the figure that command prints, by construction.
:attr:`ReportDocuments.commands` names the command lines that print each of them.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ccc_cli.schema import END, START

if TYPE_CHECKING:
    from ccc_cli.engine.limits import Limits
    from ccc_cli.normalize.callset import CallSet

# The time chart's bucket widths (each divides a day), and about how many buckets it
# aims at: fine enough to zoom into a day of a month, small enough for a light page.
CHART_WIDTHS_S: Final = (1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)
CHART_BUCKETS: Final = 400
# The heatmap's series.
HOURLY: Final = "1h"
# How the page names the inputs in the command lines it lists (never the paths
# themselves: a database URI may carry a password).
INPUTS: Final = "INPUTS"


@dataclass(frozen=True)
class ReportDocuments:
    """The documents the page is drawn from (``None`` where the command does not apply:
    no limit given)."""

    analyze: dict[str, Any]
    size: dict[str, Any]
    hourly: dict[str, Any]
    breaches: dict[str, Any] | None = None
    at: dict[str, Any] | None = None
    # The calls the replay rejects, as ``ccc breaches --rejected-out FILE.json`` writes them.
    rejected: list[dict[str, Any]] | None = None
    commands: dict[str, str] = field(default_factory=dict)
    # The sizing target (--max-reject-rate), shown even where no limit meets it.
    target: float = 0.001

    def document(self, name: str) -> Any:
        """A document by the name the page's figures cite it with."""
        return getattr(self, name)


def chart_every_text(callset: CallSet, *, target: int = CHART_BUCKETS) -> str:
    """The finest width of :data:`CHART_WIDTHS_S` giving at most ``target`` buckets over
    the calls' span (``1d`` beyond), as ``--every`` writes it."""
    calls = callset.calls
    seconds = 86_400
    if calls.height:
        span = (calls[END].max() - calls[START].min()).total_seconds()  # type: ignore[operator, union-attr]
        seconds = next((w for w in CHART_WIDTHS_S if max(span, 1) / w <= target), 86_400)
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _limit_args(limits: Limits | None, limits_path: Path | None) -> list[str]:
    if limits is None:
        return []
    if limits.total is not None:
        return ["--limit", str(limits.total)]
    return ["--limits", str(limits_path) if limits_path is not None else "FILE"]


def _command(name: str, *args: str) -> str:
    return " ".join(["ccc", name, INPUTS, *(shlex.quote(a) for a in args), "--format", "json"])


def _worst_instant(callset: CallSet, limits: Limits, peak_at: datetime | None) -> Any:
    """Where to drill down: the overall peak against one limit; with per-account
    limits, the peak of the account furthest over (or nearest to) its limit."""
    from ccc_cli.engine.sweep import compute_peaks

    if limits.total is not None:
        return peak_at, None, limits.total
    accounts = compute_peaks(callset, by_account=True).by_account or {}
    best: tuple[int, str] | None = None
    for name, peaks in accounts.items():
        limit = limits.for_account(name)
        if limit is None or peaks.total.at is None:
            continue
        if best is None or peaks.total.value - limit > best[0]:
            best = (peaks.total.value - limit, name)
    if best is None:
        return peak_at, None, None
    name = best[1]
    return accounts[name].total.at, name, limits.for_account(name)


def collect(
    callset: CallSet,
    *,
    limits: Limits | None = None,
    limits_path: Path | None = None,
    target: float = 0.001,
    headroom: float = 0.1,
    every: str | None = None,
    notes: list[str] | None = None,
) -> ReportDocuments:
    """Compute every document of the page from ``callset``.

    ``limits``: the plan limit (``--limit``) or per-account limits (``--limits``,
    read from ``limits_path``); ``target`` and ``headroom`` as in ``ccc size``;
    ``every``: the time chart's bucket width (default: from the span); ``notes``: notes
    of the command added to the input notes (as ``ccc analyze`` adds its zone note).
    """
    from ccc_cli.api import analyze, compute_series, parse_every, size_plan, snapshot
    from ccc_cli.report.analyze import analysis_document
    from ccc_cli.report.at import snapshot_document
    from ccc_cli.report.breaches import breaches_document, records
    from ccc_cli.report.series import series_document
    from ccc_cli.report.size import size_document

    every_text = every or chart_every_text(callset)
    result = analyze(callset, limits=limits, every=parse_every(every_text))
    current = None if limits is None else limits.total
    sizing = size_plan(callset, target=target, headroom=headroom, current=current)
    hourly = compute_series(callset, every=parse_every(HOURLY))

    limit_args = _limit_args(limits, limits_path)
    size_args = []
    if target != 0.001:
        size_args += ["--max-reject-rate", repr(target)]
    if headroom != 0.1:
        size_args += ["--headroom", repr(headroom)]
    if current is not None:
        size_args += ["--current", str(current)]
    commands = {
        "analyze": _command("analyze", "--every", every_text, *limit_args),
        "size": _command("size", *size_args),
        "hourly": _command("series", "--every", HOURLY),
    }
    docs: dict[str, Any] = {
        "analyze": analysis_document(result, callset, notes=notes or []),
        "size": size_document(sizing, callset, peaks=result.peaks),
        "hourly": series_document(hourly, callset),
    }
    if limits is not None and result.breaches is not None:
        docs["breaches"] = breaches_document(result.breaches, callset)
        docs["rejected"] = records(result.breaches.replay.rejected, callset.tz)
        commands["breaches"] = _command("breaches", *limit_args)
        commands["rejected"] = " ".join(
            ["ccc", "breaches", INPUTS, *limit_args, "--rejected-out", "rejected.json"]
        )
        at, account, limit = _worst_instant(callset, limits, result.peaks.total.at)
        if at is not None:
            snap = snapshot(callset, at=at, limit=limit, account=account)
            docs["at"] = snapshot_document(snap, callset)
            from ccc_cli.report.timefmt import iso

            at_args = ["--time", iso(at, callset.tz) or ""]
            if account is not None:
                at_args += ["--account", account]
            if limit is not None:
                at_args += ["--limit", str(limit)]
            commands["at"] = _command("at", *at_args)
    return ReportDocuments(commands=commands, target=target, **docs)
