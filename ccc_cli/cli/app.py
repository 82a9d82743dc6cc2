"""The ``ccc`` command: a thin shell over ``ccc_cli.api``.

Each command lives in its own module: it parses its options into option objects, calls
the core, hands the result to a renderer, and leaves errors to the funnel
(``ccc_cli.cli.funnel.error_funnel``) that maps them to exit codes. Heavy libraries
(Polars, the engine, matplotlib) are imported inside the commands, so ``ccc --help``
stays fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ccc_cli import __version__
from ccc_cli.cli import (
    analyze,
    at,
    breaches,
    check,
    generate,
    inspect,
    peak,
    series,
    size,
)
from ccc_cli.cli import report as report_command
from ccc_cli.cli.funnel import report, set_debug
from ccc_cli.cli.group import CccGroup
from ccc_cli.cli.output import flush_stdout, silence_stdout
from ccc_cli.cli.signals import install_signal_handlers
from ccc_cli.errors import ExitCode

EPILOG = (
    "Exit codes: 0 ok, 1 check failed, 2 usage error, 3 bad input or output, "
    "70 internal error, 130 interrupted, 143 terminated. Docs: README.md."
)

app = typer.Typer(
    name="ccc",
    help="Concurrent calls from call detail records: exact peaks and plan limits.",
    epilog=EPILOG,
    cls=CccGroup,
    no_args_is_help=True,
    # --install-completion and --show-completion (bash, zsh, fish, PowerShell).
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help: rendering it with Rich costs more than the rest of a --help run.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ccc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Concurrent calls from call detail records: exact peaks and plan limits.

    Example: ccc analyze sample_data/ --limit 20
    """
    set_debug(debug, reset=True)


app.command(name="analyze")(analyze.analyze)
app.command(name="peak")(peak.peak)
app.command(name="series")(series.series)
app.command(name="breaches")(breaches.breaches)
app.command(name="check")(check.check)
app.command(name="size")(size.size)
app.command(name="inspect")(inspect.inspect)
app.command(name="generate")(generate.generate)
app.command(name="at")(at.at)
app.command(name="report")(report_command.report)


def main() -> None:
    """Console-script entry point: the app, with SIGTERM handled like Ctrl-C, the last
    resort of the error funnel around it, and a quiet end when stdout's reader is gone."""
    install_signal_handlers()
    code: int | str | None
    try:
        app(prog_name="ccc")
        code = 0
    except SystemExit as done:
        code = done.code
    except BaseException as exc:  # outside any command's funnel (parsing, help)
        code = report(exc)
    if _typer_saw_broken_pipe():
        # Typer answers a broken pipe in its own output (help, version) with exit 1.
        silence_stdout()
        code = int(ExitCode.OK)
    else:
        # Flushed here, not by the interpreter, which would exit 120 on a broken pipe.
        flush_stdout()
    sys.exit(code)


def _typer_saw_broken_pipe() -> bool:
    # Its (vendored click) main wraps stdout in a PacifyFlushWrapper when it does.
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"
