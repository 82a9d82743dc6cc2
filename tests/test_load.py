"""Loading: inputs, column mapping, row accounting, leg linking."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import polars as pl
import pytest

from ccc_cli.api import compute_peaks, load_calls, load_frame
from ccc_cli.errors import InputError, UsageError
from ccc_cli.options import LoadOptions, parse_type_map, read_config

HEADER = "call_id,start_time,end_time,call_type,account_id,parent_call_id,status\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


# --- inputs ------------------------------------------------------------------------------
def test_csv_and_parquet_give_identical_tables(tmp_path: Path) -> None:
    csv = write(
        tmp_path / "a.csv",
        rows(
            "a,2026-01-01T10:00:00Z,2026-01-01T10:05:00Z,inbound,acc,,",
            "b,2026-01-01T10:01:00Z,2026-01-01T10:02:00Z,otp,acc,,",
            "c,2026-01-01T10:01:30Z,2026-01-01T10:03:00Z,outbound,acc,a,",
        ),
    )
    frame = pl.read_csv(csv, try_parse_dates=True)
    parquet = tmp_path / "a.parquet"
    frame.write_parquet(parquet)
    a, b = load_calls([csv]), load_calls([parquet])
    cols = ["call_id", "start", "end", "call_type", "account", "leg_group"]
    assert a.calls.select(cols).equals(b.calls.select(cols))
    # A text file's rows are numbered by line (the header is line 1), Parquet's by row.
    assert (a.calls["source_row"] - 1).equals(b.calls["source_row"])
    assert compute_peaks(a) == compute_peaks(b)


def test_mixed_formats_directories_globs_and_gzip(tmp_path: Path) -> None:
    body = "start_time,end_time\n2026-01-01 10:00:00,2026-01-01 10:10:00\n"
    (tmp_path / "d").mkdir()
    write(tmp_path / "d" / "one.csv", body)
    write(tmp_path / "d" / "two.tsv", body.replace(",", "\t"))
    with gzip.open(tmp_path / "d" / "three.csv.gz", "wt") as fh:
        fh.write(body)
    pl.DataFrame(
        {"start_time": ["2026-01-01 10:05:00"], "end_time": ["2026-01-01 10:06:00"]}
    ).write_parquet(tmp_path / "d" / "four.parquet")
    write(tmp_path / "d" / "notes.md", "not data")
    by_dir = load_calls([tmp_path / "d"])
    assert by_dir.accounting.read == 4
    assert compute_peaks(by_dir).total.value == 4
    by_glob = load_calls([str(tmp_path / "d" / "*.csv*"), tmp_path / "d" / "two.tsv"])
    assert by_glob.accounting.read == 3
    # A file named twice is read once.
    assert load_calls([tmp_path / "d" / "one.csv", tmp_path / "d" / "one.csv"]).accounting.read == 1


def test_semicolon_bom_crlf_and_no_header(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        "\ufeffStart_Time;End_Time\r\n2026-01-01 10:00:00;2026-01-01 10:01:00\r\n".encode()
    )
    assert load_calls([path]).accounting.used == 1
    bare = write(tmp_path / "bare.csv", "x,2026-01-01 10:00:00,2026-01-01 10:01:00\n")
    opts = LoadOptions(has_header=False, columns={"start": "column_2", "end": "column_3"})
    assert load_calls([bare], opts).accounting.used == 1


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (["nope.csv"], "file nope.csv not found"),
        (["nope/*.csv"], "no file matches nope/*.csv"),
    ],
)
def test_missing_inputs(paths: list[str], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        load_calls(paths)


def test_empty_file_and_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is empty"):
        load_calls([write(tmp_path / "e.csv", "")])
    no_start = write(tmp_path / "n.csv", "foo,bar\n1,2\n")
    with pytest.raises(
        InputError, match=r"no start-time column found and no preset matched; columns: foo, bar"
    ) as err:
        load_calls([no_start])
    assert err.value.hint is not None
    assert "--preset" in err.value.hint and "--start-col" in err.value.hint
    no_end = write(tmp_path / "m.csv", "start_time,bar\n2026-01-01 10:00:00,2\n")
    with pytest.raises(InputError, match="no end-time or duration column"):
        load_calls([no_end])
    with pytest.raises(InputError, match=r"column 'zzz' \(--end-col\) not found"):
        load_calls([no_end], LoadOptions(columns={"end": "zzz"}))


# --- columns ----------------------------------------------------------------------------
def test_aliases_match_case_insensitively() -> None:
    frame = pl.DataFrame(
        {
            "CallDate": ["2026-01-01 10:00:00"],
            "Duration": ["90"],
            "Direction": ["Incoming"],
            "Account SID": ["AC1"],
            "Call SID": ["CA1"],
        }
    )
    cs = load_frame(frame)
    mapping = {k: v.column for k, v in cs.files[0].mapping.fields.items()}
    assert mapping == {
        "call_id": "Call SID",
        "start": "CallDate",
        "duration": "Duration",
        "call_type": "Direction",
        "account": "Account SID",
    }
    row = cs.calls.row(0, named=True)
    assert (row["end"] - row["start"]).total_seconds() == 90
    assert row["call_type"] == "inbound"
    assert row["account"] == "AC1"


def test_explicit_columns_win_over_aliases() -> None:
    frame = pl.DataFrame(
        {
            "start_time": ["2026-01-01 09:00:00"],
            "setup": ["2026-01-01 10:00:00"],
            "end_time": ["2026-01-01 10:30:00"],
        }
    )
    cs = load_frame(frame, LoadOptions(columns={"start": "setup"}))
    assert cs.files[0].mapping.fields["start"].why == "set by --start-col"
    assert cs.calls["start"][0].hour == 10


def test_duration_fills_empty_ends_and_duration_unit() -> None:
    frame = pl.DataFrame(
        {
            "start_time": ["2026-01-01 10:00:00", "2026-01-01 10:00:00"],
            "end_time": ["2026-01-01 10:00:10", None],
            "duration": ["999", "2500"],
        }
    )
    cs = load_frame(frame, LoadOptions(duration_unit="ms"))
    lengths = [(e - s).total_seconds() for s, e in cs.calls.select("start", "end").iter_rows()]
    # The end column wins; the duration (2,500 ms) fills the empty end.
    assert lengths == [10, 2.5]


def test_type_map_and_unmapped_values() -> None:
    frame = pl.DataFrame(
        {
            "start_time": ["2026-01-01 10:00:00"] * 5,
            "end_time": ["2026-01-01 10:01:00"] * 5,
            "call_type": ["IN", "OUT", "weird", "otp", None],
        }
    )
    cs = load_frame(frame, LoadOptions(type_map=parse_type_map("inbound=IN;internal=OUT")))
    # User values override the defaults (OUT would otherwise be outbound).
    assert cs.calls["call_type"].to_list() == ["inbound", "internal", "other", "otp", "other"]
    assert cs.files[0].unmapped_types == {"weird": 1}


@pytest.mark.parametrize(
    "text",
    ["", "inbound", "nope=IN", "inbound=", "inbound=A;outbound=a"],
)
def test_bad_type_map(text: str) -> None:
    with pytest.raises(UsageError):
        parse_type_map(text)


def test_config_file(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "ccc.toml",
        '[ccc]\nstart-col = "setup"\ntz = "Asia/Ho_Chi_Minh"\n'
        'type_map = { inbound = ["IN", "callin"] }\n',
    )
    values = read_config(cfg)
    assert values == {
        "start-col": "setup",
        "tz": "Asia/Ho_Chi_Minh",
        "type-map": "inbound=IN,callin",
    }
    with pytest.raises(InputError, match="unknown key 'colour'"):
        read_config(write(tmp_path / "bad.toml", 'colour = "red"\n'))
    with pytest.raises(InputError, match="bad config file"):
        read_config(write(tmp_path / "broken.toml", "start-col = \n"))


# --- row accounting ----------------------------------------------------------------------
def test_every_bucket_and_their_precedence(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.csv",
        rows(
            # used: a, b, c (c is forwarded: d is its leg)
            "a,2026-01-01T10:00:00Z,2026-01-01T10:05:00Z,inbound,acc,,completed",
            "b,2026-01-01T10:01:00Z,2026-01-01T10:02:00Z,otp,acc,,completed",
            "c,2026-01-01T10:00:00Z,2026-01-01T10:09:00Z,inbound,acc,,completed",
            # merged leg of c
            "d,2026-01-01T10:00:05Z,2026-01-01T10:08:00Z,outbound,acc,c,completed",
            # duplicate of a (same id, same times)
            "a,2026-01-01T10:00:00Z,2026-01-01T10:05:00Z,inbound,acc,,completed",
            # REACH_PLAN_LIMIT wins even with garbage times
            "e,garbage,,otp,acc,,reach_plan_limit",
            # invalid: each reason once
            "f,,2026-01-01T10:05:00Z,otp,acc,,",
            "g,garbage,2026-01-01T10:05:00Z,otp,acc,,",
            "h,2026-01-01T10:00:00Z,,otp,acc,,",
            "i,2026-01-01T10:00:00Z,tomorrow,otp,acc,,",
            "j,2026-01-01T10:00:00Z,2026-01-01T09:00:00Z,otp,acc,,",
            "k,2026-01-01T10:00:00Z,2026-01-02T10:00:01Z,otp,acc,,",
            # invalid beats duplicate: a copy of an invalid row is invalid too
            "j,2026-01-01T10:00:00Z,2026-01-01T09:00:00Z,otp,acc,,",
            # exactly 24 h is allowed
            "l,2026-01-01T10:00:00Z,2026-01-02T10:00:00Z,internal,acc,,",
        ),
    )
    cs = load_calls([path])
    acc = cs.accounting
    assert acc.as_dict() == {
        "read": 14,
        "used": 4,
        "duplicates": 1,
        "merged_legs": 1,
        "plan_limit_rejected": 1,
        "invalid": 7,
        "invalid_reasons": {
            "malformed_row": 0,
            "not_a_call": 0,
            "missing_start": 1,
            "bad_start": 1,
            "missing_end": 1,
            "bad_end": 1,
            "implausible_time": 0,
            "end_before_start": 2,
            "too_long": 1,
        },
    }
    assert cs.rejected["call_id"].to_list() == ["e"]
    # Lines of the file (the header is line 1).
    assert cs.invalid["source_row"].to_list() == [8, 9, 10, 11, 12, 13, 14]
    assert cs.invalid["column"].to_list()[:2] == ["start_time", "start_time"]
    message = cs.first_invalid_message()
    assert message is not None
    assert message.startswith(f"{path}, line 8, column 'start_time': missing_start")


def test_reused_ids_with_different_times_are_separate_calls() -> None:
    frame = pl.DataFrame(
        {
            "call_id": ["x", "x", "x"],
            "start_time": ["2026-01-01 10:00:00", "2026-01-01 10:01:00", "2026-01-01 10:00:00"],
            "end_time": ["2026-01-01 10:05:00", "2026-01-01 10:02:00", "2026-01-01 10:05:00"],
        }
    )
    cs = load_frame(frame)
    assert (cs.accounting.used, cs.accounting.duplicates) == (2, 1)
    assert cs.reused_call_ids == 1
    assert "1 call id(s) appear on several calls with different times" in cs.notes[0]
    assert compute_peaks(cs).total.value == 2


def test_duplicates_across_files(tmp_path: Path) -> None:
    line = "a,2026-01-01T10:00:00Z,2026-01-01T10:05:00Z,inbound,acc,,"
    one = write(tmp_path / "1.csv", rows(line))
    two = write(tmp_path / "2.csv", rows(line))
    cs = load_calls([one, two])
    assert (cs.accounting.used, cs.accounting.duplicates) == (1, 1)
    assert cs.calls["source_file"].to_list() == [str(one)]


# --- legs ---------------------------------------------------------------------------------
def test_parent_chain_joins_the_root_call() -> None:
    # a <- b <- c: three legs of one call; the call is a's (inbound, acc-1).
    frame = pl.DataFrame(
        {
            "call_id": ["c", "b", "a", "z"],
            "parent_call_id": ["b", "a", None, None],
            "start_time": [
                "2026-01-01 10:00:20",
                "2026-01-01 10:00:10",
                "2026-01-01 10:00:00",
                "2026-01-01 10:00:00",
            ],
            "end_time": [
                "2026-01-01 10:03:00",
                "2026-01-01 10:02:00",
                "2026-01-01 10:01:00",
                "2026-01-01 10:01:00",
            ],
            "call_type": ["outbound", "outbound", "inbound", "otp"],
            "account_id": ["acc-2", "acc-2", "acc-1", "acc-1"],
        }
    )
    cs = load_frame(frame)
    assert (cs.accounting.used, cs.accounting.merged_legs) == (2, 2)
    assert cs.linked
    first = cs.calls.filter(pl.col("call_id").is_in(["a", "b", "c"]))
    assert first["leg_group"].n_unique() == 1
    assert set(first["call_type"].to_list()) == {"inbound"}
    assert set(first["account"].to_list()) == {"acc-1"}
    result = compute_peaks(cs, by_account=True)
    assert result.total.value == 2
    assert result.by_type["outbound"].value == 0
    assert result.by_account is not None
    assert set(result.by_account) == {"acc-1"}


def test_group_column_links_legs_and_gaps_are_not_counted() -> None:
    # Call G has legs 10:00-10:01 and 10:03-10:04 (a gap); call y runs 10:01:30-10:02:30
    # inside the gap: never more than 1 call at once.
    frame = pl.DataFrame(
        {
            "linkedid": ["G", "G", None],
            "start_time": ["2026-01-01 10:00:00", "2026-01-01 10:03:00", "2026-01-01 10:01:30"],
            "end_time": ["2026-01-01 10:01:00", "2026-01-01 10:04:00", "2026-01-01 10:02:30"],
        }
    )
    cs = load_frame(frame, LoadOptions(columns={"group": "linkedid"}))
    assert (cs.accounting.used, cs.accounting.merged_legs) == (2, 1)
    assert compute_peaks(cs).total.value == 1


def test_group_and_parent_flags_combine() -> None:
    # Both links apply (issue 12): see tests/test_exports.py for the counts.
    options = LoadOptions(columns={"group": "g", "parent": "p"})
    assert options.columns == {"group": "g", "parent": "p"}


def test_input_columns_named_like_internal_ones() -> None:
    # Columns called start, end and reason must not clash with the parsed values.
    frame = pl.DataFrame(
        {
            "id": ["x", "y"],
            "start": ["2026-01-01 10:00:00", "bad"],
            "end": ["2026-01-01 10:05:00", "2026-01-01 10:05:00"],
            "reason": ["foo", "bar"],
        }
    )
    cs = load_frame(frame)
    assert cs.accounting.used == 1
    row = cs.invalid.row(0, named=True)
    assert (row["reason"], row["column"], row["raw_start"]) == ("bad_start", "start", "bad")


def test_batched_reading_with_progress_equals_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large text files are read in batches when progress is shown: same table, and the
    # progress sink hears about rows as they come.
    from ccc_cli.normalize import build as table
    from ccc_cli.synth.generate import GenerateOptions, write_generated

    path = tmp_path / "calls.csv"
    write_generated(path, GenerateOptions(rows=5000, days=2, seed=3))
    monkeypatch.setattr(table, "BATCH_BYTES", 0)
    monkeypatch.setattr(table, "_BATCH_ROWS", 700)

    class Sink(table.ProgressSink):
        def __init__(self) -> None:
            self.seen: list[tuple[int, int]] = []

        def rows_read(self, label: str, rows: int, estimate: int) -> None:
            self.seen.append((rows, estimate))

    sink = Sink()
    batched = load_calls([path], progress=sink)
    plain = load_calls([path])
    assert batched.accounting == plain.accounting
    assert batched.calls.equals(plain.calls)
    assert batched.invalid.equals(plain.invalid)
    assert batched.rejected.equals(plain.rejected)
    assert len(sink.seen) > 1
    assert sink.seen[-1][0] == 5000
    assert all(rows <= estimate for rows, estimate in sink.seen)
