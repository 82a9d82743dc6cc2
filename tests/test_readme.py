"""The README is part of the product: its Quickstart works and it documents every command."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccc_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quickstart() -> list[str]:
    section = README.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the Quickstart has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_is_exactly_two_commands() -> None:
    main_job, tests = quickstart()
    assert main_job.startswith("pip install . && ccc ")
    assert tests == "pip install -e '.[dev]' && python -m pytest"


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quickstart()[1] in ci.splitlines()


def test_quickstart_main_job_runs_on_sample_data() -> None:
    # The pip part installs the package this test suite already runs from; run the ccc
    # part as a real process, from the project root, exactly as written.
    ccc_part = quickstart()[0].split("&&", 1)[1].strip()
    argv = shlex.split(ccc_part)
    assert argv[0] == "ccc"
    done = subprocess.run(
        [sys.executable, "-m", "ccc_cli", *argv[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_COLOR": "1", "COLUMNS": "120", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    assert "total" in done.stdout
    assert "rows: " in done.stdout


def command_names() -> list[str]:
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


@pytest.mark.parametrize("command", command_names())
def test_every_command_is_documented_and_has_help(command: str) -> None:
    assert f"### `ccc {command}`" in README
    r = CliRunner().invoke(app, [command, "--help"])
    assert r.exit_code == 0, r.output
    assert "Example: ccc " in r.stdout


def test_exit_codes_documented() -> None:
    from ccc_cli.errors import ExitCode

    for code in ExitCode:
        assert f"| {int(code)} |" in README


def test_installs_by_its_own_name() -> None:
    # `ccc-cli` on PyPI is an unrelated project (issue 13): no install line may name it.
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "ccc-concurrent-calls"
    assert project["scripts"] == {"ccc": "ccc_cli.cli.app:main"}
    from ccc_cli import DISTRIBUTION

    assert project["name"] == DISTRIBUTION
    for text in (README, (ROOT / "ccc_cli" / "cli" / "shared_options.py").read_text()):
        assert "ccc-cli[" not in text
        for match in re.finditer(r"pip install[^\n`]*\bccc-cli\b", text):
            assert text[: match.start()].endswith("Never `"), "an install line names ccc-cli"
    assert "pip install '.[plot]'" in README
