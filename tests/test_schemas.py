"""One vocabulary (issue 13): every command's ``--format json`` document matches its
published JSON Schema (docs/schema/<command>.json, draft 2020-12), on the bundled sample
data and on a small worked example, and every key the schemas name is written down in
docs/vocabulary.md.

(Every other CLI test's JSON is checked too: tests/conftest.py validates each
``--format json`` run of the suite.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from schemas import COMMANDS, NO_JSON, SCHEMA_DIR, assert_schema, registry, schema_errors
from typer.testing import CliRunner

from ccc_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "sample_data")
VOCABULARY = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")

# The definition's worked example (tests/test_cli.py) with a forwarded leg, an answer
# time, a REACH_PLAN_LIMIT row and a bad row.
EXAMPLE = """call_id,start_time,end_time,answer_time,call_type,account_id,status,parent_call_id
a,2026-11-20 10:30:00,2026-11-20 10:35:00,2026-11-20 10:30:10,inbound,acc-1,completed,
a-fwd,2026-11-20 10:30:20,2026-11-20 10:36:00,,inbound,acc-1,completed,a
b,2026-11-20 10:31:00,2026-11-20 10:35:00,,inbound,acc-1,completed,
c,2026-11-20 10:32:05,2026-11-20 10:35:00,,outbound,acc-2,completed,
d,2026-11-20 10:32:05,2026-11-20 10:33:00,,internal,acc-2,completed,
e,2026-11-20 10:32:00,2026-11-20 10:34:00,,otp,acc-1,completed,
f,2026-11-20 10:32:00,2026-11-20 10:34:00,,otp,,completed,
h,2026-11-20 10:32:06,,,otp,acc-2,REACH_PLAN_LIMIT,
i,garbage,2026-11-20 10:34:00,,otp,acc-2,completed,
"""
LIMITS = "account_id,limit\nacc-1,2\ndefault,3\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("schemas")
    (root / "example.csv").write_text(EXAMPLE)
    (root / "limits.csv").write_text(LIMITS)
    (root / "odd.csv").write_text("when,what\nyesterday,x\ntoday,y\n")
    return {
        "example": str(root / "example.csv"),
        "limits": str(root / "limits.csv"),
        "odd": str(root / "odd.csv"),
        "out": str(root / "generated.csv"),
    }


def runs(f: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Every command, on the sample data and on the example, with the options that
    change the document's shape."""
    ex, tz = f["example"], ["--tz", "Asia/Ho_Chi_Minh"]
    return [
        ("peak", [SAMPLE, *tz]),
        ("peak", [ex, "--by", "account"]),
        ("analyze", [SAMPLE, *tz, "--limit", "15"]),
        ("analyze", [ex]),
        ("analyze", [ex, "--limits", f["limits"]]),
        ("series", [SAMPLE, "--every", "1h"]),
        ("series", [ex, "--every", "1m", "--by", "account"]),
        ("breaches", [SAMPLE, "--limit", "15"]),
        ("breaches", [ex, "--limits", f["limits"]]),
        ("check", [SAMPLE, "--limit", "30"]),
        ("check", [ex, "--limit", "2", "--max-reject-rate", "0.5"]),
        ("size", [SAMPLE, *tz]),
        ("size", [ex, "--by", "account", "--current", "3"]),
        ("inspect", [SAMPLE, *tz]),
        ("inspect", [ex]),
        ("inspect", [f["odd"]]),
        ("at", [SAMPLE, *tz, "--time", "2026-11-18 10:00", "--limit", "5"]),
        ("at", [ex, "--time", "2026-11-20 10:32:06", "--account", "acc-2"]),
        ("generate", ["-o", f["out"], "--rows", "500", "--days", "2"]),
    ]


def test_every_command_has_a_valid_schema() -> None:
    for command in COMMANDS:
        schema = json.loads((SCHEMA_DIR / f"{command}.json").read_text())
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["command"] == {"const": command}
    names = {c.name for c in app.registered_commands}
    assert names == set(COMMANDS) | set(NO_JSON)
    assert {p.stem for p in SCHEMA_DIR.glob("*.json")} == {*COMMANDS, "vocabulary"}


@pytest.mark.parametrize("index", range(19))
def test_every_document_matches_its_schema(files: dict[str, str], index: int) -> None:
    command, args = runs(files)[index]
    quiet = [] if command == "generate" else ["-q"]
    r = CliRunner().invoke(app, [command, *args, "--format", "json", *quiet])
    assert r.exit_code in (0, 1), r.output
    doc = json.loads(r.stdout)
    assert doc["command"] == command
    assert doc["schema_version"] == 1
    assert list(doc)[:6] == ["schema_version", "command", "timezone", "files", "rows", "notes"]
    assert_schema(doc)


def test_the_runs_cover_every_command(files: dict[str, str]) -> None:
    assert len(runs(files)) == 19
    assert {c for c, _ in runs(files)} == set(COMMANDS)


def _peak_doc() -> dict[str, Any]:
    r = CliRunner().invoke(app, ["peak", SAMPLE, "--format", "json", "-q"])
    doc: dict[str, Any] = json.loads(r.stdout)
    return doc


def test_the_schemas_reject_the_old_shapes() -> None:
    doc = _peak_doc()
    assert schema_errors(doc) == []
    old = {**doc, "peak": {"total": doc["peak"], "by_type": doc["peak_by_type"]}}
    assert schema_errors(old)
    assert schema_errors({**doc, "files": [f["path"] for f in doc["files"]]})
    assert schema_errors({**doc, "time_zone": "UTC"})
    assert schema_errors({**doc, "peak": {**doc["peak"], "by_type_at_peak": {}}})
    size_like = {**doc, "command": "size", "peak": 21}
    assert any("peak" in e for e in schema_errors(size_like))


def test_the_suite_checks_every_json_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/conftest.py wraps CliRunner.invoke: a document with a key no schema knows
    # fails the test that printed it.
    import ccc_cli.report.peak as peak_report

    real = peak_report.peak_document
    monkeypatch.setattr(peak_report, "peak_document", lambda *a: {**real(*a), "surprise": 1})
    with pytest.raises(AssertionError, match="surprise"):
        CliRunner().invoke(app, ["peak", SAMPLE, "--format", "json", "-q"])


def _property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                names |= set(value)
            names |= _property_names(value)
    elif isinstance(node, list):
        for item in node:
            names |= _property_names(item)
    return names


def test_every_key_is_in_the_vocabulary() -> None:
    documented = set(re.findall(r"`([a-z0-9_]+)`", VOCABULARY))
    keys: set[str] = set()
    for path in SCHEMA_DIR.glob("*.json"):
        keys |= _property_names(json.loads(path.read_text()))
    # Call types are listed once, as the keys of `mix`.
    keys -= {"inbound", "outbound", "internal", "app_to_app", "otp", "other"}
    missing = sorted(keys - documented)
    assert not missing, f"keys without an entry in docs/vocabulary.md: {missing}"


def test_the_registry_resolves_the_shared_vocabulary() -> None:
    contents = registry().contents("vocabulary.json")
    assert {"peak", "mix", "rows", "envelope", "file"} <= set(contents["$defs"])
