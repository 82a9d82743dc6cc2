"""``ccc report``: one self-contained HTML page for sales and support (and a PDF of it)."""

from __future__ import annotations

import math
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ccc_cli.cli.funnel import eprint
from ccc_cli.cli.input_options import LoadRequest, with_load_options
from ccc_cli.cli.loading import load
from ccc_cli.cli.output import claim_stdout
from ccc_cli.cli.shared_options import (
    DebugOption,
    LimitOption,
    LimitsFileOption,
    resolve_limits,
)
from ccc_cli.errors import UsageError

HTML_SUFFIXES = (".html", ".htm")


class Language(StrEnum):
    """``--lang`` values."""

    en = "en"
    vi = "vi"


def _check_output(path: Path, *, option: str, suffixes: tuple[str, ...]) -> None:
    from ccc_cli.report.files import check_not_directory, check_output_path

    check_not_directory(path, option=option)
    if path.suffix.lower() not in suffixes:
        raise UsageError(
            f"{option} {path}: unsupported extension {path.suffix or '(none)'!r}",
            hint=f"use a {suffixes[0]} file name",
        )
    check_output_path(path, option=option)


@with_load_options
def report(
    load_request: LoadRequest,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the page to FILE (.html; - for stdout).",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            help="Also print the page to FILE (.pdf) with a headless Chromium (the "
            "chromium package).",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the page: en (English) or vi.")
    ] = Language.en,
    limit: LimitOption = None,
    limits_file: LimitsFileOption = None,
    max_reject_rate: Annotated[
        float,
        typer.Option(
            "--max-reject-rate",
            help="Highest acceptable share of calls rejected, for the recommendation "
            "(0.001 = 0.1%).",
            min=0.0,
            max=0.999999,
        ),
    ] = 0.001,
    headroom: Annotated[
        float,
        typer.Option(
            "--headroom", help="Margin added to the recommended limit (0.1 = 10%).", min=0.0
        ),
    ] = 0.1,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="Bucket width of the time charts (default: from the time span).",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            help="Heading of the page, e.g. the customer's name.",
            show_default=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """One HTML page for sales and support: summary, charts, limit, method.

    A self-contained file that works offline and by e-mail (no network, no fonts to
    fetch): the period, calls, peak and mix, the plan to sell and what the current
    plan (--limit) did, in plain sentences; charts of concurrency over time, daily
    peaks, load by weekday and hour, the sizing curve and call starts; with a limit,
    when it was reached, the calls it would have rejected, the REACH_PLAN_LIMIT rows
    and the calls active at the worst instant; and how it was all counted. Every
    figure equals the JSON of the matching command. --lang vi writes it in Vietnamese;
    --pdf prints it with a headless Chromium.

    Example: ccc report sample_data/ --tz Asia/Ho_Chi_Minh --limit 20 -o report.html
    """
    from ccc_cli.engine.series import parse_every
    from ccc_cli.report.analyze import zone_note
    from ccc_cli.report.atomic import atomic_path
    from ccc_cli.report.files import is_stdout
    from ccc_cli.report.html.browser import print_pdf, require_chromium
    from ccc_cli.report.html.data import collect
    from ccc_cli.report.html.page import render_page

    if output is None and pdf is None:
        raise UsageError("nothing to write", hint="pass -o report.html, --pdf report.pdf, or both")
    if not math.isfinite(headroom):
        raise UsageError(f"bad --headroom {headroom}", hint="give a share, e.g. 0.1 for 10%")
    limits = resolve_limits(limit, limits_file, required=False)
    if every is not None:
        parse_every(every)
    if output is not None and not is_stdout(output):
        _check_output(output, option="--output", suffixes=HTML_SUFFIXES)
    browser = None
    if pdf is not None:
        _check_output(pdf, option="--pdf", suffixes=(".pdf",))
        browser = require_chromium("--pdf")
    claim_stdout("table", {"--output": output, "--rejects": load_request.rejects})

    callset = load(load_request)
    notes = []
    if load_request.options.tz is None and (note := zone_note(callset)) is not None:
        notes.append(note)
        if not load_request.quiet:
            eprint(f"note: {note}")
    docs = collect(
        callset,
        limits=limits,
        limits_path=limits_file,
        target=max_reject_rate,
        headroom=headroom,
        every=every,
        notes=notes,
    )
    page = render_page(docs, lang=lang.value, title=title)
    data = page.encode("utf-8")
    outputs = load_request.outputs
    if output is not None and is_stdout(output):
        sys.stdout.write(page)
    elif output is not None:
        with atomic_path(output) as tmp:
            tmp.write_bytes(data)
        outputs.confirm(output, len(data))
    if pdf is not None and browser is not None:
        if output is not None and not is_stdout(output):
            size = print_pdf(output, pdf, browser)
        else:
            with tempfile.TemporaryDirectory(prefix="ccc-report-") as folder:
                html = Path(folder) / "report.html"
                html.write_bytes(data)
                size = print_pdf(html, pdf, browser)
        outputs.confirm(pdf, size)
