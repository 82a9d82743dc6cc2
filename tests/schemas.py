"""The published JSON Schemas (docs/schema/) as a pytest helper: every ``--format json``
document a test sees can be checked against its command's schema.

>>> assert_schema(json.loads(r.stdout))          # doctest: +SKIP
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "docs" / "schema"
COMMANDS = ("analyze", "at", "breaches", "check", "generate", "inspect", "peak", "series", "size")
# Commands that print no JSON document: `ccc report` writes a page drawn from the others'.
NO_JSON = ("report",)


@functools.cache
def registry() -> Registry:  # type: ignore[type-arg]
    """Every schema file under its ``$id`` (``peak.json``, ``vocabulary.json``, ...), so the
    commands' ``$ref``s to the shared vocabulary resolve."""
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$id"] == path.name, path
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@functools.cache
def validator(command: str) -> Draft202012Validator:
    schema = registry().contents(f"{command}.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry())


def schema_errors(doc: Any, command: str | None = None) -> list[str]:
    """Every way ``doc`` breaks its command's schema (the command is ``doc["command"]``
    unless given), as ``path: message`` lines."""
    name = command or doc["command"]
    errors = sorted(validator(name).iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}" for e in errors]


def assert_schema(doc: Any, command: str | None = None) -> Any:
    """Fail with every error if ``doc`` does not match its schema; return ``doc``."""
    errors = schema_errors(doc, command)
    assert not errors, "\n".join(errors[:20])
    return doc
