"""Charts as pictures (PNG or SVG) with matplotlib, an optional extra: ``ccc-cli[plot]``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from ccc_cli.engine.series import BUCKET_START, TOTAL, SeriesResult
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


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError(
            "--plot needs matplotlib, which is not installed",
            hint="pip install 'ccc-cli[plot]'",
        ) from None
    return plt


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
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small", ncols=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lower().lstrip("."))
    plt.close(fig)
