"""``ccc peak``."""

from __future__ import annotations

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    ByKey,
    ByOption,
    DebugOption,
    TableFormatOption,
    TableOutputFormat,
)


@with_load_options
def peak(
    load_request: LoadRequest,
    by: ByOption = None,
    format: TableFormatOption = TableOutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Exact peak of concurrent calls, overall and per call type, with the first instant.

    --format csv gives one row per call type (and account with --by account).

    Example: ccc peak calls.parquet --by account --format json
    """
    from ccc_cli.engine.sweep import compute_peaks
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.peak import peak_document, peak_frame, render_peak

    taken = claim_stdout(format, {"--rejects": load_request.rejects})
    callset = load(load_request)
    result = compute_peaks(callset, by_account=by is ByKey.account)
    if format == "json":
        print_json(peak_document(result, callset))
    elif format == "csv":
        load_request.outputs.csv(peak_frame(result), tz=callset.tz)
    elif not taken:
        render_peak(stdout_console(), result, callset)
