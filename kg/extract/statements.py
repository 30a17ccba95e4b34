"""Statements: who said what, from speech verbs and attributions (lexicons/speech.yaml).

A speech verb ("said", "told", "announced") whose subject names an actor gives a statement by
that actor. Its words are the quotation next to the verb ("'...,' Peskov said") or, for
indirect speech, the clause the verb governs ("Peskov said the move was agreed"). "According to
X, ..." makes X the speaker of the rest of the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy
from spacy.tokens import Doc, Token

from kg.extract.events import ACTORS
from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import ORGANIZATIONS, Mention, as_state, demonym_mention
from kg.extract.nlp import SENTENCE_ENDS, doc_text, in_heading, sentence_span
from kg.extract.roles import named_entity, own_phrase, people_in
from kg.registry import Registry

# Straight or curly double quotes around at least three characters; a quotation may span
# sentences but not paragraphs.
QUOTATION = re.compile(r"[\"“]([^\"“”\n]{3,}?)[\"”]")
# How far (characters) a quotation may end before, or start after, its speech verb's clause.
NEAR = 3
# Penn tags of relative pronouns ("who", "which", "that" as a subject), which stand for the noun
# their clause qualifies.
RELATIVE_TAGS = {"WP", "WDT"}
# What a speech verb without a reported clause must govern for the rest of its clause to be
# what was said: an object or complement ("accused X of ...", "called the haste a logical
# consequence"), not only adverbs and prepositions ("commented briefly on the information").
TOLD = {"dobj", "attr", "oprd", "xcomp", "dative"}
# Fewer words than this after a speech verb are no statement ("he said.", "as noted").
MIN_WORDS = 3


@dataclass(frozen=True)
class StatementMention:
    """Words attributed to a speaker: the words' span and the whole span that says so."""

    speaker: Mention
    words: tuple[int, int]
    span: tuple[int, int]
    verb: Token
    continued: bool = False  # a quoted paragraph going on from the speaker's statement before


def find_statements(doc: Doc, mentions: Sequence[Mention], registry: Registry | None = None
                    ) -> list[StatementMention]:
    """Every statement with a known speaker, in text order, one per quoted or reported span."""
    if registry is not None:  # "Moscow said", "Yerevan later said": the state speaks
        mentions = sorted([*(as_state(m, registry) for m in mentions),
                           *_collective_speakers(doc, registry)], key=lambda m: m.start)
    quotations = [m.span(1) for m in QUOTATION.finditer(doc_text(doc))]
    found: dict[tuple[int, int], StatementMention] = {}
    last_speaker: Mention | None = None
    last_institution: Mention | None = None  # who "it" is in "it said"
    issued: dict[str, Mention] = {}  # who last spoke "in a statement", by the document's noun
    speech = _speech()
    for token in doc:
        statement = None
        lemma, pos = token.lemma_.lower(), token.pos_
        if pos in {"VERB", "AUX"} and lemma in speech["verbs"]:
            if _denied(token) or in_heading(token) or _unpunctuated_first_line(token):
                continue  # "did not say"; a headline's words are the story's, told again
            statement = _reported(token, mentions, quotations, last_speaker,
                                  _institution(token, mentions, last_institution))
        elif pos == "VERB" and lemma in speech["document_verbs"]:
            statement = _document_reads(token, issued, quotations)
        elif _attribution(token):
            statement = _according_to(token, mentions)
        elif pos == "NOUN" and lemma in speech["nouns"]:
            statement = _speech_noun(token, mentions)
        if statement is not None and statement.words not in found:
            found[statement.words] = statement
            if statement.speaker.type == "Person":
                last_speaker = statement.speaker
            else:
                last_institution = statement.speaker
            issued.update((document, statement.speaker)
                          for document in _documents_spoken_in(statement.verb))
    for statement in _continued(doc_text(doc), quotations, list(found.values())):
        found[statement.words] = statement
    return sorted(found.values(), key=lambda s: s.words)


def _continued(text: str, quotations: list[tuple[int, int]],
               statements: list[StatementMention]) -> list[StatementMention]:
    """Quoted paragraphs that go on from a person's statement in the paragraph before.

    '“The CSTO is a bloc ...,” he told al-Jazeera.' followed by a paragraph that is nothing but
    a quotation: the same person goes on speaking (news style quotes one speaker across
    paragraphs and names them once), even when the quotation itself reports what someone
    else said.
    """
    found = []
    for start, end in quotations:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end) if "\n" in text[end:] else len(text)
        if text[line_start:line_end].strip() != text[start - 1:end + 1] or any(
                s.words[0] < end and start < s.words[1] and not _reported_within(s, start, end)
                for s in statements):
            continue
        before = text[:line_start].rstrip()
        paragraph_start = before.rfind("\n") + 1
        previous = [s for s in statements if paragraph_start <= s.words[0] < len(before)]
        last = max(previous, key=lambda s: s.words, default=None)
        if last is not None and last.speaker.type == "Person":
            found.append(StatementMention(last.speaker, (start, end), (start - 1, end + 1),
                                          last.verb, continued=True))
    return found


def _reported_within(statement: StatementMention, start: int, end: int) -> bool:
    """Whether a statement is one the quotation reports ("... Pashinyan has said there is no
    need ..." inside the quoted words), not the quotation's own attribution."""
    return start <= statement.words[0] and statement.words[1] <= end and (
        statement.words != (start, end))


def _reported(verb: Token, mentions: Sequence[Mention], quotations: list[tuple[int, int]],
              last_speaker: Mention | None, institution: Mention | None = None,
              speaker: Mention | None = None) -> StatementMention | None:
    """A statement by the verb's subject (or `by` agent); "he"/"she" is the last speaker,
    "it"/"the ministry" the `institution` it stands for, a relative pronoun the noun its
    clause qualifies ("Pashinyan, who said that ..."), and a participle with no subject of its
    own has its main verb's ("Simonyan backed him, telling reporters that ...")."""
    subjects = [verb.head if c.tag_ in RELATIVE_TAGS and verb.dep_ == "relcl" else c
                for c in verb.children if c.dep_ == "nsubj"]
    if not subjects and verb.tag_ == "VBG" and verb.dep_ in {"advcl", "conj"} and (
            verb.head.lemma_.lower() not in _speech()["verbs"]):  # whose statement holds it
        subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
    subjects += [t for c in verb.children if c.dep_ == "agent" for t in c.children
                 if t.dep_ == "pobj"]
    rootless = _verb_of_a_rootless_sentence(verb)
    if rootless:  # "Hayk Konjoryan, the party's leader, announced ..." read as a noun phrase
        subjects.append(verb.head)
    speaker = speaker or next(
        (m for s in subjects if (m := _speaker(s, mentions, _line_start(verb)))), None)
    if speaker is None and any(s.lower_ in _speech()["pronouns"] for s in subjects):
        speaker = last_speaker
    speaker = speaker or institution
    if speaker is None:
        return None
    sentence = verb.sent
    clause_start = min(t.idx for t in verb.subtree)
    clause_end = max(t.idx + len(t) for t in verb.subtree)
    said = [c for c in verb.children if c.dep_ == "ccomp"]
    in_sentence = [(start, end) for start, end in quotations  # overlapping: a quotation
                   if start < sentence.end_char and sentence.start_char < end]  # may span two
    # Reported speech with no quotation in its sentence ("He mentioned that ...") is not the
    # speaker of the quotation that follows it.
    for start, end in quotations if in_sentence or not said else ():
        inside = (start, end) in in_sentence
        text = doc_text(verb.doc)
        between = text[end:clause_start] if end <= clause_start else ""
        # a quotation on the line before is another paragraph's, not this verb's words
        before = (0 <= clause_start - end <= NEAR + 2 and "\n" not in between) or (
            inside and end <= clause_start + NEAR)
        # a quotation after the sentence is its words only when the clause leads into it
        # ("formulated by Pashinyan:"), not after a full stop ("... signaled their readiness.")
        after = (0 <= start - clause_end <= NEAR and (
            inside or ":" in text[clause_end:start])) or (inside and start >= verb.idx)
        # '"..., so it was agreed," Peskov said': the parser hangs the quotation on the verb
        carried = inside and not start <= verb.idx < end and any(
            start <= t.idx < end for t in verb.subtree)
        if before or after or carried:
            return StatementMention(speaker, (start, end), _cover(verb, start, end), verb)
    if not said and verb.lemma_.lower() in _speech()["clause_verbs"]:
        return None
    if said:
        tokens = list(said[0].subtree)
    elif rootless:  # what follows the verb's own phrase is what was said
        tokens = [t for t in verb.sent if t.i > verb.right_edge.i and not t.is_punct]
    elif verb.dep_ == "advcl" or (verb.dep_ in {"conj", "parataxis"} and verb.head.i < verb.i):
        # "X happened, as confirmed by Y": Y vouches for the main clause; "X happened, Y said
        # at a meeting", which the parser may join as two coordinated clauses
        inner = set(verb.subtree)
        tokens = [t for t in verb.head.subtree if t not in inner and not t.is_punct]
    elif any(c.dep_ in TOLD for c in verb.children):
        # "accused the peacekeepers of abandoning their posts": the rest of its clause
        own = set(subjects) | {t for s in subjects for t in s.subtree}
        tokens = [t for t in verb.subtree if t not in own and not t.is_punct and t.i >= verb.i]
    else:  # "commented briefly on the information": what it was about, not what was said
        return None
    if len(tokens) < MIN_WORDS:
        return None
    words = _on_the_line(verb, tokens[0].idx, tokens[-1].idx + len(tokens[-1]))
    if words[0] >= words[1]:
        return None
    return StatementMention(speaker, words, _cover(verb, *words), verb)


def _institution(verb: Token, mentions: Sequence[Mention], last: Mention | None
                 ) -> Mention | None:
    """The institution a speech verb's subject stands for without naming it: "it" the last
    one that spoke, "the ministry" the last organization named before whose name has the
    noun ("the Russian Defence Ministry ... the ministry said")."""
    for subject in (c for c in verb.children if c.dep_ == "nsubj"):
        if subject.lower_ in _speech()["institution_pronouns"]:
            return last
        if subject.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ == "the"
                                             for c in subject.children):
            continue
        noun = subject.lemma_.lower()
        named = next((m for m in reversed(mentions) if m.end <= subject.idx
                      and m.type in ORGANIZATIONS and noun in m.name.lower().split()), None)
        if named is not None:
            return named
    return None


def _collective_speakers(doc: Doc, registry: Registry) -> list[Mention]:
    """The state in "Russian officials", "the Armenian side": a collective noun after a
    demonym (lexicons/speech.yaml) speaks for the demonym's state."""
    demonyms = read_lexicon("positions")["demonyms"]
    # the lemmas' hashes compared in one array: no Token made for the words that are not these
    nouns = [doc.vocab.strings[noun] for noun in _speech()["collective_nouns"]]
    found = numpy.flatnonzero(numpy.isin(doc.to_array("LEMMA"), nouns))
    return [demonym_mention(child, demonyms[child.text], registry)
            for token in (doc[int(index)] for index in found) if token.pos_ == "NOUN"
            for child in token.children
            if child.dep_ in {"amod", "compound"} and child.text in demonyms]


def _denied(verb: Token) -> bool:
    """Whether a speech verb is negated ("did not say whether ..."): nothing was said."""
    return any(child.dep_ == "neg" for child in verb.children)


def _unpunctuated_first_line(word: Token) -> bool:
    """Whether the word is on the body's first line and that line has no closing punctuation:
    the headline repeated, whose words the story tells again in full."""
    text = doc_text(word.doc)
    first_end = text.find("\n") if "\n" in text else len(text)
    return word.idx < first_end and not text[:first_end].rstrip().endswith(SENTENCE_ENDS)


def _verb_of_a_rootless_sentence(verb: Token) -> bool:
    """Whether the parser hung a speech verb in the past on a name as a participle, making
    the name the root of its sentence ("Hayk Konjoryan, the leader ..., announced on May 9
    that ..."): a sentence needs a verb, so the name is the verb's subject."""
    return (verb.dep_ == "acl" and verb.tag_ in {"VBD", "VBN"} and verb.head.dep_ == "ROOT"
            and verb.head.pos_ == "PROPN" and verb.head.i < verb.i
            and not any(c.dep_ in {"agent", "auxpass"} for c in verb.children))


def _line_start(word: Token) -> int:
    return sentence_span(word)[0]


def _documents_spoken_in(verb: Token) -> list[str]:
    """The documents a speech verb says its words came in ("said in a statement")."""
    return [t.lemma_.lower() for c in verb.children if c.dep_ == "prep" and c.lower_ == "in"
            for t in c.children if t.dep_ == "pobj" and t.lemma_.lower() in _speech()["documents"]]


def _document_reads(verb: Token, issued: dict[str, Mention],
                    quotations: list[tuple[int, int]]) -> StatementMention | None:
    """'"...," the statement reads': the words of the document whose speaker the text gave
    before ("the embassy said in a statement"), from the quotation next to the verb."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lemma_.lower() not in issued or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in subject.children):
        return None
    statement = _reported(verb, [], quotations, issued[subject.lemma_.lower()],
                          speaker=issued[subject.lemma_.lower()])
    return statement if statement is not None and statement.words in quotations else None


def _speech_noun(noun: Token, mentions: Sequence[Mention]) -> StatementMention | None:
    """"accusations by Armenia that the peacekeepers did not do enough", "Baku's claim that
    ...", "Armenia's position is that ...": the `by` agent or possessor of a speech noun said
    its that-clause, or the one its copula has when it is the subject."""
    sources = [t for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"
               for t in c.children if t.dep_ == "pobj"]
    sources += [c for c in noun.children if c.dep_ == "poss"]
    speaker = next((m for s in sources if (m := _speaker(s, mentions))), None)
    holders = [noun, noun.head] if noun.dep_ == "nsubj" and noun.head.lemma_ == "be" else [noun]
    clause = next((c for holder in holders for c in holder.children
                   if c.dep_ in {"acl", "ccomp"} and any(
                       t.dep_ == "mark" and t.lower_ == "that" for t in c.children)), None)
    if speaker is None or clause is None:
        return None
    tokens = [t for t in clause.subtree if not t.is_punct]
    if len(tokens) < MIN_WORDS:
        return None
    words = _on_the_line(noun, tokens[0].idx, tokens[-1].idx + len(tokens[-1]))
    return StatementMention(speaker, words, _cover(noun, *words), noun)


def _according_to(token: Token, mentions: Sequence[Mention]) -> StatementMention | None:
    objects = [t for t in token.subtree if t.dep_ == "pobj"]
    speaker = next((m for o in objects if (m := _speaker(o, mentions, _line_start(token)))),
                   None)
    if speaker is None:
        return None
    line_start, line_end = sentence_span(token)
    phrase = list(token.subtree)
    rest = [t for t in token.sent if t not in phrase and not t.is_punct
            and line_start <= t.idx < line_end]
    if not rest:
        return None
    words = (rest[0].idx, rest[-1].idx + len(rest[-1]))
    return StatementMention(speaker, words, _cover(token, *words), token)


def _speaker(phrase: Token, mentions: Sequence[Mention], line_start: int = 0
             ) -> Mention | None:
    """The actor a subject phrase names; in "Press Secretary of the President of Russia Dmitry
    Peskov" that is the person, not the state his title mentions, as in an appositive.

    A subject phrase the parser began on a line before its verb's (a heading run into the
    sentence under it) is read from `line_start`, the verb's line, on."""
    if phrase.idx < line_start:
        phrase = next((t for t in phrase.subtree  # the top of the part on the verb's line
                       if t.idx >= line_start and t.head.idx < line_start), phrase)
    named = named_entity(phrase, mentions)
    # "says the director of the Caucasus Institute, Alexander Iskandaryan": the appositive too
    words = [*own_phrase(phrase), *(t for c in phrase.children if c.dep_ == "appos"
                                    for t in c.subtree)]
    people = people_in(words, mentions)
    if people and (named is None or named.type != "Person"):
        return people[-1]
    return named if named is not None and named.type in ACTORS else None


def _attribution(token: Token) -> bool:
    """The head word of an attribution phrase ("according" in "according to X")."""
    doc = token.doc
    return any([t.lower_ for t in doc[token.i:token.i + len(words)]] == words
               for words in _attribution_words().get(token.lower_, ()))


@cache
def _attribution_words() -> dict[str, list[list[str]]]:
    """The attribution phrases' words, under their first word (every token is tried)."""
    phrases: dict[str, list[list[str]]] = {}
    for phrase in _speech()["attributions"]:
        words = phrase.split()
        phrases.setdefault(words[0], []).append(words)
    return phrases


def _cover(word: Token, start: int, end: int) -> tuple[int, int]:
    """The span of the word's sentence, widened to hold the words."""
    sentence_start, sentence_end = sentence_span(word)
    return min(sentence_start, start), max(sentence_end, end)


def _on_the_line(word: Token, start: int, end: int) -> tuple[int, int]:
    """Reported words cut to the line of their speech verb (see nlp.sentence_span)."""
    line_start, line_end = sentence_span(word)
    return max(start, line_start), min(end, line_end)


@cache
def _speech() -> dict[str, set[str]]:
    lexicon = read_lexicon("speech")
    return {name: {word.lower() for word in lexicon[name]}
            for name in ("verbs", "nouns", "attributions", "pronouns", "documents",
                         "document_verbs", "institution_pronouns", "collective_nouns",
                         "clause_verbs")}
