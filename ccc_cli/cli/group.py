"""The root command group: Typer's, with its own usage errors (an unknown option, a
value out of range, a missing argument) in the funnel's one-line form.

Typer checks what the type annotations say (``--limit`` at least 1, ``--by account``)
before a command runs, and prints its usage errors as a usage block, a blank line and
``Error: ...``. Here they read like every other error of ccc::

    ccc: error: invalid value for '--limit': 0 is not in the range x>=1
    hint: see 'ccc peak --help'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperGroup

from ccc_cli.cli.funnel import eprint, one_line

# Click's UsageError, which Typer raises but does not export (every Typer, with click
# or with its own copy of it, has BadParameter derive from it).
_UsageError: type[Exception] = typer.BadParameter.__mro__[1]


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    try:
        yield
    except _UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            raise  # `ccc` alone: Typer prints the help
        message = exc.format_message().strip().rstrip(".")  # type: ignore[attr-defined]
        # Typer's validation wording: "invalid value for '--format': Value error, 'xml' is
        # not one of ...": the middle label says nothing.
        message = message.replace(": Value error, ", ": ")
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else "ccc"
        eprint(f"ccc: error: {one_line(message[:1].lower() + message[1:])}")
        eprint(f"hint: see '{command} --help'")
        raise typer.Exit(int(getattr(exc, "exit_code", 2))) from None


class CccGroup(TyperGroup):
    """Typer's group; usage errors of the group and of its commands in one line."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        # A command's own options are parsed here, when the group hands over to it.
        with _one_line_usage_errors():
            return super().invoke(ctx)
