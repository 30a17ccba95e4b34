"""kg/extract/events.py, read with the real spaCy pipeline: events a text describes without
naming them are recognised as the registry event they are, when exactly one fits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.corpus import read_article
from kg.evaluate import Fact, extracted_facts
from kg.extract.dates import Anchor, find_dates
from kg.extract.events import EventMention, find_events
from kg.extract.mentions import find_mentions
from kg.extract.nlp import language_for
from kg.extract.references import find_references
from kg.extract.roles import arguments
from kg.registry import Registry

from .conftest import document_graphs

PUBLISHED = dt.date(2024, 5, 9)


def events(text: str, registry: Registry) -> list[EventMention]:
    doc = language_for(registry)(text)
    named = find_mentions(doc, registry)
    mentions = sorted(named + find_references(doc, named), key=lambda m: m.start)
    anchor = Anchor.on(PUBLISHED)
    return find_events(doc, mentions, find_dates(text, anchor), registry, anchor)


@pytest.mark.parametrize(("text", "known"), [
    # class, agent, place and month fit the registry's 2023 offensive and nothing else
    ("In September 2023, Azerbaijan launched an offensive into Nagorno-Karabakh.",
     "azerbaijani-offensive-in-nagorno-karabakh-2023"),
    # a city acting is its state: Baku's offensive is Azerbaijan's
    ("Armenia accused Russia of failing to stop a lightning offensive launched by Baku in "
     "September 2023.", "azerbaijani-offensive-in-nagorno-karabakh-2023"),
    ("Vladimir Putin and Nikol Pashinyan met in Moscow on May 8.",
     "putin-pashinyan-meeting-moscow-2024"),
    # a war told by its side and year: of the wars known, only one fits
    ("Armenia fought a bloody war with Azerbaijan in 2020.", "second-nagorno-karabakh-war"),
    # two Azerbaijani offensives are known and nothing says which: neither is chosen
    ("Pashinyan blamed Russia for failing to avert Azerbaijan's offensive.", None),
    # the date of what is done to the offensive ("stop ... in September 2023") tells which
    ("Armenia blamed Russia for failing to stop Azerbaijan's offensive in September 2023.",
     "azerbaijani-offensive-in-nagorno-karabakh-2023"),
    ("Armenia blamed Russia for failing to stop Azerbaijan's offensive in 2015.", None),
    # the right class and roles, but a year the registry's event is not in
    ("In 2020, Azerbaijan launched an offensive into Nagorno-Karabakh.", None),
    # a place the registry's event is not in
    ("In September 2023, Azerbaijan launched an offensive into Syunik Province.", None),
])
def test_events_described_are_recognised_as_the_one_registry_event_that_fits(
        text, known, registry):
    found = [event for event in events(text, registry)
             if event.type in {"MilitaryOperation", "Meeting", "War"}]
    assert [event.known for event in found] == [known]


def roles(event: EventMention) -> dict[str, list[str | None]]:
    return {role: [m.key for m in mentions] for role, mentions in event.roles.items()}


@pytest.mark.parametrize(("text", "expected"), [
    # a coordinated preposition still gives its place
    ("The Russian peacekeepers deployed in and around the region of Nagorno-Karabakh.",
     {"force": ["russian-peacekeeping-contingent"], "location": ["nagorno-karabakh"]}),
    # places named only by their state's demonym are that state
    ("Russian border guards were deployed to a number of Armenian regions.",
     {"force": ["russian-border-guards-in-armenia"], "location": ["armenia"]}),
    # soldiers named by their demonym are that state's force; patrolling a place is being there
    ("Azerbaijani soldiers patrol near Askeran.",
     {"force": ["armed-forces-of-azerbaijan"], "location": ["askeran"]}),
    ("Armenian soldiers patrol near Askeran.",
     {"force": ["armed-forces-of-armenia"], "location": ["askeran"]}),
])
def test_events_deployment_roles_from_general_wordings(text, expected, registry):
    [deployment] = [e for e in events(text, registry) if e.type == "Deployment"]
    assert roles(deployment) == expected


def test_events_withdrawal_from_where_the_force_it_names_was_deployed(registry):
    """The force's own relative clause says where it leaves, object as well as subject."""
    [withdrawal] = [e for e in events(
        "Armenia has also asked Moscow to withdraw the Russian border guards that had been "
        "deployed at Yerevan's main airport starting from August 1.", registry)
        if e.type == "Withdrawal"]
    assert roles(withdrawal)["location"] == ["zvartnots-international-airport"]
    assert withdrawal.inferred and withdrawal.status == "Planned"


@pytest.mark.parametrize(("text", "expected"), [
    # a heading before the story names the force only: it is the withdrawal told after it
    ("Departure of Russian Border Guards. Russian border guards have left Nerkin Hand village.",
     [(None, "nerkin-hand"), ("Completed", "nerkin-hand")]),
    # told again with fewer roles: the fuller withdrawal told before
    ("Russian border guards will withdraw from Tavush Province. Pashinyan said that Putin "
     "agreed to the withdrawal of Russian border guards.",
     [("Planned", "tavush-province"), ("Planned", "tavush-province")]),
    # a planned withdrawal is not the one already done, though it names fewer roles
    ("Russian border guards have left Nerkin Hand village. Russian border guards will "
     "withdraw, Pashinyan said.", [("Completed", "nerkin-hand"), ("Planned", None)]),
    # unnamed places within the state where the fuller one's place lies
    ("Russian border guards will withdraw from Tavush Province. Russian border guards will "
     "withdraw from a number of regions of Armenia.",
     [("Planned", "tavush-province"), ("Planned", "tavush-province")]),
    # but a deployment to the state itself is another than the one to its province
    ("Russian border troops will be deployed to Syunik Province. Russian border troops will be "
     "deployed to Armenia.", [("Planned", "syunik-province"), ("Planned", "armenia")]),
])
def test_events_told_again_with_fewer_roles_are_the_fuller_event(text, expected, registry):
    found = [event for event in events(text, registry)
             if event.type in {"Withdrawal", "Deployment"}]
    assert [(event.status, (roles(event).get("location") or [None])[0])
            for event in found] == expected
    assert [event.inferred for event in found] != [True] * len(found)


@pytest.mark.parametrize(("month", "status"), [("April", "Completed"), ("June", None)])
def test_events_dated_before_publication_are_completed(month, status, registry):
    text = (f"Armenia criticised the withdrawal of Russian peacekeepers from Nagorno-Karabakh "
            f"in {month} 2024.")
    found = [event for event in events(text, registry) if event.type == "Withdrawal"]
    assert [event.status for event in found] == [status]


@pytest.mark.parametrize(("text", "type_name", "expected"), [
    # a demonym qualifying the event noun names who carries it out
    ("Pashinyan accused Russia of failing to stop an Azerbaijani offensive in Syunik Province.",
     "MilitaryOperation", {"agent": ["azerbaijan"], "location": ["syunik-province"]}),
    # who acts at a summit attends it
    ("Nikol Pashinyan and Vladimir Putin shook hands at a summit in Minsk.", "Meeting",
     {"location": ["minsk"], "participant": ["nikol-pashinyan", "vladimir-putin"]}),
    # "the main forces" are the force named before
    ("The Russian peacekeeping contingent arrived in Nagorno-Karabakh. The main forces were "
     "deployed along the Lachin corridor.", "Deployment",
     {"force": ["russian-peacekeeping-contingent"], "location": ["lachin-corridor"]}),
])
def test_events_roles_from_modifiers_occasions_and_descriptions(text, type_name, expected,
                                                                 registry):
    found = [event for event in events(text, registry) if event.type == type_name]
    assert roles(found[-1]) == expected


@pytest.mark.parametrize(("text", "known"), [
    # no role told: the date of what is done to it fits one registry war only
    ("Russia helped by ending the bloodshed in the fall of 2020.",
     ["second-nagorno-karabakh-war"]),
    # a date no registry war fits: nothing is made of a war without roles
    ("Russia helped by ending the bloodshed in 2015.", []),
])
def test_events_without_roles_are_only_the_registry_event_their_date_fits(text, known,
                                                                         registry):
    assert [event.known for event in events(text, registry) if event.type == "War"] == known


@pytest.mark.parametrize(("text", "status"), [
    # where something past happened is past too
    ("Vladimir Putin said at a meeting with Nikol Pashinyan that the talks went well.",
     "Completed"),
    # but not what a past verb governs through its preposition: that was agreed, not held
    ("Vladimir Putin agreed on a meeting with Nikol Pashinyan.", "Planned"),
])
def test_events_status_of_occasions(text, status, registry):
    [meeting] = [event for event in events(text, registry) if event.type == "Meeting"]
    assert meeting.status == status


def article_facts(text: str, registry: Registry, tmp_path: Path) -> list[Fact]:
    """The events of a plain-text article through the real pipeline (entities, own forces in
    speakers' words and all), as `kg evaluate` reads them."""
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    document = read_article(path, title="Test", published=PUBLISHED)
    graphs = document_graphs([document], registry, "document", "dates", "nlp", "entities",
                             "events")
    return extracted_facts(graphs[document.key], document)


def test_events_withdrawal_without_a_place_leaves_where_its_force_was_deployed(
        registry, tmp_path):
    """"Pull out our troops and border guards", told after where they were sent: both forces
    ("our" goes for both nouns) leave that province."""
    facts = article_facts(
        "“Last year, at Armenia's request, our troops and border guards were sent to Syunik "
        "Province,” Dmitry Peskov told reporters.\n\n“Armenia no longer needs them, so "
        "Vladimir Putin has decided to pull out our troops and border guards.”\n", registry,
        tmp_path)
    [withdrawal] = [fact for fact in facts if fact.type == "Withdrawal"]
    assert withdrawal.roles["force"] == {"russian-armed-forces",
                                         "russian-border-guards-in-armenia"}
    assert withdrawal.roles["location"] == {"syunik-province"}


def test_events_withdrawal_without_a_place_and_no_deployment_told_has_none(registry,
                                                                           tmp_path):
    facts = article_facts("Vladimir Putin has decided to withdraw the Russian border guards, "
                          "Dmitry Peskov said.\n", registry, tmp_path)
    [withdrawal] = [fact for fact in facts if fact.type == "Withdrawal"]
    assert "location" not in withdrawal.roles


@pytest.mark.parametrize(("text", "expected"), [
    # the subject of "lost" is the side that lost the place; told from both sides in one
    # sentence, it is one capture
    ("The fighting helped Azerbaijan, which took control of Askeran, and hurt Armenia, which "
     "lost Askeran.",
     [{"agent": ["azerbaijan"], "affected": ["armenia"], "location": ["askeran"]}]),
    ("Askeran was lost by Armenia in 2020.",
     [{"affected": ["armenia"], "location": ["askeran"]}]),
    # a town that is the passive subject is the place taken, not its state acting
    ("Askeran was captured by Azerbaijan in 2020.",
     [{"agent": ["azerbaijan"], "location": ["askeran"]}]),
    # "left/put X in control of Y": X took Y
    ("The offensive left Azerbaijan in control of Askeran.",
     [{"agent": ["azerbaijan"], "location": ["askeran"]}]),
    ("The ceasefire put Russia in control of the Lachin corridor.",
     [{"agent": ["russia"], "location": ["lachin-corridor"]}]),
    # losing no place is no capture
    ("Armenia lost 3,000 soldiers in the war.", []),
    # two places: two captures, not one told from two sides
    ("Azerbaijan captured Askeran, and Armenia lost Nerkin Hand village.",
     [{"agent": ["azerbaijan"], "location": ["askeran"]},
      {"affected": ["armenia"], "location": ["nerkin-hand"]}]),
])
def test_events_captures_told_from_the_side_that_lost(text, expected, registry):
    assert [roles(event) for event in events(text, registry)
            if event.type == "Capture"] == expected


@pytest.mark.parametrize(("text", "force"), [
    # troops a state sends where one of its forces serves (the registry's area) are that force
    ("Russia will send 300 more troops to Nagorno-Karabakh.", "russian-peacekeeping-contingent"),
    # ... within that area too
    ("Russia has withdrawn troops from Askeran.", "russian-peacekeeping-contingent"),
    # elsewhere, the state's only force of the noun's class
    ("Azerbaijan agreed to send 500 soldiers to the border.", "armed-forces-of-azerbaijan"),
    # a state's armed forces acting where one of its forces serves are that force
    ("The Russian military will pull out of Askeran.", "russian-peacekeeping-contingent"),
    # but a whole state is no such area: its armed forces may be anywhere in it
    ("The Russian military was deployed to Armenia.", "russian-armed-forces"),
    # a possessed noun may mean another force than the one serving there: left alone
    ("Russia will send its troops to Nagorno-Karabakh.", None),
])
def test_events_forces_named_by_a_common_noun_are_the_state_force_serving_there(
        text, force, registry):
    found = [event for event in events(text, registry)
             if event.type in {"Deployment", "Withdrawal"} and "force" in event.roles]
    assert [roles(event)["force"] for event in found] == ([[force]] if force else [])


def test_events_what_is_acted_on_at_a_meeting_does_not_attend_it(registry):
    """A passive subject is acted on at the summit, unlike an active one, who attends it."""
    passive = events("The question of Armenia's membership was not discussed at the summit.",
                     registry)
    active = events("Armenia did not discuss its membership at the summit.", registry)
    assert [roles(e) for e in passive if e.type == "Meeting"] == []
    assert [roles(e) for e in active if e.type == "Meeting"] == [{"participant": ["armenia"]}]


@pytest.mark.parametrize(("text", "expected"), [
    # a participial clause shares its main clause's subject, and a membership it changes
    # without naming the organization is in the one the main clause names
    ("Kazakhstan will no longer make payments to the EAEU, effectively suspending its "
     "membership.", [{"agent": ["kazakhstan"], "affected": ["eaeu"]}]),
    # no organization named anywhere: no membership change
    ("Armenia stopped its payments, effectively freezing its membership.", []),
])
def test_events_membership_changed_in_a_participial_clause(text, expected, registry):
    assert [roles(event) for event in events(text, registry)
            if event.type == "MembershipChange"] == expected


def test_events_a_headline_run_into_the_sentence_gives_it_no_arguments(registry):
    """The parser makes the headline's "Armenia" the subject of the caption's "patrol"."""
    text = ("Armenia to Leave CSTO Amid Steadily Fraying Ties\nAzerbaijani soldiers patrol near "
            "a checkpoint outside Askeran on May 3, 2021.")
    doc = language_for(registry)(text)
    [patrol] = [token for token in doc if token.lemma_ == "patrol"]
    assert "Armenia" in [child.text for child in patrol.children]  # the parse this is about
    assert [a.token.text for a in arguments(patrol)] == ["checkpoint", "May"]


@pytest.mark.parametrize(("text", "status"), [
    # under a verb in the past that let it happen, the infinitive took place
    ("The ceasefire allowed Russia to deploy peacekeepers to Nagorno-Karabakh.", "Completed"),
    # ... but not under one still to come
    ("The ceasefire will allow Russia to deploy peacekeepers to Nagorno-Karabakh.", "Planned"),
    # the simple present tells it going on
    ("Azerbaijani soldiers patrol near Askeran.", "Ongoing"),
])
def test_events_status_from_a_permitting_verb_and_the_present(text, status, registry):
    [deployment] = [e for e in events(text, registry) if e.type == "Deployment"]
    assert deployment.status == status


@pytest.mark.parametrize(("text", "expected"), [
    # a border noun with its states (owner, "with" objects, demonyms) is the registry border
    ("Russian guards have patrolled Armenia's frontiers with Iran and Turkey since 1995.",
     [["armenia-iran-border"], ["armenia-turkey-border"]]),
    ("Russian guards were posted at a crossing on the Iranian border.", [["armenia-iran-border"]]),
    # naming one state: the one registry border it has
    ("Russian guards were stationed along the border with Azerbaijan.",
     [["armenia-azerbaijan-border"]]),
])
def test_events_borders_described_in_words_are_the_registry_borders(text, expected, registry):
    found = [e for e in events(text, registry) if e.type == "Deployment"]
    assert [roles(e)["location"] for e in found] == expected


def test_events_the_present_perfect_since_a_start_goes_on(registry):
    [event] = [e for e in events("Russian guards have patrolled Syunik since 2021.", registry)
               if e.type == "Deployment"]
    assert event.status == "Ongoing"


@pytest.mark.parametrize(("text", "type_name", "expected"), [
    # posts held are a deployment where the posts are
    ("Russian border guards man four posts in Syunik.", "Deployment",
     {"force": ["russian-border-guards-in-armenia"], "location": ["syunik-province"]}),
    ("Russian border guards stand on the border with Azerbaijan.", "Deployment",
     {"force": ["russian-border-guards-in-armenia"], "location": ["armenia-azerbaijan-border"]}),
    # "its" force is that of the state its clause's subject names
    ("Russia finished the withdrawal of its peacekeepers from Nagorno-Karabakh.", "Withdrawal",
     {"force": ["russian-peacekeeping-contingent"], "location": ["nagorno-karabakh"]}),
])
def test_events_held_posts_and_forces_owned_through_its(text, type_name, expected, registry):
    [event] = [e for e in events(text, registry) if e.type == type_name]
    assert {role: keys for role, keys in roles(event).items() if role != "agent"} == expected


def test_events_a_phrase_object_of_another_kind_is_not_the_phrase(registry):
    """"take over passport control" is no "take control"; "a 24-hour offensive" still is one."""
    text = "Armenian officers took over passport control at Zvartnots International Airport."
    assert not [e for e in events(text, registry) if e.type == "Capture"]
    text = "In 2023, Azerbaijan launched a 24-hour offensive into Nagorno-Karabakh."
    assert [e.type for e in events(text, registry)] == ["MilitaryOperation"]


def test_events_staying_on_is_a_deployment_going_on(registry):
    text = "Russian border guards will stay on Armenia's border with Iran."
    [event] = [e for e in events(text, registry) if e.type == "Deployment"]
    assert (roles(event)["location"], event.status) == (["armenia-iran-border"], "Ongoing")


def test_events_the_state_hosting_a_base_is_where_the_force_is(registry):
    text = "Armenia still hosts a Russian military base, with about 5,000 troops."
    [event] = [e for e in events(text, registry) if e.type == "Deployment"]
    assert roles(event) == {"location": ["armenia"], "force": ["russian-armed-forces"]}


@pytest.mark.parametrize(("text", "expected"), [
    # a telephone call is a meeting of its two sides
    ("Nikol Pashinyan spoke by phone with Vladimir Putin on Monday.",
     [{"participant": ["nikol-pashinyan", "vladimir-putin"]}]),
    ("Armenia and Russia held a phone call on Monday.",
     [{"participant": ["armenia", "russia"]}]),
    # the host acts in the meeting, the guests make it one; hosting a base meets nobody
    ("Vladimir Putin hosted Nikol Pashinyan in Moscow.",
     [{"agent": ["vladimir-putin"], "participant": ["nikol-pashinyan"], "location": ["moscow"]}]),
    ("Since 1995 Armenia has hosted a Russian base in Gyumri.", []),
    # the people or states a meeting is "of" attend it; an organization's summit is its host's
    ("The meeting of Nikol Pashinyan and Vladimir Putin lasted two hours.",
     [{"participant": ["nikol-pashinyan", "vladimir-putin"]}]),
])
def test_events_meetings_from_calls_hosts_and_of_phrases(text, expected, registry):
    assert [roles(e) for e in events(text, registry) if e.type == "Meeting"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # crossing or advancing into a place by a state's troops is an operation of that state
    ("In March 2022 Azerbaijani troops crossed into Syunik and dug in.",
     [("MilitaryOperation", {"force": ["armed-forces-of-azerbaijan"],
                             "location": ["syunik-province"], "agent": ["azerbaijan"]})]),
    # the parser often makes the demonym a compound
    ("In June 2022 Azerbaijani forces attacked targets inside Armenia.",
     [("MilitaryOperation", {"location": ["armenia"], "force": ["armed-forces-of-azerbaijan"],
                             "agent": ["azerbaijan"]})]),
    # soldiers named by their state's demonym are that state's forces captured
    ("On Thursday Azerbaijani troops captured six Armenian soldiers near the border.",
     [("Capture", {"force": ["armed-forces-of-azerbaijan"],
                   "affected": ["armed-forces-of-armenia"], "agent": ["azerbaijan"]})]),
    # a passive subject is the side captured, not the one capturing
    ("Baku said that six Armenian soldiers had been captured near the border.",
     [("Capture", {"affected": ["armed-forces-of-armenia"]})]),
    # a force entering its own state goes home
    ("The last column of Russian peacekeepers crossed into Russian territory on Wednesday.", []),
])
def test_events_armed_acts_of_forces_named_by_demonyms(text, expected, registry):
    assert [(e.type, roles(e)) for e in events(text, registry)
            if e.type in {"MilitaryOperation", "Capture"}] == expected


def test_events_its_forces_are_the_state_subject_before_them(registry):
    text = ("Azerbaijan took control of Nagorno-Karabakh in 2023, when its forces launched an "
            "offensive.")
    [operation] = [e for e in events(text, registry) if e.type == "MilitaryOperation"]
    assert roles(operation) == {"force": ["armed-forces-of-azerbaijan"], "agent": ["azerbaijan"]}


def test_events_who_acts_on_the_sidelines_of_a_summit_attends_it(registry):
    text = "On the sidelines of the summit, Pashinyan and Putin discussed the border."
    assert [roles(e) for e in events(text, registry) if e.type == "Meeting"] == [
        {"participant": ["nikol-pashinyan", "vladimir-putin"]}]
