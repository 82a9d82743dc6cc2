"""The error funnel end to end: every exit code, bad option values and unwritable
outputs caught before any work, write failures, signals, broken pipes, and messages
that stay one line whatever they quote.

In-process through ``CliRunner`` where possible; signals and pipes need a real process
(``python -m ccc_cli``), whose entry point installs the SIGTERM handler and guards the
final flush of stdout.
"""

from __future__ import annotations

import errno
import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from ccc_cli.cli.app import app
from ccc_cli.cli.funnel import MAX_MESSAGE, one_line
from ccc_cli.errors import ExitCode, InputError, OutputError, UsageError
from ccc_cli.options import LoadOptions, validate_tz
from ccc_cli.report.atomic import atomic_path, write_failure

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}

# Seven calls; the peak is 7 at 10:32:05 (see tests/test_cli.py for the worked example).
EXAMPLE = """call_id,start_time,end_time,call_type,account_id,status
a,2026-11-20 10:30:00,2026-11-20 10:35:00,inbound,acc-1,completed
b,2026-11-20 10:31:00,2026-11-20 10:35:00,inbound,acc-1,completed
c,2026-11-20 10:32:05,2026-11-20 10:35:00,outbound,acc-2,completed
d,2026-11-20 10:32:05,2026-11-20 10:33:00,internal,acc-2,completed
e,2026-11-20 10:32:00,2026-11-20 10:34:00,otp,acc-1,completed
f,2026-11-20 10:32:00,2026-11-20 10:34:00,otp,acc-1,completed
g,2026-11-20 10:32:00,2026-11-20 10:34:00,otp,acc-2,completed
h,2026-11-20 10:32:06,,otp,acc-2,REACH_PLAN_LIMIT
i,garbage,2026-11-20 10:34:00,otp,acc-2,completed
"""

LOADING_COMMANDS = ["analyze", "peak", "series", "breaches", "check", "size", "inspect", "at"]
# What each loading command needs besides its inputs to get as far as loading them.
REQUIRED = {
    "breaches": ["--limit", "2"],
    "check": ["--limit", "2"],
    "at": ["--time", "2026-11-20 10:32:05"],
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE)
    return path


@pytest.fixture
def no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test (loudly, as an internal error) if a command starts reading input."""

    def loaded(*args: object, **kwargs: object) -> None:
        raise AssertionError("the input was read before the option was checked")

    monkeypatch.setattr("ccc_cli.api.load_calls", loaded)


def error_lines(stderr: str) -> list[str]:
    """stderr as lines, asserting the funnel's shape: one error line, then a hint."""
    lines = stderr.splitlines()
    assert len(lines) == 2, stderr
    assert lines[0].startswith("ccc: error: "), stderr
    assert lines[1].startswith("hint: "), stderr
    return lines


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".tmp" in p.name)


# --- 0 and 1 ----------------------------------------------------------------------------
def test_exit_0_success(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["peak", str(example), "-q"])
    assert r.exit_code == ExitCode.OK, r.output
    assert r.stderr == ""


def test_exit_1_check_failed(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["check", str(example), "--limit", "2", "-q"])
    assert r.exit_code == ExitCode.CHECK_FAILED, r.output
    assert r.stdout.startswith("ccc check: FAIL: ")
    assert r.stderr == ""


# --- 2: bad option values, before any work ----------------------------------------------
@pytest.mark.parametrize(
    ("tz", "message", "hint"),
    [
        # zoneinfo reads /usr/share/zoneinfo/localtime; Polars does not know the name.
        ("localtime", "unknown time zone 'localtime'", "IANA name"),
        # zoneinfo raised IsADirectoryError on the region's folder.
        ("Asia", "unknown time zone 'Asia'", "Asia is a region: name a zone in it, e.g. Asia/"),
        # ENAMETOOLONG from the file system; the message does not quote it all.
        ("A" * 5000, "... (5,000 characters)", "IANA name"),
        # Was silently UTC.
        ("", "empty --tz value", "leave --tz out"),
        ("   ", "empty time zone", "leave --tz out for UTC"),
        ("europe/paris", "unknown time zone 'europe/paris'", "did you mean Europe/Paris?"),
        ("../etc/passwd", "unknown time zone '../etc/passwd'", "IANA name"),
        ("posixrules", "unknown time zone 'posixrules'", "IANA name"),
    ],
)
def test_exit_2_bad_time_zone_before_reading(
    runner: CliRunner, tmp_path: Path, no_loading: None, tz: str, message: str, hint: str
) -> None:
    # A missing input file would exit 3 if it were looked at: the zone is checked first.
    r = runner.invoke(app, ["peak", str(tmp_path / "missing.csv"), "--tz", tz])
    assert r.exit_code == ExitCode.USAGE, r.output
    error, hint_line = error_lines(r.stderr)
    assert message in error
    assert hint in hint_line
    assert len(error) < 120


@pytest.mark.parametrize("command", LOADING_COMMANDS)
def test_exit_2_bad_time_zone_in_every_command(
    runner: CliRunner, example: Path, no_loading: None, command: str
) -> None:
    r = runner.invoke(app, [command, str(example), *REQUIRED.get(command, []), "--tz", "Asia"])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert error_lines(r.stderr)[0] == "ccc: error: unknown time zone 'Asia'"


def test_validate_tz_accepts_what_polars_accepts() -> None:
    for name in ("UTC", "Europe/Paris", "Asia/Ho_Chi_Minh", "America/Argentina/Buenos_Aires"):
        assert validate_tz(name) == name
    for name in ("localtime", "Asia", "", "A" * 5000, "a\x00b", "/etc/localtime", "Factory"):
        with pytest.raises(UsageError):
            validate_tz(name)
    with pytest.raises(UsageError, match="empty time zone"):
        LoadOptions(tz="")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--separator", ""], "empty --separator value"),
        (["--preset", ""], "empty --preset value"),
        (["--start-col", ""], "empty --start-col value"),
        (["--max-duration", "99999999999999999999999d"], "longer than 100 years"),
        (["--every", "1e9s"], "bad --every"),
        (["--from", "0001-01-01"], "bad --from '0001-01-01': out of range"),
    ],
)
def test_exit_2_bad_option_values_before_reading(
    runner: CliRunner, tmp_path: Path, no_loading: None, args: list[str], message: str
) -> None:
    r = runner.invoke(app, ["series", str(tmp_path / "missing.csv"), *args])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert message in error_lines(r.stderr)[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # Was an OverflowError (exit 70) after loading.
        (["at", "--time", "0001-01-01", "--window", "1s"], "bad --time '0001-01-01': out of range"),
        (["size", "--headroom", "inf"], "bad --headroom inf"),
    ],
)
def test_exit_2_option_values_that_overflowed(
    runner: CliRunner, example: Path, no_loading: None, args: list[str], message: str
) -> None:
    r = runner.invoke(app, [args[0], str(example), *args[1:]])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert message in error_lines(r.stderr)[0]


@pytest.mark.parametrize(
    "args",
    [
        ["--start", "0001-01-01"],  # was OverflowError, exit 70
        ["--days", "100000000"],  # was MemoryError, exit 70
        ["--accounts", "99999999999"],  # was MemoryError, exit 70
    ],
)
def test_exit_2_generate_option_ranges(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "g.csv"
    r = runner.invoke(app, ["generate", "-o", str(out), "--rows", "10", *args])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    [
        (["peak", "{example}", "--colour"], "no such option: --colour", "ccc peak --help"),
        (
            ["check", "{example}", "--limit", "0"],
            "invalid value for '--limit': ",  # the rest is Typer's wording
            "ccc check --help",
        ),
        (["peak"], "missing argument 'PATH'", "ccc peak --help"),
        (["at", "{example}"], "missing option '--time' / '-t'", "ccc at --help"),
        (["nosuch"], "no such command 'nosuch'", "ccc --help"),
        (["--bogus"], "no such option: --bogus", "ccc --help"),
    ],
)
def test_exit_2_typer_usage_errors_are_one_line(
    runner: CliRunner, example: Path, args: list[str], error: str, hint: str
) -> None:
    r = runner.invoke(app, [a.format(example=example) for a in args])
    assert r.exit_code == ExitCode.USAGE, r.output
    error_line, hint_line = error_lines(r.stderr)
    assert error_line.startswith(f"ccc: error: {error}")
    assert hint_line == f"hint: see '{hint}'"


# --- 3: outputs that cannot be written, checked before any work ---------------------
# (command, arguments before the output path, the output option, a good file name)
OUTPUTS = [
    *[(c, REQUIRED.get(c, []), "--rejects", "rejects.csv") for c in LOADING_COMMANDS],
    ("series", [], "--output", "series.csv"),
    ("series", [], "--plot", "series.png"),
    ("analyze", [], "--plot", "chart.svg"),
    ("size", [], "--curve-out", "curve.parquet"),
    ("size", [], "--plot", "curve.png"),
    ("breaches", ["--limit", "2"], "--rejected-out", "rejected.json"),
    ("generate", [], "--output", "calls.csv"),
]


def _invoke_output(
    runner: CliRunner, example: Path, command: str, extra: list[str], option: str, path: Path
) -> Result:
    inputs = [] if command == "generate" else [str(example)]
    return runner.invoke(app, [command, *inputs, *extra, option, str(path)])


@pytest.mark.parametrize(("command", "extra", "option", "name"), OUTPUTS)
def test_exit_3_output_directory_missing(
    runner: CliRunner,
    example: Path,
    tmp_path: Path,
    no_loading: None,
    command: str,
    extra: list[str],
    option: str,
    name: str,
) -> None:
    path = tmp_path / "nowhere" / name
    r = _invoke_output(runner, example, command, extra, option, path)
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = error_lines(r.stderr)
    assert error == f"ccc: error: {option} {path}: directory {path.parent} does not exist"
    assert hint == "hint: create the directory first, or choose another path"


@pytest.mark.parametrize(("command", "extra", "option", "name"), OUTPUTS)
def test_exit_3_output_is_a_directory(
    runner: CliRunner,
    example: Path,
    tmp_path: Path,
    no_loading: None,
    command: str,
    extra: list[str],
    option: str,
    name: str,
) -> None:
    path = tmp_path / "results"
    path.mkdir()
    r = _invoke_output(runner, example, command, extra, option, path)
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, _ = error_lines(r.stderr)
    assert error == f"ccc: error: {option} {path}: is a directory"


@pytest.mark.parametrize(("command", "extra", "option", "name"), OUTPUTS)
def test_exit_3_output_directory_read_only(
    runner: CliRunner,
    example: Path,
    tmp_path: Path,
    no_loading: None,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    extra: list[str],
    option: str,
    name: str,
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    # root may write anywhere: ask os.access the question a normal user's run would.
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if Path(str(path)) == locked and mode & os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    path = locked / name
    r = _invoke_output(runner, example, command, extra, option, path)
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = error_lines(r.stderr)
    assert error == f"ccc: error: {option} {path}: directory {locked} is not writable"
    assert hint == "hint: choose a directory you can write to"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_exit_3_read_only_directory_for_real(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        r = runner.invoke(app, ["series", str(example), "-o", str(locked / "s.csv")])
    finally:
        locked.chmod(0o755)
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    assert "is not writable" in error_lines(r.stderr)[0]


def test_exit_3_output_parent_is_a_file(runner: CliRunner, example: Path, tmp_path: Path) -> None:
    path = example / "series.csv"
    r = runner.invoke(app, ["series", str(example), "-o", str(path)])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    assert error_lines(r.stderr)[0] == f"ccc: error: --output {path}: {example} is not a directory"


def _enospc_csv(self: pl.DataFrame, file: object = None, **kwargs: object) -> None:
    # Half a file, then the disk is full.
    if isinstance(file, str | Path):
        Path(file).write_text("call_id,start\n")
    raise OSError(errno.ENOSPC, "No space left on device")


def _enospc_parquet(self: pl.DataFrame, file: object, **kwargs: object) -> None:
    # What Polars raises when the disk fills while it writes a Parquet file.
    raise pl.exceptions.ComputeError(
        "parquet: File out of specification: underlying IO error: "
        "No space left on device (os error 28)"
    )


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["series", "{example}", "-o", "{out}"], "series.csv"),
        (["series", "{example}", "-o", "{out}"], "series.parquet"),
        (["size", "{example}", "--curve-out", "{out}"], "curve.csv"),
        (["peak", "{example}", "--rejects", "{out}"], "rejects.parquet"),
        (["generate", "--rows", "1000", "-o", "{out}"], "calls.csv"),
    ],
)
def test_exit_3_disk_full_while_writing(
    runner: CliRunner,
    example: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    name: str,
) -> None:
    monkeypatch.setattr(pl.DataFrame, "write_csv", _enospc_csv)
    monkeypatch.setattr(pl.DataFrame, "write_parquet", _enospc_parquet)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / name
    out.write_text("the previous run's file\n")
    argv = [a.format(example=example, out=out) for a in args]
    r = runner.invoke(app, argv)
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = error_lines(r.stderr)
    assert error == f"ccc: error: cannot write {out}: no space left on device"
    assert hint == "hint: free some space on the device, or write the file elsewhere"
    assert temp_files(outdir) == []
    assert out.read_text() == "the previous run's file\n"


def test_exit_3_permission_denied_at_rename(
    runner: CliRunner, example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: Path, target: object) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    monkeypatch.setattr(Path, "replace", denied)
    out = tmp_path / "series.json"
    r = runner.invoke(app, ["series", str(example), "-o", str(out)])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = error_lines(r.stderr)
    assert error == f"ccc: error: cannot write {out}: permission denied"
    assert hint == "hint: choose a directory you can write to"
    assert temp_files(tmp_path) == []
    assert not out.exists()


def test_atomic_path_removes_the_temporary_file_on_every_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    for exc in (
        OSError(errno.ENOSPC, "No space left on device"),
        RuntimeError("a bug"),
        KeyboardInterrupt(),
    ):
        with (
            pytest.raises((OutputError, RuntimeError, KeyboardInterrupt)) as caught,
            atomic_path(target) as tmp,
        ):
            tmp.write_text("partial")
            raise exc
        assert temp_files(tmp_path) == []
        assert not target.exists()
        # Only the operating system's errors become an OutputError.
        assert isinstance(caught.value, OutputError) == isinstance(exc, OSError)
    with (
        pytest.raises(OutputError, match="no such file or directory"),
        atomic_path(tmp_path / "missing" / "out.csv"),
    ):
        pass


def test_write_failure_reads_the_errno_of_library_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    failure = write_failure(pl.exceptions.ComputeError("IO error (os error 28)"), path)
    assert failure is not None
    assert failure.message == f"cannot write {path}: no space left on device"
    arrow = OSError("[Errno 13] Error writing bytes to file. Detail: [errno 13] denied")
    assert write_failure(arrow, path) is not None
    assert write_failure(ValueError("not an OS error"), path) is None
    assert write_failure(KeyboardInterrupt(), path) is None


# --- 70: nothing escapes the funnel, and every message is one line -------------------
def test_exit_70_rust_panic_is_an_internal_error(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def panic(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.PanicException("index out of bounds\nnote: run with RUST_BACKTRACE")

    assert not issubclass(pl.exceptions.PanicException, Exception)
    monkeypatch.setattr("ccc_cli.engine.sweep.compute_peaks", panic)
    r = runner.invoke(app, ["peak", str(example), "-q"])
    assert r.exit_code == ExitCode.INTERNAL, r.output
    assert r.stderr == (
        "ccc: internal error: PanicException: index out of bounds\\nnote: run with "
        "RUST_BACKTRACE (rerun with --debug for the traceback)\n"
    )
    r = runner.invoke(app, ["peak", str(example), "-q", "--debug"])
    assert r.exit_code == ExitCode.INTERNAL
    assert "Traceback" in r.stderr


def test_exit_70_any_base_exception(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Odd(BaseException):
        pass

    def odd(*args: object, **kwargs: object) -> None:
        raise Odd("strange")

    monkeypatch.setattr("ccc_cli.engine.sweep.compute_peaks", odd)
    r = runner.invoke(app, ["peak", str(example), "-q"])
    assert r.exit_code == ExitCode.INTERNAL, r.output
    assert r.stderr.startswith("ccc: internal error: Odd: strange")
    assert len(r.stderr.splitlines()) == 1


def test_messages_with_newlines_and_bytes_stay_one_line(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file name with a newline, raw bytes decoded with surrogateescape, a terminal
    # escape, and far too much of it.
    garbage = b"PAR1\x15\x00\xff\xfe\r\n\x1b[2J".decode("utf-8", "surrogateescape")

    def bad(*args: object, **kwargs: object) -> None:
        raise InputError(f"data\nfile.csv: columns: {garbage}" + "x" * 2000, hint="a\nb")

    monkeypatch.setattr("ccc_cli.engine.sweep.compute_peaks", bad)
    r = runner.invoke(app, ["peak", str(example), "-q"])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = error_lines(r.stderr)
    assert error.startswith(
        "ccc: error: data\\nfile.csv: columns: PAR1\\x15\\x00\\xff\\xfe\\r\\n\\x1b[2Jxxx"
    )
    assert error.endswith("...")
    assert len(error) <= len("ccc: error: ") + MAX_MESSAGE + 3
    assert hint == "hint: a\\nb"
    assert "\x1b" not in r.stderr


def test_a_compressed_parquet_file_gives_one_line(runner: CliRunner, tmp_path: Path) -> None:
    # A .parquet.gz is read as text: its error once quoted binary over several lines.
    raw = tmp_path / "calls.parquet"
    pl.DataFrame(
        {"call_id": ["a"] * 50, "start": [f"2026-01-01 {i:02}" for i in range(50)]}
    ).write_parquet(raw)
    packed = tmp_path / "calls.parquet.gz"
    packed.write_bytes(gzip.compress(raw.read_bytes()))
    r = runner.invoke(app, ["peak", str(packed), "-q"])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    for line in r.stderr.splitlines():
        assert len(line) <= len("ccc: error: ") + MAX_MESSAGE + 3
        assert line.isprintable()
    assert len(r.stderr.splitlines()) <= 2
    assert r.stderr.startswith("ccc: error: ")


def test_one_line() -> None:
    assert one_line("plain café, tiếng Việt") == "plain café, tiếng Việt"
    assert one_line("a\r\nb\tc\x00\x7f") == "a\\r\\nb\\tc\\x00\\x7f"
    assert one_line("\udcff\u202e\u2028") == "\\xff\\u202e\\u2028"
    assert one_line("x" * 1000) == "x" * MAX_MESSAGE + "..."
    # An escape is never cut in half.
    assert one_line("x" * (MAX_MESSAGE - 2) + "\n") == "x" * (MAX_MESSAGE - 2) + "\\n"
    assert one_line("x" * (MAX_MESSAGE - 1) + "\n") == "x" * (MAX_MESSAGE - 1) + "..."


# --- 130, 143 and broken pipes: a real process --------------------------------------
def _ccc(*args: str, cwd: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, **ENV}
    return subprocess.Popen(
        [sys.executable, "-m", "ccc_cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def _wait_for_temp_file(proc: subprocess.Popen[bytes], directory: Path) -> None:
    """Wait until ``proc`` is writing its output (its temporary file exists)."""
    deadline = time.monotonic() + 60
    while not temp_files(directory):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no temporary file appeared"
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGTERM, ExitCode.TERMINATED, "ccc: terminated"),
        (signal.SIGINT, ExitCode.INTERRUPTED, "ccc: interrupted"),
    ],
)
@pytest.mark.parametrize("name", ["big.csv", "big.parquet"])
def test_exit_143_and_130_signal_while_writing_leaves_no_temp_file(
    tmp_path: Path, signum: int, code: int, line: str, name: str
) -> None:
    proc = _ccc("generate", "-o", name, "--rows", "5000000", cwd=tmp_path)
    _wait_for_temp_file(proc, tmp_path)
    time.sleep(0.2)  # well inside the writing
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.decode() == line + "\n"
    assert out == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _write_example(tmp_path: Path) -> Path:
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["series", "{example}", "--every", "1s"],  # a Rich table
        ["series", "{example}", "--every", "1s", "--format", "json"],  # print_json
        ["peak", "{example}"],
        ["--help"],  # Typer's own output
    ],
)
def test_exit_0_reader_of_the_pipe_gone_before_any_output(tmp_path: Path, args: list[str]) -> None:
    example = _write_example(tmp_path)
    proc = _ccc(*[a.format(example=example) for a in args], cwd=tmp_path)
    assert proc.stdout is not None
    proc.stdout.close()  # `| true`: the reader exits before ccc writes a byte
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == ExitCode.OK, err
    assert err == b""


def test_exit_0_reader_of_the_pipe_gone_after_one_line(tmp_path: Path) -> None:
    # `ccc series ... --format json | head -1`: far more JSON than the pipe holds, so
    # ccc is blocked writing when the reader goes, with more of it buffered.
    example = _write_example(tmp_path)
    proc = _ccc("series", str(example), "--every", "1s", "--format", "json", cwd=tmp_path)
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"{\n"
    proc.stdout.close()
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == ExitCode.OK, err
    assert err == b""


def test_broken_pipe_in_process_is_quiet(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr("ccc_cli.cli.peak.print_json", gone)
    r = runner.invoke(app, ["peak", str(example), "-q", "--format", "json"])
    assert r.exit_code == ExitCode.OK, r.output
    assert r.stderr == ""


def test_every_exit_code_is_tested() -> None:
    tested = {
        name.split("_")[2]
        for name in globals()
        if name.startswith("test_exit_") and name.split("_")[2].isdigit()
    }
    tested |= {"130"}  # with 143, in test_exit_143_and_130_...
    assert {str(int(code)) for code in ExitCode} <= tested
