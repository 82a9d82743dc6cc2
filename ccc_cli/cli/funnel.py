"""The error funnel: every error of a command becomes one line on stderr and its
documented exit code (``ccc_cli.errors.ExitCode``); ``--debug`` adds the traceback.

Nothing gets past it: a :class:`~ccc_cli.errors.CccError` is the user's to fix (its
message and hint), Ctrl-C and SIGTERM exit 130 and 143, a closed stdout pipe exits
quietly, and anything else, Polars' Rust panics (a ``BaseException``) included, is an
internal error (exit 70).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import typer

from ccc_cli.cli.output import silence_stdout
from ccc_cli.cli.signals import Terminated
from ccc_cli.errors import CccError, ExitCode

# Longer messages are cut: a message quoting a whole line of a binary file is noise.
MAX_MESSAGE = 300

_debug = False


def set_debug(value: bool, *, reset: bool = False) -> None:
    """``--debug`` seen (on the root or on a command). The root resets it per run, so a
    process running several commands (tests) does not carry it over."""
    global _debug
    _debug = value if reset else (_debug or value)


def one_line(text: str, *, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one printable line of at most about ``limit`` characters.

    Line breaks, other control and format characters (ANSI escapes, bidi overrides) and
    undecodable bytes (``surrogateescape``) become backslash escapes, so a message
    quoting a binary file or a file name with a newline stays one line that cannot
    redraw the terminal.
    """
    out: list[str] = []
    size = 0
    for char in text:
        piece = char if char == " " or char.isprintable() else _escape(char)
        if size + len(piece) > limit:
            out.append("...")
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def _escape(char: str) -> str:
    code = ord(char)
    if char in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid text (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def eprint(line: str) -> None:
    """One plain line on stderr: never wrapped, so scripts can grep it. A stderr that
    is closed or gone cannot turn an error report into a second error."""
    with suppress(OSError, ValueError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _traceback() -> None:
    if _debug:
        with suppress(OSError, ValueError):
            traceback.print_exc()


def report(exc: BaseException) -> int:
    """Print what ``exc`` means for the user (one line, and a hint); return the exit
    code. Call it from an ``except`` block (``--debug`` prints the current traceback)."""
    if isinstance(exc, CccError):
        eprint(f"ccc: error: {one_line(exc.message)}")
        if exc.hint:
            eprint(f"hint: {one_line(exc.hint)}")
        _traceback()
        return int(exc.exit_code)
    if isinstance(exc, Terminated):
        eprint("ccc: terminated")
        return int(ExitCode.TERMINATED)
    if isinstance(exc, KeyboardInterrupt):
        eprint("ccc: interrupted")
        return int(ExitCode.INTERRUPTED)
    if isinstance(exc, BrokenPipeError):
        # `ccc series ... | head`: the reader went away; not an error of ours. Nothing
        # more can reach it, so nothing is said, and the exit flush must not fail.
        silence_stdout()
        return int(ExitCode.OK)
    detail = one_line(f"{type(exc).__name__}: {exc}")
    eprint(
        f"ccc: internal error: {detail}"
        + ("" if _debug else " (rerun with --debug for the traceback)")
    )
    _traceback()
    return int(ExitCode.INTERNAL)


def fail(err: CccError) -> typer.Exit:
    """Print ``ccc: error: ...`` (and the hint) to stderr; return the Exit to raise."""
    return typer.Exit(report(err))


@contextmanager
def error_funnel() -> Iterator[None]:
    """Map every error of a command to its documented exit code, never a traceback
    (unless ``--debug``)."""
    try:
        yield
    except typer.Exit:
        raise
    except SystemExit as exc:
        if isinstance(exc.__context__, BrokenPipeError):
            # Rich answers a broken pipe with SystemExit(1); ours is a quiet exit 0.
            raise typer.Exit(report(exc.__context__)) from None
        raise
    except GeneratorExit:
        raise
    except BaseException as exc:  # the funnel is where everything ends
        raise typer.Exit(report(exc)) from None
