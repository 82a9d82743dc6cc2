"""Damaged CSV files through the CLI: the readers' contract, property-based.

For every file (``strategies.csv_cases``): no traceback; exit 0 or 3; one-line errors;
with exit 0, the row accounting adds up and ``rows.read`` is the number of rows Python's
csv module reads from the same bytes (blank lines and the header excluded); the peak
is at most the calls used and, whenever the oracle knows the valid rows exactly, equals
its brute-force peak; invalid rows carry a reason the damage allows; ``--strict`` fails
exactly when there are invalid rows; blank lines are not rows and a note counts them.

Many of these tests fail on the readers as they are: the suite is the specification
for their rewrite. Do not weaken an assertion to make one pass.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from ccc_cli.api import LoadOptions, load_calls

from .harness import (
    SPAN_COMMANDS,
    Run,
    Violations,
    check_accounting,
    check_process,
    fuzz_settings,
    invoke,
    invoke_any,
)
from .oracle import (
    IMPLAUSIBLE,
    MALFORMED,
    Columns,
    CsvRead,
    Expectation,
    TimeValue,
    brute_peak,
    expect,
    read_csv_bytes,
    reasons_feasible,
)
from .strategies import CALL_PRESERVING, DAMAGE, CsvCase, csv_cases

pytestmark = pytest.mark.fuzz
FUZZ = fuzz_settings()


# --- the contract -----------------------------------------------------------------------
def run_peak(data: bytes, *args: str, name: str = "cdr.csv") -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return invoke(["peak", str(path), "--format", "json", *args])


def check_blank_note(notes: list[str], blank: int) -> None:
    mentions = [n for n in notes if "blank" in n.lower()]
    assert mentions, f"{blank} blank line(s) skipped but no note says so: {notes}"
    assert any(re.search(rf"(?<![\d,.]){blank}(?![\d,.])", n) for n in mentions), (
        f"the note does not give the number of blank lines ({blank}): {mentions}"
    )


def check_contract(case: CsvCase) -> tuple[Expectation, Run]:
    """Run ``ccc peak`` (plain and ``--strict``) on the case and check everything.

    A crash, a wrong exit code or a malformed stderr fails at once; the checks on the
    JSON document are all made and reported together."""
    note(case.describe())
    parsed = read_csv_bytes(case.data, case.codec)
    exp = expect(parsed, case.columns, case.times)
    note(
        f"oracle: read={exp.read} blank={exp.blank_lines} exact={exp.exact} "
        f"invalid={[sorted(a) for a in exp.invalid_allowed]} duplicates={exp.duplicates} "
        f"kept={exp.kept} calls={exp.calls_min}..{exp.calls_max} "
        f"peak={exp.peak_min}..{exp.peak_max} by_account={exp.by_account}"
    )
    tz = ["--tz", case.tz] if case.tz else []
    run = run_peak(case.data, "--by", "account", *tz)
    check_process(run)
    strict = run_peak(case.data, "--strict", *tz)
    check_process(strict)

    # A file whose header is intact and whose rows are mostly valid is usable input.
    if exp.valid >= 1 and exp.valid >= exp.invalid + exp.unknown_rows:
        assert run.exit_code == 0, f"usable file rejected: {run.where()}"
    if run.exit_code != 0:
        return exp, run
    doc = run.doc()
    rows = doc["rows"]
    check_accounting(rows)
    v = Violations()
    v.check(rows["read"] == exp.read, f"read {rows['read']}, csv module reads {exp.read}: {rows}")
    peak = doc["peak"]["value"]
    v.check(peak <= rows["used"], f"peak {peak} > used {rows['used']}")
    if exp.blank_lines:
        v.run(check_blank_note, doc["notes"], exp.blank_lines)

    if exp.exact:
        v.check(
            reasons_feasible(exp.invalid_allowed, rows["invalid_reasons"]),
            f"invalid rows: expected one reason each of "
            f"{[sorted(a) for a in exp.invalid_allowed]}, got {rows}",
        )
        v.check(
            rows["duplicates"] == exp.duplicates, f"duplicates, oracle {exp.duplicates}: {rows}"
        )
        v.check(rows["plan_limit_rejected"] == 0, f"no REACH_PLAN_LIMIT row: {rows}")
        v.check(
            exp.calls_min <= rows["used"] <= exp.calls_max,
            f"used {rows['used']}, oracle {exp.calls_min}..{exp.calls_max}: {rows}",
        )
        v.check(
            rows["used"] + rows["merged_legs"] == exp.kept,
            f"used + merged_legs, oracle {exp.kept} valid non-duplicate rows: {rows}",
        )
        v.check(
            exp.peak_min <= peak <= exp.peak_max,
            f"peak {peak}, oracle {exp.peak_min}..{exp.peak_max}",
        )
        if exp.by_account is not None:
            got = {acc: a["peak"]["value"] for acc, a in doc["by_account"].items()}
            v.check(got == exp.by_account, f"by account: {got} != oracle {exp.by_account}")

    # --strict fails exactly when a row is invalid.
    invalid = exp.invalid if exp.exact else rows["invalid"]
    v.check(
        strict.exit_code == (3 if invalid else 0),
        f"--strict with {invalid} invalid row(s): {strict.where()}",
    )
    v.raise_if_any()
    return exp, run


# --- property tests ---------------------------------------------------------------------
@FUZZ
@given(case=csv_cases())
def test_damaged_csv_keeps_the_contract(case: CsvCase) -> None:
    check_contract(case)


@FUZZ
@given(
    case=csv_cases(
        damage=st.frozensets(st.sampled_from(sorted(CALL_PRESERVING)), min_size=1, max_size=4)
    )
)
def test_call_preserving_damage_keeps_the_peak(case: CsvCase) -> None:
    # Line ends, blank lines, quotes in text fields, BOMs, encodings, huge or NUL text
    # fields and duplicated rows leave the calls unchanged: the oracle knows every row
    # and the peak must come out exact.
    exp, _ = check_contract(case)
    assert exp.exact


BAD_ROWS = ("junk_time", "extreme_time", "ragged", "unterminated_quote", "parent_cycle")


@FUZZ
@given(
    case=csv_cases(
        damage=st.frozensets(st.sampled_from(BAD_ROWS), min_size=1, max_size=3).flatmap(
            lambda bad: st.frozensets(st.sampled_from(DAMAGE), max_size=2).map(bad.union)
        )
    )
)
def test_bad_rows_are_counted_not_fatal(case: CsvCase) -> None:
    check_contract(case)


COMMANDS = (
    ["inspect", "--format", "json"],
    ["series", "--every", "1h", "--format", "json"],
    ["analyze", "--format", "json"],
    ["breaches", "--limit", "3", "--format", "json"],
    ["check", "--limit", "3"],
    ["size", "--format", "json"],
)


# A third of the budget: span commands run in a child process (half a second each).
@settings(FUZZ, max_examples=max(8, FUZZ.max_examples // 3))
@given(case=csv_cases(), command=st.sampled_from(COMMANDS))
def test_every_command_survives_damage(case: CsvCase, command: list[str]) -> None:
    note(case.describe())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cdr.csv"
        path.write_bytes(case.data)
        tz = ["--tz", case.tz] if case.tz else []
        run = invoke_any([command[0], str(path), *command[1:], *tz])
    if command[0] == "check" and run.exit_code == 1:
        return  # the check itself failed: a verdict, not an error
    check_process(run)


# --- pinned reproducers -----------------------------------------------------------------
HEADER3 = "call_id,start_time,end_time"
COLS3 = Columns(width=3, call_id=0, start=1, end=2, call_type=0, account=0)


def csv_read(data: bytes, codec: str = "utf-8") -> CsvRead:
    return read_csv_bytes(data, codec)


def ok_run(data: bytes, *args: str, name: str = "cdr.csv") -> dict:
    run = run_peak(data, *args, name=name)
    check_process(run)
    assert run.exit_code == 0, run.where()
    doc = run.doc()
    check_accounting(doc["rows"])
    return doc


def test_mixed_cr_and_lf_line_ends() -> None:
    data = (
        b"call_id,start_time,end_time\n"
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00\r"
        b"c2,2026-11-20 10:10:00,2026-11-20 11:00:00\r"
        b"c3,2026-11-20 10:20:00,2026-11-20 11:00:00\n"
        b"c4,2026-11-20 10:30:00,2026-11-20 11:00:00\n"
    )
    assert csv_read(data).read == 4
    doc = ok_run(data)
    assert doc["rows"]["read"] == 4, doc["rows"]
    assert doc["rows"]["used"] == 4, doc["rows"]
    assert doc["peak"]["value"] == 4


def test_cr_only_file_with_a_quoted_lf() -> None:
    data = (
        b"call_id,start_time,end_time,memo\r"
        b'c1,2026-11-20 10:00:00,2026-11-20 11:00:00,"line1\nline2"\r'
        b"c2,2026-11-20 10:10:00,2026-11-20 11:00:00,plain\r"
        b'c3,2026-11-20 10:20:00,2026-11-20 11:00:00,"a\nb\nc"\r'
    )
    assert csv_read(data).read == 3
    doc = ok_run(data)
    assert doc["rows"]["read"] == 3, doc["rows"]
    assert doc["rows"]["used"] == 3, doc["rows"]
    assert doc["peak"]["value"] == 3


@pytest.mark.parametrize(
    "ending",
    [b"\n\n", b"\r\n\r\n", b"\r\r", b"\n\n\n", "between"],
    ids=["lf-lf", "crlf-crlf", "cr-cr", "lf-lf-lf", "between-rows"],
)
def test_blank_lines_are_not_rows_and_pass_strict(ending: bytes | str) -> None:
    body = [
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00",
        b"c2,2026-11-20 10:10:00,2026-11-20 11:00:00",
    ]
    if ending == "between":
        data = HEADER3.encode() + b"\n\n" + body[0] + b"\n\r\n" + body[1] + b"\n"
    else:
        assert isinstance(ending, bytes)
        eol = b"\r" if ending.startswith(b"\r\r") else b"\r\n" if b"\r\n" in ending else b"\n"
        data = HEADER3.encode() + eol + body[0] + eol + body[1] + ending
    parsed = csv_read(data)
    assert parsed.read == 2 and parsed.blank_lines >= 1
    run = run_peak(data, "--strict")
    check_process(run)
    assert run.exit_code == 0, f"blank lines are not invalid rows: {run.where()}"
    doc = run.doc()
    assert doc["rows"]["read"] == 2, doc["rows"]
    assert doc["rows"]["invalid"] == 0, doc["rows"]
    check_blank_note(doc["notes"], parsed.blank_lines)


def test_stray_quote_in_a_bare_field_reads_like_the_csv_module() -> None:
    data = (
        b"call_id,start_time,end_time,memo\n"
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00,ok\n"
        b'c2,2026-11-20 10:10:00,2026-11-20 11:00:00,5" screen\n'
        b"c3,2026-11-20 10:20:00,2026-11-20 11:00:00,ok\n"
        b'c4,2026-11-20 10:30:00,2026-11-20 11:00:00,a "b" c\n'
    )
    parsed = csv_read(data)
    assert parsed.read == 4 and parsed.rows[1][3] == '5" screen'
    doc = ok_run(data)
    assert doc["rows"]["read"] == 4, doc["rows"]
    assert doc["rows"]["used"] == 4, doc["rows"]
    assert doc["peak"]["value"] == 4


@pytest.mark.parametrize(
    "memos",
    [
        ['a"b', "ok", 'c"d', "ok"],  # two stray quotes: the rows between them must not merge
        ['ok"', "ok", "ok", "ok"],  # a quote ending a bare field
        ["ok", 'x "quoted" y', "ok", "ok"],
    ],
    ids=["two-stray", "quote-at-end", "quoted-word"],
)
def test_stray_quotes_in_bare_fields_lose_no_row(memos: list[str]) -> None:
    lines = [
        f"c{i},2026-11-20 10:{i:02d}:00,2026-11-20 11:00:00,{memo}" for i, memo in enumerate(memos)
    ]
    data = ("call_id,start_time,end_time,memo\n" + "\n".join(lines) + "\n").encode()
    parsed = csv_read(data)
    assert parsed.read == len(memos) and [r[3] for r in parsed.rows] == memos
    doc = ok_run(data)
    assert doc["rows"]["read"] == len(memos), doc["rows"]
    assert doc["rows"]["used"] == len(memos), doc["rows"]


def test_header_ending_in_cr_then_lf_rows() -> None:
    # Line ends mixed from the first line on: the header must not swallow the first row,
    # and an error message must never carry a raw CR (one line on stderr).
    data = (
        b"call_id,start_time,end_time\r"
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00\n"
        b"c2,2026-11-20 10:10:00,2026-11-20 11:00:00\n"
    )
    assert csv_read(data).read == 2
    doc = ok_run(data)
    assert doc["rows"]["read"] == 2 and doc["rows"]["used"] == 2, doc["rows"]


@pytest.mark.parametrize(
    "call_id", ["INTEGER-7", "VARCHAR(50)", "BIGINT-1", "DATETIME-2", "UNIQUEIDENTIFIER-3"]
)
def test_call_id_like_a_sql_type_is_a_row(call_id: str) -> None:
    data = (
        f"{HEADER3}\n"
        f"{call_id},2026-11-20 10:00:00,2026-11-20 11:00:00\n"
        "c2,2026-11-20 10:10:00,2026-11-20 11:00:00\n"
    ).encode()
    doc = ok_run(data)
    assert doc["rows"]["read"] == 2, doc["rows"]
    assert doc["rows"]["used"] == 2, doc["rows"]
    assert doc["peak"]["value"] == 2


ACCOUNT_FILE = (
    "call_id,start_time,end_time,account_id\n"
    "c1,2026-11-20 10:00:00,2026-11-20 11:00:00,Société\n"
    "c2,2026-11-20 10:10:00,2026-11-20 11:00:00,Sociètè\n"
    "c3,2026-11-20 10:20:00,2026-11-20 11:00:00,Société\n"
)


@pytest.mark.parametrize(
    ("encoding", "prefix", "codec"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32-le"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "utf-32-be"),
        ("latin-1", b"", "latin-1"),
        ("cp1252", b"", "cp1252"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf32le-bom",
        "utf32be-bom",
        "latin1",
        "cp1252",
    ],
)
def test_encodings_keep_accounts_apart(encoding: str, prefix: bytes, codec: str) -> None:
    data = prefix + ACCOUNT_FILE.encode(encoding)
    assert csv_read(data[len(prefix) :], codec).read == 3
    doc = ok_run(data, "--by", "account")
    assert doc["rows"]["read"] == 3, doc["rows"]
    got = {acc: v["peak"]["value"] for acc, v in doc["by_account"].items()}
    assert got == {"Société": 2, "Sociètè": 1}


def late_latin1(codec: str) -> bytes:
    # 2,000 ASCII rows (more than 64 KB) before the first non-ASCII byte.
    rows = [
        f"a{i},2026-11-20 08:{i % 60:02d}:00,2026-11-20 08:{i % 60:02d}:30,acc-{i % 7}"
        for i in range(2000)
    ]
    head = "call_id,start_time,end_time,account_id\n" + "\n".join(rows) + "\n"
    assert len(head) > 64 * 1024
    return (head + ACCOUNT_FILE.split("\n", 1)[1]).encode(codec)


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_latin1_after_64_kb_keeps_accounts_apart_cli(codec: str) -> None:
    data = late_latin1(codec)
    doc = ok_run(data, "--by", "account")
    assert doc["rows"]["read"] == 2003, doc["rows"]
    accounts = set(doc["by_account"])
    assert {"Société", "Sociètè"} <= accounts, sorted(accounts)[:12]
    assert doc["by_account"]["Société"]["peak"]["value"] == 2


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_latin1_after_64_kb_keeps_accounts_apart_library(codec: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "late.csv"
        path.write_bytes(late_latin1(codec))
        calls = load_calls([path], LoadOptions())
    accounts = calls.calls["account"].cast(str).to_list()
    assert accounts.count("Société") == 2 and accounts.count("Sociètè") == 1, sorted(set(accounts))


# Extreme and sentinel times: the row is invalid with the reason given, never a crash.
RANGE = frozenset({"bad_start", "bad_end", IMPLAUSIBLE})
EXTREMES = [
    ("0000-00-00 00:00:00", None, frozenset({IMPLAUSIBLE})),
    ("1000-01-01 00:00:00", None, frozenset({IMPLAUSIBLE})),
    ("1970-01-01 00:00:00", None, frozenset({IMPLAUSIBLE})),
    ("1969-12-31 23:59:59", None, frozenset({IMPLAUSIBLE})),
    ("1899-12-30 00:00:00", None, frozenset({IMPLAUSIBLE})),
    ("9999-12-31 23:59:59", None, frozenset({IMPLAUSIBLE})),
    ("0001-01-01 00:00:00", None, frozenset({IMPLAUSIBLE})),
    ("0001-01-01 00:00:00", "Asia/Ho_Chi_Minh", RANGE),
    ("9999-12-31 23:50:00", "America/New_York", RANGE),
    ("9999-12-31 23:50:00", "Asia/Ho_Chi_Minh", RANGE),
]


def bad_row(value: str, side: str, start: object, end: object) -> str:
    """A row with ``value`` as its start, its end, or both (a zero-length call)."""
    return {
        "start": f"x,{value},{end}",
        "end": f"x,{start},{value}",
        "both": f"x,{value},{value}",
    }[side]


@pytest.mark.parametrize("side", ["start", "end", "both"])
@pytest.mark.parametrize(("value", "tz", "reasons"), EXTREMES)
def test_extreme_text_times_are_invalid(
    value: str, tz: str | None, reasons: frozenset[str], side: str
) -> None:
    bad = bad_row(value, side, "2026-11-20 10:00:00", "2026-11-20 11:00:00")
    data = (
        f"{HEADER3}\nc1,2026-11-20 10:00:00,2026-11-20 11:00:00\n{bad}\n"
        "c2,2026-11-20 10:30:00,2026-11-20 11:00:00\n"
    ).encode()
    check_one_bad_row(data, reasons, tz)


# Calls lying wholly at implausible or unrepresentable times: invalid, and no command
# may crash on them (rendering year 10000 or year 0 is where a crash would come from).
OUT_OF_RANGE_CALLS = [
    ("9999-12-31 23:50:00", "9999-12-31 23:59:00", "America/New_York"),
    ("0001-01-01 00:10:00", "0001-01-01 00:20:00", "Asia/Ho_Chi_Minh"),
    ("9999-12-31 23:50:00", "9999-12-31 23:59:00", None),
    ("1970-01-01 00:00:00", "1970-01-01 00:05:00", None),
    ("1000-01-01 00:00:00", "1000-01-01 01:00:00", None),
    ("1780000000000", "9999999999999999", None),
    ("9999999999990000", "9999999999999999", None),
    ("569000000000", "569000000600", None),
]
EVERY_COMMAND = [
    ["peak", "--format", "json"],
    ["peak"],
    ["series", "--every", "1h", "--format", "json"],
    ["analyze", "--format", "json"],
    ["inspect", "--format", "json"],
    ["breaches", "--limit", "1", "--format", "json"],
    ["size", "--format", "json"],
]


def out_of_range_cases() -> list[Any]:
    # The span commands (a child process each, seconds when they blow up) on three calls.
    return [
        pytest.param(start, end, tz, command, id=f"{start}..{end}-{tz}-{' '.join(command)}")
        for i, (start, end, tz) in enumerate(OUT_OF_RANGE_CALLS)
        for command in EVERY_COMMAND
        if command[0] not in SPAN_COMMANDS or i in (0, 1, 6)
    ]


@pytest.mark.parametrize(("start", "end", "tz", "command"), out_of_range_cases())
def test_out_of_range_calls_never_crash(
    start: str, end: str, tz: str | None, command: list[str]
) -> None:
    epoch = start.isdigit()
    good = ("1795168800", "1795172400") if epoch else ("2026-11-20 10:00:00", "2026-11-20 11:00:00")
    if epoch and len(start) > 12:
        good = (good[0] + "000", good[1] + "000")
    data = f"{HEADER3}\nc1,{good[0]},{good[1]}\nx,{start},{end}\n".encode()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cdr.csv"
        path.write_bytes(data)
        run = invoke_any([command[0], str(path), *command[1:], *(["--tz", tz] if tz else [])])
    check_process(run)
    assert run.exit_code == 0, run.where()
    if command[:3] == ["peak", "--format", "json"]:
        rows = run.doc()["rows"]
        assert rows["used"] == 1 and rows["invalid"] == 1, rows


EPOCH_EXTREMES = [
    ("0", frozenset({IMPLAUSIBLE})),
    ("-86400", frozenset({IMPLAUSIBLE})),
    ("253402300799", frozenset({IMPLAUSIBLE})),
    ("569000000000", RANGE),  # seconds in the year 20000
    ("99999999999999", RANGE),
]
EPOCH_MS_EXTREMES = [
    ("0", frozenset({IMPLAUSIBLE})),
    ("9999999999999999", RANGE),
    ("253402300799000", frozenset({IMPLAUSIBLE})),
]


@pytest.mark.parametrize("side", ["start", "end", "both"])
@pytest.mark.parametrize(
    ("value", "unit", "reasons"),
    [(v, "s", r) for v, r in EPOCH_EXTREMES] + [(v, "ms", r) for v, r in EPOCH_MS_EXTREMES],
)
def test_extreme_epoch_times_are_invalid(
    value: str, unit: str, reasons: frozenset[str], side: str
) -> None:
    k = 1000 if unit == "ms" else 1
    s1, e1, s2, e2 = (t * k for t in (1795168800, 1795172400, 1795170600, 1795172400))
    bad = bad_row(value, side, s1, e1)
    data = f"{HEADER3}\nc1,{s1},{e1}\n{bad}\nc2,{s2},{e2}\n".encode()
    check_one_bad_row(data, reasons, None)


def check_one_bad_row(data: bytes, reasons: frozenset[str], tz: str | None) -> None:
    """Two valid overlapping calls and one bad row between them."""
    tz_args = ["--tz", tz] if tz else []
    doc = ok_run(data, *tz_args)
    rows = doc["rows"]
    v = Violations()
    v.check(rows["read"] == 3, f"read {rows['read']}, expected 3: {rows}")
    v.check(rows["used"] == 2, f"used {rows['used']}, expected the 2 valid rows: {rows}")
    v.check(
        rows["invalid"] == 1 and reasons_feasible([reasons], rows["invalid_reasons"]),
        f"one invalid row, reason one of {sorted(reasons)}: {rows['invalid_reasons']}",
    )
    peak = doc["peak"]["value"]
    v.check(peak == 2, f"peak {peak}, expected 2")
    strict = run_peak(data, "--strict", *tz_args)
    check_process(strict)
    v.check(strict.exit_code == 3, f"--strict must fail: {strict.where()}")
    v.raise_if_any()


@pytest.mark.parametrize(
    "bad",
    [
        "c9,2026-11-20 10:05:00",  # a field missing
        "c9,2026-11-20 10:05:00,2026-11-20 10:06:00,extra",  # one too many
        "c9",
        "c9,2026-11-20 10:05:00,2026-11-20 10:06:00,x,y,z",
    ],
)
def test_ragged_rows_are_malformed(bad: str) -> None:
    data = (
        f"{HEADER3}\nc1,2026-11-20 10:00:00,2026-11-20 11:00:00\n{bad}\n"
        "c2,2026-11-20 10:30:00,2026-11-20 11:00:00\n"
    ).encode()
    check_one_bad_row(data, frozenset({MALFORMED}), None)


def test_unterminated_quote_reads_like_the_csv_module() -> None:
    data = (
        b"call_id,start_time,end_time,memo\n"
        b"c1,2026-11-20 10:00:00,2026-11-20 11:00:00,ok\n"
        b'c2,2026-11-20 10:10:00,2026-11-20 11:00:00,"never closed\n'
        b"c3,2026-11-20 10:20:00,2026-11-20 11:00:00,ok\n"
    )
    parsed = csv_read(data)
    assert parsed.read == 2  # c3 is inside c2's memo
    run = run_peak(data)
    check_process(run)
    assert run.exit_code == 0, run.where()
    doc = run.doc()
    check_accounting(doc["rows"])
    assert doc["rows"]["read"] == 2, doc["rows"]


@pytest.mark.parametrize("cycle", [["c1"], ["c2", "c1"], ["c2", "c3", "c1"]])
def test_parent_cycles_do_not_hang_or_crash(cycle: list[str]) -> None:
    ids = ["c1", "c2", "c3"]
    parents = dict.fromkeys(ids, "")
    members = ids[: len(cycle)]
    for child, parent in zip(members, cycle, strict=True):
        parents[child] = parent
    lines = [
        f"{cid},2026-11-20 10:0{i}:00,2026-11-20 11:00:00,{parents[cid]}"
        for i, cid in enumerate(ids)
    ]
    data = ("call_id,start_time,end_time,parent_call_id\n" + "\n".join(lines) + "\n").encode()
    doc = ok_run(data)
    rows = doc["rows"]
    assert rows["read"] == 3 and rows["invalid"] == 0, rows
    groups = len(set(cycle)) if len(cycle) > 1 else 1
    assert 3 - groups + 1 <= rows["used"] <= 3, rows
    assert 1 <= doc["peak"]["value"] <= rows["used"]


def test_huge_and_nul_fields_lose_no_row() -> None:
    huge = "x" * 150_000
    data = (
        "call_id,start_time,end_time,call_type,memo\n"
        f'c1,2026-11-20 10:00:00,2026-11-20 11:00:00,inbound,"{huge}"\n'
        "c2,2026-11-20 10:10:00,2026-11-20 11:00:00,in\x00bound,a\x00b\n"
        f"c3,2026-11-20 10:20:00,2026-11-20 11:00:00,outbound,{huge}\n"
    ).encode()
    assert csv_read(data).read == 3
    doc = ok_run(data)
    assert doc["rows"]["read"] == 3 and doc["rows"]["used"] == 3, doc["rows"]
    assert doc["peak"]["value"] == 3


# Minimal cases the search found, pinned.
@example(
    case=CsvCase(
        data=b"call_id,start_time,end_time,call_type,account_id\r\n"
        b"c0,2026-05-01 06:00:00,2026-05-01 07:00:00,inbound,acc-1\r\n\r\n",
        codec="utf-8",
        columns=Columns(width=5, call_id=0, start=1, end=2, call_type=3, account=4),
        times={
            "2026-05-01 06:00:00": TimeValue("ok", None),
            "2026-05-01 07:00:00": TimeValue("ok", None),
        },
        tz=None,
        time_format="iso_space",
        damage=frozenset({"blank_lines"}),
    )
)
@FUZZ
@given(case=csv_cases(damage=st.just(frozenset({"blank_lines", "line_endings"}))))
def test_blank_lines_and_line_ends(case: CsvCase) -> None:
    case = _fill_times(case)
    check_contract(case)


def _fill_times(case: CsvCase) -> CsvCase:
    """Hand-written examples give ``TimeValue("ok", None)``: parse the naive text."""
    from datetime import UTC, datetime

    times = {
        text: TimeValue("ok", datetime.fromisoformat(text).replace(tzinfo=UTC))
        if tv.kind == "ok" and tv.at is None
        else tv
        for text, tv in case.times.items()
    }
    case.times = times
    return case


def test_oracle_counts_like_the_csv_module() -> None:
    # The oracle itself, on the brief's first reproducer and odd line ends.
    data = b"h1,h2\na,b\rc,d\r\ne,f\n\n\r\r\n"
    parsed = csv_read(data)
    assert parsed.header == ["h1", "h2"]
    assert parsed.rows == [["a", "b"], ["c", "d"], ["e", "f"]]
    assert parsed.blank_lines == 3
    assert list(csv.reader(io.StringIO('x,5" screen', newline=""))) == [["x", '5" screen']]
    from datetime import UTC, datetime

    t = [datetime(2026, 1, 1, h, tzinfo=UTC) for h in range(5)]
    assert brute_peak([[(t[0], t[2])], [(t[1], t[3])], [(t[2], t[4])]]) == 2
    assert brute_peak([[(t[0], t[1]), (t[2], t[3])], [(t[1], t[2])]]) == 1
    assert brute_peak([[(t[1], t[1])]]) == 0
    assert reasons_feasible([frozenset({"a", "b"}), frozenset({"a"})], {"a": 1, "b": 1})
    assert not reasons_feasible([frozenset({"a"}), frozenset({"a"})], {"a": 1, "b": 1})
