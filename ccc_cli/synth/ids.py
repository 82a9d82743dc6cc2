"""Call ids ``c-000000000042``: built as packed bytes, never formatted row by row."""

from __future__ import annotations

import functools
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ccc_cli.synth.mix import BoolArray, IntArray

# Call ids are "c-" and 12 digits. They run 1..rows, so rows are capped to fit.
_ID_DIGITS: Final = 12
_ID_PREFIX: Final = b"c-"
_ID_WIDTH: Final = len(_ID_PREFIX) + _ID_DIGITS
MAX_ROWS: Final = 10**_ID_DIGITS - 1


_HALF_DIGITS: Final = _ID_DIGITS // 2
# One id record: the prefix, then the high and the low six digits.
_ID_RECORD: Final = np.dtype(
    [("prefix", f"V{len(_ID_PREFIX)}"), ("high", f"V{_HALF_DIGITS}"), ("low", f"V{_HALF_DIGITS}")]
)


@functools.cache
def _six_digits() -> npt.NDArray[np.void]:
    """``b"000000"`` .. ``b"999999"`` as 6-byte records (6 MB, built on first use)."""
    n = np.arange(10**_HALF_DIGITS, dtype=np.int32)
    digits = np.empty((len(n), _HALF_DIGITS), dtype=np.uint8)
    for k in range(_HALF_DIGITS - 1, -1, -1):  # a loop over digit positions, not rows
        digits[:, k] = n % 10 + ord("0")
        n //= 10
    table: npt.NDArray[np.void] = digits.view(f"V{_HALF_DIGITS}").ravel()
    table.flags.writeable = False  # shared through the cache
    return table


def _id_bytes(numbers: IntArray) -> npt.NDArray[np.uint8]:
    """``c-000000000042``-style ids (numbers < 10**12), packed back to back.

    Two lookups in a table of all six-digit strings fill each fixed-width record: plain
    byte copying, several times faster than formatting integers as padded strings.
    """
    table = _six_digits()
    out = np.empty(len(numbers), dtype=_ID_RECORD)
    out["prefix"] = np.frombuffer(_ID_PREFIX, dtype=out.dtype["prefix"])[0]
    out["high"] = table[numbers // 10**_HALF_DIGITS]
    out["low"] = table[numbers % 10**_HALF_DIGITS]
    return out.view(np.uint8)


def id_array(numbers: IntArray, valid: BoolArray | None = None) -> pa.Array:
    """Arrow strings of the ids of ``numbers``; with ``valid``, one row per entry of
    ``valid``, null where it is False and the next of ``numbers`` where it is True."""
    data = _id_bytes(numbers)
    if valid is None:
        offsets = np.arange(0, (len(numbers) + 1) * _ID_WIDTH, _ID_WIDTH, dtype=np.int64)
        return pa.Array.from_buffers(
            pa.large_string(), len(numbers), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
    offsets = np.zeros(len(valid) + 1, dtype=np.int64)
    np.cumsum(valid, out=offsets[1:])
    offsets *= _ID_WIDTH
    bitmap = np.packbits(valid, bitorder="little")
    return pa.Array.from_buffers(
        pa.large_string(),
        len(valid),
        [pa.py_buffer(bitmap), pa.py_buffer(offsets), pa.py_buffer(data)],
        null_count=len(valid) - len(numbers),
    )
