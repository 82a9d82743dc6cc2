"""Shared pytest configuration: Hypothesis profiles, and every ``--format json`` document
checked against its published schema (docs/schema/).

Select one with ``HYPOTHESIS_PROFILE=ci|dev``; CI (``CI=true``) gets ``ci`` by default.
No example database in either (failures are not replayed from a folder in the tree);
a failure prints its ``@reproduce_failure`` blob instead.

The fuzz tests (``tests/fuzz/``, marker ``fuzz``) have budgets of their own:
``fuzz-ci``, derandomised and bounded (40 examples a test, no shrinking), in every run
(CI and a plain ``python -m pytest``); ``fuzz-deep`` (500 examples a test, random, with
shrinking; ``CCC_FUZZ_EXAMPLES=N`` overrides the number) when the marker expression
selects the fuzz tests alone (``python -m pytest -m fuzz``). ``CCC_FUZZ_PROFILE`` picks
one explicitly.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from schemas import assert_schema
from typer.testing import CliRunner

settings.register_profile(
    "ci",
    database=None,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", database=None, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Generated files are large (100 KB fields) and each example runs the CLI.
_FUZZ_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "fuzz-ci",
    database=None,
    deadline=None,
    derandomize=True,
    print_blob=True,
    max_examples=40,
    # No shrinking: a failing run stays well under a minute; `-m fuzz` shrinks.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=_FUZZ_HEALTH,
)
settings.register_profile(
    "fuzz-deep",
    database=None,
    deadline=None,
    print_blob=True,
    max_examples=int(os.environ.get("CCC_FUZZ_EXAMPLES", "500")),
    suppress_health_check=_FUZZ_HEALTH,
)


def _selects_fuzz_only(markexpr: str) -> bool:
    """Whether ``-m EXPR`` selects tests marked ``fuzz`` but not unmarked ones."""
    if not markexpr.strip():
        return False
    try:
        from _pytest.mark.expression import Expression

        expr = Expression.compile(markexpr)
        return expr.evaluate(lambda name, **_: name == "fuzz") and not expr.evaluate(
            lambda name, **_: False
        )
    except Exception:  # a private API: fall back to the plain spelling
        return markexpr.strip() == "fuzz"


def pytest_configure(config: pytest.Config) -> None:
    # Runs before the test modules are imported, where the fuzz tests read their budget.
    if _selects_fuzz_only(config.getoption("markexpr", "") or ""):
        os.environ.setdefault("CCC_FUZZ_PROFILE", "fuzz-deep")


def _asks_json(args: str | Sequence[str] | None) -> bool:
    argv = shlex.split(args) if isinstance(args, str) else [str(a) for a in args or ()]
    for i, arg in enumerate(argv):
        if arg in ("--format=json", "-fjson"):
            return True
        if arg in ("--format", "-f") and argv[i + 1 : i + 2] == ["json"]:
            return True
    return False


@pytest.fixture(autouse=True)
def json_documents_match_their_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every CLI run of the suite that prints a ``--format json`` document (exit 0, or 1
    for a failed check) is validated against its command's JSON Schema, so no test can
    see a key or shape the published schemas do not describe."""
    invoke = CliRunner.invoke

    def checked(self: CliRunner, cli: Any, args: Any = None, *a: Any, **k: Any) -> Any:
        result = invoke(self, cli, args, *a, **k)
        if _asks_json(args) and result.exit_code in (0, 1) and result.stdout.strip():
            assert_schema(json.loads(result.stdout))
        return result

    monkeypatch.setattr(CliRunner, "invoke", checked)
    yield
