"""Running ``ccc`` in-process on a file and checking what every run must satisfy."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import settings
from hypothesis.errors import InvalidArgument
from typer.testing import CliRunner

from ccc_cli.cli.app import app

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
ALLOWED_EXITS = (0, 3)
# Lines ccc may write to stderr: one error line (exit 3), its hint, notes.
STDERR_PREFIXES = ("ccc: error: ", "hint: ", "note: ")


def fuzz_settings() -> settings:
    """The budget of the fuzz tests (profiles registered in ``tests/conftest.py``; outside
    pytest, Hypothesis's defaults)."""
    try:
        return settings.get_profile(os.environ.get("CCC_FUZZ_PROFILE", "fuzz-ci"))
    except InvalidArgument:
        return settings(deadline=None, database=None)


@dataclass
class Run:
    args: list[str]
    exit_code: int
    stdout: str
    stderr: str
    traceback: str | None

    def doc(self) -> dict[str, Any]:
        loaded = json.loads(self.stdout)
        assert isinstance(loaded, dict)
        return loaded

    def where(self) -> str:
        return f"ccc {' '.join(self.args)} -> exit {self.exit_code}\nstderr: {self.stderr[:2000]}"


def invoke(args: list[str]) -> Run:
    r = CliRunner(env=ENV).invoke(app, args)
    tb = None
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        assert r.exc_info is not None
        tb = "".join(traceback.format_exception(*r.exc_info))
    return Run(args, r.exit_code, r.stdout, r.stderr, tb)


# Commands whose work grows with the time span (one bucket per hour or day from the
# first call to the last): one row dated 9999 makes them allocate gigabytes. They run in
# a child process with a memory cap, so a blow-up fails the test instead of the machine.
SPAN_COMMANDS = frozenset({"series", "analyze", "size"})
# RLIMIT_AS caps address space, not memory used: Polars and its thread pools reserve
# far more than they touch (a one-call file fails under 1.5 GiB). 4 GiB still stops a
# blow-up long before it hurts the machine.
CHILD_MEMORY = 4 << 30
CHILD_TIMEOUT = 60.0


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def invoke_isolated(args: list[str]) -> Run:
    """``python -m ccc_cli ARGS`` in a child process (memory cap, time limit, one thread)."""
    env = {**os.environ, **ENV, "POLARS_MAX_THREADS": "1"}
    try:
        r = subprocess.run(
            [sys.executable, "-m", "ccc_cli", *args],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=CHILD_TIMEOUT,
            preexec_fn=_cap_memory,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Run(args, -1, "", f"(killed after {CHILD_TIMEOUT:.0f} s)", None)
    return Run(args, r.returncode, r.stdout, r.stderr, None)


def invoke_any(args: list[str]) -> Run:
    """In-process, or isolated for the commands that can blow up (``SPAN_COMMANDS``)."""
    return invoke_isolated(args) if args[0] in SPAN_COMMANDS else invoke(args)


def check_process(run: Run) -> None:
    """No traceback; exit 0 or 3; stderr made of one-line ``ccc: error:`` (exit 3 only),
    ``hint:`` and ``note:`` lines."""
    assert run.traceback is None, f"traceback: {run.where()}\n{run.traceback}"
    assert "Traceback (most recent call last)" not in run.stdout + run.stderr, run.where()
    assert run.exit_code in ALLOWED_EXITS, f"exit code {run.exit_code}: {run.where()}"
    lines = [line for line in run.stderr.split("\n") if line]
    for line in lines:
        assert "\r" not in line and line.startswith(STDERR_PREFIXES), (
            f"stderr line not a one-line error/hint/note: {line[:300]!r}\n{run.where()}"
        )
    errors = [line for line in lines if line.startswith("ccc: error: ")]
    if run.exit_code == 3:
        assert len(errors) == 1, f"exit 3 needs one error line: {run.where()}"
    else:
        assert not errors, f"error line with exit 0: {run.where()}"


class Violations:
    """Checks made one after the other, reported together (one example can break several
    promises; the first failure should not hide the others)."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, ok: bool, message: str) -> bool:
        if not ok:
            self.found.append(message)
        return ok

    def run(self, check: Callable[..., None], *args: Any) -> None:
        try:
            check(*args)
        except AssertionError as exc:
            self.found.append(str(exc).split("\nassert ")[0])

    def raise_if_any(self) -> None:
        assert not self.found, f"{len(self.found)} violation(s):\n- " + "\n- ".join(self.found)


def check_accounting(rows: dict[str, Any]) -> None:
    """``read`` is the sum of the buckets; ``invalid`` the sum of its reasons."""
    buckets = ("used", "duplicates", "merged_legs", "plan_limit_rejected", "invalid")
    assert rows["read"] == sum(rows[b] for b in buckets), f"accounting identity: {rows}"
    assert rows["invalid"] == sum(rows["invalid_reasons"].values()), f"reasons: {rows}"
    assert all(rows[b] >= 0 for b in buckets), rows
