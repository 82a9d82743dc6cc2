"""Atomic file writes: write to a temporary sibling, then rename onto the target.

A reader never sees a half-written output file, and a failed or interrupted write
leaves the previous file (if any) untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path"]


def _default_mode() -> int:
    """Permission bits a freshly created file would get under the current umask.

    ``mkstemp`` creates files with mode 0600; without this the renamed output would be
    unreadable to other users, unlike a file written with a plain ``open``.
    """
    # os.umask can only be read by setting it; restore it immediately.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` on success.

    The temporary file is created in the same directory as ``path`` so that the final
    :func:`os.replace` is a rename within one file system, which is atomic. It keeps the
    target's suffixes (``.csv.gz``, ``.parquet``, ...) so code that dispatches on the
    extension behaves the same on it.

    Parameters
    ----------
    path
        The final output path. Its directory must exist.

    Yields
    ------
    Path
        An existing, empty temporary file the caller writes (or overwrites).

    Raises
    ------
    OSError
        If the temporary file cannot be created (missing directory, no permission) or
        the rename fails. Any exception raised inside the ``with`` block propagates
        after the temporary file has been removed.
    """
    path = Path(path)
    suffix = "".join(path.suffixes)
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # Keep the mode of a file we replace; otherwise what a plain open() would give.
        mode = path.stat().st_mode & 0o7777 if path.is_file() else _default_mode()
        tmp.chmod(mode)
        yield tmp
        tmp.replace(path)
    except BaseException:
        # BaseException: KeyboardInterrupt must not leave a stray temporary file either.
        tmp.unlink(missing_ok=True)
        raise
