"""Event coding: who did what to whom, in the spirit of PLOVER.

A sentence is coded by its first *realised* trigger outside relative clauses (a verb, noun or
fixed phrase from the lexicon below; "expected Xi to visit" is not a visit), read for
negation ("did not agree" is REJECT) and stated intent ("will send aid" is AGREE, "would
blockade" THREATEN). Its actor is the subject: the first name group before the trigger in
the main clause (names describing one actor merged, "X and Y" both acting); its target is
the first actor after the trigger, or the subject of a that-clause ("demanded that Y ...");
passive voice flips the sides. Reporting sources, quotations and (outside the verb's
clause) places neither act nor are acted on.

An event is coded by a vote over the titles and lead sentences of its reports: the type most
of them carry, except that a call, visit or summit the leads report frames the event
(pledges and praise made there are its content, so the event is a CONSULT); its mode is the
one the realised cues across its text agree on. A meeting, call or agreement has two sides: a
leader its reports keep naming whom the evidence sentence leaves out joins the side opposite the
one already named (never both), and a visit runs from the visitor to the host, as PLOVER codes it.

Rule-based on purpose: every decision can be read off the trigger and the sentence kept as
evidence. bench/coding.py scores it on the PLOVER gold standard records (tune/check halves).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate
from dataclasses import dataclass, replace

from .model import Document, EventCoding, Mention
from .text import split_sentences

# (event type, mode or None, pattern). Patterns are case-insensitive unless they start
# with (?-i:...); they are anchored at word starts. Written from the PLOVER/CAMEO category
# definitions, not from any one corpus.
LEXICON: tuple[tuple[str, str | None, str], ...] = (
    ("CONSULT", "phone", r"(?:tele)?phone[ -]?(?:call|conversation|talks?)?|telephoned|video[ -]?(?:call|conferenc\w*|link|talks?|meeting|summit)"
                         r"|videoconferenc\w*|virtual (?:meeting|summit|talks?)|(?:spoke|talked|conferred) (?:by|over|on) (?:the )?(?:tele)?phone"),
    ("CONSULT", "phone", r"(?-i:(?:called|phoned|rang)(?= (?:[A-Z][a-z]|his |her |their )))"),
    ("CONSULT", "visit", r"(?:state |official |working )?visit(?:ed|s|ing)?|arriv(?:ed|es|ing) in|trip to|(?:overseas|foreign|first) trip|(?:flew|travell?ed) (?:in)?to"),
    ("CONSULT", "host", r"host(?:ed|s|ing)?|receiv(?:ed|es|ing) (?:a |an |the )?(?:\w+ )?(?:delegation|envoy|minister|president|visitors?)"),
    ("CONSULT", "multilateral", r"summit|conference of"),
    ("CONSULT", None, r"met|meets?|meetings?|talks|consult(?:ed|s|ations?)?|discuss(?:ed|es|ing|ions?)?|negotiat\w+|mediat\w+|conferred"),
    # DEMAND takes CAMEO's appeals and requests (02) beside its demands (10).
    ("DEMAND", None, r"demand\w*|urg(?:e|ed|es|ing)|call(?:ed|s|ing)? (?:on|for|upon)|insist\w*|appeal(?:ed|s|ing)?|press(?:ed|es)? (?:for|\w+ to)|must"
                     r"|request\w*|ask(?:ed|s|ing)? (?:for|\w+ to)|pressur(?:ed|es|ing)|push(?:ed|es|ing)? (?:hard )?for|(?:sought|seek\w*) (?:refuge|asylum|help|aid|support)"),
    # Negated cooperation ("did not agree") is coded REJECT by NEGATION below.
    ("REJECT", None, r"reject\w*|refus\w+|den(?:ied|ies|y|ying)|veto\w*|turn(?:ed|s)? down|dismiss(?:ed|es)|declin(?:ed|es)|ruled? out|out of the question"
                     r"|def(?:y|ied|ies|ying)|flout\w*|violat(?:ed|es|ing)"),
    ("THREATEN", None, r"threat\w*|warn\w*|ultimatum"),
    ("PROTEST", None, r"protest\w*|demonstrat\w+|rall(?:y|ied|ies)|march(?:ed|es)|(?:hunger )?strik(?:e|es|ing)(?! \w*(?:on|at|against))|went on strike|riot\w*"
                      r"|block(?:ed|ing)? (?:roads?|the road|traffic|highways?|transport|access)|sit-in|boycott\w*|obstruct\w*"),
    # PLOVER's COERCE takes kidnapping and hostage-taking as its "detain" mode, and cyber attacks.
    ("COERCE", None, r"arrest\w*|detain(?:ed|s|ing)?|detention|deport\w*|expel\w*|curfew|martial law|ban(?:ned|s)?|censor\w*|confiscat\w+|seiz\w+|crack(?:ed|s)? down|crackdown|disperse\w*"
                     r"|abduct\w*|kidnap\w*|(?:took|taken|taking|holding|held) (?:\w+ ){0,4}(?:hostages?|as (?:human shields|hostages?))|hostages?"
                     r"|prevent(?:ed|s|ing)?|hack(?:ed|s|ing)?(?: into)?|defac(?:ed|es|ing)|cyber ?attacks?|impos\w+ (?:\w+ ){0,2}restrictions|blockad(?:e|es|ed|ing)|restrict(?:ed|s|ing)|raid(?:ed|s)?"),
    # Reducing relations (CAMEO 16): cancelled visits, expelled diplomats, cut aid or links.
    ("SANCTION", None, r"sanction\w*|embargo\w*|suspen(?:d\w*|sions?)|sever(?:ed|s)?|cut (?:off|ties)|br(?:oke|eak) off|recall(?:ed|s)? (?:its |their )?ambassador|froze|freez\w+"
                       r"|expel\w*(?: \S+){0,3} (?:diplomats?|ambassadors?|envoys?|attach\S+)|cancel\w* (?:a |an |the |his |her |its |their )?(?:\w+ )?(?:visit|trip|talks|meeting|summit)"
                       r"|(?:reduc|cut|halt|stopp?)\w* (?:\w+ ){0,2}(?:aid|supplies|assistance|ties|relations|links|funding|negotiations|talks)"),
    ("ASSAULT", None, r"kill(?:ed|s|ing)|assassinat\w+|bomb(?:ed|ing|ings)|suicide|tortur\w+|beat(?:en|ing)?(?: up)?|massacre\w*|explo(?:sion|ded)|stabb\w+|machetes?|hijack\w*"),
    # Conventional military force, including taking ground and breaking a ceasefire.
    ("FIGHT", None, r"clash\w*|fought|fight(?:s|ing)?|battl\w+|shell(?:ed|ing|s)|bombard\w+|air ?strikes?|opened fire|fired (?:on|at)|attack(?:ed|s|ing)?|invad\w+|occup(?:y|ied|ies)"
                    r"|(?:re)?captur(?:ed|es|ing)|retak(?:en|es|ing)|retook|overr(?:an|un)|(?:artillery|mortar|rocket) (?:fire|attacks?)|launched (?:artillery|mortar|rocket)"
                    r"|violat(?:ed|es|ing) (?:the |a )?(?:\w+ )?(?:ceasefire|cease-fire|truce)"),
    ("MOBILIZE", None, r"mobili[sz]\w+|deploy\w*|(?:on|high) alert|mass(?:ed|ing) (?:troops|forces)|reinforcements|reinforc\w+ (?:its |their |the )?(?:troops|forces|positions|garrisons?|units)|call(?:ed)? up|patrols?"
                       r"|strengthen\w* (?:its |their )?(?:forces|troops|military presence)"),
    # PLOVER's RETREAT takes resignations, ceasefires and surrenders (de-escalation by the actor).
    ("RETREAT", None, r"withdr(?:ew|aw|awn|awing|aws)|pull(?:ed|s|ing)? (?:out|back)|retreat\w*|evacuat\w+|releas(?:ed|es|ing)|freed|disarm\w*|demobili[sz]\w+"
                      r"|resign\w*|step(?:ped|s)? down|surrender\w*|(?:declared|announced|called) (?:a |an )?(?:\w+ )?(?:ceasefire|cease-fire|truce)"
                      r"|return(?:ed|s|ing)? (?:\w+ ){0,2}(?:property|prisoners|territory|land|assets)"),
    ("CONCEDE", None, r"conced\w+|concession\w*|apologi[sz]\w+|compromis\w+|eas(?:ed|es|ing)|lift(?:ed|s|ing)?|admit\w*|yield\w*|pardon\w*|amnesty|allow(?:ed|s)?"
                      r"|accept\w* (?:\w+ ){0,2}demands|accede\w*|shorten\w*|relax(?:ed|es|ing)|revers(?:ed|es|ing)"),
    ("INVESTIGATE", None, r"investigat\w+|inquir(?:y|ies)|prob(?:e|ed|ing)|examin\w+|inspect\w+|fact-finding|look(?:ed|ing)? into"),
    ("DISAPPROVE", "accuse", r"accus\w+|blam\w+|charged that|charged \w+ with|indict\w*|su(?:e|ed|es|ing)"),
    ("DISAPPROVE", None, r"critici[sz]\w+|condemn\w*|denounc\w+|complain\w*|deplor\w+|censur\w+|rebuk\w+|(?:lodged|filed) (?:a |an )?(?:\w+ )?protest|summon(?:ed|s)"),
    # PLOVER's AID takes peacekeeping and protection (CAMEO 074) and asylum (075).
    ("AID", None, r"aid|assistance|donat\w+|gave|give[sn]?|giving|grant(?:ed|s)?|relief|loans?|sen(?:d|t|ds|ding) (?:\w+ ){0,2}(?:arms|weapons|aid|food|supplies|medicine)"
                  r"|provid(?:ed|es|ing) (?:\w+ ){0,3}(?:aid|assistance|food|funds|weapons|arms|troops|protection|asylum)|peacekeep\w+|asylum"),
    ("COOPERATE", None, r"cooperat\w+|co-operat\w+|collaborat\w+|partnership|jointly|closer ties|(?:deepen|reinforc|strengthen|boost|expand|tighten)\w* (?:\w+ ){0,3}(?:ties|relations|links)|extradit\w+"
                        r"|shar(?:ed|es|ing) (?:\w+ )?(?:expertise|intelligence|information)|war games|joint (?:\w+ )?(?:exercises|patrols|operations)"),
    # Signing a formal agreement is diplomatic cooperation (CAMEO 057), which PLOVER's SUPPORT takes.
    ("SUPPORT", None, r"support(?:ed|s|ing)?|back(?:ed|s|ing)|endors\w+|prais\w+|hail(?:ed|s)?|forgiv\w+|applaud\w*|commend\w*|welcom(?:ed|es)|defend(?:ed|s|ing)?|sign(?:ed|s|ing)"
                      r"|recogni[sz](?:ed|es|ing)|congratulat\w+|condolences|solidarity|sympath\w+"),
    # Intent to cooperate (CAMEO 03); a stated intent to do anything cooperative is read as AGREE (INTENT below).
    ("AGREE", None, r"agree(?:d|s|ment)?|accord|pact|treaty|pledg(?:e|ed|es)|promis(?:e|ed|es)|vow(?:ed|s)?|(?:willing|ready|prepared) to|will provide|offer(?:ed|s)?|accept(?:ed|s)?"
                    r"|commit(?:ted|s)? to|(?:expressed|voiced|signalled|signaled) (?:its |his |her |their )?(?:willingness|readiness|intention|desire)"),
)
# A cue joined to the word before it by a hyphen describes a name ("Israeli-occupied",
# "Syrian-backed"); it reports no event.
TRIGGERS = tuple((kind, mode, re.compile(rf"(?<!-)\b(?:{pattern})\b", re.IGNORECASE)) for kind, mode, pattern in LEXICON)

# A trigger after one of these (within IRREALIS_WINDOW words) is intended, expected or
# hypothetical, not what happened: "expecting Xi to make a state visit".
IRREALIS = re.compile(r"\b(?:to|will|would|could|might|may|shall|expect\w*|plan\w*|invit\w*|hop(?:e|es|ed|ing)|intend\w*|seek\w*|sought|possible|future|next)\b", re.IGNORECASE)
IRREALIS_WINDOW = 4
# A stated intent is itself the event (PLOVER codes promises and threats): a cooperative act
# the actor "will", "is ready to" or "vowed to" do is AGREE; a hostile one, or any act made
# conditional ("unless", "if"), is THREATEN. Read in the IRREALIS_WINDOW words before the act.
INTENT = re.compile(r"\b(?:will|would|shall|plans?|planned|planning|prepared|ready|willing|vow\w*|swore|sworn|pledg\w*|promis\w*|offer\w*|intends?|intended)\b", re.IGNORECASE)
CONDITION = re.compile(r"\b(?:unless|if)\b", re.IGNORECASE)
# Cooperative acts negated ("would not meet", "did not agree") are refusals: REJECT.
NEGATION = re.compile(r"(?:\bnot|\bnever|n't|\bno longer)\s+(?:\w+\s+)?$", re.IGNORECASE)
COOPERATIVE_TYPES = frozenset({"CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "INVESTIGATE"})
HOSTILE_TYPES = frozenset({"COERCE", "SANCTION", "FIGHT", "ASSAULT", "MOBILIZE", "PROTEST"})
# An intent phrase ("is prepared to") this close before the act it wraps yields to that act.
INTENT_REACH_CHARS = 30
# Kinds of names that act or are acted on.
ACTOR_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Types in which both sides act together (A and B met): each side is the other's target.
MUTUAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# A meeting, call or agreement has two sides: the reports' most-named people are its parties
# when the evidence sentence names fewer ("a video conference between the two leaders").
MUTUAL_PARTIES = 2
# CONSULT modes with a direction PLOVER's gold keeps: the visitor acts on the host ("Saddam
# Hussein arrived in Amman"), the host on the guest ("Yeltsin hosted Hashimoto"); its calls
# and talks are coded as the sentence runs or as a symmetric pair.
DIRECTED_MODES = frozenset({"visit", "host"})
# A party filled in that way is named at least this often across the reports: the smallest
# count that tells a leader the reports keep returning to from a name passing once (on the
# PLOVER records coded as one-sentence events, a once-named "Milosevic" or "Paul Nitze"
# joined the sides at 1).
MIN_PARTY_MENTIONS = 2
# Names right after these words are places where something happened, not actors.
# "in the capital city of Algiers", "near the town of Samarra" are places too.
PLACE_WORDS = re.compile(r"\b(?:in|at|near|outside|inside|throughout|across)\s+(?:the\s+)?(?:[a-z]+\s+){0,3}?(?:of\s+)?$", re.IGNORECASE)
# Place, passive and that-clause markers are read in this many characters before a name or
# cue: enough for "in the capital city of" or "had been", never the whole sentence.
LOOK_BEHIND_CHARS = 40
# Words that may stand between two names of one actor: "Russian President Vladimir Putin",
# "Iraq's Al-Qaeda frontman Abu Musab al-Zarqawi", "King Hassan of Morocco", "US Congress".
# Capitalised words (titles) always may; these lower-case ones name a rank or role.
ROLE_WORDS = frozenset(
    "president prime foreign defence defense interior finance trade minister ministers secretary general "
    "leader leaders chief head deputy vice junior senior former new outgoing acting top ambassador envoy "
    "spokesman spokeswoman official officials commander frontman king queen emperor emir sheikh crown prince "
    "premier chancellor governor mayor judge of the 's ’s".split()
)
# At most this many words between two names of one actor (the longest role phrases above,
# "Nigerian junior foreign minister Dubem Oniya", have four).
MAX_ROLE_WORDS = 4
# Between two actors of one side: "Jordan and Britain", "Hungarian and Romanian officials".
COORDINATION = re.compile(r"^\s*(?:,\s*)?(?:and|&)\s+(?:the\s+)?$|^\s*,\s*(?:the\s+)?$", re.IGNORECASE)
# A sentence-opening phrase before the subject: "In an interview this weekend, X said ...".
OPENING_PHRASE = re.compile(r"^(?:in|on|at|after|before|during|following|despite|amid|with|since|earlier|later|last|this|tuesday|monday|wednesday|thursday|friday|saturday|sunday)\b[^,]{0,80},", re.IGNORECASE)
# Reporting tails and sources name who told the news, not who acted: ", officials said
# Thursday", "according to the Canadian Press". A tail is read from the sentence's last comma.
# A tail ends a few words after its verb ("officials said on Monday", "told AFP by phone Sunday");
# ", Putin also said he aimed to ..." is the sentence's own clause, not a tail.
REPORTING_TAIL = re.compile(r",[^,]{0,100}\b(?:said|says|reported|reports|told|quoted|announced|confirmed|added|stated|wrote)\b(?:\s+[\w.'’-]+){0,4}\W*$", re.IGNORECASE)
# A relative clause (", whose top diplomat flew into China ,") says something about a name,
# not what the sentence reports: its cues yield to any realised cue outside it.
RELATIVE_CLAUSE = re.compile(r",\s*(?:who|whose|which|where)\b[^,;]*", re.IGNORECASE)
# Names inside a quotation are what someone said, not who acted ("“The China-Russia
# relationship is hard-earned,” Mr Xi told Mr Putin at the meeting").
QUOTATION = re.compile(r"[“\"][^“”\"]{1,600}[”\"]")
ACCORDING_TO = re.compile(r"\baccording to\b[^,;]{0,120}", re.IGNORECASE)
# Passive voice: "was attacked by X" makes X the actor and the subject the target.
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
PARTICIPLE = re.compile(r"\w+(?:ed|en|wn|ught|eld|hot|ut)\b", re.IGNORECASE)
# "X demanded that Y ...": the name opening a that-clause before the trigger is acted on.
THAT_CLAUSE = re.compile(r"\bthat\s+(?:the\s+)?$", re.IGNORECASE)
AGENT_BY = re.compile(r"^\S*(?:\s+\S+){0,6}?\s+by\s+(?:the\s+)?$", re.IGNORECASE)
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
    """Every lexicon match, in text order (the longest first where two start together), read
    for negation and stated intent; an intent phrase wrapping a later act gives way to it."""
    found = []
    for kind, mode, pattern in TRIGGERS:
        for match in pattern.finditer(text):
            found.append(reading(text, Trigger(match.start(), match.end(), kind, mode, realised(text, match.start()))))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    wrappers = {
        n for n, (t, following) in enumerate(zip(found, found[1:]))
        if t.event_type == "AGREE" and following.start - t.end <= INTENT_REACH_CHARS and following.realised
        and INTENT.search(text[t.start : t.end]) and following.event_type in ("AGREE", "THREATEN")
    }
    return [t for n, t in enumerate(found) if n not in wrappers]


def reading(text: str, trigger: Trigger) -> Trigger:
    """The trigger as the sentence states it: negated cooperation is REJECT, an intended
    act is AGREE (cooperative) or THREATEN (hostile or conditional), both realised."""
    before = text[max(0, trigger.start - 60) : trigger.start]
    if trigger.event_type in COOPERATIVE_TYPES and NEGATION.search(before):
        return replace(trigger, event_type="REJECT", mode=None, realised=True)
    if trigger.realised or not INTENT.search(" ".join(before.split()[-IRREALIS_WINDOW:])):
        return trigger
    if trigger.event_type in HOSTILE_TYPES or CONDITION.search(text[trigger.end :]):
        return replace(trigger, event_type="THREATEN", mode=None, realised=True)
    if trigger.event_type in COOPERATIVE_TYPES:
        return replace(trigger, event_type="AGREE", mode=None, realised=True)
    return trigger


def realised(text: str, start: int) -> bool:
    before = text[max(0, start - 60) : start].split()[-IRREALIS_WINDOW:]
    return not IRREALIS.search(" ".join(before))


def main_trigger(text: str, names: list[Mention] = ()) -> Trigger | None:
    """The first realised trigger outside relative clauses, else the first trigger at all (a
    cue only a relative clause holds is taken as not realised); a word inside a name is no
    trigger ("Amnesty International" grants no amnesty)."""
    spans = sorted((m.start, m.end) for m in names)
    starts, reach = [a for a, _ in spans], list(accumulate((b for _, b in spans), max))
    triggers = [t for t in find_triggers(text) if not (n := bisect_right(starts, t.start)) or reach[n - 1] < t.end]
    relative = [m.span() for m in RELATIVE_CLAUSE.finditer(text)]
    main = [t for t in triggers if not any(a <= t.start < b for a, b in relative)]
    if not main:
        return replace(triggers[0], realised=False) if triggers else None
    return next((t for t in main if t.realised), main[0])


@dataclass(frozen=True)
class NameGroup:
    """One actor as written: adjacent names joined by role words, read as its head name
    (the person, else the last name: "Ivory Coast's Supreme Court" is the court)."""

    start: int
    end: int
    name: str
    place: bool  # written as where something happened ("in Tokyo")


def name_groups(text: str, mentions: list[Mention]) -> list[NameGroup]:
    """Acting names in text order, each run of names describing one actor merged."""
    inside = sorted((m for m in mentions if m.kind in ACTOR_KINDS and 0 <= m.start < m.end <= len(text)), key=lambda m: m.start)
    runs: list[list[Mention]] = []
    for m in inside:
        if runs and m.start >= runs[-1][-1].end and joins_one_actor(text[runs[-1][-1].end : m.start]):
            runs[-1].append(m)
        elif not runs or m.start >= runs[-1][-1].end:
            runs.append([m])
    groups = []
    for run in runs:
        head = next((m for m in run if m.kind == "PERSON"), run[-1])
        groups.append(NameGroup(run[0].start, run[-1].end, head.canonical or head.text, bool(PLACE_WORDS.search(preceding(text, run[0].start)))))
    return groups


def preceding(text: str, start: int) -> str:
    """The few words before ``start``: what the look-behind patterns read, bounded so that a
    sentence with thousands of names stays linear."""
    return text[max(0, start - LOOK_BEHIND_CHARS) : start]


def joins_one_actor(gap: str) -> bool:
    words = re.findall(r"[\w’'.-]+|[^\w\s]", gap.replace("'s", " 's").replace("’s", " ’s"))
    return len(words) <= MAX_ROLE_WORDS and all(w[:1].isupper() or w.lower() in ROLE_WORDS for w in words)


def reporting_spans(text: str, trigger: Trigger | None) -> list[tuple[int, int]]:
    """Where the sentence names who reported it or quotes someone; never the span holding the trigger."""
    spans = [m.span() for m in (*ACCORDING_TO.finditer(text), *REPORTING_TAIL.finditer(text), *QUOTATION.finditer(text))]
    return [(a, b) for a, b in spans if trigger is None or not a <= trigger.start < b]


def actor_names(text: str, mentions: list[Mention], trigger: Trigger | None) -> tuple[list[str], list[str]]:
    """Who acts (the subject side before the trigger) and who is acted on (the first actor
    after it). Passive voice flips the sides ("was attacked by X"); "X and Y agreed" makes
    both actors; "X demanded that Y ..." makes Y the target; the reporting source ("officials
    said") is neither. Without a trigger the first actor acts on the next."""
    quoted = reporting_spans(text, trigger)
    groups = [g for g in name_groups(text, mentions) if not any(a <= g.start < b for a, b in quoted)]
    if trigger is None:
        if not groups:
            return [], []
        subject = coordinated(text, groups[:1], groups)
        trigger = Trigger(subject[-1].end, subject[-1].end, "", None, True)
    opening = OPENING_PHRASE.match(text)
    main_start = opening.end() if opening and opening.end() <= trigger.start else 0
    before = [g for g in groups if main_start <= g.start and g.end <= trigger.start]
    before = [g for g in before if not g.place] or before  # "Rebels in the Ivory Coast blocked ..."
    verb_end = trigger.start + len(text[trigger.start : trigger.end].split(" ", 1)[0])
    after = [g for g in groups if g.start >= verb_end]  # "expelled two Russian diplomats" acts on Russians
    if PASSIVE_BEFORE.search(preceding(text, trigger.start)) and PARTICIPLE.match(text, trigger.start):
        agent = next((g for g in after if AGENT_BY.match(text[trigger.end : g.start])), None)
        return ([agent.name] if agent else []), [g.name for g in coordinated(text, before[:1], groups)]
    if before:
        subject = coordinated(text, before[:1], groups)
    else:  # "In a video call, A and B ..." or a sentence that opens with its verb
        subject = coordinated(text, after[:1], groups)
        after = [g for g in after if g not in subject]
    actors = unique(g.name for g in subject)
    embedded = [g for g in before if g not in subject and THAT_CLAUSE.search(preceding(text, g.start))]
    # In the verb's own clause the first name is the target even as a place ("lifted the curfew
    # in Montenegro": PLOVER's target is where the act lands); past it, only an actor is.
    clause_end = next((n for n in range(verb_end, len(text)) if text[n] in ",;:"), len(text))
    # "A and B met in Geneva": two sides act together, and their meeting place is no target.
    if len(subject) > 1:
        after = [g for g in after if not g.place]
    objects = embedded or [g for g in after if not g.place or g.start < clause_end] or after
    targets = [n for n in unique(g.name for g in coordinated(text, objects[:1], groups)) if n not in actors]
    return actors, targets


def coordinated(text: str, first: list[NameGroup], groups: list[NameGroup]) -> list[NameGroup]:
    """The first group and those coordinated with it ("Jordan and Britain")."""
    if not first:
        return []
    chosen, joined_by_and = [first[0]], False
    for group in groups[groups.index(first[0]) + 1 :]:
        link = COORDINATION.match(text[chosen[-1].end : group.start])
        if not link:
            break
        chosen.append(group)
        joined_by_and = joined_by_and or "," not in link.group() or bool(re.search(r"\band\b|&", link.group()))
    return chosen if joined_by_and else chosen[:1]  # "X, the Y," names X again


def unique(names) -> list[str]:
    return list(dict.fromkeys(names))


def code_trigger(text: str, mentions: list[Mention], offset: int = 0) -> tuple[EventCoding, Trigger] | None:
    local = [replace(m, start=m.start - offset, end=m.end - offset) for m in mentions]
    trigger = main_trigger(text, local)
    if trigger is None:
        return None
    actors, targets = actor_names(text, local, trigger)
    return EventCoding(trigger.event_type, trigger.mode, actors, targets, text), trigger


def code_sentence(text: str, mentions: list[Mention], offset: int = 0) -> EventCoding | None:
    """PLOVER-style coding of one sentence; ``mentions`` carry offsets ``offset`` ahead of ``text``."""
    coded = code_trigger(text, mentions, offset)
    return coded[0] if coded else None


def title_mentions(title: str, mentions: list[Mention]) -> list[Mention]:
    """The document's names where its title repeats them (titles are not in the clean text).

    Longest first, ties in a fixed order: a set's order moves with the hash seed, and which of
    two same-length names claims a title span must not."""
    found = []
    for name in sorted({(m.text, m.kind, m.canonical) for m in mentions if m.kind in ACTOR_KINDS}, key=lambda x: (-len(x[0]), x[0], x[1], x[2] or "")):
        for match in re.finditer(rf"\b{re.escape(name[0])}\b", title):
            if not any(f.start <= match.start() < f.end for f in found):
                found.append(Mention(match.start(), match.end(), name[0], name[1], name[2]))
    return found


@dataclass
class CodedSentence:
    coding: EventCoding
    votes: float
    reporters: frozenset[str] = frozenset()  # who the sentence says told it ("..., X said"): no party


def reporter_names(text: str, mentions: list[Mention], trigger: Trigger, offset: int = 0) -> frozenset[str]:
    """Names standing in the sentence's reporting tail, attribution or quotation."""
    spans = reporting_spans(text, trigger)
    return frozenset(m.canonical or m.text for m in mentions if any(a <= m.start - offset < b for a, b in spans))


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
            out.append(CodedSentence(replace(coded[0], document_id=doc.id), votes, reporter_names(text, mentions, coded[1], offset)))
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
    whole_mode = consult_mode([d.clean_text for d in docs] + [d.title or "" for d in docs])
    if any(c.coding.event_type == "CONSULT" and (c.coding.mode or whole_mode) for c in coded):
        event_type = "CONSULT"  # a call, visit or summit frames what is said in it
    attested = Counter(name for c in coded for name in {*c.coding.actors, *c.coding.targets})
    people = leading_people(docs)

    def support(c: EventCoding) -> tuple:
        """Both sides named, then how many of the event's people it names (a meeting is
        between people: "Putin called Xi" over "Xi ... with China"), then how attested."""
        sides = {*c.actors, *c.targets}
        named_people = min(len(sides & set(people)), MUTUAL_PARTIES)
        return bool(c.actors) and bool(c.targets), named_people, sum(attested[n] for n in sides) / (1 + len(sides))

    best_sentence = max((c for c in coded if c.coding.event_type == event_type), key=lambda c: support(c.coding))
    best = best_sentence.coding
    mode = (whole_mode or best.mode) if event_type == "CONSULT" else best.mode
    actors, targets = list(best.actors), list(best.targets)
    if event_type in MUTUAL_TYPES:
        parties = [p for p in leading_people(docs, MIN_PARTY_MENTIONS) if p not in best_sentence.reporters]
        actors, targets = mutual_sides(actors, targets, parties)
        if event_type == "CONSULT" and mode in DIRECTED_MODES:
            parties = [p for p in people if p in actors or p in targets]
            initiator = mode_initiator(docs, mode, parties)
            if initiator:
                actors, targets = directed_sides(actors, targets, parties, initiator)
    return EventCoding(event_type, mode, actors, targets, best.evidence, best.document_id)


def mutual_sides(actors: list[str], targets: list[str], people: list[str]) -> tuple[list[str], list[str]]:
    """A meeting, call or agreement has two sides: when the evidence names fewer than
    MUTUAL_PARTIES of the reports' most-named people ("a video conference between the two
    leaders"), each missing one is the counterpart of the side already holding a party, so
    no one stands on both sides."""
    actors, targets = list(actors), [t for t in targets if t not in actors]
    named = [n for n in people if n in actors or n in targets]
    for person in [p for p in people if p not in named][: max(0, MUTUAL_PARTIES - len(named))]:
        (targets if any(p in actors for p in people) else actors).append(person)
    return actors, targets


def directed_sides(actors: list[str], targets: list[str], parties: list[str], initiator: str) -> tuple[list[str], list[str]]:
    """PLOVER codes a visit from the visitor to the host, a hosting from host to guest: the
    initiator acts and the other parties receive, whichever way the evidence sentence ran."""
    others = [p for p in parties if p != initiator]
    return (
        [initiator] + [a for a in actors if a not in parties],
        others + [t for t in targets if t not in parties],
    )


def mode_initiator(docs: list[Document], mode: str, parties: list[str]) -> str | None:
    """The party that most often acts in the realised CONSULT cues of ``mode`` across the
    reports ("Mr Putin, who arrived on Thursday for a two-day visit"): the visitor of a
    visit, the host of a hosting. None when no party acts in any."""
    counts = Counter()
    mode_patterns = [pattern for kind, cue_mode, pattern in TRIGGERS if kind == "CONSULT" and cue_mode == mode]
    for doc in docs:
        for start, end in split_sentences(doc.clean_text):
            sentence = doc.clean_text[start:end]
            if not any(pattern.search(sentence) for pattern in mode_patterns):
                continue  # read the whole lexicon only where the mode's cue stands
            cues = [t for t in find_triggers(sentence) if t.event_type == "CONSULT" and t.mode == mode and t.realised]
            if not cues:
                continue
            local = [replace(m, start=m.start - start, end=m.end - start) for m in doc.mentions if start <= m.start < end]
            for cue in cues:
                acting, _ = actor_names(sentence, local, cue)
                counts.update(name for name in acting[:1] if name in parties)
    return min(counts, key=lambda n: (-counts[n], n)) if counts else None


def leading_people(docs: list[Document], min_mentions: int = 1) -> list[str]:
    """People named at least ``min_mentions`` times across the reports, most named first."""
    counts = Counter(m.canonical for d in docs for m in d.mentions if m.kind == "PERSON" and m.canonical)
    return [name for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_mentions]
