"""Renderers of findings: text for people, JSON for programs, JUnit for CI, GitHub annotations.

Each takes the same sorted findings and the files that were checked, and decides nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from kg.validate.findings import Finding, Severity, is_valid


def render_text(findings: list[Finding], files: list[str]) -> str:
    lines = []
    for finding in findings:
        lines.append(f"{finding.place}: {finding.severity.value} [{finding.kind.value}] "
                     f"{finding.message}")
        details = [f"{name} {value}" for name, value in (
            ("focus", finding.focus_node), ("path", finding.path), ("value", finding.value),
            ("rule", finding.rule)) if value]
        if details:
            lines.append("    " + "; ".join(details))
        if finding.hint:
            lines.append(f"    hint: {finding.hint}")
    lines.append(_summary(findings, files))
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding], files: list[str]) -> str:
    document = {
        "valid": is_valid(findings),
        "files": files,
        "summary": _summary(findings, files),
        "findings": [finding.as_dict() for finding in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_junit(findings: list[Finding], files: list[str]) -> str:
    """One test case per checked file; each error is a failure, each warning system-out."""
    cases = []
    for file in files:
        mine = [f for f in findings if f.file == file]
        cases.append(JUnitCase(
            "kg.validate", file,
            failures=[(f.kind.value, f.message, _one_finding(f))
                      for f in mine if f.severity is Severity.ERROR],
            outputs=[_one_finding(f) for f in mine if f.severity is not Severity.ERROR]))
    return junit_document("kg validate", cases)


@dataclass(frozen=True)
class JUnitCase:
    """One <testcase>: its failures as (type, message, text), its system-out texts, or the
    reason it was skipped. `kg conformance` writes its tests through the same document."""

    classname: str
    name: str
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    skipped: str | None = None


def junit_document(suite_name: str, cases: list[JUnitCase]) -> str:
    """A JUnit XML report of one test suite, as CI systems read it."""
    failures = str(sum(len(case.failures) for case in cases))
    suites = ET.Element("testsuites", name=suite_name, tests=str(len(cases)), failures=failures)
    suite = ET.SubElement(suites, "testsuite", name=suite_name, tests=str(len(cases)),
                          failures=failures, errors="0")
    skipped = sum(case.skipped is not None for case in cases)
    if skipped:
        suite.set("skipped", str(skipped))
    for case in cases:
        element = ET.SubElement(suite, "testcase", classname=case.classname, name=case.name)
        for kind, message, text in case.failures:
            ET.SubElement(element, "failure", type=kind, message=message).text = text
        if case.skipped is not None:
            ET.SubElement(element, "skipped", message=case.skipped)
        for text in case.outputs:
            ET.SubElement(element, "system-out").text = text
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _one_finding(finding: Finding) -> str:
    return render_text([finding], []).rsplit("\n", 2)[0]


def render_github(findings: list[Finding], files: list[str]) -> str:
    """GitHub Actions workflow commands, one annotation per finding."""
    lines = []
    for finding in findings:
        properties = {"file": finding.file, "line": finding.line, "col": finding.column,
                      "title": f"kg validate: {finding.kind.value}"}
        rendered = ",".join(f"{name}={_escape_property(str(value))}"
                            for name, value in properties.items() if value is not None)
        message = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
        lines.append(f"::{finding.severity.value} {rendered}::{_escape_data(message)}")
    lines.append(_summary(findings, files))
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[list[Finding], list[str]], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
}


def _summary(findings: list[Finding], files: list[str]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    verdict = "valid" if errors == 0 else "invalid"
    return (f"{verdict}: {errors} error{'s' * (errors != 1)}, {warnings} "
            f"warning{'s' * (warnings != 1)} in {len(files)} file{'s' * (len(files) != 1)}")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
