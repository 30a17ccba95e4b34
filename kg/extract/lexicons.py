"""Reading the lexicons (lexicons/*.yaml): the words that rules look for live there, not in code."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kg import paths
from kg.errors import ConfigError


@cache
def read_lexicon(name: str, folder: Path = paths.LEXICONS_DIR, required: tuple[str, ...] = ()
                 ) -> dict[str, Any]:
    """The mapping in lexicons/<name>.yaml; raises ConfigError naming the file when malformed
    or when it lacks (or leaves empty) one of the `required` keys."""
    path = folder / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(f"cannot read the lexicon: {error}", path,
                          mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise ConfigError("a lexicon is a mapping of names to entries", path)
    missing = [key for key in required if not data.get(key)]
    if missing:
        raise ConfigError(f"the {name} lexicon lacks {', '.join(missing)}; it needs each of "
                          f"{', '.join(required)}", path)
    return data
