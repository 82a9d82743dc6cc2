"""Helpers of the ``ccc report`` tests: make a page, read its cited figures, and run the
commands the page says print them (test_report.py, test_report_browser.py)."""

from __future__ import annotations

import json
import shlex
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ccc_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "sample_data")
SAMPLE_INPUTS = [SAMPLE, "--tz", "Asia/Ho_Chi_Minh"]


class Cited(HTMLParser):
    """Every element that cites a document (``data-json``): its path and value, and the
    command lines of the method section (``li[data-doc]``)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[tuple[list[Any], Any, str]] = []
        self.commands: dict[str, str] = {}
        self._open: list[tuple[list[Any], Any, list[str]]] = []
        self._doc: str | None = None
        self._command: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li" and a.get("data-doc"):
            self._doc = a["data-doc"]
            self._command = []
        if "data-json" in a:
            path = json.loads(a["data-json"] or "[]")
            if tag == "time":
                value: Any = a["datetime"]
            elif tag == "data":
                value = json.loads(a["value"] or "null")
            else:
                value = json.loads(a["data-value"] or "null")
            if tag in ("time", "data"):
                self._open.append((path, value, []))
            else:
                self.figures.append((path, value, ""))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)
        if self._command is not None:
            self._command.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("time", "data") and self._open:
            path, value, text = self._open.pop()
            self.figures.append((path, value, "".join(text)))
        if tag == "li" and self._doc is not None and self._command is not None:
            self.commands[self._doc] = "".join(self._command)
            self._doc = self._command = None


def cited(html: str) -> Cited:
    parser = Cited()
    parser.feed(html)
    return parser


def make_page(tmp: Path, *args: str, name: str = "report.html") -> tuple[Path, str]:
    out = tmp / name
    r = CliRunner().invoke(app, ["report", *SAMPLE_INPUTS, "-o", str(out), "-q", *args])
    assert r.exit_code == 0, r.output
    return out, out.read_text(encoding="utf-8")


def run_documents(commands: dict[str, str], tmp: Path, inputs: list[str]) -> dict[str, Any]:
    """Run each command the page names (INPUTS replaced by ``inputs``); the documents
    they print (for ``rejected``: the file ``--rejected-out`` writes)."""
    docs: dict[str, Any] = {}
    for name, line in commands.items():
        argv = shlex.split(line)
        assert argv[0] == "ccc"
        argv = argv[1:]
        at = argv.index("INPUTS")
        argv[at : at + 1] = inputs
        if name == "rejected":
            target = tmp / "rejected.json"
            argv[argv.index("--rejected-out") + 1] = str(target)
        r = CliRunner().invoke(app, [*argv, "-q"])
        assert r.exit_code in (0, 1), (line, r.output)
        docs[name] = json.loads(target.read_text()) if name == "rejected" else json.loads(r.stdout)
    return docs


def resolve(docs: dict[str, Any], path: list[Any]) -> Any:
    value: Any = docs[path[0]]
    for key in path[1:]:
        value = value[key]
    return value


def mismatches(figures: list[tuple[list[Any], Any, str]], docs: dict[str, Any]) -> list[str]:
    """Figures whose value is not their document's."""
    bad = []
    for path, value, _ in figures:
        expected = resolve(docs, path)
        if expected != value:
            bad.append(f"{path}: page {value!r}, json {expected!r}")
    return bad
