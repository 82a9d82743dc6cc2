"""What a command writes to stdout for machines, and stdout's end when the reader
of a pipe has gone (``ccc series ... | head -1``)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any


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
