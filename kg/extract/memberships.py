"""Memberships in international organizations, from cue words and the dependency parse.

Runs on the parse and the entity mentions, beside the event extractor; the `memberships` stage
(kg/stages/memberships.py) turns what is found here into ckg:Membership nodes with evidence.
The cue words live in lexicons/memberships.yaml. Each reading is anchored on a cue word:

- containing: "the CSTO includes Russia, Belarus ... and Tajikistan", "the grouping -- which
  includes ...", "a union of five states, including Armenia": one membership per coordinated
  member;
- member nouns: "X is (remains) a member of Y and Z", "Y, of which X is a member", "X, a member
  of Y", "a Y member";
- membership nouns: "Armenia's membership in Y", "its CSTO membership", "its participation in
  Y"; a noun that names no organization takes the one organization its sentence names;
- joining: "joined Y", "belongs to Y";
- leading and founding, read rather than stated: "Russia-led", "led by Moscow", "set up by
  Russia";
- freezing: a freeze word over a membership noun ("had frozen its membership", "suspended its
  participation") or a member withholding its part ("refrained from financing the CSTO") makes
  the status Frozen; suspended "relations with" an organization count only where the document
  also states the membership, since relations can be suspended by outsiders too.

References are resolved on the way: a description ("the grouping", "the Moscow-led alliance",
"an economic union" after "the EAEU is") to the organization it stands for; a city to its state
(a capital named for its government: "Yerevan remains a member"); "its" to the subject of its
clause; "the country" to the state its governing subject names, else to the state the document
has named most. Only InternationalOrganization, Alliance and EconomicUnion can be the
organization (the range of ckg:organization). A membership that is negated, planned, or under
a hypothetical word ("potential future membership", "seeks to join") is not stated: skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property

from spacy.tokens import Doc, Token

from kg.extract.events import ORGANIZATIONS, status_of
from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention
from kg.extract.roles import SUBJECTS
from kg.registry import Registry

# Who can be a member: states, and organizations (which join organizations too).
ORGANIZATION_CLASSES = frozenset(ORGANIZATIONS)
MEMBERS = frozenset({"State"}) | ORGANIZATION_CLASSES
# Named for their state: a city (mostly a capital) standing for its government.
CITIES = frozenset({"Settlement"})
# A government body acts for the state its name contains ("Armenia's foreign ministry").
BODIES = frozenset({"Organization"})
# How many sentences back a description ("the grouping") looks for the organization it names.
ANTECEDENT_SENTENCES = 2
DEFINITE = {"the", "this", "that", "these", "those"}
NEGATIVE_COORDINATORS = {"neither", "nor"}
RELATIVE_TAGS = {"WDT", "WP"}
# The prepositions that attach the organization to a member or membership noun.
ORGANIZATION_PREPOSITIONS = {"of", "in"}
# The prepositions that attach the organization to frozen relations.
RELATION_PREPOSITIONS = {"with", "in", "within"}
# Parts of a phrase between a description's determiner and its noun ("the Russia-led security").
NOMINAL = {"NOUN", "PROPN", "ADJ", "NUM", "VERB"}
# Children of the clause's head left out of the quote unless they hold a word of the reading.
CLAUSAL = {"conj", "cc", "advcl", "relcl", "parataxis", "ccomp", "punct", "mark", "dep"}
# Punctuation that may end or start a quote; other punctuation at its edges is trimmed.
KEPT_PUNCTUATION = {")", "]", '"', "'", "\u201d", "\u2019"}  # closing marks


@dataclass(frozen=True)
class MembershipMention:
    """A membership as one clause states it: registry keys, status and body[start:end]."""

    member: str
    organization: str
    status: str  # "Active" or "Frozen"
    start: int
    end: int
    implied: bool = False  # read from leading, founding or suspended relations
    inferred: bool = False  # the member or organization was reached by resolving a reference


@dataclass(frozen=True)
class _Cues:
    """lexicons/memberships.yaml as sets; phrases are tuples of lemmas."""

    containing: frozenset[str]
    containing_phrases: tuple[tuple[str, ...], ...]
    member_nouns: frozenset[str]
    copulas: frozenset[str]
    alongside: frozenset[str]
    membership_nouns: frozenset[str]
    joining: frozenset[str]
    joining_phrases: tuple[tuple[str, ...], ...]
    leading: frozenset[str]
    founding: frozenset[str]
    founding_phrases: tuple[tuple[str, ...], ...]
    kinds: dict[str, frozenset[str]]
    counted_members: frozenset[str]
    state_nouns: frozenset[str]
    freeze: frozenset[str]
    relations: frozenset[str]
    withholding: frozenset[str]
    activities: frozenset[str]
    unattested_modifiers: frozenset[str]
    unattested_governors: frozenset[str]

    @cached_property
    def readings(self) -> frozenset[str]:
        """The lemmas some reading of `_Reader.read` starts from: each begins by checking
        that its word is one of its cues or the first word of one of its phrases."""
        return frozenset().union(
            self.containing, self.member_nouns, self.membership_nouns, self.joining,
            self.leading, self.founding, self.withholding,
            (phrase[0] for phrase in (*self.containing_phrases, *self.joining_phrases,
                                      *self.founding_phrases)))


@dataclass(frozen=True)
class _Ref:
    """An entity a reading names: its key, the word naming it here, and whether resolved."""

    key: str
    token: Token
    inferred: bool = False


def find_memberships(doc: Doc, mentions: Sequence[Mention], registry: Registry
                     ) -> list[MembershipMention]:
    """Every membership the parsed body states, in text order, one per member and sentence.

    The same membership read twice in one sentence is kept once, from its most direct reading.
    """
    reader = _Reader(doc, mentions, registry)
    found: dict[tuple[str, str, str, int], MembershipMention] = {}
    for token in doc:
        for membership in reader.read(token):
            _keep(found, membership, token.sent.start_char)
    stated = {(m.member, m.organization) for m in found.values()}
    for token in doc:
        for membership in reader.suspended_relations(token):
            if (membership.member, membership.organization) in stated:
                _keep(found, membership, token.sent.start_char)
    return sorted(found.values(), key=lambda m: (m.start, m.member, m.organization))


def _keep(found: dict[tuple[str, str, str, int], MembershipMention],
          membership: MembershipMention, sentence: int) -> None:
    key = (membership.member, membership.organization, membership.status, sentence)
    known = found.get(key)
    if known is None or (membership.implied, membership.inferred) < (known.implied,
                                                                      known.inferred):
        found[key] = membership


class _Reader:
    """The rules, over one parsed document and its mentions."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], registry: Registry) -> None:
        self.doc = doc
        self.mentions = list(mentions)
        self.registry = registry
        self.cues = _cues()
        self.by_token: dict[int, Mention] = {}
        for mention in self.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            for token in span or ():
                self.by_token[token.i] = mention
        self.sentence_starts = [sentence.start_char for sentence in doc.sents]

    def read(self, token: Token) -> Iterator[MembershipMention]:
        """The memberships a cue word states (all but suspended relations)."""
        if token.lemma_.lower() not in self.cues.readings:  # most words: no rule to try
            return
        for rule in (self._contained, self._including, self._member_noun, self._membership_noun,
                     self._joined, self._led, self._founded, self._withheld):
            yield from rule(token)

    # ── the readings ──

    def _contained(self, verb: Token) -> Iterator[MembershipMention]:
        """"The CSTO includes Russia, Belarus ...", "which consists of ...", "a bloc comprising"."""
        if verb.pos_ not in {"VERB", "AUX"}:
            return
        preposition = _phrase_end(verb, self.cues.containing_phrases)
        if verb.lemma_.lower() not in self.cues.containing and preposition is None:
            return
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if preposition is not None:
            objects += [c for c in preposition.children if c.dep_ == "pobj"]
        organization = self._containing_organization(verb, passive=preposition is not None)
        if not objects or organization is None or not self._attested(verb):
            return
        for token in _coordinated(objects):
            member = self._member(token)
            if member is not None:
                yield from self._membership(member, organization, "Active", [verb])

    def _including(self, word: Token) -> Iterator[MembershipMention]:
        """"A union of five states, including Armenia": members of what the phrase describes."""
        if word.lemma_.lower() not in self.cues.containing or word.dep_ != "prep":
            return
        organization = None
        for ancestor in [word.head, *word.head.ancestors]:
            if ancestor.pos_ in {"VERB", "AUX"}:
                break
            organization = self._organization(ancestor)
            if organization is not None:
                break
        if organization is None:
            return
        for token in _coordinated([c for c in word.children if c.dep_ == "pobj"]):
            member = self._member(token)
            if member is not None:
                yield from self._membership(member, organization, "Active", [word])

    def _member_noun(self, noun: Token) -> Iterator[MembershipMention]:
        """"X is a member of Y", "Y, of which X is a member", "X, a member of Y"."""
        if noun.lemma_.lower() not in self.cues.member_nouns or noun.pos_ != "NOUN":
            return
        if self._hypothetical(noun):
            return
        organizations: list[_Ref | None] = list(self._organizations_of(noun))
        cue = [noun]
        if noun.dep_ == "attr" and noun.head.lemma_.lower() in self.cues.copulas:
            copula = noun.head
            if not self._attested(copula):
                return
            organizations += self._relative_organizations(copula)
            subjects = [c for c in copula.children if c.dep_ in SUBJECTS]
            cue.append(copula)
        elif noun.dep_ == "appos":
            subjects = [noun.head]
        elif self._whose_members(noun):  # "the bloc whose other members are X and Y"
            copula = noun.head
            organizations.append(self._organization(copula.head))
            subjects = [c for c in copula.children if c.dep_ == "attr"]
            cue.append(copula)
        elif self._one_of(noun) is not None:  # "X is one of the six members, alongside Y"
            one = self._one_of(noun)
            copula = one.head
            if not self._attested(copula):
                return
            organizations = organizations or self._sentence_organization(noun) or [
                self._antecedent(noun, ORGANIZATION_CLASSES)]
            subjects = [c for c in copula.children if c.dep_ in SUBJECTS]
            subjects += [t for word in (one, noun, copula) for p in word.children
                         if p.dep_ == "prep" and p.lower_ in self.cues.alongside
                         for t in p.children if t.dep_ == "pobj"]
            cue += [one, copula]
        else:
            return
        status = "Frozen" if self._frozen_modifier(noun) else "Active"
        for token in _coordinated(subjects):
            member = self._member(token)
            for organization in _unique(organizations):
                if member is not None:
                    yield from self._membership(member, organization, status, cue)

    def _whose_members(self, noun: Token) -> bool:
        """Whether a member noun is the subject of a relative copula through "whose"."""
        copula = noun.head
        return (noun.dep_ in SUBJECTS and copula.dep_ == "relcl"
                and copula.lemma_.lower() in self.cues.copulas
                and any(c.dep_ == "poss" and c.tag_ == "WP$" for c in noun.children))

    def _one_of(self, noun: Token) -> Token | None:
        """The "one" of "X is one of the members": a copula's complement."""
        of = noun.head
        one = of.head
        if noun.dep_ == "pobj" and of.lower_ == "of" and one.lower_ == "one" and (
                one.dep_ == "attr" and one.head.lemma_.lower() in self.cues.copulas):
            return one
        return None

    def _membership_noun(self, noun: Token) -> Iterator[MembershipMention]:
        """"Armenia's membership in Y", "its CSTO membership", "froze its membership"."""
        if noun.lemma_.lower() not in self.cues.membership_nouns or noun.pos_ != "NOUN":
            return
        governor = _noun_governor(noun)
        if self._hypothetical(noun) or (governor is not None and (
                governor.lemma_.lower() in self.cues.unattested_governors
                or _negated(governor))):
            return
        frozen = self._frozen_modifier(noun) or (
            governor is not None and governor.lemma_.lower() in self.cues.freeze)
        if frozen and governor is not None and not self._attested(governor):
            return
        organizations = self._organizations_of(noun)
        if not organizations and not _names_organization(noun):
            organizations = self._sentence_organization(noun)
        owners = [c for c in noun.children if c.dep_ == "poss"]
        if not owners and governor is not None:
            owners = [c for c in governor.children if c.dep_ in SUBJECTS]
        cue = [noun] if governor is None else [noun, governor]
        for token in _coordinated(owners):
            member = self._member(token)
            for organization in organizations:
                if member is not None:
                    yield from self._membership(member, organization,
                                                "Frozen" if frozen else "Active", cue)

    def _joined(self, verb: Token) -> Iterator[MembershipMention]:
        """"Armenia joined the EAEU", "belongs to the CSTO"."""
        if verb.pos_ != "VERB":
            return
        preposition = _phrase_end(verb, self.cues.joining_phrases)
        if verb.lemma_.lower() in self.cues.joining:
            objects = [c for c in verb.children if c.dep_ == "dobj"]
        elif preposition is not None:
            objects = [c for c in preposition.children if c.dep_ == "pobj"]
        else:
            return
        if not self._attested(verb):
            return
        for subject in _coordinated(_subjects(verb)):
            member = self._member(subject)
            for token in _coordinated(objects):
                organization = self._organization(token)
                if member is not None and organization is not None:
                    yield from self._membership(member, organization, "Active", [verb])

    def _led(self, verb: Token) -> Iterator[MembershipMention]:
        """"The Russia-led grouping", "an alliance led by Moscow": the leader is a member."""
        if verb.lemma_.lower() not in self.cues.leading or verb.tag_ != "VBN":
            return
        leaders = [t for agent in verb.children if agent.dep_ == "agent"
                   for t in agent.children if t.dep_ == "pobj"]
        hyphenated = verb.i > 0 and self.doc[verb.i - 1].tag_ == "HYPH"
        if hyphenated:
            leaders += [c for c in verb.children if c.i < verb.i and c.dep_ != "punct"]
        if not leaders or verb.dep_ not in {"amod", "acl"}:
            return
        organization = self._organization(verb.head)
        if organization is None and verb.dep_ == "amod":
            organization = self._organization_after(verb)
        if organization is None:
            return
        for token in _coordinated(leaders):
            member = self._member(token)
            if member is not None:
                yield from self._membership(member, organization, "Active", [verb],
                                            implied=True)

    def _founded(self, verb: Token) -> Iterator[MembershipMention]:
        """"Set up by Russia in 2014, the EAEU ...", "Russia founded the EAEU"."""
        if verb.pos_ != "VERB" or (verb.lemma_.lower() not in self.cues.founding
                                   and _phrase_end(verb, self.cues.founding_phrases) is None):
            return
        founders = [t for agent in verb.children if agent.dep_ == "agent"
                    for t in agent.children if t.dep_ == "pobj"]
        if founders:
            created = [c for c in verb.children if c.dep_ == "nsubjpass"]
            if verb.dep_ == "acl":
                created.append(verb.head)
            elif verb.dep_ == "advcl":  # a fronted participle: its subject is the main one
                created += [c for c in verb.head.children if c.dep_ in SUBJECTS]
        else:
            founders = [c for c in verb.children if c.dep_ == "nsubj"]
            created = [c for c in verb.children if c.dep_ == "dobj"]
        if not self._attested(verb):
            return
        for token in created:
            organization = self._organization(token)
            for founder in _coordinated(founders):
                member = self._member(founder)
                if member is not None and organization is not None:
                    yield from self._membership(member, organization, "Active", [verb],
                                                implied=True)

    def _withheld(self, verb: Token) -> Iterator[MembershipMention]:
        """"Armenia has refrained from financing the CSTO": the membership is frozen."""
        if verb.lemma_.lower() not in self.cues.withholding or verb.pos_ != "VERB":
            return
        activities = [c for c in verb.children if c.dep_ == "xcomp"]
        activities += [t for p in verb.children if p.dep_ == "prep"
                       for t in p.children if t.dep_ == "pcomp"]
        activities = [a for a in activities if a.lemma_.lower() in self.cues.activities]
        if not activities or not self._attested(verb):
            return
        for activity in activities:
            organization = self._activity_organization(activity)
            for subject in _coordinated(_subjects(verb)):
                member = self._member(subject)
                if member is not None and organization is not None:
                    yield from self._membership(member, organization, "Frozen",
                                                [verb, activity], implied=True)

    def suspended_relations(self, verb: Token) -> Iterator[MembershipMention]:
        """"Armenia had effectively suspended relations with the Moscow-led alliance"."""
        if verb.lemma_.lower() not in self.cues.freeze or verb.pos_ != "VERB":
            return
        if not self._attested(verb):
            return
        for relation in verb.children:
            if relation.dep_ != "dobj" or relation.lemma_.lower() not in self.cues.relations:
                continue
            for preposition in relation.children:
                if preposition.dep_ != "prep" or preposition.lower_ not in RELATION_PREPOSITIONS:
                    continue
                for token in _coordinated([c for c in preposition.children
                                           if c.dep_ == "pobj"]):
                    organization = self._organization(token)
                    for subject in _coordinated(_subjects(verb)):
                        member = self._member(subject)
                        if member is not None and organization is not None:
                            yield from self._membership(member, organization, "Frozen",
                                                        [verb, relation], implied=True)

    def _membership(self, member: _Ref, organization: _Ref, status: str, cue: list[Token],
                    implied: bool = False) -> Iterator[MembershipMention]:
        if member.key == organization.key:
            return
        start, end = self._clause([member.token, organization.token, *cue])
        yield MembershipMention(member.key, organization.key, status, start, end, implied,
                                member.inferred or organization.inferred)

    # ── who is the member ──

    def _member(self, token: Token, depth: int = 0) -> _Ref | None:
        """The state or organization a word names as a member, resolving references."""
        mention = self.by_token.get(token.i)
        if mention is not None:
            if mention.key is None:
                return None
            if mention.type in MEMBERS:
                return _Ref(mention.key, token)
            state = self._state_for(mention)
            return _Ref(state, token, inferred=True) if state else None
        if depth > 2:  # a chain of references this long is no longer a reading
            return None
        if _impersonal_pronoun(token):
            for subject in _governing_subjects(token):
                found = self._member(subject, depth + 1)
                if found is not None:
                    return replace(found, token=token, inferred=True)
            return None
        if token.lemma_.lower() in self.cues.state_nouns and _determined(token):
            state = self._country(token, depth)
            return _Ref(state, token, inferred=True) if state else None
        return None

    def _state_for(self, mention: Mention) -> str | None:
        """The state a city lies in, or whose name a government body's name contains."""
        if mention.key is None:
            return None
        if mention.type in CITIES:
            return self.registry.state_of(mention.key)
        if mention.type in BODIES:
            named = {entity.key for entity in self.registry if entity.type == "State"
                     for name in entity.names
                     if re.search(rf"\b{re.escape(name)}\b", mention.name)}
            return named.pop() if len(named) == 1 else None
        return None

    def _country(self, noun: Token, depth: int) -> str | None:
        """"The country": the state a governing subject names, else the most named one so far."""
        for subject in _governing_subjects(noun):
            found = self._member(subject, depth + 1)
            if found is not None and self.registry.entities[found.key].type == "State":
                return found.key
        # Only states named as states count: a capital is as often the other side ("asked
        # Moscow to withdraw") as the country the article is about.
        counts: Counter[str] = Counter()
        last: dict[str, int] = {}
        for mention in self.mentions:
            if mention.type == "State" and mention.key and mention.start < noun.idx:
                counts[mention.key] += 1
                last[mention.key] = mention.start
        if not counts:
            return None
        return max(counts, key=lambda key: (counts[key], last[key]))

    # ── which organization ──

    def _organization(self, token: Token) -> _Ref | None:
        """The international organization a word names or, as a description, stands for."""
        mention = self.by_token.get(token.i)
        if mention is not None:
            if mention.type in ORGANIZATIONS and mention.key is not None:
                return _Ref(mention.key, token)
            return None
        classes = self._description(token)
        if classes is None:
            return None
        linked = [c for c in token.children if c.dep_ in {"appos", "compound"}]
        if token.dep_ == "appos":
            linked.append(token.head)
        if token.dep_ == "attr":  # "the EAEU is an economic union"
            linked += [c for c in token.head.children if c.dep_ in SUBJECTS]
        if token.dep_ in SUBJECTS:  # "A six-nation alliance led by Moscow, the CSTO includes"
            linked += [c for c in token.head.children if c.dep_ in SUBJECTS and c is not token]
        for other in linked:
            named = self.by_token.get(other.i)
            if named is not None and named.type in classes and named.key is not None:
                return _Ref(named.key, token, inferred=True)
        if _determined(token):
            return self._antecedent(token, classes)
        return None

    def _description(self, token: Token) -> frozenset[str] | None:
        """The classes a describing noun ("alliance", "a six-nation bloc") may refer to."""
        for word in (token.lower_, token.lemma_.lower()):
            if word in self.cues.kinds:
                return self.cues.kinds[word]
        counted = any(c.dep_ == "compound" and c.lemma_.lower() in self.cues.counted_members
                      and any(n.dep_ == "nummod" for n in c.children) for c in token.children)
        return ORGANIZATION_CLASSES if counted else None

    def _antecedent(self, token: Token, classes: frozenset[str]) -> _Ref | None:
        """The nearest organization of the classes named shortly before a description."""
        sentence = self.sentence_starts.index(token.sent.start_char)
        earliest = self.sentence_starts[max(0, sentence - ANTECEDENT_SENTENCES)]
        candidates = [m for m in self.mentions if m.type in classes and m.key is not None
                      and earliest <= m.start < token.idx]
        if not candidates:
            return None
        nearest = max(candidates, key=lambda m: m.start)
        return _Ref(str(nearest.key), token, inferred=True)

    def _organization_after(self, modifier: Token) -> _Ref | None:
        """The organization a pre-modifier describes when the parse hangs it on another noun
        ("the Russia-led security grouping", parsed with "grouping" as a verb)."""
        for token in self.doc[modifier.i + 1:modifier.sent.end]:
            if token.pos_ not in NOMINAL:
                return None
            found = self._organization(token)
            if found is not None:
                return found
        return None

    def _organizations_of(self, noun: Token) -> list[_Ref]:
        """Organizations a member or membership noun names: "of/in Y", "a Y member"."""
        refs: list[_Ref | None] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ORGANIZATION_PREPOSITIONS:
                for target in _coordinated([c for c in child.children if c.dep_ == "pobj"]):
                    refs.append(self._relative_antecedent(target) if target.tag_ in
                                RELATIVE_TAGS else self._organization(target))
            elif child.dep_ in {"compound", "nmod"}:
                refs.append(self._organization(child))
            elif child.dep_ in {"conj", "appos"}:  # "a member of X and Y" parsed as 2 nouns
                named = self.by_token.get(child.i)
                if named is not None and named.type in ORGANIZATIONS:
                    refs.append(self._organization(child))
        return _unique(refs)

    def _relative_organizations(self, verb: Token) -> list[_Ref]:
        """"Of which X is a member": the organization the relative clause is about."""
        return _unique([self._relative_antecedent(t) for p in verb.children
                        if p.dep_ == "prep" and p.lower_ in ORGANIZATION_PREPOSITIONS
                        for t in p.children if t.dep_ == "pobj" and t.tag_ in RELATIVE_TAGS])

    def _relative_antecedent(self, pronoun: Token) -> _Ref | None:
        """What "which" stands for: its clause's head, or the noun just before it (the parse
        sometimes hangs the clause on an earlier noun: "membership in the grouping -- which")."""
        clause = next((a for a in pronoun.ancestors if a.dep_ == "relcl"), None)
        candidates = [clause.head] if clause is not None else []
        before = [t for t in self.doc[pronoun.sent.start:pronoun.i]
                  if not (t.is_punct or t.is_space)]
        if before and before[-1].tag_ != "IN":
            candidates.append(before[-1])
        elif len(before) > 1:  # "of which": the noun before the preposition
            candidates.append(before[-2])
        for candidate in candidates:
            found = self._organization(candidate)
            if found is not None:
                return found
        return None

    def _containing_organization(self, verb: Token, passive: bool) -> _Ref | None:
        """What contains the members: the verb's subject, relative antecedent or head noun.

        A passive subject counts for the phrases ("is made up of", "composed of") only: the
        passive of "include" has the member as its subject ("Armenia is included in ...").
        """
        if verb.dep_ == "acl":  # "a bloc comprising Russia and Belarus"
            return self._organization(verb.head)
        kinds = {"nsubj", "nsubjpass"} if passive else {"nsubj"}
        for subject in (c for c in verb.children if c.dep_ in kinds):
            if subject.tag_ in RELATIVE_TAGS:
                return self._relative_antecedent(subject)
            return self._organization(subject)
        return None

    def _activity_organization(self, activity: Token, depth: int = 0) -> _Ref | None:
        """The organization a withheld activity serves ("financing the organization's
        activities", "participating in the CSTO")."""
        for child in activity.children:
            if child.dep_ in {"dobj", "pobj"}:
                for token in child.subtree:
                    found = self._organization(token)
                    if found is not None:
                        return found
            elif child.dep_ in {"prep", "pcomp"} and depth < 3:
                found = self._activity_organization(child, depth + 1)
                if found is not None:
                    return found
        return None

    def _sentence_organization(self, noun: Token) -> list[_Ref]:
        """The organization of a bare "its membership": the only one its sentence names."""
        sentence = noun.sent
        named = [m for m in self.mentions if m.type in ORGANIZATIONS and m.key is not None
                 and sentence.start_char <= m.start < sentence.end_char]
        if len({m.key for m in named}) != 1:
            return []
        nearest = min(named, key=lambda m: abs(m.start - noun.idx))
        span = self.doc.char_span(nearest.start, nearest.end, alignment_mode="expand")
        return [_Ref(str(nearest.key), span.root if span else noun, inferred=True)]

    # ── is it stated, and how ──

    def _attested(self, verb: Token) -> bool:
        """Not negated, not planned, and not under a verb like "seek" or "refrain from"."""
        if _negated(verb) or _planned(verb):
            return False
        governor = _verb_governor(verb)
        return governor is None or governor.lemma_.lower() not in self.cues.unattested_governors

    def _hypothetical(self, noun: Token) -> bool:
        return any(c.dep_ == "amod" and c.lower_ in self.cues.unattested_modifiers
                   for c in noun.children)

    def _frozen_modifier(self, noun: Token) -> bool:
        return any(c.dep_ == "amod" and (c.lower_ in self.cues.freeze
                                         or c.lemma_.lower() in self.cues.freeze)
                   for c in noun.children)

    def _clause(self, tokens: list[Token]) -> tuple[int, int]:
        """The character span of the smallest clause holding every word of a reading.

        The lowest common head of the words, with its dependents, less the coordinated and
        subordinate clauses (and edge punctuation) that hold none of them.
        """
        paths = [[token, *token.ancestors] for token in tokens]
        common = set(paths[0]).intersection(*(set(path) for path in paths[1:]))
        top = next(token for token in paths[0] if token in common)
        wanted = {token.i for token in tokens}
        kept = [top.i]
        for child in top.children:
            subtree = [token.i for token in child.subtree]
            if child.dep_ not in CLAUSAL or wanted & set(subtree):
                kept += subtree
        first, last = min(kept), max(kept)
        while first < last and _trimmed(self.doc[first]):
            first += 1
        while last > first and _trimmed(self.doc[last]):
            last -= 1
        text = self.doc[first:last + 1].text
        if (text.count("(") > text.count(")") and last + 1 < len(self.doc)
                and self.doc[last + 1].text == ")"):
            last += 1
        return self.doc[first].idx, self.doc[last].idx + len(self.doc[last].text)


def _coordinated(tokens: list[Token]) -> list[Token]:
    """The tokens and everything coordinated with them ("Russia, Belarus ... and Tajikistan");
    none from a negative coordination ("neither Armenia nor Azerbaijan")."""
    seen: dict[int, Token] = {}
    for token in tokens:
        for each in (token, *token.conjuncts):
            seen.setdefault(each.i, each)
    if any(c.dep_ in {"preconj", "cc"} and c.lower_ in NEGATIVE_COORDINATORS
           for token in seen.values() for c in token.children):
        return []
    return [seen[i] for i in sorted(seen)]


def _unique(refs: list[_Ref | None]) -> list[_Ref]:
    found: dict[str, _Ref] = {}
    for ref in refs:
        if ref is not None:
            found.setdefault(ref.key, ref)
    return list(found.values())


def _subjects(verb: Token) -> list[Token]:
    """The verb's subjects, or those of the verb it shares them with ("will end ... and join")."""
    head = verb
    while True:
        subjects = [c for c in head.children if c.dep_ in SUBJECTS]
        if subjects or head.dep_ not in {"conj", "xcomp"} or head.head is head:
            return subjects
        head = head.head


def _governing_subjects(token: Token) -> Iterator[Token]:
    """Subjects of the clauses above a word, nearest first, leaving out its own phrase."""
    own = {token, *token.ancestors}
    for ancestor in token.ancestors:
        for child in ancestor.children:
            if child.dep_ not in SUBJECTS or child in own:
                continue
            if child.tag_ in RELATIVE_TAGS and ancestor.dep_ == "relcl":
                yield ancestor.head
            else:
                yield child


def _impersonal_pronoun(token: Token) -> bool:
    """"It", "its", "they", "their": third-person pronouns that may stand for a state."""
    morph = token.morph
    return (token.pos_ == "PRON" and morph.get("PronType") == ["Prs"]
            and morph.get("Person") == ["3"]
            and morph.get("Gender") not in (["Masc"], ["Fem"]))


def _determined(token: Token) -> bool:
    """Whether a noun is definite or possessed ("the grouping", "the Moscow-led alliance",
    "his country"), looking left across its pre-modifiers."""
    for i in range(token.i - 1, token.sent.start - 1, -1):
        word = token.doc[i]
        if word.tag_ in {"PRP$", "POS"} or word.dep_ == "poss":
            return True
        if word.pos_ == "DET":
            return word.lower_ in DEFINITE
        if word.pos_ not in NOMINAL and word.tag_ != "HYPH":
            return False
    return False


def _names_organization(noun: Token) -> bool:
    """Whether a noun has an of/in phrase or modifier that could name its organization."""
    return any((c.dep_ == "prep" and c.lower_ in ORGANIZATION_PREPOSITIONS)
               or c.dep_ in {"compound", "nmod"} for c in noun.children)


def _noun_governor(noun: Token) -> Token | None:
    """The verb a noun is the object of, directly or through a preposition ("hinting at")."""
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif noun.dep_ not in {"dobj", "nsubjpass", "attr"}:
        return None
    return head if head.pos_ in {"VERB", "AUX"} and head is not noun else None


def _verb_governor(verb: Token) -> Token | None:
    """The verb another one depends on as its complement ("seeks to join", "refrain from
    joining", "denied that it had joined")."""
    if verb.dep_ in {"xcomp", "ccomp"}:
        return verb.head
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        return verb.head.head
    return None


def _planned(verb: Token) -> bool:
    """Planned by its auxiliaries or governor (kg/extract/events.py), unless the clause is past
    or perfect without a modal: "announced that Armenia had suspended" reports a done thing."""
    if status_of(verb) != "Planned":
        return False
    auxiliaries = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if any(c.tag_ == "MD" for c in auxiliaries):
        return True
    return not (verb.tag_ == "VBD" or any(c.lemma_.lower() == "have" for c in auxiliaries))


def _negated(verb: Token) -> bool:
    """"Is not", "never", and "no longer" (a negated adverb)."""
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and any(g.dep_ == "neg"
                                                              for g in c.children))
               for c in verb.children)


def _phrase_end(verb: Token, phrases: tuple[tuple[str, ...], ...]) -> Token | None:
    """The last word of a multi-word verb ("consist of", "set up") found among the verb's
    particles and prepositions (or theirs), or None when no phrase matches."""
    for phrase in phrases:
        if verb.lemma_.lower() != phrase[0]:
            continue
        current, matched = verb, True
        for word in phrase[1:]:
            found = next((c for c in [*verb.children, *current.children]
                          if c.dep_ in {"prt", "prep", "advmod", "agent"}
                          and c.lemma_.lower() == word), None)
            if found is None:
                matched = False
                break
            current = found
        if matched:
            return current
    return None


def _trimmed(token: Token) -> bool:
    return token.is_space or (token.is_punct and token.text not in KEPT_PUNCTUATION)


@cache
def _cues() -> _Cues:
    lexicon = read_lexicon("memberships")

    def words(values: list[str]) -> frozenset[str]:
        return frozenset(value.lower() for value in values)

    def phrases(values: list[str]) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(value.lower().split()) for value in values)

    freeze, unattested = lexicon["freeze"], lexicon["unattested"]
    return _Cues(
        containing=words(lexicon["containing"]["lemmas"]),
        containing_phrases=phrases(lexicon["containing"]["phrases"]),
        member_nouns=words(lexicon["member_nouns"]),
        copulas=words(lexicon["copulas"]),
        alongside=words(lexicon["alongside"]),
        membership_nouns=words(lexicon["membership_nouns"]),
        joining=words(lexicon["joining"]["lemmas"]),
        joining_phrases=phrases(lexicon["joining"]["phrases"]),
        leading=words(lexicon["leading"]),
        founding=words(lexicon["founding"]["lemmas"]),
        founding_phrases=phrases(lexicon["founding"]["phrases"]),
        kinds={word.lower(): frozenset(classes) for word, classes in lexicon["kinds"].items()},
        counted_members=words(lexicon["counted_members"]),
        state_nouns=words(lexicon["state_nouns"]),
        freeze=words(freeze["lemmas"]),
        relations=words(freeze["relations"]),
        withholding=words(freeze["withholding"]),
        activities=words(freeze["activities"]),
        unattested_modifiers=words(unattested["modifiers"]),
        unattested_governors=words(unattested["governors"]),
    )
