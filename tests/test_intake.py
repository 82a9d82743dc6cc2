"""Intake you can trust (issue 11): every reproducer of a lost row, a crash or a blow-up
at the intake, as a test.

Expected values are worked out in comments; ``read`` is always checked against what
Python's ``csv`` module makes of the same bytes (blank lines are not rows).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, load_calls
from ccc_cli.cli.app import app

HEADER = "call_id,start_time,end_time\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def peak_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    r = runner.invoke(app, ["peak", *args, "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    doc: dict[str, Any] = json.loads(r.stdout)
    return doc


def python_rows(data: bytes, encoding: str = "utf-8") -> int:
    """Records under the header, as Python's csv module reads them (blank lines are
    not records)."""
    text = data.decode(encoding).lstrip("\ufeff")
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    return len(records) - 1


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# --- 1. line endings -------------------------------------------------------------------------
def test_mixed_line_endings_lose_no_row(tmp_path: Path, runner: CliRunner) -> None:
    # c1 and c2 end in CR alone, inside an LF file: four calls, all active at 10:30.
    data = (
        b"call_id,start_time,end_time\n"
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00\r"
        b"c2,2026-11-20 10:10:00,2026-11-20 11:00:00\r"
        b"c3,2026-11-20 10:20:00,2026-11-20 11:00:00\n"
        b"c4,2026-11-20 10:30:00,2026-11-20 11:00:00\n"
    )
    doc = peak_json(runner, write(tmp_path / "m.csv", data))
    assert doc["rows"]["read"] == python_rows(data) == 4
    assert doc["peak"]["value"] == 4


def test_cr_only_file_with_a_line_feed_inside_quotes(tmp_path: Path, runner: CliRunner) -> None:
    data = (
        b"call_id,note,start_time,end_time\r"
        b'c1,"line1\nline2",2026-11-20 10:00:00,2026-11-20 11:00:00\r'
        b"c2,x,2026-11-20 10:30:00,2026-11-20 11:00:00\r"
    )
    path = write(tmp_path / "cr.csv", data)
    r = runner.invoke(app, ["peak", path, "--strict", "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["rows"]["read"] == python_rows(data) == 2
    assert doc["peak"]["value"] == 2
    # The quoted line feed is data, but it does break the line (as an editor shows it,
    # and as Python's csv module counts lines): c1 spans lines 2-3, c2 is on line 4.
    calls = load_calls([path]).calls.sort("call_id")
    assert calls["source_row"].to_list() == [2, 4]


# --- 2. blank lines ----------------------------------------------------------------------------
@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_blank_lines_are_not_rows(tmp_path: Path, runner: CliRunner, ending: bytes) -> None:
    rows = [
        b"call_id,start_time,end_time",
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00",
        b"",
        b"c2,2026-11-20 10:00:00,2026-11-20 11:00:00",
        b"",
        b"",
    ]
    data = ending.join(rows)  # ends in two line ends: one more blank line
    path = write(tmp_path / "b.csv", data)
    r = runner.invoke(app, ["peak", path, "--strict", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["rows"]["read"] == python_rows(data) == 2
    assert doc["rows"]["invalid"] == 0
    # Blank lines: line 3, and line 6 before the final (empty) line.
    assert any("2 blank line(s) skipped" in n for n in doc["notes"]), doc["notes"]
    assert load_calls([path]).calls.sort("call_id")["source_row"].to_list() == [2, 4]


def test_a_windows_double_cr_file_reads_every_row(tmp_path: Path, runner: CliRunner) -> None:
    # "\r\r\n" (a CRLF written in text mode on Windows) is a line end and a blank line.
    data = HEADER.encode() + b"".join(
        f"c{i},2026-11-20 10:0{i}:00,2026-11-20 11:00:00\r\r\n".encode() for i in range(5)
    )
    path = write(tmp_path / "crcr.csv", data.replace(b"\n", b"\r\r\n", 1))
    doc = peak_json(runner, path, "--strict")
    assert doc["rows"]["read"] == python_rows(Path(path).read_bytes()) == 5
    assert doc["peak"]["value"] == 5


# --- 3. quotes and malformed rows --------------------------------------------------------
def test_a_stray_quote_in_an_unquoted_field_is_data(tmp_path: Path, runner: CliRunner) -> None:
    data = (
        b"call_id,start_time,end_time,note\n"
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00,x\n"
        b'c2,2026-11-20 10:00:00,2026-11-20 11:00:00,5" screen\n'
    )
    doc = peak_json(runner, write(tmp_path / "q.csv", data), "--strict")
    assert doc["rows"]["read"] == python_rows(data) == 2
    assert doc["peak"]["value"] == 2


def test_rows_with_the_wrong_field_count_are_malformed_in_place(
    tmp_path: Path, runner: CliRunner
) -> None:
    data = (
        HEADER.encode()
        + b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00\n"  # line 2
        + b"c2,2026-11-20 10:00:00\n"  # line 3: a cut line
        + b"\n"  # line 4: blank
        + b"c3,2026-11-20 10:00:00,2026-11-20 11:00:00,extra\n"  # line 5: one field too many
        + b"c4,2026-11-20 10:00:00,2026-11-20 11:00:00,\n"  # line 6: one field too many
        + b"c5,2026-11-20 10:00:00,2026-11-20 11:00:00\n"  # line 7
    )
    path = write(tmp_path / "ragged.csv", data)
    cs = load_calls([path])
    assert cs.accounting.read == python_rows(data) == 5
    assert cs.accounting.invalid_reasons["malformed_row"] == 3
    assert cs.invalid["source_row"].to_list() == [3, 5, 6]
    assert cs.invalid["raw_record"].to_list() == [
        "c2,2026-11-20 10:00:00",
        "c3,2026-11-20 10:00:00,2026-11-20 11:00:00,extra",
        # One separator too many on one line: its fields cannot be told apart either.
        "c4,2026-11-20 10:00:00,2026-11-20 11:00:00,",
    ]
    assert sorted(cs.calls["call_id"].to_list()) == ["c1", "c5"]
    assert cs.calls.sort("call_id")["source_row"].to_list() == [2, 7]
    r = runner.invoke(app, ["peak", path, "--strict"])
    assert r.exit_code == 3
    assert r.stderr.startswith(f"ccc: error: invalid row: {path}, line 3: malformed_row")


def test_every_data_line_ending_in_a_separator_reads_normally(tmp_path: Path) -> None:
    data = HEADER.encode() + b"".join(
        f"c{i},2026-11-20 10:0{i}:00,2026-11-20 11:00:00,\n".encode() for i in range(4)
    )
    cs = load_calls([write(tmp_path / "trailing.csv", data)])
    assert (cs.accounting.read, cs.accounting.used, cs.accounting.invalid) == (4, 4, 0)


def test_an_unterminated_quote_swallows_the_rest_as_one_record(tmp_path: Path) -> None:
    # Python's csv module: the quote opened on line 3 never closes, so lines 3 to the end
    # are one record of 2 fields: malformed. The trailing line ends are inside it.
    data = (
        HEADER.encode()
        + b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00\n"
        + b'c2,"2026-11-20 10:00:00,2026-11-20 11:00:00\n'
        + b"c3,2026-11-20 10:00:00,2026-11-20 11:00:00\n\n"
    )
    cs = load_calls([write(tmp_path / "open.csv", data)])
    assert cs.accounting.read == python_rows(data) == 2
    assert cs.accounting.invalid_reasons["malformed_row"] == 1
    assert not any("blank" in n for n in cs.notes)


def test_a_huge_field_is_read(tmp_path: Path) -> None:
    big = "x" * (40 * 1024 * 1024)  # larger than a read block
    data = (
        "call_id,start_time,end_time,note\n"
        f'c1,2026-11-20 10:00:00,2026-11-20 11:00:00,"{big}"\n'
        "c2,2026-11-20 10:00:00,2026-11-20 11:00:00,y\n"
    ).encode()
    cs = load_calls([write(tmp_path / "huge.csv", data)])
    assert (cs.accounting.read, cs.accounting.used) == (2, 2)


# --- 4. the CUCM type line ---------------------------------------------------------------
def test_a_call_id_that_starts_like_an_sql_type_is_data(tmp_path: Path, runner: CliRunner) -> None:
    for word in ("INTEGER", "VARCHAR", "BIGINT", "DATETIME", "UNIQUEIDENTIFIER"):
        data = (
            HEADER.encode()
            + f"{word}-7,2026-11-20 10:00:00,2026-11-20 11:00:00\n".encode()
            + b"c2,2026-11-20 10:30:00,2026-11-20 11:00:00\n"
        )
        doc = peak_json(runner, write(tmp_path / f"{word}.csv", data))
        assert doc["rows"]["read"] == 2, word
        assert doc["peak"]["value"] == 2, word


def test_a_line_of_sql_types_under_the_header_is_skipped(tmp_path: Path) -> None:
    data = (
        HEADER.encode()
        + b"VARCHAR(50),DATETIME,DATETIME\n"
        + b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00\n"
    )
    cs = load_calls([write(tmp_path / "types.csv", data)])
    assert (cs.accounting.read, cs.accounting.used) == (1, 1)
    assert cs.calls["source_row"].to_list() == [3]


# --- 5 and 6. times out of range and implausible times ------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "flags", "reason"),
    [
        (
            "0001-01-01 10:00:00",
            "0001-01-01 11:00:00",
            ["--tz", "Asia/Ho_Chi_Minh"],
            "implausible_time",
        ),
        (
            "9999-12-31 23:50:00",
            "9999-12-31 23:55:00",
            ["--tz", "America/New_York"],
            "implausible_time",
        ),
        ("1000-01-01 00:00:00", "1000-01-01 00:00:00", [], "implausible_time"),
        ("0000-00-00 00:00:00", "2026-11-20 11:00:00", [], "implausible_time"),
        (
            "1970-01-01 00:00:00",
            "2026-11-20 11:00:00",
            ["--tz", "Asia/Ho_Chi_Minh"],
            "implausible_time",
        ),
        ("2026-11-20 10:00:00", "0000-00-00 00:00:00", [], "implausible_time"),
    ],
)
def test_junk_times_are_invalid_and_never_crash(
    tmp_path: Path, runner: CliRunner, start: str, end: str, flags: list[str], reason: str
) -> None:
    data = (HEADER + f"c1,{start},{end}\nc2,2026-11-20 10:00:00,2026-11-20 11:00:00\n").encode()
    path = write(tmp_path / "junk.csv", data)
    for command in (["peak"], ["series", "--every", "1m"], ["analyze"], ["size"]):
        r = runner.invoke(app, [*command, path, *flags, "--format", "json", "-q"])
        assert r.exit_code == 0, (command, r.output)
        doc = json.loads(r.stdout)
        assert doc["rows"]["read"] == 2
        assert doc["rows"]["used"] == 1
        assert doc["rows"]["invalid_reasons"][reason] == 1


@pytest.mark.parametrize(
    ("values", "flags", "reason"),
    [
        # 9999999999999999 ms is past what int64 microseconds hold: it must not wrap.
        (("9999999999999999", "9999999999999999"), ["--epoch-unit", "ms"], "bad_start"),
        # Year 20000 in seconds.
        (("568971820800", "568971824400"), ["--epoch-unit", "s"], "implausible_time"),
        # A zero in a seconds column: the epoch itself.
        (("0", "3600"), ["--epoch-unit", "s"], "implausible_time"),
    ],
)
def test_junk_epochs_are_invalid(
    tmp_path: Path, runner: CliRunner, values: tuple[str, str], flags: list[str], reason: str
) -> None:
    good = ("1763632800", "1763636400") if "s" in flags else ("1763632800000", "1763636400000")
    data = (HEADER + f"c1,{values[0]},{values[1]}\nc2,{good[0]},{good[1]}\n").encode()
    doc = peak_json(runner, write(tmp_path / "epoch.csv", data), *flags)
    assert doc["rows"]["used"] == 1
    assert doc["rows"]["invalid_reasons"][reason] == 1
    assert doc["peak"]["at"].startswith("2025-11-20")


def test_one_junk_value_does_not_change_the_epoch_unit(tmp_path: Path) -> None:
    # Milliseconds, with one junk value: the unit is the one that puts most values in
    # plausible years, not the one the median happens to suggest.
    data = (
        HEADER + "c1,9999999999999999,9999999999999999\nc2,1763632800000,1763636400000\n"
    ).encode()
    cs = load_calls([write(tmp_path / "ms.csv", data)])
    assert cs.calls["start"].to_list() == [datetime(2025, 11, 20, 10, 0, tzinfo=UTC)]


def test_the_plausible_window_can_be_widened(tmp_path: Path) -> None:
    data = (HEADER + "c1,1965-06-01 10:00:00,1965-06-01 11:00:00\n").encode()
    path = write(tmp_path / "old.csv", data)
    assert load_calls([path]).accounting.invalid_reasons["implausible_time"] == 1
    wide = LoadOptions(plausible_since=datetime(1900, 1, 1, tzinfo=UTC))
    assert load_calls([path], wide).accounting.used == 1


def test_a_sentinel_end_is_filled_from_the_duration(tmp_path: Path) -> None:
    # MySQL's zero date for "not ended" with a duration beside it: start + duration.
    data = (
        b"call_id,start_time,end_time,duration\n"
        b"c1,2026-11-20 10:00:00,0000-00-00 00:00:00,60\n"
        b"c2,2026-11-20 10:00:00,0000-00-00 00:00:00,\n"
    )
    cs = load_calls([write(tmp_path / "fill.csv", data)])
    assert cs.calls["end"].to_list() == [datetime(2026, 11, 20, 10, 1, tzinfo=UTC)]
    assert cs.accounting.invalid_reasons["implausible_time"] == 1
    assert cs.invalid["column"].to_list() == ["end_time"]


# --- 7. encodings ------------------------------------------------------------------------------
def _accounts_file(encoding: str, *, pad: int = 0) -> bytes:
    filler = "".join(f"f{i},2026-11-19 10:00:00,2026-11-19 10:01:00,filler\n" for i in range(pad))
    text = (
        "call_id,start_time,end_time,account_id\n"
        + filler
        + "c1,2026-11-20 10:00:00,2026-11-20 11:00:00,Société\n"
        + "c2,2026-11-20 10:00:00,2026-11-20 11:00:00,Sociètè\n"
    )
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "utf-16-le"])
def test_unicode_encodings_read_the_same(tmp_path: Path, encoding: str) -> None:
    cs = load_calls([write(tmp_path / "u.csv", _accounts_file(encoding))])
    assert sorted(cs.calls["account"].cast(pl.String).to_list()) == ["Sociètè", "Société"]
    assert cs.accounting.read == 2


def test_latin1_after_64kb_keeps_accounts_apart(tmp_path: Path, runner: CliRunner) -> None:
    data = _accounts_file("cp1252", pad=2000)
    assert data.index(b"Soci") > 64 * 1024
    path = write(tmp_path / "late.csv", data)
    cs = load_calls([path])
    accounts = set(cs.calls["account"].cast(pl.String).to_list())
    assert {"Société", "Sociètè"} <= accounts
    assert any("read as cp1252" in n for n in cs.notes)
    r = runner.invoke(app, ["inspect", path, "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["files"][0]["encoding"] == "cp1252"


def test_bytes_cp1252_leaves_undefined_read_as_latin1(tmp_path: Path) -> None:
    data = _accounts_file("latin-1").replace(b"c2,", b"c\x81,")
    cs = load_calls([write(tmp_path / "l1.csv", data)])
    assert "c\x81" in cs.calls["call_id"].to_list()


def test_a_forced_encoding_reads_every_byte(tmp_path: Path) -> None:
    data = _accounts_file("cp1252")
    cs = load_calls([write(tmp_path / "forced.csv", data)], LoadOptions(encoding="utf-8"))
    assert cs.accounting.read == 2  # undecodable bytes become U+FFFD, no row is lost


# --- 8. Parquet types --------------------------------------------------------------------------
def test_parquet_types_common_writers_emit(tmp_path: Path) -> None:
    starts = ["2026-11-20 10:00:00", "2026-11-20 10:10:00", "2026-11-20 10:20:00"]
    table = pa.table(
        {
            "call_id": pa.array(["a", "b", "c"]).dictionary_encode(),
            "start_time": pa.array(starts).dictionary_encode(),
            "duration": pa.array([3600, 3600, 3600], type=pa.duration("s")),
        }
    )
    pq.write_table(table, tmp_path / "cat.parquet")
    cs = load_calls([tmp_path / "cat.parquet"])
    assert cs.accounting.used == 3
    assert cs.calls["end"].to_list()[0] == datetime(2026, 11, 20, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("tz", [None, "Asia/Tokyo"])
def test_parquet_timestamps_of_any_unit_and_zone(tmp_path: Path, unit: str, tz: str | None) -> None:
    start = datetime(2026, 11, 20, 10, 0)
    table = pa.table(
        {
            "start_time": pa.array([start], type=pa.timestamp(unit, tz=tz)),
            "duration": pa.array([90_000], type=pa.duration("ms")),
        }
    )
    pq.write_table(table, tmp_path / "ts.parquet")
    cs = load_calls([tmp_path / "ts.parquet"])
    expected = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # naive: UTC; aware: already UTC
    assert cs.calls["start"].to_list() == [expected]
    assert (cs.calls["end"][0] - cs.calls["start"][0]).total_seconds() == 90


def test_gzipped_parquet_is_read(tmp_path: Path, runner: CliRunner) -> None:
    frame = pl.DataFrame(
        {"start_time": ["2026-11-20 10:00:00"], "end_time": ["2026-11-20 11:00:00"]}
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    path = write(tmp_path / "calls.parquet.gz", gzip.compress(buffer.getvalue()))
    doc = peak_json(runner, path)
    assert doc["rows"]["used"] == 1


# --- 11. inputs that are not regular files ---------------------------------------------------
def test_dev_null_is_an_empty_input(runner: CliRunner) -> None:
    r = runner.invoke(app, ["peak", os.devnull])
    assert r.exit_code == 3
    assert (
        r.stderr == f"ccc: error: file {os.devnull} is empty\nhint: check the path or the export\n"
    )


def test_a_fifo_is_read(tmp_path: Path, runner: CliRunner) -> None:
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    data = (HEADER + "c1,2026-11-20 10:00:00,2026-11-20 11:00:00\n").encode()

    def feed() -> None:
        with fifo.open("wb") as fh:
            fh.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    doc = peak_json(runner, str(fifo))
    writer.join()
    assert doc["rows"]["used"] == 1


def test_standard_input_is_read(runner: CliRunner) -> None:
    data = HEADER + "c1,2026-11-20 10:00:00,2026-11-20 11:00:00\n"
    r = runner.invoke(app, ["peak", "-", "--format", "json", "-q"], input=data)
    assert r.exit_code == 0, r.output
    assert [f["path"] for f in json.loads(r.stdout)["files"]] == ["<stdin>"]


# --- 6. a run never plans more buckets than it can hold ---------------------------------
FAR = (
    HEADER
    + "c1,1970-01-21 03:00:00,1970-01-21 03:05:00\n"  # a milliseconds value read as seconds
    + "c2,2026-11-20 10:00:00,2026-11-20 11:00:00\n"
    + "c3,2026-11-20 10:30:00,2026-11-20 11:00:00\n"
)


def test_one_far_call_is_named_in_a_note(tmp_path: Path, runner: CliRunner) -> None:
    doc = peak_json(runner, write(tmp_path / "far.csv", FAR.encode()))
    assert doc["peak"]["value"] == 2
    (note,) = [n for n in doc["notes"] if "far outside" in n]
    assert "far.csv, line 2 (1970-01-21 03:00" in note


def test_too_many_buckets_exit_3_naming_the_span_and_rows(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = write(tmp_path / "far.csv", FAR.encode())
    r = runner.invoke(app, ["series", path, "--every", "1m"])
    assert r.exit_code == 3, r.output
    first, hint = [line for line in r.stderr.splitlines() if not line.startswith("note:")]
    # 56.8 years of minutes: about 29.9 million buckets.
    assert first.startswith("ccc: error: --every 1m over 56.8 years (1970-01-21 to 2026-11-20)")
    assert "the earliest call is " + path + ", line 2" in first
    assert hint.startswith("hint: pass --from and --to")
    # The way out works: a window, or a wider width.
    r = runner.invoke(app, ["series", path, "--every", "1m", "--from", "2026-11-20"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["series", path, "--every", "1d", "--format", "json"])
    assert r.exit_code == 0, r.output


def test_per_account_series_over_more_than_two_years(tmp_path: Path) -> None:
    # Account A has a call in 2023 and one in 2026; B one in 2026, at the same time as
    # A's. Per account, the 2026 hour has A at 1 and B at 1 (the packing of (account,
    # time) keys once assumed spans under 2**46 us, about 2.2 years).
    from ccc_cli.api import compute_series, parse_every

    data = (
        "call_id,start_time,end_time,account_id\n"
        "a1,2023-01-01 10:00:00,2023-01-01 10:30:00,A\n"
        "a2,2026-11-20 10:00:00,2026-11-20 10:30:00,A\n"
        "b1,2026-11-20 10:00:00,2026-11-20 10:30:00,B\n"
    )
    cs = load_calls([write(tmp_path / "long.csv", data.encode())])
    frame = compute_series(cs, every=parse_every("1d"), by_account=True).frame
    day = frame.filter(pl.col("bucket_start").dt.date() == datetime(2026, 11, 20).date())
    assert sorted(day.select("account_id", "total_max").rows()) == [("A", 1), ("B", 1)]
    first = frame.filter(pl.col("bucket_start").dt.date() == datetime(2023, 1, 1).date())
    assert sorted(first.select("account_id", "total_max").rows()) == [("A", 1), ("B", 0)]


@pytest.mark.parametrize("data", [HEADER.encode(), HEADER.rstrip("\n").encode()])
def test_a_header_alone_is_no_rows(tmp_path: Path, runner: CliRunner, data: bytes) -> None:
    doc = peak_json(runner, write(tmp_path / "header.csv", data))
    assert doc["rows"]["read"] == 0
    assert doc["peak"]["value"] == 0


def test_plausible_window_flags(tmp_path: Path, runner: CliRunner) -> None:
    path = write(tmp_path / "old.csv", (HEADER + "c1,1965-06-01 10:00,1965-06-01 11:00\n").encode())
    assert peak_json(runner, path)["rows"]["invalid_reasons"]["implausible_time"] == 1
    assert peak_json(runner, path, "--plausible-since", "1900-01-01")["rows"]["used"] == 1
    r = runner.invoke(app, ["peak", path, "--plausible-until", "1900-01-01"])
    assert r.exit_code == 2
    assert r.stderr.startswith("ccc: error: --plausible-since must be before --plausible-until")


@pytest.mark.parametrize(
    "row", ["c0,0,60", "c0,0000-00-00 00:00:00,0000-00-00 00:00:00", "c0,1970-01-01 00:00:00,0"]
)
def test_a_column_of_nothing_but_junk_reads_as_implausible(tmp_path: Path, row: str) -> None:
    # No value of the start column is time-like: the encoding is learnt from the junk
    # itself, so the row is implausible_time, not unreadable (found by the fuzz suite).
    cs = load_calls([write(tmp_path / "junk.csv", (HEADER + row + "\n").encode())])
    assert cs.accounting.invalid_reasons["implausible_time"] == 1


def test_blank_lines_around_a_record_larger_than_the_csv_module_limit(tmp_path: Path) -> None:
    # A 200 KB field in the last record: the blank-line count must not stop at Python's
    # csv field limit of 128 KiB (found by the deep fuzz run). One blank line above the
    # header, one at the end.
    memo = "x" * 200_000
    data = (
        "\ncall_id,start_time,end_time,memo\n"
        f"c0,2026-05-01 06:00:00,2026-05-01 07:00:00,{memo}\n\r\n"
    ).encode()
    cs = load_calls([write(tmp_path / "big.csv", data)])
    assert cs.accounting.used == 1
    assert any("2 blank line(s)" in n for n in cs.notes), cs.notes
