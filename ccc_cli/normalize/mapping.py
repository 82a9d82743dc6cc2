"""Which input column feeds each logical field, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ccc_cli.errors import InputError
from ccc_cli.schema import (
    ALIASES,
    FIELD_DURATION,
    FIELD_END,
    FIELD_GROUP,
    FIELD_START,
    INPUT_FIELDS,
    normalize_header,
)

# Flag that names each field's column (for messages).
FIELD_FLAGS: dict[str, str] = {
    "call_id": "--id-col",
    "start": "--start-col",
    "end": "--end-col",
    "answer": "--answer-col",
    "duration": "--duration-col",
    "call_type": "--type-col",
    "account": "--account-col",
    "parent": "--parent-col",
    "group": "--group-col",
    "status": "--status-col",
    "date": "--date-col",
}


@dataclass(frozen=True, slots=True)
class FieldSource:
    """The column that feeds one field and the reason it was chosen."""

    field: str
    column: str
    why: str
    # More columns whose values, with ``column``'s, make the value (a group of several).
    also: tuple[str, ...] = ()

    def shown(self) -> str:
        return " + ".join((self.column, *self.also))


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Field -> column for one file."""

    fields: Mapping[str, FieldSource]

    def column(self, name: str) -> str | None:
        source = self.fields.get(name)
        return None if source is None else source.column


def _shorten(columns: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(columns[:limit])
    return shown + (f", ... ({len(columns)} in all)" if len(columns) > limit else "")


def _numbered(columns: Sequence[str]) -> bool:
    return bool(columns) and columns[0] == "column_1"


def _existing(column: str, name: str, columns: Sequence[str], label: str) -> str:
    """The file's spelling of ``column`` (named by a flag), or a clear error."""
    if column in columns:
        return column
    match = [c for c in columns if c.lower() == column.lower()]
    if len(match) != 1:
        raise InputError(
            f"{label}: column {column!r} ({FIELD_FLAGS[name]}) not found; "
            f"columns: {_shorten(columns)}",
            hint=f"pass {FIELD_FLAGS[name]} with one of the columns above",
        )
    return match[0]


def preset_names() -> tuple[str, ...]:
    from ccc_cli.normalize.presets import PRESET_NAMES

    return PRESET_NAMES


def resolve_columns(
    columns: Sequence[str],
    explicit: Mapping[str, str],
    *,
    label: str,
    preset: Mapping[str, FieldSource] | None = None,
    aliases: bool = True,
) -> ColumnMapping:
    """Map fields to the columns of one file.

    Explicit choices (flags or config) come first and must exist; then the fields a
    preset sets (see ``ccc_cli.normalize.detect``); with ``aliases``, other fields are
    matched against their aliases, case-insensitively and ignoring ``_``, ``-`` and
    spaces, never reusing a column already taken.
    """
    chosen: dict[str, FieldSource] = {}
    for name, value in explicit.items():
        # --group-col may name several columns (a, b): their values together are the group.
        wanted = [v.strip() for v in value.split(",")] if name == FIELD_GROUP else [value]
        present = [_existing(column, name, columns, label) for column in wanted]
        why = f"set by {FIELD_FLAGS[name]}"
        chosen[name] = FieldSource(name, present[0], why, also=tuple(present[1:]))

    for name, source in (preset or {}).items():
        chosen.setdefault(name, source)
    taken = {s.column for s in chosen.values()}
    by_key: dict[str, str] = {}
    for c in columns:
        by_key.setdefault(normalize_header(c), c)
    for name in INPUT_FIELDS if aliases else ():
        if name in chosen:
            continue
        for i, alias in enumerate(ALIASES[name]):
            found = by_key.get(normalize_header(alias))
            if found is not None and found not in taken:
                why = "canonical name" if i == 0 else f"alias of {ALIASES[name][0]}"
                chosen[name] = FieldSource(name, found, why)
                taken.add(found)
                break
    if FIELD_START not in chosen:
        raise InputError(
            f"{label}: no start-time column found and no preset matched; "
            f"columns: {_shorten(columns)}",
            hint=f"pass --preset {'|'.join(preset_names())}, or name the columns with "
            "--start-col and --end-col (or --duration-col)"
            + (", with column_N names for a headerless file" if _numbered(columns) else "")
            + f"; 'ccc inspect {label}' shows its columns",
        )
    if FIELD_END not in chosen and FIELD_DURATION not in chosen:
        raise InputError(
            f"{label}: no end-time or duration column found; columns: {_shorten(columns)}",
            hint=f"pass --end-col NAME or --duration-col NAME; 'ccc inspect {label}' shows "
            "its columns",
        )
    return ColumnMapping({name: chosen[name] for name in INPUT_FIELDS if name in chosen})
