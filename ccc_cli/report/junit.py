"""``ccc check --junit-xml``: the verdict as a JUnit XML report, which CI systems read.

One test suite, ``ccc check``; one test case per checked dataset (per file with
``--each``); a failed check is a ``<failure>`` whose message is the summary line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from ccc_cli.report.atomic import atomic_path


def junit_xml(cases: Sequence[tuple[str, bool, str]]) -> bytes:
    """The XML of ``(name, passed, summary)`` test cases."""
    failures = sum(1 for _, passed, _ in cases if not passed)
    suites = ET.Element("testsuites", tests=str(len(cases)), failures=str(failures))
    suite = ET.SubElement(
        suites, "testsuite", name="ccc check", tests=str(len(cases)), failures=str(failures)
    )
    for name, passed, summary in cases:
        case = ET.SubElement(suite, "testcase", classname="ccc.check", name=name)
        if passed:
            ET.SubElement(case, "system-out").text = summary
        else:
            ET.SubElement(case, "failure", message=summary, type="plan_limit").text = summary
    ET.indent(suites)
    return bytes(ET.tostring(suites, encoding="utf-8", xml_declaration=True)) + b"\n"


def write_junit(path: Path, cases: Sequence[tuple[str, bool, str]]) -> int:
    """Write the report atomically; return its size in bytes."""
    data = junit_xml(cases)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return len(data)
