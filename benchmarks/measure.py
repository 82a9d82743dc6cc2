"""Whole-process timing: wall time and peak resident memory of one child process."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class RunFailed(RuntimeError):
    """A timed process exited with an unexpected code or ran out of time."""


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """One finished child: wall seconds, peak RSS in MiB, exit code and its output."""

    seconds: float
    rss_mb: float
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True, slots=True)
class Measurement:
    """The timed runs of one command (warm-up runs excluded)."""

    runs: list[ProcessRun] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss_mb(self) -> float:
        """The highest peak RSS of the timed runs."""
        return max(r.rss_mb for r in self.runs)

    @property
    def last(self) -> ProcessRun:
        return self.runs[-1]


def run_process(
    argv: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> ProcessRun:
    """Run ``argv`` as a fresh process; time it from spawn to exit.

    The peak RSS comes from ``wait4`` on this very child (``ru_maxrss``, KiB on Linux),
    not from ``getrusage(RUSAGE_CHILDREN)``, which is a maximum over every child this
    process ever waited for. Output goes to temporary files, so no pipe can fill up and
    stall the child, and reading it costs the child nothing.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=dict(env or os.environ))
        deadline = start + timeout
        status, rusage = _wait(proc, deadline, " ".join(argv))
        seconds = time.perf_counter() - start
        # Popen did not reap the child itself: tell it, or it would try again.
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = ProcessRun(
            seconds=seconds,
            rss_mb=rusage.ru_maxrss / 1024.0,
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
    if run.returncode not in ok_codes:
        tail = run.stderr.strip().splitlines()[-5:]
        raise RunFailed(f"{' '.join(argv)} exited with {run.returncode}:\n  " + "\n  ".join(tail))
    return run


def _wait(
    proc: subprocess.Popen[bytes], deadline: float, label: str
) -> tuple[int, resource.struct_rusage]:
    """Block in ``wait4`` on the child (exact timing, no polling); a timer kills a child
    still running at ``deadline``."""
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(max(0.0, deadline - time.perf_counter()), kill)
    timer.daemon = True
    timer.start()
    try:
        _, status, rusage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    if timed_out.is_set():
        proc.returncode = os.waitstatus_to_exitcode(status)
        raise RunFailed(f"{label}: timed out")
    return status, rusage


def measure(
    argv: Sequence[str],
    *,
    repeat: int,
    warmup: int,
    timeout: float,
    env: Mapping[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0,),
    progress: str = "",
) -> Measurement:
    """``warmup`` untimed runs (they also bring the input into the page cache), then
    ``repeat`` timed runs, each a fresh process."""
    for _ in range(warmup):
        run_process(argv, timeout=timeout, env=env, ok_codes=ok_codes)
    runs = []
    for k in range(repeat):
        run = run_process(argv, timeout=timeout, env=env, ok_codes=ok_codes)
        runs.append(run)
        if progress:
            print(
                f"  {progress}: run {k + 1}/{repeat} {run.seconds:.3f} s, {run.rss_mb:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
    return Measurement(runs)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
