"""The loading progress bar on stderr (a terminal only): one bar over all input bytes.

Imported only when a bar is shown: it pulls in Rich and the normaliser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ccc_cli.normalize.build import ProgressSink
from ccc_cli.report.common import stderr_console


class RichProgress(ProgressSink):
    """A :class:`ProgressSink` advancing one Rich task by the bytes of the files read."""

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress = progress
        self._task = progress.add_task("reading", total=total or None)
        self._before = 0  # bytes of the files already read
        self._size = 0

    def file_started(self, label: str, size: int) -> None:
        self._size = size
        self._progress.update(self._task, description=f"reading {Path(label).name}")

    def rows_read(self, label: str, rows: int, estimate: int) -> None:
        # Within a file, rows read over the estimated row count; never claim it is done.
        share = min(rows / estimate, 0.99)
        self._progress.update(
            self._task,
            completed=self._before + int(self._size * share),
            description=f"reading {Path(label).name}: {rows:,} rows",
        )

    def file_done(self, label: str, size: int, rows: int) -> None:
        self._before += size
        self._progress.update(self._task, completed=self._before)

    def stage(self, text: str) -> None:
        self._progress.update(self._task, description=text)


@contextmanager
def progress_bar(total_bytes: int) -> Iterator[RichProgress]:
    """A transient bar on stderr for as long as the block runs; yields its sink."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    ) as progress:
        yield RichProgress(progress, total_bytes)
