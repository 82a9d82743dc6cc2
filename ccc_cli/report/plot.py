"""Charts as pictures (PNG or SVG) with matplotlib, the optional extra ``[plot]``."""

from __future__ import annotations

import shlex
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from ccc_cli.engine.series import BUCKET_START, TOTAL, SeriesResult
from ccc_cli.engine.sizing import Sizing
from ccc_cli.errors import UsageError
from ccc_cli.report.atomic import atomic_path

PLOT_SUFFIXES = (".png", ".svg")
# Colours per call type, the same in every chart.
COLOURS = {
    "inbound": "#1f77b4",
    "outbound": "#ff7f0e",
    "internal": "#2ca02c",
    "app_to_app": "#9467bd",
    "otp": "#8c564b",
    "other": "#7f7f7f",
}


def check_plot_path(path: Path) -> None:
    """Fail before any work on a path or a machine that cannot produce the picture."""
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise UsageError(f"--plot {path}: use a .png or .svg file name")
    if not path.parent.exists():
        raise UsageError(f"--plot {path}: directory {path.parent} does not exist")
    _pyplot()


def plot_requirement() -> str:
    """matplotlib as this project's ``[plot]`` extra requires it (read from the installed
    metadata, so the hint never drifts from pyproject.toml)."""
    from importlib import metadata

    from ccc_cli import DISTRIBUTION

    try:
        for requirement in metadata.requires(DISTRIBUTION) or []:
            spec, _, marker = requirement.partition(";")
            if "extra" in marker and "plot" in marker:
                return spec.strip().replace(" ", "")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        pass
    return "matplotlib>=3.8"


def plot_install_command() -> str:
    """The command that installs the plot extra into the Python running ccc: the
    interpreter's own pip, so it lands in the right environment whatever installed ccc
    (a clone, a venv, pipx)."""
    return f"{shlex.quote(sys.executable)} -m pip install {shlex.quote(plot_requirement())}"


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError(
            "--plot needs matplotlib, which is not installed",
            hint=f"{plot_install_command()} (or, in a clone of ccc: pip install '.[plot]')",
        ) from None
    return plt


def series_plot_title(series: SeriesResult, *, by_account: bool = False) -> str:
    """What a series chart draws, said in its title."""
    scope = "of the busiest account " if by_account else ""
    return (
        f"Concurrent calls {scope}per {series.every.text}: mean by call type (stacked), "
        "exact maximum (line)"
    )


def _integer_ticks(axis: Any) -> None:
    """Whole calls on a count axis: no 2.5 calls."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def plot_series(path: Path, series: SeriesResult, *, title: str, limit: int | None) -> None:
    """Stacked mean concurrency by type (it adds up), the exact maximum per bucket as a
    step line over it, and the limit as a dashed line; written atomically."""
    plt = _pyplot()
    frame = series.frame
    times = frame[BUCKET_START].to_list()
    fig, ax = plt.subplots(figsize=(11, 4.8), dpi=120)
    if times:
        # Each bucket's value holds from its start to the next bucket's start.
        edges = [*times, times[-1] + timedelta(seconds=series.every.seconds)]
        means = [[*frame[f"{t}_mean"].to_list(), frame[f"{t}_mean"][-1]] for t in series.types]
        ax.stackplot(
            edges,
            means,
            labels=[f"{t} (mean)" for t in series.types],
            colors=[COLOURS[t] for t in series.types],
            step="post",
            alpha=0.55,
        )
        peaks = frame[f"{TOTAL}_max"].to_list()
        ax.step(
            edges,
            [*peaks, peaks[-1]],
            where="post",
            color="black",
            linewidth=1.2,
            label="total (max)",
        )
    if limit is not None:
        ax.axhline(limit, color="red", linestyle="--", linewidth=1.2, label=f"limit {limit}")
    ax.set_title(title)
    ax.set_xlabel(f"time ({series.tz}), buckets of {series.every.text}")
    ax.set_ylabel("concurrent calls")
    ax.set_ylim(bottom=0)
    _integer_ticks(ax.yaxis)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small", ncols=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lower().lstrip("."))
    plt.close(fig)


def plot_curve(
    path: Path,
    sizing: Sizing,
    *,
    title: str = "Calls the plan would reject, by plan limit (admission replay of the log)",
) -> None:
    """The limit curve: the replay's rejected rate against the limit (log scale when the
    rates span decades), the target as a dashed line, the recommendation, the plan with
    headroom and Erlang B's channels marked; written atomically."""
    plt = _pyplot()
    total = sizing.total
    limits = [p.limit for p in total.curve]
    rates = [p.rejected_rate * 100 for p in total.curve]
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=120)
    ax.plot(limits, rates, marker="o", markersize=3, color="#1f77b4", label="rejected calls (%)")
    rec = total.recommendation
    if rec is not None:
        ax.axhline(rec.target * 100, color="grey", linestyle="--", linewidth=1, label="target")
        ax.axvline(rec.limit, color="green", linewidth=1.5, label=f"recommended {rec.limit}")
        if rec.with_headroom != rec.limit:
            ax.axvline(
                rec.with_headroom,
                color="green",
                linestyle=":",
                linewidth=1.5,
                label=f"with headroom {rec.with_headroom}",
            )
    erlang = sizing.erlang_b
    if erlang is not None and erlang.channels and limits[0] <= erlang.channels <= limits[-1]:
        ax.axvline(erlang.channels, color="#ff7f0e", linestyle="-.", label="Erlang B")
    if total.current is not None and limits[0] <= total.current.limit <= limits[-1]:
        ax.axvline(total.current.limit, color="red", linewidth=1, label="current plan")
    positive = [r for r in rates if r > 0]
    if positive and max(positive) / min(positive) > 100:
        ax.set_yscale("symlog", linthresh=min(positive))
    # A share of calls is never negative: the axis starts at 0 (symlog and the margins
    # would show -0.5% otherwise).
    ax.set_ylim(bottom=0, top=max(max(rates, default=0) * 1.1, 0.1))
    _integer_ticks(ax.xaxis)
    ax.set_title(title)
    ax.set_xlabel("plan limit (concurrent calls)")
    ax.set_ylabel("calls rejected (% of all calls)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lower().lstrip("."))
    plt.close(fig)
