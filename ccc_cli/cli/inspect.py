"""``ccc inspect``."""

from __future__ import annotations

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import DebugOption, FormatOption, OutputFormat


@with_load_options
def inspect(
    load_request: LoadRequest,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """How the files were read, and what came out of them.

    The column behind each field and why, time encodings, time range, row accounting
    with reasons, call types and sample rows. A file that cannot be mapped shows its
    columns with sample values and the presets closest to it, with what each lacks.

    Example: ccc inspect cdr.csv --tz Asia/Ho_Chi_Minh
    """
    from ccc_cli.engine.profile import profile_calls
    from ccc_cli.normalize.detect import NoMappingError
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.inspect import (
        inspect_document,
        render_inspect,
        render_unmapped,
        unmapped_document,
    )

    taken = claim_stdout(format, {"--rejects": load_request.rejects})
    try:
        callset = load(load_request)
    except NoMappingError as error:
        # Never fail on a file it cannot map: showing why is inspect's job.
        if format is OutputFormat.json:
            print_json(unmapped_document(error, load_request.options.tz or "UTC"))
        else:
            render_unmapped(stdout_console(), error)
        return
    profile = profile_calls(callset)
    if format is OutputFormat.json:
        print_json(inspect_document(callset, profile))
    elif not taken:
        render_inspect(stdout_console(), callset, profile)
