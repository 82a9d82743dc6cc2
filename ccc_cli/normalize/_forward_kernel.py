"""The sequential part of forward linking, compiled (see ``ccc_cli.normalize.forwards``).

Kept in its own module so that numba is imported only when a file has forward legs.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def match_forwards(
    keys: np.ndarray, kinds: np.ndarray, rows: np.ndarray, n_rows: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Walk the sorted events; return (forward rows, inbound rows, pair count).

    Kinds: 0 an inbound record ends, 1 one starts, 2 a forward leg starts. Per key (a
    hotline number in one account) a stack holds the inbound records that started; a
    forward leg takes the top one still active, so the most recent start.
    """
    m = len(keys)
    ended = np.zeros(n_rows, dtype=np.bool_)
    stack = np.empty(m, dtype=np.int64)
    forward = np.empty(m, dtype=np.int64)
    inbound = np.empty(m, dtype=np.int64)
    top = 0
    count = 0
    current = -1
    for e in range(m):
        if keys[e] != current:
            current = keys[e]
            top = 0
        kind = kinds[e]
        row = rows[e]
        if kind == 0:
            ended[row] = True
        elif kind == 1:
            stack[top] = row
            top += 1
        else:
            while top > 0 and ended[stack[top - 1]]:
                top -= 1
            if top > 0:
                top -= 1
                forward[count] = row
                inbound[count] = stack[top]
                count += 1
    return forward, inbound, count
