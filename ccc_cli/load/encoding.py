"""The text encoding of a file, decided once for the whole file, never per chunk.

The order: ``--encoding`` if given; else a byte-order mark (UTF-32 before UTF-16, whose
BOM is a prefix of UTF-32 LE's; then UTF-8); else UTF-16/32 without a BOM when the head
is mostly NUL bytes in the pattern those encodings make; else UTF-8 when *every* byte of
the file is valid UTF-8; else cp1252 (Windows Western, what spreadsheets export) when
every byte maps in it, else Latin-1, which maps every byte, so no row is lost over a
character ccc never uses. Accounts such as ``Société`` and ``Sociètè`` therefore stay
distinct whatever part of the file they are in.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ccc_cli.errors import UsageError

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes cp1252 leaves undefined; a file holding one of them is read as Latin-1.
_CP1252_HOLES: Final = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_UTF8_NAMES: Final = frozenset({"utf-8", "utf8", "utf_8", "u8", "utf"})


@dataclass(frozen=True, slots=True)
class TextEncoding:
    """How a text file's bytes become text.

    ``name`` is a Python codec name; ``why`` says how it was chosen (for ``inspect``
    and notes).
    """

    name: str
    why: str
    # Bytes that do not decode become U+FFFD (a forced encoding the file does not fit).
    lossy: bool = False

    @property
    def is_utf8(self) -> bool:
        """Valid UTF-8 as it is on disk (a UTF-8 BOM included): no transcoding needed."""
        return self.name in ("utf-8", "utf-8-sig") and not self.lossy

    def describe(self) -> str:
        return f"{self.name} ({self.why})"


def check_encoding_name(name: str) -> str:
    """The codec name of ``--encoding``; a usage error if Python does not know it."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(
            f"unknown encoding {name!r}", hint="use e.g. utf-8, utf-16, cp1252, latin-1"
        ) from None


def _bom(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def _nul_pattern(head: bytes) -> str | None:
    """UTF-16/32 without a BOM, from where the NUL bytes of ASCII text fall."""
    sample = head[: 4096 - 4096 % 4]
    if len(sample) < 8 or sample.count(0) < len(sample) // 4:
        return None
    at = [sample[i::4].count(0) for i in range(4)]
    quarter = len(sample) // 4
    if at[1] > 0.9 * quarter and at[2] > 0.9 * quarter and at[3] > 0.9 * quarter:
        return "utf-32-le"
    if at[0] > 0.9 * quarter and at[1] > 0.9 * quarter and at[2] > 0.9 * quarter:
        return "utf-32-be"
    odd, even = at[1] + at[3], at[0] + at[2]
    if odd > 0.9 * 2 * quarter and even < 0.1 * 2 * quarter:
        return "utf-16-le"
    if even > 0.9 * 2 * quarter and odd < 0.1 * 2 * quarter:
        return "utf-16-be"
    return None


def _first_bad_utf8(chunks: Iterator[bytes]) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or None if all are.

    ASCII chunks (the common case) are skipped at memory speed; the incremental decoder
    carries a sequence cut by a chunk boundary into the next chunk.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    for chunk in chunks:
        pending = decoder.getstate()[0]
        if not pending and chunk.isascii():
            offset += len(chunk)
            continue
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return offset + exc.start - len(pending)
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset - len(decoder.getstate()[0])
    return None


def _fallback(chunks: Iterator[bytes]) -> str:
    for chunk in chunks:
        if any(hole in chunk for hole in _CP1252_HOLES):
            return "latin-1"
    return "cp1252"


def detect_text_encoding(
    head: bytes, chunks: Iterator[bytes], again: Iterator[bytes], forced: str | None
) -> TextEncoding:
    """The encoding of a file whose first bytes are ``head``.

    ``chunks`` and ``again`` each iterate over the whole file's bytes (the second is
    only used when the file is not UTF-8, to choose the fallback).
    """
    if forced is not None:
        name = check_encoding_name(forced)
        if name not in _UTF8_NAMES:
            return TextEncoding(name, "set by --encoding", lossy=True)
        bad = _first_bad_utf8(chunks)
        if bad is None:
            return TextEncoding("utf-8", "set by --encoding")
        why = f"set by --encoding; byte {bad:,} and others not valid UTF-8 are replaced"
        return TextEncoding("utf-8", why, lossy=True)
    bom = _bom(head)
    if bom is not None:
        return TextEncoding(bom, "byte-order mark")
    wide = _nul_pattern(head)
    if wide is not None:
        return TextEncoding(wide, "NUL bytes of a 16/32-bit encoding, no byte-order mark")
    bad = _first_bad_utf8(chunks)
    if bad is None:
        return TextEncoding("utf-8", "every byte is valid UTF-8")
    name = _fallback(again)
    return TextEncoding(name, f"not UTF-8 (byte {bad:,} is not valid UTF-8)")
