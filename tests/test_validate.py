"""`kg validate` end to end: each kind of bad input, every output format, and exit codes."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from .conftest import DATA, run_kg

BAD = DATA / "bad" / "rdf"
VALID = DATA / "shapes" / "valid.ttl"


@pytest.mark.parametrize(("name", "place", "words"), [
    ("syntax-error.ttl", ":7:1:", "error [syntax] syntax error: A dot is expected"),
    ("undefined-term.ttl", ":4:21:", "ckg:locatedInn is not defined in the ontology"),
    ("inconsistent.ttl", ":5:1:", "ckr:nikol-pashinyan is both ckg:Person and ckg:State"),
])
def test_validate_reports_bad_file_with_its_place(name: str, place: str, words: str):
    result = run_kg("validate", str(BAD / name))
    assert result.returncode == 1, result.stderr
    assert f"{BAD / name}{place}" in result.stdout
    assert words in result.stdout


def test_validate_suggests_the_term_meant():
    result = run_kg("validate", "--no-reason", str(BAD / "undefined-term.ttl"))
    assert "hint: did you mean ckg:locatedIn?" in result.stdout


def test_validate_accepts_a_valid_file():
    result = run_kg("validate", str(VALID))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("valid: 0 errors, 0 warnings in 1 file")


def test_validate_json_lists_findings():
    result = run_kg("validate", "--format", "json", "--no-reason",
                    str(BAD / "undefined-term.ttl"), str(VALID))
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["files"] == [str(BAD / "undefined-term.ttl"), str(VALID)]
    [finding] = report["findings"]
    assert finding["kind"] == "term" and finding["line"] == 4 and finding["column"] == 21


def test_validate_junit_has_a_failure_per_error():
    result = run_kg("validate", "--format", "junit", "--no-reason",
                    str(DATA / "shapes" / "bad" / "missing-evidence.ttl"), str(VALID))
    suites = ET.fromstring(result.stdout)
    cases = suites.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == [
        str(DATA / "shapes" / "bad" / "missing-evidence.ttl"), str(VALID)]
    assert len(cases[0].findall("failure")) == 1 and not cases[1].findall("failure")
    assert suites.get("failures") == "1"


def test_validate_github_writes_annotations():
    result = run_kg("validate", "--format", "github", "--no-reason",
                    str(BAD / "undefined-term.ttl"))
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"::error file={BAD / 'undefined-term.ttl'},line=4,col=21,")
    assert "::ckg%3AlocatedInn" not in first  # the message part escapes only %, CR and LF
    assert "ckg:locatedInn is not defined" in first


def test_validate_missing_file_is_a_tool_error():
    result = run_kg("validate", str(DATA / "no-such-file.ttl"))
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_validate_unknown_extension_is_reported():
    result = run_kg("validate", str(DATA / "bad" / "corpus" / "unknown-key.txt"))
    assert result.returncode == 1
    assert "unknown RDF file type '.txt'" in result.stdout
