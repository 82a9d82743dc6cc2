"""Atomic file writes: write to a temporary sibling, then rename onto the target.

A reader never sees a half-written output file, and a failed or interrupted write
leaves the previous file (if any) untouched and no temporary file behind. A write that
fails for a reason of the machine's (disk full, no permission, the directory gone) is
raised as :class:`~ccc_cli.errors.OutputError` naming the file, not as a bare OSError.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ccc_cli.errors import OutputError

__all__ = ["atomic_path", "write_failure"]


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
    OutputError
        If the temporary file cannot be created (missing directory, no permission),
        writing it fails (an ``OSError`` inside the ``with`` block: disk full, ...) or
        the rename fails.

    Any other exception raised inside the ``with`` block (``KeyboardInterrupt``
    included) propagates unchanged. On every failure the temporary file is removed.
    """
    path = Path(path)
    suffix = "".join(path.suffixes)
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".tmp{suffix}", dir=path.parent)
        tmp = Path(tmp_name)
        os.close(fd)
        # Keep the mode of a file we replace; otherwise what a plain open() would give.
        mode = path.stat().st_mode & 0o7777 if path.is_file() else _default_mode()
        tmp.chmod(mode)
        yield tmp
        tmp.replace(path)
        tmp = None
    except BaseException as exc:
        # BaseException: an interrupt (Ctrl-C, SIGTERM) must not leave a stray temporary
        # file either.
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        failure = write_failure(exc, path)
        if failure is not None:
            raise failure from exc
        raise


# Polars and Arrow report an OS error inside their own exception types, with the errno
# in the message: "... (os error 28)", "[Errno 28] ...", "[errno 28] ...".
_ERRNO_IN_MESSAGE = re.compile(r"os error (\d+)|\[errno (\d+)\]", re.IGNORECASE)

_HINTS = {
    errno.ENOSPC: "free some space on the device, or write the file elsewhere",
    errno.EDQUOT: "free some space within your quota, or write the file elsewhere",
    errno.EACCES: "choose a directory you can write to",
    errno.EPERM: "choose a directory you can write to",
    errno.EROFS: "choose a directory on a writable file system",
    errno.EISDIR: "name a file, not a directory",
    errno.ENOENT: "create the directory first, or choose another path",
    errno.ENOTDIR: "create the directory first, or choose another path",
}


def write_failure(exc: BaseException, path: Path) -> OutputError | None:
    """The :class:`OutputError` for ``exc`` raised while writing ``path``, if ``exc`` is
    an operating-system error (an ``OSError``, or a library error carrying an errno);
    ``None`` for anything else (a bug, an interrupt)."""
    if not isinstance(exc, Exception) or isinstance(exc, OutputError):
        return None
    code = exc.errno if isinstance(exc, OSError) else None
    if code is None:
        match = _ERRNO_IN_MESSAGE.search(str(exc))
        if match is not None:
            code = int(match.group(1) or match.group(2))
        elif not isinstance(exc, OSError):
            return None
    reason = os.strerror(code).lower() if code else (str(exc) or type(exc).__name__)
    return OutputError(f"cannot write {path}: {reason}", hint=_HINTS.get(code or 0))
