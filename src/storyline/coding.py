"""Event coding: who did what to whom, in the spirit of PLOVER.

A sentence is coded by its first *realised* trigger (a verb or fixed phrase from the lexicon
below; "expected Xi to visit" is not a visit), its actors are the names before the trigger
and its targets the names after it. An event is coded by a vote over the titles and lead
sentences of its reports: the type most of them carry, except that a call, visit or summit
the leads report frames the event (pledges and praise made there are its content, so the
event is a CONSULT); its mode is the one the realised cues across its text agree on.

Rule-based on purpose: every decision can be read off the trigger and the sentence kept as
evidence. bench/coding.py scores it on the PLOVER gold standard records.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from .model import Document, EventCoding, Mention
from .text import split_sentences

# (event type, mode or None, pattern). Patterns are case-insensitive unless they start
# with (?-i:...); they are anchored at word starts. Written from the PLOVER/CAMEO category
# definitions, not from any one corpus.
LEXICON: tuple[tuple[str, str | None, str], ...] = (
    ("CONSULT", "phone", r"(?:tele)?phone[ -]?(?:call|conversation|talks?)?|video[ -]?(?:call|conferenc\w*|link|talks?|meeting|summit)"
                         r"|videoconferenc\w*|virtual (?:meeting|summit|talks?)|(?:spoke|talked|conferred) (?:by|over|on) (?:the )?(?:tele)?phone"),
    ("CONSULT", "phone", r"(?-i:(?:called|phoned|rang)(?= (?:[A-Z][a-z]|his |her |their )))"),
    ("CONSULT", "visit", r"(?:state |official |working )?visit(?:ed|s|ing)?|arriv(?:ed|es|ing) in|trip to|(?:overseas|foreign|first) trip|(?:flew|travell?ed) (?:in)?to"),
    ("CONSULT", "host", r"host(?:ed|s|ing)?"),
    ("CONSULT", "multilateral", r"summit|conference of"),
    ("CONSULT", None, r"met|meets?|meetings?|talks|consult(?:ed|s|ations?)?|discuss(?:ed|es|ing|ions?)?|negotiat\w+|mediat\w+|conferred"),
    ("DEMAND", None, r"demand\w*|urg(?:e|ed|es|ing)|call(?:ed|s|ing)? (?:on|for|upon)|insist\w*|appeal(?:ed|s)? (?:to|for)|press(?:ed|es)? (?:for|\w+ to)|must"),
    ("REJECT", None, r"reject\w*|refus\w+|den(?:ied|ies|y|ying)|veto\w*|turn(?:ed|s)? down|dismiss(?:ed|es)|declin(?:ed|es)|ruled? out"),
    ("THREATEN", None, r"threat\w*|warn\w*|ultimatum"),
    ("PROTEST", None, r"protest\w*|demonstrat\w+|rall(?:y|ied|ies)|march(?:ed|es)|(?:hunger )?strik(?:e|es|ing)(?! \w*(?:on|at|against))|went on strike|riot\w*"
                      r"|block(?:ed|ing)? (?:roads?|the road|traffic|highways?)|sit-in|boycott\w*"),
    ("COERCE", None, r"arrest\w*|detain\w*|deport\w*|expel\w*|curfew|martial law|ban(?:ned|s)?|censor\w*|confiscat\w+|seiz\w+|crack(?:ed|s)? down|crackdown|disperse\w*|impos(?:ed|es|ing)"),
    ("SANCTION", None, r"sanction\w*|embargo\w*|suspend\w*|sever(?:ed|s)?|cut (?:off|ties)|br(?:oke|eak) off|recall(?:ed|s)? (?:its |their )?ambassador|froze|freez\w+"),
    ("ASSAULT", None, r"kill(?:ed|s|ing)|assassinat\w+|bomb(?:ed|ing|ings)|suicide|tortur\w+|beat(?:en|ing)|abduct\w*|kidnap\w*|massacre\w*|explo(?:sion|ded)|stabb\w+|hostages?"),
    ("FIGHT", None, r"clash\w*|fought|fight(?:s|ing)?|battl\w+|shell(?:ed|ing|s)|bombard\w+|air ?strikes?|opened fire|fired (?:on|at)|attack(?:ed|s|ing)?|invad\w+"),
    ("MOBILIZE", None, r"mobili[sz]\w+|deploy\w*|(?:on|high) alert|mass(?:ed|ing) (?:troops|forces)|reinforcements|call(?:ed)? up"),
    ("RETREAT", None, r"withdr(?:ew|aw|awn|awing|aws)|pull(?:ed|s|ing)? (?:out|back)|retreat\w*|evacuat\w+|releas(?:ed|es|ing)|freed|disarm\w*|demobili[sz]\w+"),
    ("CONCEDE", None, r"conced\w+|concession\w*|apologi[sz]\w+|compromis\w+|eas(?:ed|es|ing)|lift(?:ed|s)|admit\w*|yield\w*|pardon\w*|amnesty|resign\w*|allow(?:ed|s)?"),
    ("INVESTIGATE", None, r"investigat\w+|inquir(?:y|ies)|prob(?:e|ed|ing)|examin\w+|inspect\w+"),
    ("DISAPPROVE", "accuse", r"accus\w+|blam\w+|charged that"),
    ("DISAPPROVE", None, r"critici[sz]\w+|condemn\w*|denounc\w+|complain\w*|deplor\w+|censur\w+"),
    ("AID", None, r"aid|assistance|donat\w+|gave|give[sn]?|giving|grant(?:ed|s)?|relief|loans?"),
    ("COOPERATE", None, r"cooperat\w+|co-operat\w+|collaborat\w+|partnership|jointly|closer ties|deepen\w* (?:\w+ ){0,3}ties"),
    ("SUPPORT", None, r"support(?:ed|s|ing)?|back(?:ed|s|ing)|endors\w+|prais\w+|hail(?:ed|s)?|forgiv\w+|applaud\w*|commend\w*|welcom(?:ed|es)"),
    ("AGREE", None, r"agree(?:d|s|ment)?|sign(?:ed|s|ing)|accord|pact|treaty|pledg(?:e|ed|es)|promis(?:e|ed|es)|vow(?:ed|s)?|(?:willing|ready|prepared) to|will provide|offer(?:ed|s)?"),
)
TRIGGERS = tuple((kind, mode, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for kind, mode, pattern in LEXICON)

# A trigger after one of these (within IRREALIS_WINDOW words) is intended, expected or
# hypothetical, not what happened: "expecting Xi to make a state visit".
IRREALIS = re.compile(r"\b(?:to|will|would|could|might|may|shall|expect\w*|plan\w*|invit\w*|hop(?:e|es|ed|ing)|intend\w*|seek\w*|sought|possible|future|next)\b", re.IGNORECASE)
IRREALIS_WINDOW = 4
# Kinds of names that act or are acted on.
ACTOR_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Types in which both sides act together (A and B met): each side is the other's target.
MUTUAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# A meeting, call or agreement has two sides: the reports' most-named people are its parties
# when the evidence sentence names fewer ("a video conference between the two leaders").
MUTUAL_PARTIES = 2
# Names right after these words are places where something happened, not actors.
PLACE_WORDS = re.compile(r"\b(?:in|at|near|from|outside|inside)\s+(?:the\s+)?$", re.IGNORECASE)
# Clause boundaries: actors and targets are read inside the trigger's clause.
CLAUSE_BOUNDARY = re.compile(
    r"[,;:()\u2013\u2014]|\s(?:after|before|while|amid|despite|because|as|when|who|whose|which|where|but|although|though)\s",
    re.IGNORECASE,
)
# A nationality or country this close before a person's name describes the person
# ("Russian President Vladimir Putin"), it does not act beside them.
DESCRIBES_PERSON_CHARS = 30
# The title and this many lead sentences of each report vote on the event's type.
VOTING_SENTENCES = 3
# The title counts this many times the first lead sentence: it names the event. Each later
# lead sentence counts LEAD_VOTE_DECAY less than the one before (news leads put the event first).
TITLE_VOTES = 1.5
LEAD_VOTE_DECAY = 0.2


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    event_type: str
    mode: str | None
    realised: bool


def find_triggers(text: str) -> list[Trigger]:
    """Every lexicon match, in text order (the longest first where two start together)."""
    found = []
    for kind, mode, pattern in TRIGGERS:
        for match in pattern.finditer(text):
            found.append(Trigger(match.start(), match.end(), kind, mode, realised(text, match.start())))
    return sorted(found, key=lambda t: (t.start, -(t.end - t.start)))


def realised(text: str, start: int) -> bool:
    before = text[max(0, start - 60) : start].split()[-IRREALIS_WINDOW:]
    return not IRREALIS.search(" ".join(before))


def main_trigger(text: str) -> Trigger | None:
    """The first realised trigger, else the first trigger at all."""
    triggers = find_triggers(text)
    return next((t for t in triggers if t.realised), triggers[0] if triggers else None)


def clauses(text: str) -> list[tuple[int, int]]:
    cuts = [0, *(m.start() for m in CLAUSE_BOUNDARY.finditer(text)), len(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def clause_names(text: str, mentions: list[Mention], start: int, end: int) -> list[str]:
    """Acting names in text[start:end], in order: no places, no descriptions of a person."""
    inside = [m for m in sorted(mentions, key=lambda m: m.start) if start <= m.start < end and m.kind in ACTOR_KINDS]
    names: list[str] = []
    for n, m in enumerate(inside):
        if PLACE_WORDS.search(text[: m.start]):
            continue
        following = inside[n + 1] if n + 1 < len(inside) else None
        if m.kind in ("NORP", "GPE") and following and following.kind == "PERSON" and following.start - m.end <= DESCRIBES_PERSON_CHARS:
            continue
        name = m.canonical or m.text
        if name not in names:
            names.append(name)
    return names


def actor_names(text: str, mentions: list[Mention], trigger: Trigger) -> tuple[list[str], list[str]]:
    """Names before the trigger in its clause act, names after it are acted on; a trigger in an
    opening phrase ("In a video call, A and B ...") takes the next clause's names as actors."""
    spans = clauses(text)
    index = next(n for n, (a, b) in enumerate(spans) if a <= trigger.start < b or n == len(spans) - 1)
    start, end = spans[index]
    actors = clause_names(text, mentions, start, trigger.start)
    targets = [t for t in clause_names(text, mentions, trigger.end, end) if t not in actors]
    if not actors and not targets and index + 1 < len(spans):
        actors = clause_names(text, mentions, *spans[index + 1])
    if not actors:  # the subject sits before an inserted clause: the sentence's first name
        actors = clause_names(text, mentions, 0, trigger.start)[:1]
    if not targets:  # the object sits past a clause break: the next name after the trigger
        targets = [t for t in clause_names(text, mentions, trigger.end, len(text)) if t not in actors][:1]
    if trigger.event_type in MUTUAL_TYPES:
        if not actors:
            actors = targets
        elif not targets and len(actors) > 1:
            targets = actors
    return actors, targets


def code_trigger(text: str, mentions: list[Mention], offset: int = 0) -> tuple[EventCoding, Trigger] | None:
    trigger = main_trigger(text)
    if trigger is None:
        return None
    local = [replace(m, start=m.start - offset, end=m.end - offset) for m in mentions]
    actors, targets = actor_names(text, local, trigger)
    return EventCoding(trigger.event_type, trigger.mode, actors, targets, text), trigger


def code_sentence(text: str, mentions: list[Mention], offset: int = 0) -> EventCoding | None:
    """PLOVER-style coding of one sentence; ``mentions`` carry offsets ``offset`` ahead of ``text``."""
    coded = code_trigger(text, mentions, offset)
    return coded[0] if coded else None


def title_mentions(title: str, mentions: list[Mention]) -> list[Mention]:
    """The document's names where its title repeats them (titles are not in the clean text)."""
    found = []
    for name in sorted({(m.text, m.kind, m.canonical) for m in mentions if m.kind in ACTOR_KINDS}, key=lambda x: -len(x[0])):
        for match in re.finditer(rf"\b{re.escape(name[0])}\b", title):
            if not any(f.start <= match.start() < f.end for f in found):
                found.append(Mention(match.start(), match.end(), name[0], name[1], name[2]))
    return found


@dataclass
class CodedSentence:
    coding: EventCoding
    votes: float


def lead_codings(doc: Document) -> list[CodedSentence]:
    """The document's title and lead sentences whose main trigger is realised, each coded."""
    sentences = [(doc.title, title_mentions(doc.title, doc.mentions), 0, TITLE_VOTES)] if doc.title else []
    for position, (start, end) in enumerate(split_sentences(doc.clean_text)[:VOTING_SENTENCES]):
        inside = [m for m in doc.mentions if start <= m.start < end]
        sentences.append((doc.clean_text[start:end], inside, start, 1.0 - LEAD_VOTE_DECAY * position))
    out = []
    for text, mentions, offset, votes in sentences:
        coded = code_trigger(text, mentions, offset)
        if coded and coded[1].realised:
            out.append(CodedSentence(replace(coded[0], document_id=doc.id), votes))
    return out


def consult_mode(texts: list[str]) -> str | None:
    """The mode that the realised CONSULT cues across the texts agree on (phone, visit, ...)."""
    cues = Counter(t.mode for text in texts for t in find_triggers(text) if t.event_type == "CONSULT" and t.mode and t.realised)
    return min(cues, key=lambda m: (-cues[m], m)) if cues else None


def code_event(docs: list[Document]) -> EventCoding | None:
    """The type most of the reports' titles and leads carry, its best-attested sentence as
    evidence, and for CONSULT the mode the whole text agrees on."""
    coded = [c for d in sorted(docs, key=lambda d: d.id) for c in lead_codings(d)]
    if not coded:
        return None
    votes = Counter()
    for c in coded:
        votes[c.coding.event_type] += c.votes
    event_type = min(votes, key=lambda k: (-votes[k], k))
    if any(c.coding.event_type == "CONSULT" and c.coding.mode for c in coded):
        event_type = "CONSULT"  # a call, visit or summit frames what is said in it
    chosen = [c.coding for c in coded if c.coding.event_type == event_type]
    attested = Counter(name for c in coded for name in {*c.coding.actors, *c.coding.targets})
    best = max(chosen, key=lambda c: (bool(c.actors) and bool(c.targets), sum(attested[n] for n in {*c.actors, *c.targets}) / (1 + len({*c.actors, *c.targets}))))
    mode = best.mode
    if event_type == "CONSULT":
        mode = consult_mode([d.clean_text for d in docs] + [d.title or "" for d in docs]) or mode
    actors, targets = list(best.actors), list(best.targets)
    people = leading_people(docs)
    named = [n for n in {*actors, *targets} if n in people]
    if event_type in MUTUAL_TYPES and len(named) < MUTUAL_PARTIES:  # "between the two leaders"
        for person in [p for p in people if p not in named][: MUTUAL_PARTIES - len(named)]:
            if person not in actors and person not in targets:
                actors.append(person)
                targets.append(person)
    return EventCoding(event_type, mode, actors, targets, best.evidence, best.document_id)


def leading_people(docs: list[Document]) -> list[str]:
    counts = Counter(m.canonical for d in docs for m in d.mentions if m.kind == "PERSON" and m.canonical)
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
