"""Line numbers of records (``ccc_cli.load.lines``) against Python's csv module."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_cli.load.lines import count_lines, line_map

PIECES = (b"a,b", b'"x"', b'"q\nr"', b"\n", b"\r", b"\r\n", b"c", b'"', b"  ", b'""', b",")


def oracle(data: bytes) -> tuple[list[int], int]:
    """The line each record starts on, and the blank lines, as Python's csv reads them."""
    reader = csv.reader(io.StringIO(data.decode(), newline=""))
    starts: list[int] = []
    blank = 0
    ended = 0
    for record in reader:
        if record:
            starts.append(ended + 1)
        else:
            blank += 1
        ended = reader.line_num
    return starts, blank


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    return iter([data[i : i + size] for i in range(0, len(data), size)])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=16), st.sampled_from([1, 2, 3, 7, 64])
)
def test_line_of_every_record_and_blank_lines(pieces: list[bytes], size: int) -> None:
    data = b"".join(pieces)
    starts, blank = oracle(data)
    found = line_map(lambda: chunked(data, size), len(starts))
    lines = list(range(1, len(starts) + 1)) if found.table is None else found.table.tolist()
    assert lines == starts
    assert found.blank_lines == blank
    assert found.exact


def test_the_common_file_is_the_identity() -> None:
    data = b"h\n" + b"".join(b"r%d\n" % i for i in range(100))
    found = line_map(lambda: iter([data]), 101)
    assert found.table is None
    assert found.blank_lines == 0


def test_counts_survive_chunk_boundaries() -> None:
    data = b"a\r\nb\r\n\r\nc\r"
    for size in range(1, len(data) + 1):
        counts = count_lines(chunked(data, size))
        assert counts.body_lines == 4
        assert counts.inner_blank
