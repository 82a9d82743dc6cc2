"""``ccc check``: a limit as a CI gate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout, print_json
from ccc_cli.cli.shared_options import (
    DebugOption,
    FormatOption,
    LimitOption,
    LimitsFileOption,
    OutputFormat,
    resolve_limits,
)
from ccc_cli.errors import ExitCode, InputError, UsageError

if TYPE_CHECKING:
    from ccc_cli.engine.limits import Limits
    from ccc_cli.engine.replay import ReplayResult
    from ccc_cli.normalize.callset import CallSet


@dataclass(frozen=True)
class Verdict:
    """One check: the inputs it read, the replay, and whether it passed."""

    label: str
    callset: CallSet
    result: ReplayResult
    passed: bool
    allowed: str

    def line(self, limits: Limits) -> str:
        from ccc_cli.report.timefmt import human

        tz = self.callset.tz
        first = self.result.first_rejection
        when = f"; first at {human(first, tz)} {tz}" if first else ""
        return (
            f"{'PASS' if self.passed else 'FAIL'}: {self.result.rejected_calls:,} of "
            f"{self.result.calls:,} calls rejected at {limits.describe()} "
            f"({self.result.rejected_rate:.4%}; allowed {self.allowed}){when}"
        )


@with_load_options
def check(
    load_request: LoadRequest,
    limit: LimitOption = None,
    limits_file: LimitsFileOption = None,
    max_rejected: Annotated[
        int | None,
        typer.Option("--max-rejected", min=0, help="Calls the replay may reject (default 0)."),
    ] = None,
    max_reject_rate: Annotated[
        float | None,
        typer.Option(
            "--max-reject-rate", min=0.0, max=1.0, help="Share of calls the replay may reject."
        ),
    ] = None,
    each: Annotated[
        bool,
        typer.Option(
            "--each",
            help="One verdict per input file (exit 1 if any fails); by default all the "
            "files are one dataset.",
        ),
    ] = False,
    junit_xml: Annotated[
        Path | None,
        typer.Option(
            "--junit-xml",
            help="Also write the verdict (one test case per file with --each) as JUnit XML.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    format: FormatOption = OutputFormat.table,
    debug: DebugOption = False,
) -> None:
    """Pass (exit 0) when the plan limit rejects no more calls than allowed, else exit 1.

    Replays the calls against the limit; one summary line on stdout (a line per file
    with --each; JSON with --format json). Input with no calls exits 3: a gate must not
    pass on an empty export. Bad input exits 3.

    Example: ccc check samples/*.csv --limit 20 --max-reject-rate 0.001 --each
    """
    from ccc_cli.report.files import check_output_path

    limits = resolve_limits(limit, limits_file, required=True, defaults=load_request.defaults)
    if max_rejected is not None and max_reject_rate is not None:
        raise UsageError("--max-rejected and --max-reject-rate cannot be combined")
    taken = claim_stdout(format, {"--rejects": load_request.rejects})
    if junit_xml is not None:
        check_output_path(junit_xml, option="--junit-xml")
    requests = _per_file(load_request) if each else [(None, load_request)]
    verdicts = [
        _run(label, request, limits, max_rejected, max_reject_rate) for label, request in requests
    ]
    passed = all(v.passed for v in verdicts)
    if format is OutputFormat.json:
        print_json(_document(verdicts, limits, max_rejected, max_reject_rate, each=each))
    elif not taken:
        for v in verdicts:
            where = f"{v.label}: " if each else ""
            typer.echo(f"ccc check: {where}{v.line(limits)}")
    if junit_xml is not None:
        from ccc_cli.report.junit import write_junit

        size = write_junit(junit_xml, [(v.label, v.passed, v.line(limits)) for v in verdicts])
        load_request.outputs.confirm(junit_xml, size)
    if not passed:
        # The summary line says why; exit 1 without an error line.
        raise typer.Exit(int(ExitCode.CHECK_FAILED))


def _per_file(request: LoadRequest) -> list[tuple[str | None, LoadRequest]]:
    """One request per input file (directories and globs expanded)."""
    from ccc_cli.load.sources import expand_paths

    sources = expand_paths(request.paths)
    return [(s.label, replace(request, paths=[str(s.path)])) for s in sources]


def _run(
    label: str | None,
    request: LoadRequest,
    limits: Limits,
    max_rejected: int | None,
    max_reject_rate: float | None,
) -> Verdict:
    from ccc_cli.engine.replay import replay

    callset = load(request)
    name = label or ", ".join(f.label for f in callset.files)
    if callset.accounting.used == 0:
        raise InputError(
            f"no calls to check in {name} ({callset.accounting.read:,} rows read)",
            hint="a check must not pass on an empty export: check the file and its columns "
            "(ccc inspect)",
        )
    result = replay(callset, limits)
    if max_reject_rate is not None:
        # Exact at equality: the share as a fraction against the rate as written (a
        # float product could land a hair above 3 for 0.003 x 1000).
        share = Fraction(result.rejected_calls, max(result.calls, 1))
        passed = share <= Fraction(repr(max_reject_rate))
        allowed = f"{max_reject_rate:.4%} of calls"
    else:
        allowed_n = max_rejected or 0
        passed = result.rejected_calls <= allowed_n
        allowed = f"{allowed_n:,} call(s)"
    return Verdict(name, callset, result, passed, allowed)


def _document(
    verdicts: list[Verdict],
    limits: Limits,
    max_rejected: int | None,
    max_reject_rate: float | None,
    *,
    each: bool,
) -> dict[str, Any]:
    from ccc_cli.report.breaches import check_document

    def one(v: Verdict) -> dict[str, Any]:
        return check_document(
            v.result,
            v.callset,
            limits,
            passed=v.passed,
            max_rejected=max_rejected if max_reject_rate is None else None,
            max_reject_rate=max_reject_rate,
        )

    if not each:
        return one(verdicts[0])
    from ccc_cli.report.breaches import merge_check_documents

    return merge_check_documents([(v.label, one(v)) for v in verdicts])
