"""``ccc generate``: the JSON document of what was written."""

from __future__ import annotations

from typing import Any

from ccc_cli.report.common import envelope
from ccc_cli.schema import INVALID_REASONS
from ccc_cli.synth.generate import LOCAL_TZ, GenerateOptions, GenerateSummary, output_format

# The file's format as `format` says it for the files ccc reads.
_FORMATS = {
    "parquet": "Parquet",
    "csv": "delimited text",
    "tsv": "delimited text",
    "csv.gz": "delimited text (gzip)",
}


def generate_document(summary: GenerateSummary, options: GenerateOptions) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc generate`` (docs/schema/generate.json).

    ``files`` is the file written and ``rows`` its row accounting as ccc will count it
    when it reads the file back (the same object every other command gives), so
    ``ccc peak FILE --format json`` has the same ``rows``.
    """
    reasons = dict.fromkeys(INVALID_REASONS, 0)
    reasons["missing_end"] = summary.missing_end_rows
    reasons["end_before_start"] = summary.end_before_start_rows
    doc = envelope(
        "generate",
        timezone=str(LOCAL_TZ),
        files=[
            {
                "path": str(summary.path),
                "format": _FORMATS[output_format(summary.path)],
                "preset": None,
                "rows_read": summary.rows,
            }
        ],
        rows={
            "read": summary.rows,
            "used": summary.calls,
            "duplicates": summary.duplicate_rows,
            "merged_legs": summary.forwarded_legs,
            "plan_limit_rejected": summary.plan_limit_rows,
            "invalid": summary.invalid_rows,
            "invalid_reasons": reasons,
        },
        notes=[],
    )
    doc |= {
        "seed": options.seed,
        "start": options.start.date().isoformat(),
        "days": options.days,
        "accounts": options.accounts,
        "clean": options.clean,
    }
    return doc
