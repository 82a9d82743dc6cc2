"""A chunk assembled as an Arrow table (and a polars frame) in the output layout; chunks
are generated one ahead in a worker thread."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from ccc_cli.schema import (
    FIELD_ACCOUNT,
    FIELD_CALL_ID,
    FIELD_DURATION,
    FIELD_END,
    FIELD_PARENT,
    FIELD_START,
    FIELD_STATUS,
    FIELD_TYPE,
    INPUT_COLUMNS,
    TIME_DTYPE,
    TIME_UNIT,
)
from ccc_cli.synth.ids import id_array
from ccc_cli.synth.mix import _T, STATUSES, TYPES
from ccc_cli.synth.plan import ChunkPlan, GenerateOptions
from ccc_cli.synth.records import base_records, forwarded_legs, pick_parents
from ccc_cli.synth.sampler import Sampler

# --- output layout -------------------------------------------------------------------
COL_CALL_ID: Final = INPUT_COLUMNS[FIELD_CALL_ID]
COL_START: Final = INPUT_COLUMNS[FIELD_START]
COL_END: Final = INPUT_COLUMNS[FIELD_END]
COL_DURATION: Final = INPUT_COLUMNS[FIELD_DURATION]
COL_TYPE: Final = INPUT_COLUMNS[FIELD_TYPE]
COL_ACCOUNT: Final = INPUT_COLUMNS[FIELD_ACCOUNT]
COL_PARENT: Final = INPUT_COLUMNS[FIELD_PARENT]
COL_STATUS: Final = INPUT_COLUMNS[FIELD_STATUS]

GENERATED_SCHEMA: Final = pl.Schema(
    {
        COL_CALL_ID: pl.String(),
        COL_START: TIME_DTYPE,
        COL_END: TIME_DTYPE,
        COL_DURATION: pl.Float64(),
        COL_TYPE: pl.String(),
        COL_ACCOUNT: pl.String(),
        COL_PARENT: pl.String(),
        COL_STATUS: pl.String(),
    }
)

# ISO 8601 with microseconds and a ``+00:00`` offset, as the loader expects by default.
CSV_DATETIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S%.6f%:z"


def account_names(accounts: int) -> list[str]:
    width = max(2, len(str(accounts)))
    return [f"acc-{i:0{width}d}" for i in range(1, accounts + 1)]


def arrow_schema() -> pa.Schema:
    """Arrow schema of a generated chunk.

    The low-cardinality string columns are dictionary-encoded: building them is free
    (codes plus a few names) and the Parquet writer stores them as dictionary pages
    directly. Written without the Arrow schema, they read back as plain strings.
    """
    timestamp = pa.timestamp(TIME_UNIT, tz="UTC")
    return pa.schema(
        [
            (COL_CALL_ID, pa.large_string()),
            (COL_START, timestamp),
            (COL_END, timestamp),
            (COL_DURATION, pa.float64()),
            (COL_TYPE, pa.dictionary(pa.int8(), pa.string())),
            (COL_ACCOUNT, pa.dictionary(pa.int32(), pa.string())),
            (COL_PARENT, pa.large_string()),
            (COL_STATUS, pa.dictionary(pa.int8(), pa.string())),
        ]
    )


DICTIONARY_COLUMNS: Final = (COL_TYPE, COL_ACCOUNT, COL_STATUS)


def chunk_table(options: GenerateOptions, plan: ChunkPlan) -> pa.Table:
    """Generate one chunk of exactly ``plan.rows`` rows as an Arrow table."""
    s = Sampler(options, plan.index)
    base, normal = base_records(s, plan)
    legs, leg_parent = forwarded_legs(s, base, pick_parents(s, base, normal, plan.legs))
    n_base = len(base.start_us)
    n_rec = n_base + len(legs.start_us)

    # Records are the base calls then the legs, both sorted by start. Merge them:
    # `order` lists record indices in start order, `position[r]` is where r lands.
    at = np.searchsorted(base.start_us, legs.start_us, side="right")
    order = np.insert(np.arange(n_base), at, np.arange(n_base, n_rec))
    position = np.empty(n_rec, dtype=np.int64)
    position[order] = np.arange(n_rec)

    # Exact duplicates of distinct normal calls, each inserted at a random position
    # after its original, so the first occurrence is the original.
    src = position[s.rng.choice(np.flatnonzero(normal), size=plan.duplicates, replace=False)]
    dup_at = src + 1 + (s.rng.random(plan.duplicates) * (n_rec - src)).astype(np.int64)
    row_pos = np.insert(np.arange(n_rec), dup_at, src)  # row -> its call's position
    idx = order[row_pos]  # row -> record

    def column(base_values: npt.NDArray[_T], leg_values: npt.NDArray[_T]) -> npt.NDArray[_T]:
        out: npt.NDArray[_T] = np.concatenate([base_values, leg_values])[idx]
        return out

    start_us = column(base.start_us, legs.start_us)
    duration_ms = column(base.duration_ms, legs.duration_ms)
    no_end = ~column(base.has_end, legs.has_end)
    leg_rows = np.flatnonzero(idx >= n_base)
    has_parent = np.zeros(len(idx), dtype=np.bool_)
    has_parent[leg_rows] = True
    parent_pos = position[leg_parent[idx[leg_rows] - n_base]]

    # Ids follow start order. A chunk's ids start at index * chunk_rows + 1, a range no
    # other chunk reaches since a chunk has at most chunk_rows rows.
    first_id = plan.index * options.chunk_rows + 1
    timestamp = pa.timestamp(TIME_UNIT, tz="UTC")
    end_us = start_us + duration_ms.astype(np.int64) * 1_000

    def dictionary(codes: npt.NDArray[Any], names: Sequence[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(names, pa.string()))

    return pa.Table.from_arrays(
        [
            id_array(first_id + row_pos),
            pa.array(start_us, type=timestamp),
            pa.array(end_us, type=timestamp, mask=no_end),
            pa.array(duration_ms / 1_000.0, type=pa.float64(), mask=no_end),
            dictionary(column(base.call_type, legs.call_type), TYPES),
            dictionary(column(base.account, legs.account), account_names(options.accounts)),
            id_array(first_id + parent_pos, has_parent),
            dictionary(column(base.status, legs.status), STATUSES),
        ],
        schema=arrow_schema(),
    )


def to_frame(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a Table gives a frame
        raise TypeError("expected a DataFrame from an Arrow table")
    return frame.with_columns(pl.col(DICTIONARY_COLUMNS).cast(pl.String)).select(
        pl.col(name).cast(dtype) for name, dtype in GENERATED_SCHEMA.items()
    )


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=GENERATED_SCHEMA)


def chunk_tables(
    options: GenerateOptions, plans: list[ChunkPlan]
) -> Generator[pa.Table, None, None]:
    """The chunks' tables, generating the next chunk in a worker thread meanwhile.

    numpy, Arrow and polars release the GIL in their kernels, so generating chunk k+1
    overlaps with whatever the consumer does with chunk k (compressing and writing it),
    which uses the second core. At most two chunks are in memory at once.
    """
    if not plans:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ccc-generate") as pool:
        pending = pool.submit(chunk_table, options, plans[0])
        try:
            for plan in plans[1:]:
                table = pending.result()
                pending = pool.submit(chunk_table, options, plan)
                yield table
            yield pending.result()
        finally:
            # The consumer stopped early (error, close): do not start more work.
            pending.cancel()
