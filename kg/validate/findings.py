"""`Finding`: one problem in an input, the record every check yields and every renderer formats."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Which check found it."""

    SYNTAX = "syntax"
    TERM = "term"
    SHACL = "shacl"
    OWL = "owl"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """A problem at a place: the file (and line, column where known), what and why, and a hint."""

    kind: Kind
    file: str
    message: str
    severity: Severity = Severity.ERROR
    line: int | None = None
    column: int | None = None
    focus_node: str | None = None
    path: str | None = None
    value: str | None = None
    hint: str | None = None
    rule: str | None = None  # the shape, constraint or term behind it

    @property
    def place(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.kind.value, self.message,
                self.focus_node or "", self.path or "", self.value or "")

    def as_dict(self) -> dict:
        record = asdict(self)
        record["kind"] = self.kind.value
        record["severity"] = self.severity.value
        return {key: value for key, value in record.items() if value is not None}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in the order every renderer shows them: by file, line, column, then kind."""
    return sorted(set(findings), key=Finding.sort_key)


def is_valid(findings: list[Finding]) -> bool:
    """Valid means no errors; warnings are shown but do not fail."""
    return not any(finding.severity is Severity.ERROR for finding in findings)
