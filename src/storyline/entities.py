"""Who and where: entity mentions per document, and one entity per real thing across the corpus.

News text names a person once in full with a title ("Russian President Vladimir Putin")
and then by surname, honorific ("Mr Putin") or role ("the Russian leader"). spaCy's small
model finds the names but often mislabels short surnames (ORG/GPE) and knows nothing of
roles, so ``find_mentions`` repairs labels with what the document itself says: full names,
and the titles it gives them. ``resolve_entities`` then merges the per-document canonical
names across the corpus (spelling variants, surname-only documents).

Reads ``Document.clean_text`` / ``mentions`` / ``quotes``; fills ``Mention.entity_id``,
``Quote.speaker_entity_id`` and ``Quote.speaker``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from .model import Document, Entity, Mention

MENTION_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC"})

# Courtesy titles that are never part of a name.
HONORIFICS = frozenset("mr mrs ms miss dr sir dame madam mme prof".split())

# Office words the press puts before or after a name. Longest first so that
# "foreign minister" wins over "minister". Generic English, not tied to any corpus.
ROLE_WORDS = (
    "vice president", "vice-president", "prime minister", "deputy prime minister", "foreign minister",
    "defence minister", "defense minister", "finance minister", "interior minister", "secretary of state",
    "secretary-general", "secretary general", "president-elect", "president", "premier", "chancellor",
    "leader", "minister", "secretary", "spokesman", "spokeswoman", "spokesperson", "adviser", "advisor",
    "aide", "chief", "chairman", "chairwoman", "chair", "king", "queen", "emperor", "monarch",
    "ambassador", "envoy", "official", "diplomat", "governor", "mayor", "general", "commander",
    "director", "head", "counterpart", "strongman",
)
# Roles that all denote the one person at the top of a country: "the Russian leader" may
# refer to the person the document calls "Russian President ...".
HEAD_ROLES = frozenset(
    "president president-elect premier chancellor leader chief chairman strongman head counterpart".split()
    + ["prime minister"]
)
# Title-like words stripped from the front of a PERSON span ("President Vladimir Putin").
TITLE_WORDS = HONORIFICS | frozenset(w for r in ROLE_WORDS for w in r.split()) | frozenset(
    "former ex late then acting incumbent outgoing deputy foreign defence defense state of the top "
    "senior newly appointed security council kremlin".split()
)

# Countries as the press names them: display name | other names | demonyms | seats of power
# (metonyms such as "the Kremlin chief"). General world knowledge, used to match titles
# ("Russia's Foreign Minister", "Russian President") and to merge place names ("US", "U.S.").
COUNTRIES = (
    "Russia|Russian Federation|Russian,Russians|Kremlin",
    "China|People's Republic of China,PRC,Mainland China|Chinese|Zhongnanhai",
    "United States|US,U.S.,USA,U.S.A.,America,United States of America|American,Americans,U.S.,US|White House",
    "United Kingdom|UK,U.K.,Britain,Great Britain|British,Briton,Britons|Downing Street",
    "Ukraine||Ukrainian,Ukrainians|",
    "France||French|Elysee,Élysée",
    "Germany||German,Germans|",
    "Japan||Japanese|",
    "India||Indian,Indians|",
    "Iran||Iranian,Iranians|",
    "Israel||Israeli,Israelis|",
    "Turkey|Türkiye,Turkiye|Turkish|",
    "North Korea|DPRK|North Korean,North Koreans|Pyongyang",
    "South Korea|Korea|South Korean,South Koreans|",
    "Taiwan||Taiwanese|",
    "Canada||Canadian,Canadians|",
    "Australia||Australian,Australians|",
    "Brazil||Brazilian,Brazilians|",
    "Mexico||Mexican,Mexicans|",
    "Italy||Italian,Italians|",
    "Spain||Spanish|",
    "Poland||Polish|",
    "Belarus||Belarusian,Belarusians|",
    "Kazakhstan||Kazakh|",
    "Saudi Arabia||Saudi,Saudis|",
    "Egypt||Egyptian,Egyptians|",
    "Pakistan||Pakistani,Pakistanis|",
    "Indonesia||Indonesian,Indonesians|",
    "Vietnam|Viet Nam|Vietnamese|",
    "Philippines||Philippine,Filipino,Filipinos|",
    "Hungary||Hungarian,Hungarians|",
    "Serbia||Serbian,Serbs|",
    "Syria||Syrian,Syrians|",
    "Iraq||Iraqi,Iraqis|",
    "Afghanistan||Afghan,Afghans|",
    "Venezuela||Venezuelan,Venezuelans|",
    "Cuba||Cuban,Cubans|",
    "South Africa||South African,South Africans|",
    "European Union|EU,E.U.|European|",
    "United Nations|UN,U.N.||",
)

# How far before a name a title may start ("Russian Security Council Secretary Sergey Shoigu").
TITLE_WINDOW_CHARS = 80
# Words allowed between a country word and its role word ("Russian Security Council Secretary").
MAX_TITLE_MODIFIER_WORDS = 3

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_WS = re.compile(r"\s+")
_ROLE_ALT = "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in ROLE_WORDS)
# A title ending right before a name: "Russian President ", "Kremlin foreign policy adviser ".
_ROLE_AT_END = re.compile(rf"\b(?i:(?P<role>{_ROLE_ALT})),?\s+$")
# A title right after a name: "Sergey Lavrov, Russia's foreign minister" /
# "Donald Trump was sworn in as the 47th US president".
_TITLE_AFTER = re.compile(
    r"(?:,\s+|\s+(?:was|is|became|has\s+been)\s+(?:(?:sworn\s+in|elected|re-elected|named|appointed|"
    r"inaugurated)\s+)?(?:as\s+)?)(?:the\s+)?(?:\d+(?:st|nd|rd|th)\s+)?"
    rf"(?P<words>(?:[\w'’.-]+\s+){{0,{MAX_TITLE_MODIFIER_WORDS + 1}}}?)(?i:(?P<role>{_ROLE_ALT}))\b"
)
_ROLE_LAST_WORDS = frozenset(r.split()[-1] for r in ROLE_WORDS)
# "the Russian leader", "The Chinese president", "the Kremlin chief", "his Chinese counterpart"
_ROLE_MENTION = re.compile(
    rf"\b(?:[Tt]he|[Hh]is|[Hh]er)\s+(?P<qual>[A-Z][\w.]*(?:\s+[A-Z][a-z][\w.]*)?)\s+"
    rf"(?i:(?P<role>{_ROLE_ALT}))\b(?![-\w])"
)
# Words that end a title's modifiers when walking back from the role word.
_TITLE_STOPWORDS = frozenset("and or of with as the a an to in on at for by from but while who that".split())


@dataclass(frozen=True)
class CountryIndex:
    """Lower-cased country words → country display name, split by what the word is."""

    names: dict[str, str]  # "us" → "United States" (a place name)
    qualifiers: dict[str, str]  # "russian", "russia", "kremlin" → "Russia" (anything that qualifies a title)


def country_index(rows: tuple[str, ...] = COUNTRIES) -> CountryIndex:
    """Parse ``COUNTRIES`` rows into lookup tables (built per call: no module state)."""
    names: dict[str, str] = {}
    quals: dict[str, str] = {}
    for row in rows:
        name, others, demonyms, seats = (row.split("|") + ["", "", ""])[:4]
        for word in [name, *filter(None, others.split(","))]:
            names[word.lower()] = name
            quals[word.lower()] = name
        for word in filter(None, [*demonyms.split(","), *seats.split(",")]):
            quals[word.lower()] = name
    return CountryIndex(names, quals)


def normalise_space(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text)


def _norm_role(role: str) -> str:
    role = normalise_space(role.lower()).replace("defense", "defence").replace("advisor", "adviser")
    return role.replace("vice-president", "vice president").replace("secretary general", "secretary-general")


def _norm_qual(qual: str | None, countries: CountryIndex) -> str | None:
    if not qual:
        return None
    key = normalise_space(_strip_possessive(qual)).lower()
    if key.startswith("the "):
        key = key[4:]
    return countries.qualifiers.get(key, key)


def person_name(span_text: str, countries: CountryIndex | None = None) -> str:
    """The name inside a PERSON span: titles, country words, honorifics and possessives stripped."""
    countries = countries or country_index()
    tokens = normalise_space(_strip_possessive(span_text.strip())).split(" ")

    def is_title(token: str) -> bool:
        bare = _strip_possessive(token)
        return (
            token.lower().rstrip(".") in TITLE_WORDS
            or token[:1].islower()
            or bare.lower() in countries.qualifiers
            or bare != token  # "Russia's Foreign Minister ..."
        )

    while len(tokens) > 1 and is_title(tokens[0]):
        tokens = tokens[1:]
    return " ".join(tokens)


def _place_name(span_text: str, countries: CountryIndex) -> str:
    text = normalise_space(_strip_possessive(span_text.strip()))
    if text.lower().startswith("the "):
        text = text[4:]
    return countries.names.get(text.lower(), text)


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    name: str  # name before in-document resolution


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding whitespace, a leading "the" and a trailing possessive."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):
        end -= 1
    match = _POSSESSIVE.search(text, start, end)
    if match and match.end() == end and end - start > 2:
        end = match.start()
    return start, end


def _spacy_mentions(text: str, spacy_doc, countries: CountryIndex) -> list[_Raw]:
    raws = []
    for ent in spacy_doc.ents:
        if ent.label_ not in MENTION_KINDS:
            continue
        start, end = _trim_span(text, ent.start_char, ent.end_char)
        surface = text[start:end]
        if len(surface) < 2 or not any(c.isupper() for c in surface):
            continue
        if ent.label_ == "PERSON":
            name = person_name(surface, countries)
        elif ent.label_ in ("GPE", "LOC"):
            name = _place_name(surface, countries)
        else:
            name = normalise_space(surface[4:] if surface.lower().startswith("the ") else surface)
        raws.append(_Raw(start, end, ent.label_, name))
    return raws


def _short_name_index(raws: list[_Raw]) -> tuple[dict[str, str], dict[str, str]]:
    """Surname (last token) and first-token lookups to the document's full names.

    A token shared by two different full names is left out: "Trump" cannot be resolved
    when both Donald and Melania Trump appear.
    """
    counts = Counter(r.name for r in raws if r.kind == "PERSON" and " " in r.name)
    by_last: dict[str, set[str]] = defaultdict(set)
    by_first: dict[str, set[str]] = defaultdict(set)
    for full in counts:
        tokens = full.split(" ")
        by_last[tokens[-1]].add(full)
        by_first[tokens[0]].add(full)

    def pick(groups: dict[str, set[str]]) -> dict[str, str]:
        out = {}
        for token, fulls in groups.items():
            if len(fulls) == 1 or len({f.split(" ")[0] for f in fulls}) == 1 and len({f.split(" ")[-1] for f in fulls}) == 1:
                out[token] = min(fulls, key=lambda f: (-counts[f], f))
        return out

    return pick(by_last), pick(by_first)


def _resolve_short(name: str, by_last: dict[str, str], by_first: dict[str, str]) -> str | None:
    return by_last.get(name) or by_first.get(name)


def _repair_people(text: str, raws: list[_Raw], by_last, by_first) -> list[_Raw]:
    """Relabel surnames spaCy called ORG/GPE, split "Trump's Board of Peace", add missed surnames."""
    short_used = {r.name for r in raws if r.kind == "PERSON" and " " not in r.name}
    known = set(by_last) | (short_used & set(by_first))
    out: list[_Raw] = []
    for raw in raws:
        if raw.kind == "PERSON":
            out.append(raw)
            continue
        first = text[raw.start : raw.end].split(" ")[0]
        bare = _strip_possessive(first)
        if bare in known and bare == text[raw.start : raw.end]:
            out.append(_Raw(raw.start, raw.end, "PERSON", bare))
        elif bare in known and bare != first:  # "Trump's Board of Peace" → Trump + Board of Peace
            out.append(_Raw(raw.start, raw.start + len(bare), "PERSON", bare))
            rest_start, rest_end = _trim_span(text, raw.start + len(first), raw.end)
            if rest_end > rest_start:
                out.append(_Raw(rest_start, rest_end, raw.kind, normalise_space(text[rest_start:rest_end])))
        else:
            out.append(raw)
    if known:
        covered = sorted((r.start, r.end) for r in out)
        starts = [c[0] for c in covered]
        for start, end in _word_occurrences(text, known):
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and covered[i][1] > start:
                continue
            if i + 1 < len(covered) and covered[i + 1][0] < end:
                continue
            out.append(_Raw(start, end, "PERSON", text[start:end]))
    out.sort(key=lambda r: (r.start, -r.end))
    return out


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _word_occurrences(text: str, words: set[str]) -> list[tuple[int, int]]:
    """Non-overlapping whole-word occurrences of any of ``words``, leftmost first and the longest at
    one place, as a regex alternation of them between ``\\b`` would find them, without compiling a
    pattern per document."""
    found = []
    for word in filter(None, words):
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if _boundary(text, at) and _boundary(text, end):
                found.append((at, end))
            at = text.find(word, at + 1)
    found.sort(key=lambda span: (span[0], -span[1]))
    out, last_end = [], -1
    for start, end in found:
        if start >= last_end:
            out.append((start, end))
            last_end = end
    return out


def _boundary(text: str, pos: int) -> bool:
    before = pos > 0 and _is_word_char(text[pos - 1])
    after = pos < len(text) and _is_word_char(text[pos])
    return before != after


def _title_qualifier(words: list[str], countries: CountryIndex) -> str:
    """The country (or possessor) a title names, walking back from the role word.

    "Russian Security Council" → Russia; "Putin's foreign affairs" → "putin"; "as well as" → "".
    """
    words = words[-(MAX_TITLE_MODIFIER_WORDS + 1) :]
    # a capitalised word right before the role names an unlisted country ("Norwegian Prime Minister")
    adjacent = words[-1] if words and words[-1][:1].isupper() and words[-1].lower() not in TITLE_WORDS else ""
    possessor = _strip_possessive(adjacent).lower() if re.fullmatch(r"[\w'’-]+", adjacent) else ""
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        if word.lower() in _TITLE_STOPWORDS or not re.fullmatch(r"[\w.'’-]+", word):
            break
        pair = f"{words[i - 1]} {word}" if i else ""
        for candidate in (pair, word):
            qual = countries.qualifiers.get(_strip_possessive(candidate).lower()) if candidate else None
            if qual:
                return qual
        if not possessor and word[:1].isupper() and _POSSESSIVE.search(word):
            possessor = _strip_possessive(word).lower()
    return possessor


def _is_apposition(text: str, match: re.Match) -> bool:
    """A title after a name, not the title of the next name ("X, as well as Foreign Minister Y")."""
    if any(w.lower() in _TITLE_STOPWORDS for w in match.group("words").split()):
        return False
    return not re.match(r"\s+[A-Z]", text[match.end() : match.end() + 2])


def _learn_titles(text: str, people: list[_Raw], countries: CountryIndex) -> dict[tuple[str, str], Counter]:
    """(country, role) → full names the document gives that title, from title + name patterns."""
    titles: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for raw in people:
        window = text[max(0, raw.start - TITLE_WINDOW_CHARS) : raw.start].rsplit("\n", 1)[-1]
        last_word = window.rstrip().rstrip(",").rsplit(None, 1)[-1:]
        # the role regex only where the word before the name can end a role (a cheap filter)
        before = _ROLE_AT_END.search(window) if last_word and last_word[0].lower() in _ROLE_LAST_WORDS else None
        if before:
            qual = _title_qualifier(window[: before.start()].split(), countries)
            titles[(qual, _norm_role(before.group("role")))][raw.name] += 1
        after = _TITLE_AFTER.match(text, raw.end, min(len(text), raw.end + TITLE_WINDOW_CHARS))
        if after and _is_apposition(text, after):
            qual = _title_qualifier(after.group("words").split(), countries)
            titles[(qual, _norm_role(after.group("role")))][raw.name] += 1
    return titles


def _resolve_role(qual: str, role: str, titles: dict[tuple[str, str], Counter]) -> str | None:
    """The one person the document titles this way, if exactly one."""
    exact = titles.get((qual, role))
    if exact and len(exact) == 1:
        return next(iter(exact))
    if role in HEAD_ROLES:
        people = set()
        for (q, r), names in titles.items():
            if q == qual and (r in HEAD_ROLES and r != "counterpart"):
                people.update(names)
        if len(people) == 1:
            return people.pop()
    return None


def _role_mentions(text: str, raws: list[_Raw], titles, countries: CountryIndex) -> list[_Raw]:
    starts = {r.start for r in raws if r.kind == "PERSON"}
    found = []
    for match in _ROLE_MENTION.finditer(text):
        after = match.end()
        while after < len(text) and text[after] == " ":
            after += 1
        if after in starts or text.startswith("of ", after):  # a title before a name, or "the president of X"
            continue
        qual = _norm_qual(match.group("qual"), countries)
        person = _resolve_role(qual or "", _norm_role(match.group("role")), titles)
        if person:
            found.append(_Raw(match.start(), match.end(), "PERSON", person))
    return found


def find_mentions(text: str, spacy_doc) -> list[Mention]:
    """Entity and role mentions of one document, each with its in-document canonical name."""
    countries = country_index()
    raws = _spacy_mentions(text, spacy_doc, countries)
    by_last, by_first = _short_name_index(raws)
    raws = _repair_people(text, raws, by_last, by_first)
    for raw in raws:
        if raw.kind == "PERSON" and " " not in raw.name:
            raw.name = _resolve_short(raw.name, by_last, by_first) or raw.name
    titles = _learn_titles(text, [r for r in raws if r.kind == "PERSON" and " " in r.name], countries)
    roles = _role_mentions(text, raws, titles, countries)
    if roles:  # a role mention replaces the mentions inside it ("Russian" in "the Russian leader")
        starts = [r.start for r in roles]

        def inside_role(raw: _Raw) -> bool:
            i = bisect.bisect_right(starts, raw.start) - 1
            return i >= 0 and raw.end <= roles[i].end

        raws = sorted([r for r in raws if not inside_role(r)] + roles, key=lambda r: (r.start, -r.end))
    return [Mention(r.start, r.end, text[r.start : r.end], r.kind, r.name) for r in raws]


# ---------------------------------------------------------------- corpus level


def name_key(name: str) -> str:
    """A spelling-insensitive key: accents, case and common transliteration variants folded.

    Russian/Ukrainian names reach English as -ey/-ei/-y/-iy/-yy (Sergey/Sergei, Yuri/Yury,
    Zelensky/Zelenskyy), so a final y-ish ending folds to "i".
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _strip_possessive(text.replace("’", "'"))
    tokens = re.findall(r"[a-z0-9]+", text)
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    folded = [re.sub(r"(?:iy|yy|ij|y)$", "i", t) if len(t) > 3 else t for t in tokens]
    return " ".join(folded)


def entity_id(kind: str, key: str) -> str:
    return hashlib.sha1(f"{kind}:{key}".encode()).hexdigest()[:16]


def _short_key_targets(kinds: dict[str, Counter]) -> dict[str, str]:
    """Single-token person keys → the unique multi-token person key with that surname (or first token)."""
    by_last: dict[str, set[str]] = defaultdict(set)
    by_first: dict[str, set[str]] = defaultdict(set)
    for key, votes in kinds.items():
        if " " in key and votes.most_common(1)[0][0] == "PERSON":
            tokens = key.split(" ")
            by_last[tokens[-1]].add(key)
            by_first[tokens[0]].add(key)
    targets = {}
    for key, votes in kinds.items():
        if " " in key or not votes["PERSON"]:
            continue
        for group in (by_last, by_first):
            if len(group.get(key, ())) == 1:
                targets[key] = next(iter(group[key]))
                break
    return targets


def resolve_entities(docs: list[Document]) -> list[Entity]:
    """Merge every document's canonical names into corpus entities and link mentions and speakers."""
    kinds: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        for m in doc.mentions:
            kinds[name_key(m.canonical)][m.kind] += 1
    targets = _short_key_targets(kinds)

    def final_key(canonical: str) -> str:
        key = name_key(canonical)
        return targets.get(key, key)

    group_kinds: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, Counter] = defaultdict(Counter)
    aliases: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for m in doc.mentions:
            key = final_key(m.canonical)
            group_kinds[key][m.kind] += 1
            names[key][m.canonical] += 1
            aliases[key].update({normalise_space(m.text), m.canonical})
    entities: dict[str, Entity] = {}
    for key, votes in group_kinds.items():
        kind = min(votes, key=lambda k: (-votes[k], k))
        name = min(names[key], key=lambda n: (" " not in n, -names[key][n], n))
        entities[key] = Entity(entity_id(kind, key), name, kind, sorted(aliases[key]))
    for doc in docs:
        for m in doc.mentions:
            m.entity_id = entities[final_key(m.canonical)].id
        for q in doc.quotes:
            if q.speaker:
                entity = entities.get(final_key(q.speaker))
                if entity is not None:
                    q.speaker_entity_id = entity.id
                    q.speaker = entity.name
    order = sorted(entities, key=lambda k: (-sum(group_kinds[k].values()), entities[k].name, entities[k].id))
    return [entities[k] for k in order]
