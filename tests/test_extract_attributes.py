"""kg/extract/attributes.py against spaCy's own attribute ruler, token by token."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Token

from kg.corpus import Document
from kg.extract import attributes
from kg.extract.attributes import TokenAttributes
from kg.extract.nlp import MODEL, language_for
from kg.registry import Registry

from .conftest import DATA

# The ruler's exceptions of several tokens, words and dependency labels, which the corpus
# has few of.
EXCEPTIONS = ("There is a problem, and there were two. Y'all gon na see; let's go. I ai n't "
              "done, nothin' got ta give.\n\n  He gets it and she got it: I did it, it did. "
              "Do you have it? Those that are here did not. 'Em? It's gon na be fine.")


def _annotations(token: Token) -> tuple[str, str, str, str, str]:
    return token.tag_, token.pos_, str(token.morph), token.lemma_, token.dep_


@pytest.mark.parametrize("remembered", [attributes.REMEMBERED, 10])  # 10: forgets often
def test_token_attributes_equal_the_attribute_ruler(corpus: list[Document], remembered: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attributes, "REMEMBERED", remembered)
    nlp = spacy.load(MODEL)
    texts = [document.body for document in corpus]
    texts += [path.read_text(encoding="utf-8")
              for path in sorted((DATA / "articles").glob("*.txt"))]
    parsed = list(nlp.pipe([*texts, EXCEPTIONS, ""],
                           disable=["attribute_ruler", "lemmatizer", "ner"]))
    ruler = nlp.get_pipe("attribute_ruler")
    ours = TokenAttributes(nlp.vocab, ruler.patterns)
    lemmatizer = nlp.get_pipe("lemmatizer")  # it keeps the lemmas the rules set
    expected: list[Doc] = [lemmatizer(ruler(doc.copy())) for doc in parsed]
    found: list[Doc] = [lemmatizer(ours(doc.copy())) for doc in parsed]
    pairs = [(a, b) for x, y in zip(expected, found, strict=True)
             for a, b in zip(x, y, strict=True)]
    assert len(pairs) > 4000
    assert [(a.i, a.text, _annotations(a)) for a, b in pairs if _annotations(a) != _annotations(b)
            ] == []
    assert all(a.morph.key == b.morph.key for a, b in pairs)


def test_token_attributes_refuse_a_pattern_they_cannot_apply() -> None:
    vocab = spacy.blank("en").vocab
    with pytest.raises(ValueError, match="pattern 1 tests SHAPE"):
        TokenAttributes(vocab, [{"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}},
                                {"patterns": [[{"SHAPE": "dd"}]], "attrs": {"POS": "NUM"}}])


def test_language_has_token_attributes_in_the_rulers_place(registry: Registry) -> None:
    names = language_for(registry).pipe_names
    assert "attribute_ruler" not in names
    assert names.index("parser") < names.index("token_attributes") < names.index("lemmatizer")
