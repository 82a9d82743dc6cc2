"""The error funnel: every error of a command becomes one line on stderr and its
documented exit code (``ccc_cli.errors.ExitCode``); ``--debug`` adds the traceback."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from ccc_cli.errors import CccError, ExitCode

_debug = False


def set_debug(value: bool, *, reset: bool = False) -> None:
    """``--debug`` seen (on the root or on a command). The root resets it per run, so a
    process running several commands (tests) does not carry it over."""
    global _debug
    _debug = value if reset else (_debug or value)


def eprint(line: str) -> None:
    """One plain line on stderr: never wrapped, so scripts can grep it."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def fail(err: CccError) -> typer.Exit:
    """Print ``ccc: error: ...`` (and the hint) to stderr; return the Exit to raise."""
    eprint(f"ccc: error: {err.message}")
    if err.hint:
        eprint(f"hint: {err.hint}")
    if _debug:
        traceback.print_exc()
    return typer.Exit(int(err.exit_code))


@contextmanager
def error_funnel() -> Iterator[None]:
    """Map every error of a command to its documented exit code, never a traceback
    (unless ``--debug``)."""
    try:
        yield
    except typer.Exit:
        raise
    except CccError as err:
        raise fail(err) from None
    except KeyboardInterrupt:
        eprint("ccc: interrupted")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except BrokenPipeError:
        # `ccc peak ... | head`: the reader went away; not an error of ours.
        sys.stderr.close()
        raise typer.Exit(int(ExitCode.OK)) from None
    except Exception as exc:
        eprint(
            f"ccc: internal error: {type(exc).__name__}: {exc}"
            + ("" if _debug else " (rerun with --debug for the traceback)")
        )
        if _debug:
            traceback.print_exc()
        raise typer.Exit(int(ExitCode.INTERNAL)) from None
