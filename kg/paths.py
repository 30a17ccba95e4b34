"""Where the project's data files live: the one module that knows the layout of the repository.

Everything the pipeline reads (corpus, ontology, shapes, registry, queries, pipeline config) is a
data file in the repository; KG_HOME points elsewhere for a deployment that keeps them apart.
"""

from __future__ import annotations

import os
from pathlib import Path


def _project_root() -> Path:
    """KG_HOME, else the checkout this package runs from, else the working directory.

    The last case is an installed copy (a pre-commit hook) run inside a clone of the project.
    """
    if "KG_HOME" in os.environ:
        return Path(os.environ["KG_HOME"])
    checkout = Path(__file__).resolve().parent.parent
    return checkout if (checkout / "ontology").is_dir() else Path.cwd()


PROJECT_ROOT = _project_root()

CORPUS_DIR = PROJECT_ROOT / "corpus"
ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "caucasus-kg.ttl"
SHAPES_DIR = PROJECT_ROOT / "shapes"
REGISTRY_FILE = PROJECT_ROOT / "registry" / "entities.yaml"
# Wikidata linking: settings, the links chosen, and every answer kept (kg/link/).
WIKIDATA_SETTINGS = PROJECT_ROOT / "config" / "wikidata.yaml"
WIKIDATA_LINKS = PROJECT_ROOT / "registry" / "wikidata-links.yaml"
WIKIDATA_CACHE = PROJECT_ROOT / "registry" / "wikidata-cache.jsonl"
PIPELINE_FILE = PROJECT_ROOT / "config" / "pipeline.yaml"
QUERIES_DIR = PROJECT_ROOT / "queries"
LEXICONS_DIR = PROJECT_ROOT / "lexicons"
DATES_LEXICON = LEXICONS_DIR / "dates.yaml"
GOLD_DIR = PROJECT_ROOT / "tests" / "gold"
CONTRIBUTIONS_DIR = PROJECT_ROOT / "contributions"
# The query page's YASGUI, installed from npm by `make setup` (package.json): its built bundle.
YASGUI_DIR = PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
BUILD_DIR = Path(os.environ.get("KG_BUILD_DIR", PROJECT_ROOT / "build"))
# What this machine's tools derive for themselves, whichever checkout runs them (HermiT's class
# data archive for Java, kg/validate/reasoner.py).
CACHE_DIR = Path(os.environ.get("KG_CACHE_DIR")
                 or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                 / "caucasus-kg")


def current_build(build_dir: Path = BUILD_DIR) -> Path:
    """The folder of the last good build (a symlink swapped atomically by `kg build`)."""
    return build_dir / "current"


def shape_files(shapes_dir: Path = SHAPES_DIR) -> list[Path]:
    """Every SHACL shapes file, in a stable order."""
    return sorted(shapes_dir.glob("*.ttl"))


def validation_cache(build_dir: Path = BUILD_DIR) -> Path:
    """SHACL results of graphs already validated, kept beside the builds (kg/validate/cache.py)."""
    return build_dir / "validation-cache.sqlite"


def extraction_cache(build_dir: Path = BUILD_DIR) -> Path:
    """Documents' extractions, kept beside the builds (kg/extraction_cache.py)."""
    return build_dir / "extraction-cache.sqlite"
