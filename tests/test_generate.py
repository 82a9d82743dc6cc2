"""Tests of the synthetic CDR generator (``ccc_cli.synth.generate``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from ccc_cli.errors import UsageError
from ccc_cli.report.atomic import atomic_path
from ccc_cli.schema import PLAN_LIMIT_STATUS
from ccc_cli.synth import plan as gen_plan
from ccc_cli.synth import table as gen_table
from ccc_cli.synth.generate import (
    GENERATED_SCHEMA,
    GenerateOptions,
    GenerateSummary,
    generate_frame,
    iter_frames,
    write_generated,
)

COLUMNS = [
    "call_id",
    "start_time",
    "end_time",
    "duration",
    "call_type",
    "account_id",
    "parent_call_id",
    "status",
]
TYPES = {"inbound", "outbound", "internal", "app_to_app", "otp"}
CSV_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%z"
LOCAL_TZ = "Asia/Ho_Chi_Minh"


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    """A mid-sized table shared by the read-only checks."""
    return generate_frame(GenerateOptions(rows=50_000, seed=7))


def _legs(df: pl.DataFrame) -> pl.DataFrame:
    return df.filter(pl.col("parent_call_id").is_not_null())


def _counts(df: pl.DataFrame) -> dict[str, int]:
    """Row kinds as a reader would classify them."""
    distinct = df.unique(maintain_order=True)
    plan = pl.col("status") == PLAN_LIMIT_STATUS
    invalid = ~plan & (pl.col("end_time").is_null() | (pl.col("end_time") < pl.col("start_time")))
    legs = pl.col("parent_call_id").is_not_null()
    return {
        "rows": df.height,
        "duplicate_rows": df.height - distinct.height,
        "plan_limit_rows": distinct.filter(plan).height,
        "invalid_rows": distinct.filter(invalid).height,
        "forwarded_legs": distinct.filter(legs).height,
        "calls": distinct.filter(~plan & ~invalid & ~legs).height,
    }


# --- size and chunking ------------------------------------------------------------------
@pytest.mark.parametrize("rows", [0, 1, 2, 7, 19, 20, 999, 1_000, 4_321, 20_000])
def test_exact_row_count(rows: int) -> None:
    df = generate_frame(GenerateOptions(rows=rows, seed=3))
    assert df.height == rows
    assert df.schema == GENERATED_SCHEMA


@pytest.mark.parametrize(
    ("rows", "chunk_rows"), [(10_001, 3_000), (7_000, 7_000), (7_000, 6_999), (5, 2)]
)
def test_chunked_generation_has_exact_rows(rows: int, chunk_rows: int) -> None:
    chunks = list(iter_frames(GenerateOptions(rows=rows, chunk_rows=chunk_rows)))
    assert len(chunks) == -(-rows // chunk_rows)
    assert all(c.height <= chunk_rows for c in chunks)
    assert sum(c.height for c in chunks) == rows
    df = pl.concat(chunks)
    # Chunks never reuse each other's ids: only true duplicates share an id.
    assert df["call_id"].n_unique() == df.unique().height


def test_chunks_are_independent_of_later_chunks() -> None:
    # Chunk k depends on (seed, k) and its size only, not on the total.
    a = list(iter_frames(GenerateOptions(rows=5_000, chunk_rows=2_000, seed=4)))
    b = list(iter_frames(GenerateOptions(rows=4_500, chunk_rows=2_000, seed=4)))
    assert a[0].equals(b[0])
    assert a[1].equals(b[1])
    assert not a[2].equals(b[2])


def test_chunks_each_cover_the_whole_period() -> None:
    options = GenerateOptions(rows=20_000, chunk_rows=5_000, days=7)
    for chunk in iter_frames(options):
        days = chunk["start_time"].dt.convert_time_zone(LOCAL_TZ).dt.date().n_unique()
        assert days == 7


def test_generate_frame_is_the_concatenation_of_the_chunks() -> None:
    options = GenerateOptions(rows=6_000, chunk_rows=2_500)
    assert generate_frame(options).equals(pl.concat(iter_frames(options)))


# --- determinism ----------------------------------------------------------------------
def test_same_seed_same_frame() -> None:
    options = GenerateOptions(rows=5_000, seed=11)
    assert generate_frame(options).equals(generate_frame(options))


def test_different_seed_different_frame() -> None:
    a = generate_frame(GenerateOptions(rows=5_000, seed=1))
    b = generate_frame(GenerateOptions(rows=5_000, seed=2))
    assert a.height == b.height
    assert not a.equals(b)


def test_row_kind_counts_depend_on_rows_only() -> None:
    a = _counts(generate_frame(GenerateOptions(rows=30_000, seed=1)))
    b = _counts(generate_frame(GenerateOptions(rows=30_000, seed=2)))
    assert a == b


def test_start_is_floored_to_the_local_midnight() -> None:
    utc_midnight = GenerateOptions(rows=2_000, start=datetime(2026, 1, 5, tzinfo=UTC))
    local_midnight = dataclasses.replace(utc_midnight, start=datetime(2026, 1, 4, 17, tzinfo=UTC))
    df = generate_frame(utc_midnight)
    assert df.equals(generate_frame(local_midnight))
    days = df["start_time"].dt.convert_time_zone(LOCAL_TZ).dt.date()
    assert str(days.min()) == "2026-01-05"
    assert str(days.max()) == "2026-01-11"


# --- columns and values ----------------------------------------------------------------
def test_columns_and_dtypes(frame: pl.DataFrame) -> None:
    assert frame.columns == COLUMNS
    assert frame.schema["start_time"] == pl.Datetime("us", "UTC")
    assert frame.schema["end_time"] == pl.Datetime("us", "UTC")
    assert frame.schema["duration"] == pl.Float64
    for name in ("call_id", "call_type", "account_id", "parent_call_id", "status"):
        assert frame.schema[name] == pl.String


@pytest.mark.parametrize("seed", range(5))
def test_all_five_types_in_a_small_table(seed: int) -> None:
    df = generate_frame(GenerateOptions(rows=1_000, seed=seed))
    assert set(df["call_type"].unique()) == TYPES


def test_type_shares(frame: pl.DataFrame) -> None:
    calls = frame.filter(pl.col("parent_call_id").is_null())
    share = calls["call_type"].value_counts(normalize=True)
    got = dict(zip(share["call_type"], share["proportion"], strict=True))
    expected = {
        "inbound": 0.45,
        "outbound": 0.30,
        "internal": 0.07,
        "app_to_app": 0.06,
        "otp": 0.12,
    }
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=0.02)


def test_call_ids_look_right_and_are_unique(frame: pl.DataFrame) -> None:
    assert frame["call_id"].str.contains(r"^c-\d{12}$").all()
    assert frame["call_id"].n_unique() == frame.unique().height


def test_accounts_are_zipf_sized(frame: pl.DataFrame) -> None:
    counts = frame["account_id"].value_counts().sort("account_id")
    assert counts["account_id"].to_list() == [f"acc-{i:02d}" for i in range(1, 7)]
    sizes = counts["count"].to_list()
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] > 5 * sizes[-1]


def test_statuses(frame: pl.DataFrame) -> None:
    assert set(frame["status"].unique()) == {"completed", "no-answer", "busy", PLAN_LIMIT_STATUS}
    normal = frame.filter(pl.col("status") != PLAN_LIMIT_STATUS)
    assert (normal["status"] == "completed").mean() > 0.8  # type: ignore[operator]


def test_durations_match_times(frame: pl.DataFrame) -> None:
    timed = frame.filter(pl.col("end_time").is_not_null())
    length = (pl.col("end_time") - pl.col("start_time")).dt.total_microseconds() / 1e6
    assert timed.select((pl.col("duration") - length).abs().max()).item() < 1e-3
    assert frame.filter(pl.col("end_time").is_null())["duration"].null_count() == (
        frame["end_time"].null_count()
    )
    assert frame["start_time"].null_count() == 0


def test_duration_medians_and_cap(frame: pl.DataFrame) -> None:
    calls = frame.filter(
        pl.col("parent_call_id").is_null() & (pl.col("status") != PLAN_LIMIT_STATUS)
    )
    medians = dict(
        calls.filter(pl.col("duration") > 0)
        .group_by("call_type")
        .agg(pl.col("duration").median())
        .iter_rows()
    )
    for name, target in {
        "inbound": 120,
        "outbound": 60,
        "internal": 90,
        "app_to_app": 150,
        "otp": 20,
    }.items():
        assert medians[name] == pytest.approx(target, rel=0.25), name
    assert calls["duration"].max() <= 4 * 3600  # type: ignore[operator]
    ringing = calls.filter(pl.col("status").is_in(["no-answer", "busy"]))
    assert ringing["duration"].min() >= 5  # type: ignore[operator]
    assert ringing["duration"].max() <= 45  # type: ignore[operator]


def test_rows_are_sorted_by_start_apart_from_duplicates(frame: pl.DataFrame) -> None:
    originals = frame.filter(pl.struct(pl.all()).is_first_distinct())
    assert originals["start_time"].is_sorted()


# --- row kinds ---------------------------------------------------------------------------
def test_forwarded_legs_point_at_a_parent_of_the_same_account(frame: pl.DataFrame) -> None:
    legs = _legs(frame)
    assert legs.height > 0
    parents = frame.unique(subset="call_id", keep="first")
    joined = legs.join(parents, left_on="parent_call_id", right_on="call_id", suffix="_p")
    assert joined.height == legs.height  # every parent exists
    assert (joined["account_id"] == joined["account_id_p"]).all()
    assert (joined["call_type"] == "outbound").all()
    assert (joined["call_type_p"] == "inbound").all()
    assert joined["parent_call_id_p"].null_count() == joined.height  # no chains
    assert (joined["start_time"] > joined["start_time_p"]).all()
    assert (joined["end_time"] > joined["start_time"]).all()
    after = joined.filter(pl.col("start_time") >= pl.col("end_time_p"))
    # About 10% of the legs start after their parent ended, 1-20 s later.
    assert 0.05 < after.height / joined.height < 0.15
    gap_s = (after["start_time"] - after["end_time_p"]).dt.total_milliseconds() / 1000
    assert gap_s.min() >= 1  # type: ignore[operator]
    assert gap_s.max() <= 20  # type: ignore[operator]
    overlapping = joined.filter(pl.col("start_time") < pl.col("end_time_p"))
    delay_s = (overlapping["start_time"] - overlapping["start_time_p"]).dt.total_seconds(
        fractional=True
    )
    assert delay_s.max() <= 30  # type: ignore[operator]


@pytest.mark.parametrize("rows", [20, 40, 77])
def test_tiny_tables_still_have_consistent_legs(rows: int) -> None:
    for seed in range(25):
        df = generate_frame(GenerateOptions(rows=rows, seed=seed))
        assert df.height == rows
        legs = _legs(df)
        joined = legs.join(df, left_on="parent_call_id", right_on="call_id", suffix="_p")
        assert joined.height == legs.height >= 1
        assert (joined["call_type_p"] == "inbound").all()
        assert (joined["account_id"] == joined["account_id_p"]).all()


def test_forwarded_share_of_inbound_calls(frame: pl.DataFrame) -> None:
    inbound = frame.filter(
        (pl.col("call_type") == "inbound") & (pl.col("status") != PLAN_LIMIT_STATUS)
    ).height
    assert _legs(frame).height / inbound == pytest.approx(0.06, abs=0.01)


def test_plan_limit_rows_have_no_end(frame: pl.DataFrame) -> None:
    rejected = frame.filter(pl.col("status") == PLAN_LIMIT_STATUS)
    assert rejected.height == round(frame.height * 0.002)
    assert rejected["end_time"].null_count() == rejected.height
    assert rejected["duration"].null_count() == rejected.height
    assert rejected["start_time"].null_count() == 0
    assert rejected["parent_call_id"].null_count() == rejected.height


def test_invalid_rows(frame: pl.DataFrame) -> None:
    normal = frame.filter(pl.col("status") != PLAN_LIMIT_STATUS)
    backwards = normal.filter(pl.col("end_time") < pl.col("start_time"))
    missing = normal.filter(pl.col("end_time").is_null())
    assert backwards.height > 0
    assert missing.height > 0
    assert backwards.height + missing.height == round(frame.height * 0.0005)
    assert (backwards["duration"] == -5.0).all()


def test_duplicates_are_exact_copies_placed_later(frame: pl.DataFrame) -> None:
    indexed = frame.with_row_index()
    dup_ids = frame.filter(pl.struct(pl.all()).is_duplicated())["call_id"].unique()
    assert dup_ids.len() == round(frame.height * 0.0005)
    copies = indexed.filter(pl.col("call_id").is_in(dup_ids.implode()))
    assert copies.height == 2 * dup_ids.len()
    assert copies.drop("index").unique().height == dup_ids.len()
    # Copies are of normal calls (not legs, rejections or invalid rows).
    assert (copies["status"] != PLAN_LIMIT_STATUS).all()
    assert copies["parent_call_id"].null_count() == copies.height


@pytest.mark.parametrize(("rows", "chunk_rows"), [(1, 2_000_000), (30_000, 7_000)])
def test_clean_tables_hold_only_single_leg_calls(rows: int, chunk_rows: int) -> None:
    # --clean: every row is one valid call, so a tool without ccc's rules counts the same.
    df = generate_frame(GenerateOptions(rows=rows, seed=5, chunk_rows=chunk_rows, clean=True))
    assert _counts(df) == {
        "rows": rows,
        "duplicate_rows": 0,
        "plan_limit_rows": 0,
        "invalid_rows": 0,
        "forwarded_legs": 0,
        "calls": rows,
    }
    assert df["call_id"].n_unique() == rows
    assert (df["end_time"] > df["start_time"]).all()
    assert rows < 1_000 or set(df["call_type"].unique()) == TYPES


def test_clean_summary_counts_only_calls(tmp_path: Path) -> None:
    summary = write_generated(tmp_path / "c.csv", GenerateOptions(rows=2_000, clean=True))
    assert (summary.calls, summary.forwarded_legs, summary.duplicate_rows) == (2_000, 0, 0)
    assert (summary.plan_limit_rows, summary.invalid_rows) == (0, 0)


# --- the daily curve ---------------------------------------------------------------------
def test_daily_curve_is_realistic() -> None:
    df = generate_frame(GenerateOptions(rows=20_000, days=7))
    local = df.select(pl.col("start_time").dt.convert_time_zone(LOCAL_TZ).alias("t"))
    by_hour = dict(local.group_by(pl.col("t").dt.hour()).len().iter_rows())
    assert by_hour.get(10, 0) > 10 * by_hour.get(3, 0)
    assert by_hour.get(15, 0) > by_hour.get(12, 0)  # afternoon peak above the lunch dip
    by_day = local.group_by(pl.col("t").dt.weekday().alias("wd")).len()
    weekday = by_day.filter(pl.col("wd") <= 5)["len"].mean()
    weekend = by_day.filter(pl.col("wd") >= 6)["len"].mean()
    assert weekday > 2 * weekend  # type: ignore[operator]


# --- writing ---------------------------------------------------------------------------
def test_summary_matches_the_frame(tmp_path: Path) -> None:
    options = GenerateOptions(rows=30_000, chunk_rows=7_000, seed=5)
    out = tmp_path / "calls.parquet"
    summary = write_generated(out, options)
    assert isinstance(summary, GenerateSummary)
    assert summary.path == out
    df = pl.read_parquet(out)
    assert _counts(df) == {
        "rows": summary.rows,
        "calls": summary.calls,
        "forwarded_legs": summary.forwarded_legs,
        "plan_limit_rows": summary.plan_limit_rows,
        "invalid_rows": summary.invalid_rows,
        "duplicate_rows": summary.duplicate_rows,
    }
    assert summary.rows == 30_000
    assert (
        summary.calls
        + summary.forwarded_legs
        + summary.plan_limit_rows
        + summary.invalid_rows
        + summary.duplicate_rows
        == summary.rows
    )


def test_parquet_round_trip(tmp_path: Path) -> None:
    options = GenerateOptions(rows=12_000, chunk_rows=5_000)
    out = tmp_path / "calls.parquet"
    write_generated(out, options)
    back = pl.read_parquet(out)
    assert back.schema == GENERATED_SCHEMA
    assert back.equals(generate_frame(options))
    assert pq.ParquetFile(out).metadata.num_row_groups == 3  # one row group per chunk


@pytest.mark.parametrize("name", ["calls.csv", "calls.csv.gz", "calls.tsv", "CALLS.CSV"])
def test_delimited_round_trip(tmp_path: Path, name: str) -> None:
    options = GenerateOptions(rows=6_000, chunk_rows=2_500)
    out = tmp_path / name
    write_generated(out, options)
    separator = "\t" if name.endswith(".tsv") else ","
    raw = pl.read_csv(out, separator=separator, infer_schema=False)
    assert raw.columns == COLUMNS
    assert raw.height == 6_000
    text = raw["start_time"][0]
    assert text is not None
    assert len(text) == len("2026-01-05T09:31:02.123456+00:00")
    assert text.endswith("+00:00")
    back = raw.with_columns(
        pl.col("start_time", "end_time").str.to_datetime(CSV_TIME_FORMAT, time_unit="us"),
        pl.col("duration").cast(pl.Float64),
    )
    expected = generate_frame(options)
    assert back.schema == GENERATED_SCHEMA
    assert back.equals(expected)


def test_empty_outputs_are_readable(tmp_path: Path) -> None:
    options = GenerateOptions(rows=0)
    assert generate_frame(options).schema == GENERATED_SCHEMA
    assert list(iter_frames(options)) == []
    summary = write_generated(tmp_path / "e.parquet", options)
    assert summary.rows == 0
    assert pl.read_parquet(tmp_path / "e.parquet").schema == GENERATED_SCHEMA
    write_generated(tmp_path / "e.csv", options)
    assert pl.read_csv(tmp_path / "e.csv").columns == COLUMNS


def test_unknown_extension_is_a_usage_error(tmp_path: Path) -> None:
    for name in ("calls.xlsx", "calls", "calls.json", ".csv"):
        with pytest.raises(UsageError, match="unsupported output format") as info:
            write_generated(tmp_path / name, GenerateOptions(rows=10))
        assert info.value.hint is not None
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        write_generated(tmp_path / "nope" / "calls.csv", GenerateOptions(rows=10))


@pytest.mark.parametrize(
    "options",
    [
        GenerateOptions(rows=-1),
        GenerateOptions(days=0),
        GenerateOptions(accounts=0),
        GenerateOptions(chunk_rows=0),
        GenerateOptions(seed=-1),
        GenerateOptions(rows=10**12),
    ],
)
def test_bad_options_are_usage_errors(options: GenerateOptions) -> None:
    with pytest.raises(UsageError):
        generate_frame(options)


# --- atomic writes -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["calls.parquet", "calls.csv.gz"])
def test_failed_write_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    real = gen_table.chunk_table

    def failing(options: GenerateOptions, plan: gen_plan.ChunkPlan) -> object:
        if plan.index == 2:
            raise RuntimeError("disk on fire")
        return real(options, plan)

    monkeypatch.setattr(gen_table, "chunk_table", failing)
    out = tmp_path / name
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_generated(out, GenerateOptions(rows=10_000, chunk_rows=2_000))
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "calls.csv"
    out.write_text("previous\n")

    def failing(options: GenerateOptions, plan: gen_plan.ChunkPlan) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(gen_table, "chunk_table", failing)
    with pytest.raises(KeyboardInterrupt):
        write_generated(out, GenerateOptions(rows=100))
    assert out.read_text() == "previous\n"
    assert list(tmp_path.iterdir()) == [out]


def test_atomic_path_renames_on_success(tmp_path: Path) -> None:
    out = tmp_path / "report.csv.gz"
    with atomic_path(out) as tmp:
        assert tmp.parent == tmp_path
        assert tmp != out
        assert tmp.name.endswith(".csv.gz")
        assert tmp.exists()
        assert not out.exists()
        tmp.write_text("done")
    assert out.read_text() == "done"
    assert list(tmp_path.iterdir()) == [out]
    assert out.stat().st_mode & 0o777 != 0o600  # not mkstemp's private mode


def test_atomic_path_removes_the_temporary_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "report.parquet"
    seen: list[Path] = []
    with pytest.raises(ValueError, match="boom"), atomic_path(out) as tmp:
        seen.append(tmp)
        tmp.write_text("half")
        raise ValueError("boom")
    assert not seen[0].exists()
    assert list(tmp_path.iterdir()) == []


def test_abandoned_iteration_stops_cleanly() -> None:
    frames = iter_frames(GenerateOptions(rows=10_000, chunk_rows=1_000))
    first = next(frames)
    assert first.height == 1_000
    assert isinstance(frames, Generator)
    frames.close()  # the prefetching worker is shut down without error
