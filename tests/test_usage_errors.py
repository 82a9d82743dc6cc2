"""Usage errors (issue 13, section 4): for every command, `ccc: error: ...` and one hint
line on stderr, exit 2, nothing on stdout, never Click's usage block or Rich's box."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccc_cli.cli.app import app
from ccc_cli.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "sample_data")
COMMANDS = ("analyze", "at", "breaches", "check", "generate", "inspect", "peak", "series", "size")
# What each command needs besides the usage error under test.
NEEDS = {
    "at": ["--time", "2026-11-18 10:00"],
    "breaches": ["--limit", "5"],
    "check": ["--limit", "5"],
}


def args(command: str, *extra: str) -> list[str]:
    if command == "generate":
        return [command, "-o", "/tmp/never-written.csv", *extra]
    return [command, SAMPLE, *NEEDS.get(command, []), *extra]


def assert_usage_error(argv: list[str], message: str) -> None:
    r = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"}).invoke(app, argv)
    assert r.exit_code == ExitCode.USAGE, r.output
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 2, r.stderr
    assert lines[0].startswith(f"ccc: error: {message}"), lines[0]
    assert lines[1].startswith("hint: "), lines[1]
    for noise in ("Usage:", "Try '", "╭", "│", "Error:", "Traceback"):
        assert noise not in r.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_option(command: str) -> None:
    assert_usage_error(args(command, "--bogus"), "no such option: --bogus")


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_format(command: str) -> None:
    assert_usage_error(args(command, "--format", "xml"), "invalid value for '--format'")


@pytest.mark.parametrize("command", ["analyze", "at", "breaches", "check", "series"])
def test_limit_zero(command: str) -> None:
    argv = [a for a in args(command) if a != "5"]
    if "--limit" in argv:
        argv.remove("--limit")
    assert_usage_error([*argv, "--limit", "0"], "invalid value for '--limit'")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["size", SAMPLE, "--current", "0"], "invalid value for '--current'"),
        (["generate", "-o", "/tmp/x.csv", "--rows", "0"], "invalid value for '--rows'"),
        (["peak"], "missing argument 'PATH'"),
        (["at", SAMPLE], "missing option '--time'"),
        (["generate"], "missing option '--output'"),
        (["nosuch"], "no such command 'nosuch'"),
        (["--bogus"], "no such option: --bogus"),
        (["check", SAMPLE], "a limit is needed"),
        (["series", SAMPLE, "--every", "7m"], "bad --every"),
    ],
)
def test_other_usage_errors(argv: list[str], message: str) -> None:
    assert_usage_error(argv, message)


def test_the_hint_names_the_command() -> None:
    r = CliRunner().invoke(app, ["breaches", SAMPLE, "--limit", "0"])
    assert r.stderr.splitlines()[1] == "hint: see 'ccc breaches --help'"
