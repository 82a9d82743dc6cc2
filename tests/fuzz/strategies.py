"""Hypothesis strategies: a valid CDR table, then damage, as bytes plus what was done.

``csv_cases()`` draws a valid base table (a header of canonical names or aliases the
tool detects, 1-40 calls in 2026 lasting 0-2 h, quoted or bare fields), then applies a
set of damage kinds (``DAMAGE``), then encodes it. A ``CsvCase`` keeps the bytes, the
codec to decode them, the column positions, every time text the generator wrote with
its meaning (``oracle.TimeValue``), and a description of the damage, so the oracle
knows what to expect whatever the damage did to the records.

``parquet_cases()`` draws a table written with pyarrow with random column types.

Times: every base call lies between May and September 2026, when neither
America/New_York nor Asia/Ho_Chi_Minh changes its offset, so reading naive times in
``--tz`` shifts every call by the same amount and the peak does not change.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, cast
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from .oracle import Columns, TimeKind, TimeValue, brute_peak

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
LF, CR, CRLF = "\n", "\r", "\r\n"

# Damage kinds; each case applies a (possibly empty) set of them.
DAMAGE: Final[tuple[str, ...]] = (
    "line_endings",  # LF / CR / CRLF per line
    "blank_lines",  # blank lines anywhere, "\n\n" or "\r\n\r\n" at the end
    "stray_quote",  # a '"' inside a bare text field (5" screen)
    "embedded",  # quoted text fields holding newlines, commas, doubled quotes
    "unterminated_quote",  # a field opening a quote that never closes
    "bom",  # UTF-8 with a BOM
    "encoding",  # UTF-16 LE/BE or UTF-32 with a BOM, Latin-1/cp1252 (late or early)
    "junk_time",  # unparseable / empty / null values in time columns
    "huge_field",  # a 100 KB+ text field
    "extreme_time",  # sentinels and out-of-range times
    "ragged",  # rows with missing or extra fields
    "nul",  # NUL bytes in text fields
    "parent_cycle",  # A -> B -> A through parent_call_id
    "duplicate_rows",  # exact copies of rows
)
# Damage after which the calls themselves are unchanged (the peak must be too).
CALL_PRESERVING: Final = frozenset(
    {
        "line_endings",
        "blank_lines",
        "stray_quote",
        "embedded",
        "bom",
        "encoding",
        "huge_field",
        "nul",
        "duplicate_rows",
    }
)

TIME_FORMATS: Final = ("iso_space", "iso_t", "iso_z", "iso_frac", "epoch_s", "epoch_ms")
ZONES: Final = (None, "Asia/Ho_Chi_Minh", "America/New_York")

HEADER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "call_id": ("call_id", "callid", "id"),
    "start": ("start_time", "start", "started_at", "call_start"),
    "end": ("end_time", "end", "ended_at", "call_end"),
    "call_type": ("call_type", "type", "calltype"),
    "account": ("account_id", "account", "customer_id", "tenant"),
    "parent": ("parent_call_id", "parent_id"),
    "memo": ("memo", "comment", "description"),
}
CALL_TYPES: Final = ("inbound", "outbound", "internal", "otp", "app_to_app", "", "weird-type")
ACCOUNTS_ASCII: Final = ("acc-1", "acc-2", "ACME, Inc.", 'Big "Q" Ltd', "x")
ACCOUNTS_LATIN1: Final = ("Société", "Sociètè", "Müller GmbH", "Ærø", "Công")
ACCOUNTS_WIDE: Final = ("Công ty Việt", "東京", "Zürich ☎")
# Data rows whose call id starts like a SQL type name (a CUCM types line is skipped).
SQL_TYPE_IDS: Final = ("INTEGER-7", "VARCHAR(50)-1", "BIGINT9", "DATETIME_3", "UNIQUEIDENTIFIER-x")

# Codec for writing -> codec for reading back (the oracle's decode).
ENCODINGS: Final[dict[str, str]] = {
    "utf-16-le-bom": "utf-16",
    "utf-16-be-bom": "utf-16",
    "utf-32-bom": "utf-32",
    "latin-1": "latin-1",
    "cp1252": "cp1252",
}
LATE_PAD: Final = 70_000  # ASCII bytes before the first non-ASCII one (beyond a 64 KB sniff)

# Bad time texts per kind, for text (ISO) and epoch columns.
NULL_TEXTS: Final = ("", "NULL", "\\N")
NULLISH_TEXTS: Final = ("n/a", "-")
JUNK_ISO: Final = (
    "garbage",
    "not a date",
    "2026-13-45 10:00:00",
    "2026-02-30 10:00:00",
    "2026-05-01 25:61:00",
    "#VALUE!",
    "??",
    "10:00:00",
)
JUNK_EPOCH: Final = ("garbage", "12abc", "#VALUE!", "1.2.3")
# (year, month, day, hour, minute, second): implausible placeholders. The last three are
# out of range once a naive time is read in a zone east or west of UTC.
SENTINELS: Final = (
    (0, 0, 0, 0, 0, 0),
    (1000, 1, 1, 0, 0, 0),
    (1970, 1, 1, 0, 0, 0),
    (1969, 12, 31, 23, 59, 59),
    (1899, 12, 30, 0, 0, 0),
    (1900, 1, 1, 0, 0, 0),
    (9999, 12, 31, 23, 59, 59),
    (9999, 12, 31, 23, 50, 0),
    (1, 1, 1, 0, 0, 0),
)
# Both times of one row implausible (a call that would be active in 1970 or year 9999).
SENTINEL_PAIRS: Final = (
    ((1970, 1, 1, 0, 0, 0), (1970, 1, 1, 0, 5, 0)),
    ((1000, 1, 1, 0, 0, 0), (1000, 1, 1, 1, 0, 0)),
    ((9999, 12, 31, 23, 50, 0), (9999, 12, 31, 23, 59, 0)),
    ((1, 1, 1, 0, 10, 0), (1, 1, 1, 0, 20, 0)),
    ((0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0)),
)
EPOCH_S_PAIRS: Final = (
    (("0", "sentinel"), ("60", "sentinel")),
    (("253402300000", "sentinel"), ("253402300799", "sentinel")),
    (("569000000000", "range"), ("569000000600", "range")),
)
EPOCH_MS_PAIRS: Final = (
    (("0", "sentinel"), ("60000", "sentinel")),
    (("253402300000000", "sentinel"), ("253402300799000", "sentinel")),
    (("9999999999990000", "range"), ("9999999999999999", "range")),
)
EPOCH_S_SENTINELS: Final = ("0", "-1", "-86400", "253402300799", "-62135596800")
EPOCH_S_RANGE: Final = ("569000000000", "99999999999999")  # years ~20000 and ~3.2 million
EPOCH_MS_SENTINELS: Final = ("0", "-1000", "253402300799000")
EPOCH_MS_RANGE: Final = ("9999999999999999", "569000000000000")


# --- the layout of a text file ----------------------------------------------------------
@dataclass
class Field:
    """One field: its value and how it is written (``raw`` overrides quoting: damage)."""

    value: str
    quoted: bool = False
    raw: str | None = None

    def render(self) -> str:
        if self.raw is not None:
            return self.raw
        if self.quoted or any(c in self.value for c in ',"\r\n'):
            return '"' + self.value.replace('"', '""') + '"'
        return self.value


@dataclass
class Line:
    """A record (``fields``) or a blank line (``None``), and what ends it."""

    fields: list[Field] | None
    end: str = LF


@dataclass(repr=False)
class CsvCase:
    data: bytes
    codec: str  # decodes ``data`` for the oracle
    columns: Columns
    times: dict[str, TimeValue]
    tz: str | None
    time_format: str
    damage: frozenset[str]
    notes: list[str] = field(default_factory=list)  # what the damage did, for reports

    @property
    def preserves_calls(self) -> bool:
        return self.damage <= CALL_PRESERVING

    def __repr__(self) -> str:
        # Short: a failing example is printed with this, and the data can be 200 KB.
        return f"CsvCase(<{len(self.data)} bytes>, damage={sorted(self.damage)})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))  # Hypothesis prints dataclasses field by field otherwise

    def describe(self) -> str:
        head = self.data if len(self.data) <= 3000 else self.data[:400] + b"..."
        return (
            f"damage={sorted(self.damage)} tz={self.tz} format={self.time_format} "
            f"codec={self.codec} bytes={len(self.data)} {'; '.join(self.notes)}\n"
            f"data: {head!r}"
        )


# --- time rendering ---------------------------------------------------------------------
def render_time(at: datetime, fmt: str, tz: str | None) -> str:
    """``at`` (aware) as the file writes it: naive formats are wall times in ``tz``."""
    if fmt == "epoch_s":
        return str(int((at - EPOCH).total_seconds()))
    if fmt == "epoch_ms":
        return str((at - EPOCH) // timedelta(milliseconds=1))
    if fmt == "iso_z":
        return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    wall = at.astimezone(ZoneInfo(tz) if tz else UTC)
    if fmt == "iso_space":
        return wall.strftime("%Y-%m-%d %H:%M:%S")
    if fmt == "iso_t":
        return wall.strftime("%Y-%m-%dT%H:%M:%S")
    if fmt == "iso_frac":
        return wall.strftime("%Y-%m-%d %H:%M:%S.%f")
    raise ValueError(fmt)


def render_parts(parts: tuple[int, ...], fmt: str) -> str:
    """A sentinel date-time (possibly not a real date) in a text format."""
    y, mo, d, h, mi, s = parts
    sep = " " if fmt in ("iso_space", "iso_frac") else "T"
    text = f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}"
    if fmt == "iso_frac":
        text += ".000000"
    if fmt == "iso_z":
        text += "Z"
    return text


def sentinel_texts(fmt: str, tz: str | None) -> list[tuple[str, TimeValue]]:
    """Implausible and out-of-range time texts for a column in ``fmt``, read in ``tz``."""
    if fmt == "epoch_s":
        return [(t, TimeValue("sentinel")) for t in EPOCH_S_SENTINELS] + [
            (t, TimeValue("range")) for t in EPOCH_S_RANGE
        ]
    if fmt == "epoch_ms":
        return [(t, TimeValue("sentinel")) for t in EPOCH_MS_SENTINELS] + [
            (t, TimeValue("range")) for t in EPOCH_MS_RANGE
        ]
    return [_sentinel_text(parts, fmt, tz) for parts in SENTINELS]


def _sentinel_text(parts: tuple[int, ...], fmt: str, tz: str | None) -> tuple[str, TimeValue]:
    # Year 1 or 9999 as a wall time in a zone off UTC may not be representable.
    edge = parts[0] in (1, 9999) and tz is not None and fmt != "iso_z"
    return render_parts(parts, fmt), TimeValue("range" if edge else "sentinel")


Sentinel = tuple[str, TimeValue]


def sentinel_pairs(fmt: str, tz: str | None) -> list[tuple[Sentinel, Sentinel]]:
    """(start, end) texts of rows whose both times are implausible or out of range."""
    if fmt.startswith("epoch"):
        pairs = EPOCH_S_PAIRS if fmt == "epoch_s" else EPOCH_MS_PAIRS
        return [
            ((s, TimeValue(cast(TimeKind, sk))), (e, TimeValue(cast(TimeKind, ek))))
            for (s, sk), (e, ek) in pairs
        ]
    return [(_sentinel_text(a, fmt, tz), _sentinel_text(b, fmt, tz)) for a, b in SENTINEL_PAIRS]


def junk_texts(fmt: str) -> list[tuple[str, TimeValue]]:
    junk = JUNK_EPOCH if fmt.startswith("epoch") else JUNK_ISO
    return (
        [(t, TimeValue("missing")) for t in NULL_TEXTS]
        + [(t, TimeValue("nullish")) for t in NULLISH_TEXTS]
        + [(t, TimeValue("junk")) for t in junk]
    )


# --- the base table ---------------------------------------------------------------------
@dataclass
class BaseRow:
    call_id: str
    start: datetime
    end: datetime
    call_type: str
    account: str
    parent: str = ""
    memo: str = ""


@st.composite
def base_rows(draw: st.DrawFn, *, fmt: str, accounts: tuple[str, ...]) -> list[BaseRow]:
    """1-40 valid calls around one afternoon of 2026, many on a minute grid so that ends
    and starts coincide (half-open boundaries), durations 0-2 h."""
    n = draw(st.integers(1, 40))
    day = datetime(2026, 5, 1, 6, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 120)))
    on_grid = draw(st.booleans())
    sub_second = fmt in ("iso_frac", "epoch_ms")
    # Ids like SQL type names (a CUCM types line) now and then: a reader that skips them
    # loses a row, and that would hide every other finding.
    id_style = draw(st.sampled_from(["c", "c", "c", "n", "n", "hex", "hex", "sql"]))
    rows: list[BaseRow] = []
    for i in range(n):
        if on_grid:
            offset = timedelta(minutes=draw(st.integers(0, 180)))
            length = timedelta(minutes=draw(st.integers(0, 120)))
        else:
            offset = timedelta(seconds=draw(st.integers(0, 3 * 3600)))
            length = timedelta(seconds=draw(st.integers(0, 2 * 3600)))
        if sub_second and draw(st.booleans()):
            unit = timedelta(microseconds=1000 if fmt == "epoch_ms" else 1)
            offset += unit * draw(st.integers(0, 999 if fmt == "epoch_ms" else 999_999))
        start = day + offset
        if id_style == "c":
            cid = f"c{i}"
        elif id_style == "n":
            cid = str(1000 + i)
        elif id_style == "sql":
            cid = f"{SQL_TYPE_IDS[i % len(SQL_TYPE_IDS)]}-{i}"
        else:
            cid = f"{i:08x}-4f2a-9c1e-{i * 7919:012x}"
        rows.append(
            BaseRow(
                call_id=cid,
                start=start,
                end=start + length,
                call_type=draw(st.sampled_from(CALL_TYPES)),
                account=draw(st.sampled_from(accounts)),
            )
        )
    return rows


def _text_columns(columns: Columns) -> list[int]:
    return [c for c in (columns.call_type, columns.account, columns.memo) if c is not None]


# --- the case ---------------------------------------------------------------------------
@st.composite
def csv_cases(
    draw: st.DrawFn,
    *,
    damage: st.SearchStrategy[frozenset[str]] | None = None,
) -> CsvCase:
    """A CSV file: a valid base table with a set of damage applied (see ``DAMAGE``)."""
    kinds: frozenset[str] = draw(
        damage if damage is not None else st.frozensets(st.sampled_from(DAMAGE), max_size=4)
    )
    notes: list[str] = []

    # Encoding first: it decides which account names can be written.
    encoding = "utf-8-sig" if "bom" in kinds else "utf-8"
    late = False
    if "encoding" in kinds:
        encoding = draw(st.sampled_from(sorted(ENCODINGS)))
        late = encoding in ("latin-1", "cp1252") and draw(st.booleans())
    single_byte = encoding in ("latin-1", "cp1252")
    accounts = ACCOUNTS_ASCII + ACCOUNTS_LATIN1 + (() if single_byte else ACCOUNTS_WIDE)

    tz = draw(st.sampled_from(ZONES))
    fmt = draw(st.sampled_from(TIME_FORMATS))
    has_parent = "parent_cycle" in kinds or draw(st.booleans())
    has_memo = bool(kinds & {"huge_field", "nul"}) or late or draw(st.booleans())

    # Header: canonical names or aliases, in a fixed order.
    fields = ["call_id", "start", "end", "call_type", "account"]
    if has_parent:
        fields.append("parent")
    if has_memo:
        fields.append("memo")
    names = [draw(st.sampled_from(HEADER_ALIASES[f])) for f in fields]
    pos = {f: i for i, f in enumerate(fields)}
    columns = Columns(
        width=len(fields),
        call_id=pos["call_id"],
        start=pos["start"],
        end=pos["end"],
        call_type=pos["call_type"],
        account=pos["account"],
        parent=pos.get("parent"),
        memo=pos.get("memo"),
    )

    rows = draw(base_rows(fmt=fmt, accounts=accounts))
    if has_parent and len(rows) > 1:
        # Some rows are legs of an earlier row (acyclic): one call, counted once.
        for i in range(1, len(rows)):
            if draw(st.integers(0, 4)) == 0:
                rows[i].parent = rows[draw(st.integers(0, i - 1))].call_id
    if has_memo:
        for r in rows:
            r.memo = draw(st.sampled_from(["", "ok", "call back", "5 min"]))
    if "parent_cycle" in kinds:
        size = min(len(rows), draw(st.integers(1, 3)))
        members = draw(st.permutations(range(len(rows))))[:size]
        for a, b in zip(members, members[1:] + members[:1], strict=True):
            rows[a].parent = rows[b].call_id
        notes.append(f"parent cycle over rows {members}")

    times: dict[str, TimeValue] = {}
    for r in rows:
        for at in (r.start, r.end):
            times[render_time(at, fmt, tz)] = TimeValue("ok", at)

    quoting = draw(st.sampled_from(["minimal", "all", "random"]))

    def quoted() -> bool:
        return quoting == "all" or (quoting == "random" and draw(st.booleans()))

    def record(values: list[str]) -> Line:
        return Line([Field(v, quoted()) for v in values])

    header = record(names)
    lines: list[Line] = []
    for r in rows:
        values = [r.call_id, render_time(r.start, fmt, tz), render_time(r.end, fmt, tz)]
        values += [r.call_type, r.account]
        if has_parent:
            values.append(r.parent)
        if has_memo:
            values.append(r.memo)
        lines.append(record(values))

    if late:
        # Only ASCII in the first 64 KB: a 70 KB memo on the first row, its account ASCII.
        first = lines[0].fields
        assert first is not None and columns.memo is not None
        first[columns.memo] = Field("p" * LATE_PAD, quoted=False)
        first[columns.account] = Field("acc-0", quoted=False)
        notes.append("non-ASCII only after 64 KB")

    def pick_line() -> Line:
        return lines[draw(st.integers(0, len(lines) - 1))]

    def fields_of(line: Line) -> list[Field]:
        assert line.fields is not None
        return line.fields

    # Structural damage first, then the text layout, then the encoding.
    if "duplicate_rows" in kinds:
        for _ in range(draw(st.integers(1, 3))):
            src = draw(st.integers(0, len(lines) - 1))
            dst = draw(st.integers(src + 1, len(lines)))
            lines.insert(dst, copy.deepcopy(lines[src]))
        notes.append("duplicated rows")
    if "junk_time" in kinds:
        options = junk_texts(fmt)
        for _ in range(draw(st.integers(1, 3))):
            text, meaning = draw(st.sampled_from(options))
            col = draw(st.sampled_from([columns.start, columns.end]))
            fields_of(pick_line())[col] = Field(text, quoted())
            times[text] = meaning
            notes.append(f"junk {text!r} in column {col}")
    if "extreme_time" in kinds:
        options = sentinel_texts(fmt, tz)
        pairs = sentinel_pairs(fmt, tz)
        for _ in range(draw(st.integers(1, 2))):
            if draw(st.booleans()):
                text, meaning = draw(st.sampled_from(options))
                col = draw(st.sampled_from([columns.start, columns.end]))
                fields_of(pick_line())[col] = Field(text, quoted())
                times[text] = meaning
                notes.append(f"extreme {text!r} in column {col}")
            else:
                (s_text, s_meaning), (e_text, e_meaning) = draw(st.sampled_from(pairs))
                fs = fields_of(pick_line())
                fs[columns.start] = Field(s_text, quoted())
                fs[columns.end] = Field(e_text, quoted())
                times[s_text], times[e_text] = s_meaning, e_meaning
                notes.append(f"extreme call {s_text!r} to {e_text!r}")
    if "huge_field" in kinds:
        col = draw(st.sampled_from(_text_columns(columns)))
        size = draw(st.integers(100_000, 200_000))
        text = ("lorem, ipsum " * (size // 13 + 1))[:size]
        as_quoted = draw(st.booleans())
        fields_of(pick_line())[col] = Field(
            text if as_quoted else text.replace(",", ";"), quoted=as_quoted
        )
        notes.append(f"{size} byte field in column {col}")
    if "nul" in kinds:
        col = draw(st.sampled_from([c for c in (columns.call_type, columns.memo) if c is not None]))
        f = fields_of(pick_line())[col]
        at = draw(st.integers(0, len(f.value)))
        f.value = f.value[:at] + "\x00" + f.value[at:]
        notes.append(f"NUL in column {col}")
    if "embedded" in kinds:
        for _ in range(draw(st.integers(1, 3))):
            col = draw(st.sampled_from(_text_columns(columns)))
            f = fields_of(pick_line())[col]
            piece = draw(st.sampled_from(["\n", "\r\n", "\r", ",", '"', 'say ""hi""', "a,\nb"]))
            at = draw(st.integers(0, len(f.value)))
            f.value, f.quoted, f.raw = f.value[:at] + piece + f.value[at:], True, None
            notes.append(f"embedded {piece!r} in column {col}")
    if "stray_quote" in kinds:
        for _ in range(draw(st.integers(1, 2))):
            col = draw(st.sampled_from([*_text_columns(columns), columns.call_id]))
            f = fields_of(pick_line())[col]
            if f.raw is not None or any(c in f.value for c in ',"\r\n') or f.value == "":
                continue
            # Not at the start of the field: there a quote would open a quoted field.
            at = draw(st.integers(1, len(f.value)))
            f.value = f.value[:at] + '"' + f.value[at:] + draw(st.sampled_from(["", " screen"]))
            f.raw, f.quoted = f.value, False
            notes.append(f"stray quote: {f.value[:40]!r}")
    if "ragged" in kinds:
        for _ in range(draw(st.integers(1, 2))):
            fs = fields_of(pick_line())
            if draw(st.booleans()) and len(fs) > 1:
                del fs[draw(st.integers(1, len(fs) - 1)) :]
                notes.append(f"ragged: {len(fs)} fields")
            else:
                fs.extend(Field(v, quoted()) for v in draw(st.sampled_from([["x"], ["x", "y"]])))
                notes.append(f"ragged: {len(fs)} fields")
    if "unterminated_quote" in kinds:
        fs = fields_of(pick_line())
        col = draw(st.integers(0, len(fs) - 1))
        f = fs[col]
        f.raw = '"' + f.value.replace('"', "")
        notes.append(f"unterminated quote in column {col}")

    # Layout: line ends, blank lines.
    all_lines = [header, *lines]
    style = (
        draw(st.sampled_from(["lf", "crlf", "cr", "mixed"])) if "line_endings" in kinds else "lf"
    )
    for line in all_lines:
        line.end = {"lf": LF, "crlf": CRLF, "cr": CR}.get(style) or draw(
            st.sampled_from([LF, CR, CRLF])
        )
    if "blank_lines" in kinds:
        for _ in range(draw(st.integers(1, 4))):
            # Index 0 (before the header) only now and then.
            at = draw(st.integers(0 if draw(st.integers(0, 5)) == 0 else 1, len(all_lines)))
            all_lines.insert(at, Line(None, draw(st.sampled_from([LF, CRLF, CR]))))
        tail = draw(st.sampled_from(["", "\n", "\r\n", "\r"]))
        if tail:
            all_lines[-1].end = all_lines[-1].end or LF
            all_lines.append(Line(None, tail))
        notes.append("blank lines")
    elif not draw(st.integers(0, 3)):
        all_lines[-1].end = ""  # no newline at the end of the file
    text = "".join(
        ("" if line.fields is None else ",".join(f.render() for f in line.fields)) + line.end
        for line in all_lines
    )

    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    elif encoding == "utf-32-bom":
        data = text.encode("utf-32")  # with a BOM, native (little-endian) order
    else:
        data = text.encode(encoding)
    codec = ENCODINGS.get(encoding, encoding)
    return CsvCase(
        data=data,
        codec=codec,
        columns=columns,
        times=times,
        tz=tz,
        time_format=fmt,
        damage=kinds,
        notes=notes,
    )


# --- Parquet ----------------------------------------------------------------------------
TIME_TYPES: Final = (
    "timestamp[s]",
    "timestamp[ms]",
    "timestamp[us]",
    "timestamp[ns]",
    "timestamp[s, UTC]",
    "timestamp[ms, Asia/Ho_Chi_Minh]",
    "timestamp[us, UTC]",
    "timestamp[ns, America/New_York]",
    "string",
    "dictionary<string>",
    "int64[s]",
    "int64[ms]",
    "date32",
)
DURATION_TYPES: Final = (
    "duration[s]",
    "duration[ms]",
    "duration[us]",
    "int64",
    "float64",
    "string",
)


@dataclass(repr=False)
class ParquetCase:
    table: Any  # pyarrow.Table
    rows: int
    tz: str | None
    start_type: str
    end_type: str | None
    duration_type: str | None
    # Clean: no null, junk or extreme value and no date32: every row is one valid call
    # and the peak must be ``peak``.
    clean: bool
    peak: int
    # Rows no damage touched: each is a valid call unless a date32 column is involved.
    untouched: int
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"ParquetCase(rows={self.rows}, start={self.start_type}, end={self.end_type})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _head(self) -> str:
        try:
            return str(self.table.slice(0, 5).to_pylist())
        except (OverflowError, ValueError):  # a time Python cannot hold (year 0 or 10000)
            return str(self.table.schema)

    def describe(self) -> str:
        return (
            f"rows={self.rows} tz={self.tz} start={self.start_type} end={self.end_type} "
            f"duration={self.duration_type} clean={self.clean} {'; '.join(self.notes)}\n"
            f"{self._head()}"
        )


def _time_array(values: list[Any], kind: str, tz: str | None) -> Any:
    """``values``: aware datetimes, None, or already-typed raw values (str, int, date)."""
    import pyarrow as pa

    if kind.startswith("timestamp"):
        unit = kind[len("timestamp[") :].split(",")[0].rstrip("]")
        zone = kind.split(", ")[1].rstrip("]") if ", " in kind else None
        out: list[Any] = []
        for v in values:
            if isinstance(v, datetime) and zone is None:
                # Naive timestamps are wall times in --tz (an extreme value is written
                # as it is: its wall time may not exist in the zone).
                sane = 1900 < v.year < 3000
                v = (v.astimezone(ZoneInfo(tz) if tz else UTC) if sane else v).replace(tzinfo=None)
            out.append(v)
        return pa.array(out, type=pa.timestamp(unit, tz=zone))
    if kind in ("string", "dictionary<string>"):
        texts = [
            v.astimezone(ZoneInfo(tz) if tz else UTC).strftime("%Y-%m-%d %H:%M:%S")
            if isinstance(v, datetime)
            else v
            for v in values
        ]
        arr = pa.array(texts, type=pa.string())
        return arr.dictionary_encode() if kind.startswith("dictionary") else arr
    if kind.startswith("int64"):
        ms = kind == "int64[ms]"
        nums = [
            ((v - EPOCH) // timedelta(milliseconds=1) if ms else int((v - EPOCH).total_seconds()))
            if isinstance(v, datetime)
            else v
            for v in values
        ]
        return pa.array(nums, type=pa.int64())
    if kind == "date32":
        return pa.array(
            [v.date() if isinstance(v, datetime) else v for v in values], type=pa.date32()
        )
    raise ValueError(kind)


def _duration_array(values: list[Any], kind: str) -> Any:
    import pyarrow as pa

    if kind.startswith("duration"):
        unit = kind[len("duration[") :].rstrip("]")
        return pa.array(values, type=pa.duration(unit))
    secs = [v.total_seconds() if isinstance(v, timedelta) else v for v in values]
    if kind == "int64":
        return pa.array([int(s) if isinstance(s, float) else s for s in secs], type=pa.int64())
    if kind == "float64":
        return pa.array(secs, type=pa.float64())
    return pa.array([str(int(s)) if isinstance(s, float) else s for s in secs], type=pa.string())


def _extreme_time(kind: str) -> list[Any]:
    if kind.startswith("timestamp[ns"):
        return [datetime(1677, 9, 22, tzinfo=UTC), datetime(2262, 4, 11, tzinfo=UTC), EPOCH]
    if kind.startswith("timestamp"):
        return [
            datetime(1, 1, 1, tzinfo=UTC),
            datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
            EPOCH,
            datetime(1969, 7, 20, 20, 17, tzinfo=UTC),
        ]
    if kind == "int64[s]":
        return [0, -1, 569_000_000_000, 253_402_300_799, -(2**62)]
    if kind == "int64[ms]":
        return [0, 9_999_999_999_999_999, 2**63 - 1, -(2**63)]
    if kind == "date32":
        return [date(1, 1, 1), date(9999, 12, 31), date(1970, 1, 1)]
    return ["0000-00-00 00:00:00", "9999-12-31 23:50:00", "0001-01-01 00:00:00", "1970-01-01"]


def _extreme_duration(kind: str) -> list[Any]:
    if kind.startswith("duration"):
        return [timedelta(days=-1), timedelta(days=900_000), timedelta(0)]
    if kind == "int64":
        return [-5, 2**62, 10**15]
    if kind == "float64":
        return [float("nan"), float("inf"), -1.5, 1e300]
    return ["-5", "1e400", "nan", "99999999999999999999"]


@st.composite
def parquet_cases(draw: st.DrawFn) -> ParquetCase:
    """A Parquet file with random column types for times and durations, nulls, junk."""
    import pyarrow as pa

    fmt = "iso_space"
    rows = draw(base_rows(fmt=fmt, accounts=ACCOUNTS_ASCII + ACCOUNTS_LATIN1 + ACCOUNTS_WIDE))
    n = len(rows)
    tz = draw(st.sampled_from(ZONES))
    start_type = draw(st.sampled_from(TIME_TYPES))
    how = draw(st.sampled_from(["end", "duration", "both"]))
    end_type = draw(st.sampled_from(TIME_TYPES)) if how != "duration" else None
    duration_type = draw(st.sampled_from(DURATION_TYPES)) if how != "end" else None
    notes: list[str] = []
    clean = "date32" not in (start_type, end_type)

    starts: list[Any] = [r.start for r in rows]
    ends: list[Any] = [r.end for r in rows]
    durations: list[Any] = [r.end - r.start for r in rows]

    damaged = draw(st.booleans())
    touched: set[int] = set()

    def damage(values: list[Any], kind: str, extremes: list[Any], name: str) -> None:
        nonlocal clean
        for _ in range(draw(st.integers(0, 2)) if damaged else 0):
            i = draw(st.integers(0, n - 1))
            touched.add(i)
            choice = draw(st.sampled_from(["null", "junk", "extreme"]))
            if choice == "null":
                values[i] = None
            elif choice == "junk" and kind in ("string", "dictionary<string>"):
                values[i] = draw(st.sampled_from(JUNK_ISO + NULLISH_TEXTS + ("",)))
            else:
                values[i] = draw(st.sampled_from(extremes))
            clean = False
            notes.append(f"{name}[{i}] = {values[i]!r}")

    damage(starts, start_type, _extreme_time(start_type), "start")
    columns: dict[str, Any] = {}
    id_kind = draw(st.sampled_from(["string", "int64"]))
    columns["call_id"] = (
        pa.array([f"c{i}" for i in range(n)])
        if id_kind == "string"
        else pa.array(list(range(1, n + 1)), type=pa.int64())
    )
    columns["start_time"] = _time_array(starts, start_type, tz)
    if end_type is not None:
        damage(ends, end_type, _extreme_time(end_type), "end")
        columns["end_time"] = _time_array(ends, end_type, tz)
    if duration_type is not None:
        damage(durations, duration_type, _extreme_duration(duration_type), "duration")
        columns["duration"] = _duration_array(durations, duration_type)
    types = pa.array([r.call_type for r in rows])
    type_kind = draw(st.sampled_from(["string", "dictionary", "null"]))
    if type_kind == "dictionary":
        types = types.dictionary_encode()
    elif type_kind == "null":
        types = pa.nulls(n, type=pa.string())
    columns["call_type"] = types
    accounts = pa.array([r.account for r in rows])
    if draw(st.booleans()):
        accounts = accounts.dictionary_encode()
    columns["account_id"] = accounts
    table = pa.table(columns)

    peak = brute_peak([[(r.start, r.end)] for r in rows])
    return ParquetCase(
        table=table,
        rows=n,
        tz=tz,
        start_type=start_type,
        end_type=end_type,
        duration_type=duration_type,
        clean=clean,
        peak=peak,
        untouched=n - len(touched),
        notes=notes,
    )
