"""What a command writes to stdout for machines, the files it writes (confirmed on
stderr), and stdout's end when the reader of a pipe has gone (``ccc series ... | head
-1``)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccc_cli.errors import UsageError

if TYPE_CHECKING:
    import polars as pl


def print_json(document: dict[str, Any]) -> None:
    """Exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def silence_stdout() -> None:
    """Point stdout's file descriptor at /dev/null.

    After a broken pipe, the text still buffered in ``sys.stdout`` is flushed at exit;
    into the broken pipe that raises a second error (and makes Python exit 120).
    Into /dev/null it goes nowhere, quietly.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = sys.stdout.fileno()  # CliRunner's stdout has none: nothing to protect
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def flush_stdout() -> bool:
    """Flush stdout before the interpreter does; ``False`` (and stdout silenced) if the
    reader has gone."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return False
    except (OSError, ValueError, AttributeError):
        return True  # closed or absent stdout: nothing to flush, nobody to tell
    return True


def claim_stdout(format: str, outputs: Mapping[str, Path | None]) -> bool:
    """Whether a file option writes to standard output (``-o -``); then nothing else may
    (the command prints no table). Checked before any work.

    Raises
    ------
    UsageError
        Two options name ``-``, or one does and ``--format`` is ``json`` or ``csv``
        (which print to stdout too).
    """
    from ccc_cli.report.files import is_stdout

    taken = [option for option, path in outputs.items() if is_stdout(path)]
    if len(taken) > 1:
        raise UsageError(
            f"{' and '.join(taken)} cannot both write to stdout ('-')",
            hint="write all but one of them to a file",
        )
    if taken and format != "table":
        raise UsageError(
            f"{taken[0]} - and --format {format} both write to stdout",
            hint=f"write {taken[0]} to a file, or leave --format out",
        )
    return bool(taken)


def size_text(size: int) -> str:
    """``512 B``, ``12.3 KiB``, ``4.0 MiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Outputs:
    """How a command writes its files: ``--raw-csv``, and ``--quiet`` (no confirmation
    line). Every file written is confirmed in one stderr line: path, rows, size."""

    raw_csv: bool = False
    quiet: bool = False

    def table(
        self,
        frame: pl.DataFrame,
        path: Path,
        *,
        tz: str | None = None,
        document: dict[str, Any] | None = None,
    ) -> None:
        """Write ``frame`` to ``path`` (``-``: CSV on stdout) and confirm it."""
        from ccc_cli.report.files import is_stdout, write_table

        size = write_table(frame, path, tz=tz, raw_csv=self.raw_csv, document=document)
        if not is_stdout(path):
            self.confirm(path, size, rows=frame.height)

    def csv(self, frame: pl.DataFrame, *, tz: str | None = None) -> None:
        """``--format csv``: the command's table as CSV on stdout."""
        from ccc_cli.report.files import STDOUT, write_table

        write_table(frame, Path(STDOUT), tz=tz, raw_csv=self.raw_csv)

    def confirm(self, path: Path, size: int | None = None, *, rows: int | None = None) -> None:
        """``wrote series.csv: 1,441 rows, 118.2 KiB`` on stderr."""
        from ccc_cli.cli.funnel import eprint, one_line

        if self.quiet:
            return
        if size is None:
            with contextlib.suppress(OSError):
                size = path.stat().st_size
        parts = ([] if rows is None else [f"{rows:,} row" + ("" if rows == 1 else "s")]) + (
            [] if size is None else [size_text(size)]
        )
        eprint(one_line(f"wrote {path}" + (f": {', '.join(parts)}" if parts else "")))
