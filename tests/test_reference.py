"""README.md's command reference matches the commands' --help (kg/reference.py)."""

from __future__ import annotations

from kg.cli import main
from kg.reference import END, START, render_reference, replace_reference

from .conftest import ROOT


def test_readme_reference_matches_kg_help():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in readme and END in readme
    assert replace_reference(readme, render_reference(main)) == readme, (
        "README.md's command reference is stale: run `kg reference --write README.md`")


def test_reference_lists_every_command():
    reference = render_reference(main)
    for name in main.commands:
        assert f"#### `kg {name} --help`" in reference
