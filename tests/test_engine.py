"""Engine details the property tests do not reach on their own."""

from __future__ import annotations

import polars as pl
import pytest

from ccc_cli.api import compute_peaks, load_frame
from ccc_cli.engine import sweep
from ccc_cli.synth.generate import GenerateOptions, generate_frame


def test_leg_merge_fallback_agrees_with_packed_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # The packed running max is exact only while (calls x span) fits in int64; beyond it
    # a per-call window takes over. Force the fallback and compare on linked data.
    frame = generate_frame(GenerateOptions(rows=4000, days=2, seed=7))
    callset = load_frame(frame)
    assert callset.linked
    packed = pl.concat(sweep.activity_intervals(callset.calls, linked_groups=None))
    monkeypatch.setattr(sweep, "PACK_LIMIT", 0)
    windowed = pl.concat(
        sweep.activity_intervals(callset.calls, linked_groups=callset.linked_groups)
    )
    key = ["leg_group", "start"]
    assert packed.sort(key).equals(windowed.sort(key))
    assert compute_peaks(callset).total.value > 0


def test_intervals_union_touching_and_gapped_legs() -> None:
    # Legs of call G: [0,10) [10,20) touch -> one interval [0,20); [25,30) after a gap.
    frame = pl.DataFrame(
        {
            "leg_group": ["G", "G", "G"],
            "start_time": [100, 110, 125],
            "end_time": [110, 120, 130],
        }
    )
    from ccc_cli.options import LoadOptions

    callset = load_frame(frame, LoadOptions(columns={"group": "leg_group"}, epoch_unit="s"))
    iv = pl.concat(
        sweep.activity_intervals(callset.calls, linked_groups=callset.linked_groups)
    ).sort("start")
    assert iv.select("start", "end").rows() == [
        (100_000_000, 120_000_000),
        (125_000_000, 130_000_000),
    ]
