"""Seeded, vectorised generator of realistic synthetic call detail records.

The table mimics a CPaaS export for a Vietnamese contact centre: a daily curve in local
business time (Asia/Ho_Chi_Minh), quiet weekends, lognormal durations per call type,
Zipf-sized accounts, forwarded inbound calls with a second leg, a few
``REACH_PLAN_LIMIT`` rejections, invalid rows and exact duplicates. Everything is drawn
with numpy and assembled with Arrow and polars; no Python loop runs over rows.

Large tables are produced in chunks (:func:`iter_frames`). Each chunk is an independent
sample drawn from its own generator seeded with ``(seed, chunk index)``, spans the
whole period, and numbers its calls in a range no other chunk uses, so chunks can be
concatenated (or written one row group each) without id collisions.

The package, one idea per module: :mod:`.mix` (the call mix, as data), :mod:`.plan`
(options and the row kinds of each chunk), :mod:`.sampler` (seeded draws),
:mod:`.records` (calls, rejections, invalid rows, forwarded legs), :mod:`.ids`,
:mod:`.table` (a chunk as Arrow/polars), :mod:`.write` (files, atomically); this module
is the public face.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from ccc_cli.synth.mix import LOCAL_TZ
from ccc_cli.synth.plan import GenerateOptions, GenerateSummary, plan_chunks
from ccc_cli.synth.table import (
    CSV_DATETIME_FORMAT,
    GENERATED_SCHEMA,
    chunk_tables,
    empty_frame,
    to_frame,
)
from ccc_cli.synth.write import output_format, write_generated

__all__ = [
    "CSV_DATETIME_FORMAT",
    "GENERATED_SCHEMA",
    "LOCAL_TZ",
    "GenerateOptions",
    "GenerateSummary",
    "generate_frame",
    "iter_frames",
    "output_format",
    "write_generated",
]


def iter_frames(options: GenerateOptions) -> Iterator[pl.DataFrame]:
    """Generate the table chunk by chunk.

    Parameters
    ----------
    options
        What to generate.

    Yields
    ------
    polars.DataFrame
        Chunks of at most ``options.chunk_rows`` rows with the columns of
        :data:`GENERATED_SCHEMA`, sorted by start time except for the duplicates.
        Chunk ``k`` depends only on ``(seed, k)``, its size and the other options;
        together the chunks hold exactly ``options.rows`` rows. Nothing is yielded when
        ``rows`` is 0.

    Raises
    ------
    UsageError
        If an option is out of range (negative rows or seed, no days, ...).
    """
    for table in chunk_tables(options, plan_chunks(options)):
        yield to_frame(table)


def generate_frame(options: GenerateOptions) -> pl.DataFrame:
    """Generate the whole table in memory (the concatenation of :func:`iter_frames`).

    Parameters
    ----------
    options
        What to generate.

    Returns
    -------
    polars.DataFrame
        ``options.rows`` rows with the columns of :data:`GENERATED_SCHEMA`.

    Raises
    ------
    UsageError
        If an option is out of range.
    """
    frames = list(iter_frames(options))
    if not frames:
        return empty_frame()
    return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=False)
