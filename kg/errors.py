"""The errors the pipeline raises on purpose; the CLI prints them without a traceback.

Exit codes follow the project rule: 1 when the input is invalid, 2 when the tool could not run.
"""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """An expected failure, with a message written where it was raised."""

    exit_code = 2


class InputError(KgError):
    """The input is invalid; the message names the file and line where that is known."""

    exit_code = 1

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.problem = message
        super().__init__(self._render())

    def _render(self) -> str:
        if self.path is None:
            return self.problem
        place = str(self.path)
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{place}: {self.problem}"


class CorpusError(InputError):
    """A corpus document breaks the header/body format of corpus/README.md."""


class RegistryError(InputError):
    """The entity registry (registry/entities.yaml) is malformed or inconsistent."""


class ConfigError(InputError):
    """The pipeline configuration names an unknown stage or leaves a requirement unmet."""


class InvalidGraph(InputError):
    """Validation found problems; the findings travel with the error."""

    def __init__(self, message: str, findings: list) -> None:
        self.findings = findings
        super().__init__(message)


class ToolMissing(KgError):
    """A tool the command needs is not installed (Java for HermiT, say)."""
