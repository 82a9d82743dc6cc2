"""Loading a command's inputs: the progress bar, ``--rejects``, ``--strict`` and the
notes on stderr around :func:`ccc_cli.api.load_calls`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ccc_cli.cli.funnel import eprint
from ccc_cli.cli.input_options import LoadRequest
from ccc_cli.errors import InputError

if TYPE_CHECKING:
    from ccc_cli.normalize.callset import CallSet


def show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def load(request: LoadRequest) -> CallSet:
    """Load the inputs (with a progress bar on a terminal), write ``--rejects``, apply
    ``--strict``, and print notes to stderr."""
    from ccc_cli.api import load_calls
    from ccc_cli.report.files import check_table_path

    if request.rejects is not None:
        check_table_path(request.rejects, option="--rejects")
    if show_progress(request.quiet):
        from ccc_cli.cli.progress import progress_bar
        from ccc_cli.load.sources import expand_paths

        total = sum(s.size for s in expand_paths(request.paths))
        with progress_bar(total) as sink:
            callset = load_calls(request.paths, request.options, progress=sink)
    else:
        callset = load_calls(request.paths, request.options)
    if request.rejects is not None:
        request.outputs.table(callset.invalid, request.rejects, tz=callset.tz)
    if request.strict and callset.accounting.invalid:
        message = callset.first_invalid_message()
        raise InputError(f"invalid row: {message}", hint="see --rejects FILE for all of them")
    if not request.quiet:
        for note in callset.notes:
            eprint(f"note: {note}")
    return callset
