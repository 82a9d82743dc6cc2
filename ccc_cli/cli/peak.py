"""``ccc peak``."""

from __future__ import annotations

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import print_json
from ccc_cli.cli.shared_options import ByKey, ByOption, DebugOption, FormatOption, OutputFormat


@with_load_options
def peak(
    load_request: LoadRequest,
    by: ByOption = None,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Exact peak of concurrent calls, overall and per call type, with the first instant.

    Example: ccc peak calls.parquet --by account --format json
    """
    from ccc_cli.engine.sweep import compute_peaks
    from ccc_cli.report.common import stdout_console
    from ccc_cli.report.peak import peak_document, render_peak

    callset = load(load_request)
    result = compute_peaks(callset, by_account=by is ByKey.account)
    if format is OutputFormat.json:
        print_json(peak_document(result, callset))
    else:
        render_peak(stdout_console(), result, callset)
