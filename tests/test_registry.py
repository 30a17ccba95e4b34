"""kg/registry.py: the project's registry reads cleanly; each kind of bad entry is refused."""

from __future__ import annotations

import pytest

from kg import paths
from kg.corpus import read_corpus
from kg.errors import RegistryError
from kg.registry import read_registry

from .conftest import DATA

BAD = DATA / "bad" / "registry"


def test_read_registry_reads_the_project_registry():
    registry = read_registry(paths.REGISTRY_FILE)
    assert registry.find("Pashinian").key == registry.find("Nikol Pashinyan").key
    assert registry.find("Sinyuk").key == registry.find("Syunik Province").key
    for entity in registry:
        if entity.type in {"State", "Alliance", "EconomicUnion", "InternationalOrganization"}:
            assert entity.wikidata, f"{entity.key} needs its QID"


def test_registry_variants_occur_in_the_corpus():
    bodies = "\n".join(document.body for document in read_corpus(paths.CORPUS_DIR))
    registry = read_registry(paths.REGISTRY_FILE)
    missing = [(e.key, v) for e in registry for v in e.variants if v not in bodies]
    assert not missing


@pytest.mark.parametrize(("name", "line", "words"), [
    ("unknown-type.yaml", 3, "type 'Country' of 'armenia' is not an entity class"),
    ("unknown-field.yaml", 5, "did you mean 'wikidata'?"),
    ("malformed-qid.yaml", 5, "is not a QID"),
    ("duplicate-key.yaml", 6, "defined twice (first on line 2)"),
    ("dangling-located-in.yaml", 6, "did you mean 'armenia'?"),
    ("key-not-slug.yaml", 2, "not a lowercase-hyphenated slug"),
    ("war-without-evidence.yaml", 2, "needs 'evidence'"),
    ("not-yaml.yaml", 5, "not valid YAML"),
    ("event-unknown-role.yaml", 11, "unknown role 'attacker'"),
    ("event-bad-date.yaml", 9, "is not a date like 2023, 2023-09 or 2023-09-19"),
    ("event-role-dangling.yaml", 5, "role agent of 'offensive-2023' names 'azerbaijn'"),
    ("roles-on-a-state.yaml", 8, "only events and agreements have roles and a date"),
    ("area-on-a-place.yaml", 8, "only military forces have an area"),
    ("dangling-area.yaml", 5, "area of 'russian-peacekeeping-contingent' names 'nagorno-karabkh'"),
])
def test_read_registry_rejects_bad_file(name: str, line: int, words: str):
    with pytest.raises(RegistryError) as caught:
        read_registry(BAD / name)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{BAD / name}:{line}:")
