"""Who said what: direct and reported speech per document, and the same quote across documents.

News attributes speech in a few stock shapes: “...,” X said / X said: “...” / X said (that)
CLAUSE / CLAUSE, X said / “...” alone in the paragraph after X's quote. ``find_quotes`` reads
those shapes from the clean text and the document's entity mentions (no parse needed, so it
stays fast and works with a pipeline that has no parser); ``merge_quotes`` groups the same
quote across documents by fuzzy wording.

Reads ``Document.clean_text`` and ``Document.mentions``; fills ``Document.quotes`` and
``Corpus.quotes``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from .model import Document, Mention, Quote, QuoteCluster
from .provenance import DisjointSets
from .text import split_sentences

# A quoted span of fewer words is a scare quote ("strategic"), never a quote.
MIN_QUOTE_WORDS = 2
# A quoted span of fewer words counts only when a speech cue attributes it in its sentence
# ("noting they “practically coincide,”"), otherwise it is a label ("a “no limits” partnership").
MIN_STANDALONE_WORDS = 4
# A quoted span of at most this many words, all capitalised, is a title or slogan ("Meet the
# Press"); PolNeAR train: such spans are almost never annotated as speech.
MAX_TITLE_WORDS = 7
_TITLE_MINOR_WORDS = frozenset("a an the of with and or in on to for at by from is".split())
# Reported clauses shorter than this are fragments of a parse gone wrong, not speech.
MIN_INDIRECT_WORDS = 3
# An unclosed quote continues into the next paragraph only if that paragraph opens with a
# quote mark (the print convention); after this many paragraphs it is closed regardless.
MAX_QUOTE_PARAGRAPHS = 8
# Sentences longer than this are not scanned for reported speech (guards regex cost on junk).
MAX_SENTENCE_CHARS = 3000
# How far before a quote or cue its attribution is looked for; real attributions sit within a
# sentence, and the bound keeps run-on junk "sentences" linear.
MAX_ATTRIBUTION_CHARS = 600
# How many sentences back a pronoun speaker ("He added") may find its person.
PRONOUN_LOOKBACK_SENTENCES = 4
# Words of an apposition between a speaker and the cue ("Ramos, 58, told" / "Blackwell, the
# Republican National Committeeman from Virginia, told"); long enough for a title and a place
# (PolNeAR train: 10 -> 14 words gains a few speakers, 16 nothing more).
MAX_APPOSITION_WORDS = 14
# Words of the appositions between a name right after a quote and its cue ("“…,” Scott Pruitt,
# the Republican attorney general of Oklahoma, one of the states suing the EPA, said"), read in
# the quote-masked text so no other quote counts; PolNeAR train and dev score the same with 20,
# 30 and 40; 30 keeps a 25-word apposition ("Trump, the 2016 GOP presidential frontrunner …, said").
MAX_APPOSITIONS_WORDS = 30
# Words allowed in a speaker that is not a known entity ("a spokesperson for the ministry").
MAX_SPEAKER_WORDS = 8
# Introductory phrases ("Eight years ago, at a rally, he said") skipped looking for a sentence's
# subject; more commas than this are lists and appositions, not a way to the main clause.
MAX_INTRODUCTORY_PHRASES = 2
# Words of a speaker described right after a quote, before or after its cue, up to a comma or a
# relative clause ("said one well-connected Democrat familiar with the campaign's organization,
# who ..." / "Jeffrey Lewis of the James Martin Center for Nonproliferation Studies wrote");
# PolNeAR train: 8 -> 14 words gains speakers, longer ones are mostly run-on clauses.
MAX_NOMINAL_SPEAKER_WORDS = 14
# Fuzzy match (rapidfuzz ratio, 0-100, on normalised text) at or above which two quotes are
# the same quote: the seeds' copies differ by an Oxford comma or a word (ratio 97-100), while
# a paraphrase of the same statement scores 60-85.
QUOTE_MATCH_RATIO = 90
# A shorter quote wholly inside a longer one (partial_ratio) is the same quote when it has
# at least this many words: shorter fragments ("right direction") recur by chance.
MIN_CONTAINED_WORDS = 5
CONTAINED_MATCH_RATIO = 95
# Words allowed between the parts of a split quote (“A,” Adelson told Reuters in an interview in
# Macau when asked if ... “B.”): PolNeAR's annotators join parts across attributions of up to
# about 30 words (checked on the train split); longer gaps mostly hold other statements.
MAX_SPLIT_GAP_WORDS = 30
# Word n-grams used to find candidate pairs before fuzzy matching (avoids comparing all pairs).
BLOCK_NGRAM = 3

# The cue recorded for a quotation's byline ("“…” — Hillary Clinton").
BYLINE_CUE = "—"

# Double quote marks: curly, straight, and the doubled apostrophes/backticks of wire and
# typewriter text. ” also appears as an opener in badly typeset pages.
QUOTE_MARKS = re.compile(r"[“”\"]|''|``")
_SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|noted|notes|stated|states|insisted|insists|stressed|stresses|"
    "emphasi[sz]ed|emphasi[sz]es|explained|explains|argued|argues|warned|warns|claimed|claims|asserted|"
    "declared|announced|remarked|replied|responded|wrote|writes|tweeted|posted|recalled|acknowledged|"
    "admitted|confirmed|urged|cautioned|concluded|observed|suggested|complained|predicted|promised|"
    "reported|reports|described|asked|continued|underlined|underscored|commented|conceded|maintained|"
    "asks|answered|answers|replies|responds|joked|jokes|quipped|quips|shouted|shouts|yelled|yells|"
    "screamed|chanted|retorted|countered|counters|charged|barked|exclaimed|snapped|boasted|boasts|"
    "vowed|vows|pledged|lamented|demanded|demands|interjected|proclaimed|mused|tweets|"
    "declares|reiterated|reiterates|confessed|surmised|wondered|opined|testified|sighed|scoffed|"
    "read|reads|began|offered|predicts|explains|recounts|exhorted|retaliated|reacted|sang|sings|"
    r"assured|reminded|elaborated|elaborates|points\s+out|"
    r"quoted|recounted|recalls|pointed\s+out|went\s+on|shot\s+back|fired\s+back|chimed\s+in|put\s+it|puts\s+it"
)
_PARTICIPLES = (
    "saying|adding|noting|stating|insisting|stressing|emphasi[sz]ing|explaining|arguing|warning|claiming|"
    "declaring|describing|recalling|acknowledging|urging|asserting|remarking|observing|writing|"
    "tweeting|asking|telling|joking|shouting|chanting|calling|replying|responding|answering"
)
# Verbs whose object is a reported clause (X said (that) CLAUSE).
_REPORT_VERBS = (
    "said|says|say|told|tells|added|adds|noted|notes|stated|insisted|insists|stressed|emphasi[sz]ed|explained|"
    "argued|warned|claimed|asserted|declared|announced|acknowledged|admitted|confirmed|reported|"
    "suggested|predicted|cautioned|recalled|argues|warns|claims|maintained|conceded"
)
# Report verbs that take a bare clause ("Ushakov said Xi invited ..."); the others need "that"
# before a clause, since they also take plain objects ("emphasised the close ties").
_BARE_CLAUSE_VERBS = frozenset("said says say added adds noted notes insisted insists argued argues warned warns claimed claims".split())
_CUE = re.compile(rf"\b(?:{_SPEECH_VERBS}|{_PARTICIPLES})\b|\baccording\s+to\b", re.IGNORECASE)
_REPORT_CUE = re.compile(rf"\b(?:(?P<finite>{_REPORT_VERBS})|(?P<part>{_PARTICIPLES}))\b")


def _first_words(alternation: str) -> frozenset[str]:
    """The first word of every alternative of a cue alternation ("emphasi[sz]ed" gives both
    spellings, "points\\s+out" gives "points"): only words in this set can start a cue."""
    words = set()
    for alternative in alternation.split("|"):
        first = re.split(r"\\s\+", alternative)[0]
        if not re.fullmatch(r"(?:\w|\[\w+\])+", first):
            raise ValueError(f"cue word {first!r}: only letters and [..] classes can be prefiltered")
        forms = [""]
        for part in re.findall(r"\[(\w+)\]|(\w)", first):
            forms = [f + c for f in forms for c in (part[0] or part[1])]
        words.update(forms)
    return frozenset(words)


def _trie_pattern(words: frozenset[str]) -> str:
    """``words`` as one regex alternation shaped like a trie ("sa(?:id|y(?:s|ing)?)"): the regex
    engine rejects a non-cue position after a character or two instead of trying every word."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        branches = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return branch(tree)


# Lower-cased first words of ``_CUE`` and exact words of ``_REPORT_CUE``: one pass of their trie
# over the lower-cased text finds the few places worth trying the cue regexes (trying them at
# every word was 40% of find_quotes).
_CUE_FIRST_WORDS = _first_words(f"{_SPEECH_VERBS}|{_PARTICIPLES}|according")
_REPORT_CUE_WORDS = _first_words(f"{_REPORT_VERBS}|{_PARTICIPLES}")
_CUE_WORD = re.compile(rf"\b(?:{_trie_pattern(_CUE_FIRST_WORDS | _REPORT_CUE_WORDS)})\b")
# Characters that case-insensitive regex matching folds to an ASCII letter but ``str.lower``
# leaves alone (or lengthens), so a text holding one is folded by this table first.
_FOLD_TO_ASCII = str.maketrans({"ſ": "s", "ı": "i", "İ": "i"})
_PARTICIPLE = re.compile(rf"(?:{_PARTICIPLES})", re.IGNORECASE)
_FILLER = r"(?:\w+ly|also|has|had|have|then|later|again|once|further|would|will|did|does)"
# between a speaker and the cue: adverbs, auxiliaries, a short parenthesis ("Sen. Ann Roe (D-Mo.) said")
_GAP_BEFORE_CUE = re.compile(
    rf"^(?:\s*\([^()\n]{{1,40}}\)|,(?:\s+[^\s,“”\"]+){{1,{MAX_APPOSITION_WORDS}}},)?\s+(?:{_FILLER}\s+)*$"
)
_PRONOUN_BEFORE = re.compile(rf"\b(?P<p>[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)\s+(?:{_FILLER}\s+)*$")
_AND_BEFORE = re.compile(rf"\band\s+(?:{_FILLER}\s+)*$")
_PRONOUN_AT_START = re.compile(r"\s*(?P<p>He|She|They|We|I)\b")
_MAIN_CLAUSE_AFTER = re.compile(r",\s+(?:(?P<p>he|she|they|we|I)\b|(?=[A-Z]))")
_PHRASE_BOUNDARY = re.compile(r"[,;:“”\"]|''|\s(?:and|but|while|as)\s")
_LEAD_WORDS = re.compile(r"(?:(?:and|but|yet|so|then)\s+)?(?:[A-Z][\w.'’-]*\s+){0,4}")
_TRAILING_FILLER = re.compile(rf"(?:\s+{_FILLER})+\s*$")
_NOT_SUBJECT_END = frozenset("to and or but that which who has have had would will".split())
_NAME_LIKE = re.compile(r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}")
_NOT_NAME_START = frozenset("The A An It This That These Those He She They We I But And In On At As".split())
_WHO_BEFORE = re.compile(rf",\s*who\s+(?:{_FILLER}\s+)*$")
_AFTER_PRONOUN = re.compile(rf"\s*,?\s*(?P<p>he|she|they|it|we|I)\s+(?:{_FILLER}\s+)*(?P<cue>{_SPEECH_VERBS})\b")
_AFTER_CUE_FIRST = re.compile(rf"\s*,?\s*(?P<cue>{_SPEECH_VERBS})\s+")
_ACCORDING_PHRASE = re.compile(rf"(?:[^\s,;:“”\"]+\s+){{0,{MAX_SPEAKER_WORDS - 1}}}?[^\s,;:“”\".]+(?=\s*[.,;]|\s*$)")
_NOMINAL_SPEAKER = re.compile(
    rf"(?:[^\s,;:“”\"]+\s+){{0,{MAX_NOMINAL_SPEAKER_WORDS - 1}}}?[^\s,;:“”\".]+"
    r"(?=\s*[.,;:]|\s*$|\s+(?:who|whose|which)\b)"
)
_ACCORDING_BEFORE = re.compile(rf"\b[Aa]ccording\s+to\s+(?P<np>(?:[^\s,;:“”\"]+\s+){{0,{MAX_SPEAKER_WORDS - 1}}}[^\s,;:“”\"]+)\s*[,:]\s*$")
_AFTER_ACCORDING = re.compile(r"\s*,?\s*(?P<cue>according\s+to)\s+")
_AFTER_NP_CUE = re.compile(
    rf"\s*,?\s*(?P<np>(?:[\w'’.&-]+\s+){{0,{MAX_NOMINAL_SPEAKER_WORDS - 1}}}?[\w'’.&-]+)"
    rf"(?P<appos>,(?:\s+[^\s,“”\"]+){{1,{MAX_APPOSITION_WORDS}}},|\s*\([^()\n]{{1,40}}\))?\s+(?:{_FILLER}\s+)*(?P<cue>{_SPEECH_VERBS})\b"
)
_FILLER_THEN_CUE = re.compile(
    rf"(?:\s*\([^()\n]{{1,40}}\)|,(?:\s+[^\s,“”\"]+){{1,{MAX_APPOSITION_WORDS}}},)?\s+(?:{_FILLER}\s+)*(?P<cue>{_SPEECH_VERBS})\b"
)
# “…,” X, the attorney general of Oklahoma, one of the states suing the agency, said: a speaker
# right after a quote, then appositions (several, or one long one) closed by a comma and the cue.
_APPOSITIONS_THEN_CUE = re.compile(
    rf",(?:\s+[^\s]+){{1,{MAX_APPOSITIONS_WORDS}}}?,\s+(?:{_FILLER}\s+)*(?P<cue>{_SPEECH_VERBS})\b"
)
_TITLE_SKIP = re.compile(r"(?:[A-Z][\w.'’-]*\s+){0,5}")
# Words that cannot begin a reported clause right after the cue ("said in remarks", "said on Friday").
_NON_CLAUSE_START = frozenset(
    "in on at to with after before during for of by from and but as about while when so or than "
    "earlier later previously last this yesterday today tonight who which was were is are had has have would will "
    "not nothing".split()
)
# Words that cannot begin a speaker phrase right before its cue: those of a clause, except
# "this" ("“…,” this source told the Post").
_NON_SPEAKER_START = _NON_CLAUSE_START - {"this"}
# A quotation's byline: a dash opening the next paragraph ("“…”¶— Hillary Clinton."), as fact
# checks and quote round-ups print them.
_DASH_BYLINE = re.compile(r"[ \t]*\n\s*(?P<dash>[-—–]{1,2})[ \t]*(?=[A-Z])")
# The same byline on the quote's own line, closing its paragraph ("“…” ― Pamela Padilla¶"), as
# round-ups of readers' or voters' words print them; a name of at most MAX_SPEAKER_WORDS words
# and nothing after it, so a dash that goes on with the sentence ("“…” — Trump said that …")
# is not one.
_INLINE_DASH_BYLINE = re.compile(
    rf"[ \t\xa0]*(?P<dash>[―—–]|--)[ \t\xa0]*(?=[A-Z][^\s“”\"]*(?:[ \t\xa0]+[^\s“”\"]+){{0,{MAX_SPEAKER_WORDS - 1}}}?"
    r"[ \t\xa0.]*(?:\n|$))"
)
# After a closing mark, the writer's own words continuing the quoted sentence (“A” that B, …).
_MIXED_TAIL_START = re.compile(r" (?:[a-z]|\((?=[a-z]))")
# Where the clause naming a colon's speaker begins: a comma, or a dash after a headline
# ("POLLS NOT WRONG - Mark Blumenthal: “…”").
_CLAUSE_PRONOUN = re.compile(r"\s*(?:(?:and|but|yet|so|then)\s+)?(?P<p>[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)\s")
# A determiner phrase opening a clause, up to the first word that reads as its verb (an -s/-ed
# form, a common irregular past or an auxiliary): a speaker that is no entity ("The email goes
# on", "A spokesman told").
_VERB_LIKE = (
    r"(?:(?:is|was|are|were|has|had|have|will|would|can|could|also|then|later|said|told|wrote|sent|put|gave|"
    r"made|took|spoke|began|went|held|read)\b|[a-z]+(?:ed|[^s]s)\b)"
)
_NOMINAL_SUBJECT = re.compile(
    rf"(?P<np>(?:The|A|An|One|Another|His|Her|Their|Its|This|That)(?:\s+(?!{_VERB_LIKE})[\w’'&.-]+){{1,5}}?)\s+(?={_VERB_LIKE})"
)
_CLAUSE_COMMA = re.compile(r",\s+")
_SUBORDINATORS = frozenset(
    "after although as because before if once since though unless until when whenever where whereas while".split()
)
_COLON_CLAUSE_BOUNDARY = re.compile(r",|\s[-—–]+\s")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_TIME_PHRASE = re.compile(
    r"\s+(?:on|in|at|last|this|earlier|late|later)\b[^,.;:“”\"]{0,40}?\s+(?=(?:that|he|she|they|it|we|I)\b)"
)
_THAT = re.compile(r"\s+that\b")
_TOLD_OBJECT = re.compile(r"\s+(?:[\w'’.-]+\s+){0,6}?that\b")
_CONTENT_CUT = re.compile(
    rf",\s+(?:according\s+to\b|(?:{_PARTICIPLES})\b)"
    rf"|,\s+(?:[\w'’.-]+\s+){{0,5}}?(?:{_REPORT_VERBS})\b\s*(?:[,.;]|$)"
    rf"|\s+(?:and|but|while|whereas)\s+(?:[\w'’.-]+\s+){{0,5}}?(?:{_REPORT_VERBS})\b"
)
_TRAILING_ATTRIBUTION = re.compile(
    rf",\s+(?P<np>(?:[\w'’.-]+\s+){{1,6}}?)(?:{_FILLER}\s+)*(?P<cue>{_REPORT_VERBS})"
    rf"(?:\s+\w+day)?\s*(?:[,.;]|$)"
)
# A sentence opening with a capitalised subject and one apposition before its cue ("Gregory T.
# Angelo, president of the Log Cabin Republicans, said").
_SUBJECT_WITH_APPOSITION = re.compile(
    rf"(?P<np>[A-Z][^\s,;:“”\"]*(?:\s+[^\s,;:“”\"]+){{0,{MAX_SPEAKER_WORDS - 1}}}),"
    rf"(?:\s+[^\s,“”\"]+){{1,{MAX_APPOSITION_WORDS}}},"
)
# Reported content attributed with "according to" (no speech verb): "CLAUSE, according to a new
# poll." / "According to early results of the exit poll, CLAUSE." The source phrase runs to the
# next comma or the sentence end; bounded so a run-on sentence is not one source.
MAX_ACCORDING_SOURCE_CHARS = 250
_ACCORDING_NP = rf"(?P<np>[^\s,;:“”\"][^,;:“”\"]{{0,{MAX_ACCORDING_SOURCE_CHARS}}}?)"
_NP_END = r"(?=\s*(?:[,.;]|$))"
_ACCORDING_AFTER_CLAUSE = re.compile(rf",\s+(?P<cue>according\s+to)\s+{_ACCORDING_NP}{_NP_END}")
_ACCORDING_OPENING = re.compile(rf"\s*(?P<cue>According\s+to)\s+{_ACCORDING_NP},\s+")
_ACCORDING_SOURCE = re.compile(rf"[Aa]ccording\s+to\s+{_ACCORDING_NP}{_NP_END}")
# A one-word connective opening a sentence before its content ("Still, …, according to …").
_OPENING_CONNECTIVE = re.compile(r"\s*[A-Z][a-z]+,\s+")
_PARAGRAPH = re.compile(r"[^\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n+")
_QUOTE_LINE_BREAK = re.compile(r"\s*\n+\s*(?:[“”\"]|''|``)?")
_LEADING_COMMA = re.compile(r"\s*,?\s*")
_CLAUSE_FIRST_WORD = re.compile(r"[\w'’-]+")
_CUE_WORD_THEN_STOP = re.compile(r"\w+(?:\s+\w+day)?\s*[.,;]")
_SPACES = re.compile(r"\s+")
_TITLE_TOKEN = re.compile(r"[\w'’-]+")


@dataclass
class _Speaker:
    start: int
    end: int
    canonical: str | None
    pronoun: str | None = None


@dataclass
class _Ctx:
    """One document's text, its quote-masked copy, sentences and mention index."""

    text: str
    masked: str
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    mentions: list[Mention]  # outside direct quotes, sorted by end
    mention_ends: list[int]
    cues: list[re.Match] = field(default_factory=list)  # speech cues in the masked text, in order
    cue_starts: list[int] = field(default_factory=list)
    report_cues: list[re.Match] = field(default_factory=list)  # cues taking a reported clause, in order
    report_cue_starts: list[int] = field(default_factory=list)
    speakers_by_sentence: dict[int, str] = field(default_factory=dict)

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def mention_ending_at_or_before(self, pos: int) -> Mention | None:
        i = bisect.bisect_right(self.mention_ends, pos) - 1
        return self.mentions[i] if i >= 0 else None

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        lo = bisect.bisect_right(self.mention_ends, start)
        hi = bisect.bisect_right(self.mention_ends, end)
        return [m for m in self.mentions[lo:hi] if m.start >= start]

    def sentence_start(self, pos: int) -> int:
        """Start of the sentence holding ``pos``, never further back than the attribution window."""
        start = self.sentences[self.sentence_of(pos)][0] if self.sentences else 0
        return max(start, pos - MAX_ATTRIBUTION_CHARS)

    def first_mention_from(self, pos: int, limit: int) -> Mention | None:
        lo = bisect.bisect_right(self.mention_ends, pos)
        for m in self.mentions[lo : lo + 4]:
            if pos <= m.start <= limit:
                return m
        return None


@dataclass
class _DirectSpan:
    open_mark: int
    content_start: int
    content_end: int
    close_mark: int | None  # None when unterminated at a paragraph end
    after: int  # first position after the closing mark (content_end when unterminated)


# ---------------------------------------------------------------- direct quotes


def _is_opener(text: str, pos: int, length: int) -> bool:
    before = text[pos - 1] if pos else "\n"
    after = text[pos + length] if pos + length < len(text) else " "
    if after.isspace():
        return False
    return text[pos : pos + length] in ("“", "``") or before.isspace() or before in "([{—–-:"


def _opens_with_mark(text: str, pos: int) -> bool:
    return QUOTE_MARKS.match(text, pos) is not None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PARAGRAPH.finditer(text)]


def _direct_spans(text: str) -> list[_DirectSpan]:
    """Pair quote marks paragraph by paragraph; an unclosed quote continues only into a
    paragraph that opens with a quote mark."""
    spans: list[_DirectSpan] = []
    paragraphs = _paragraphs(text)
    open_at: int | None = None
    content_start = open_paragraphs = 0
    skip_mark: int | None = None
    for index, (p_start, p_end) in enumerate(paragraphs):
        for match in QUOTE_MARKS.finditer(text, p_start, p_end):
            pos, length = match.start(), match.end() - match.start()
            if pos == skip_mark:
                continue
            if open_at is None:
                if _is_opener(text, pos, length):
                    open_at, content_start, open_paragraphs = pos, match.end(), 1
                continue
            if text[pos - 1].isspace() and _is_opener(text, pos, length):  # a new quote: the open one never closed
                end = _rstrip(text, pos)
                spans.append(_DirectSpan(open_at, content_start, end, None, end))
                open_at, content_start, open_paragraphs = pos, match.end(), 1
                continue
            spans.append(_DirectSpan(open_at, content_start, pos, pos, match.end()))
            open_at = None
        if open_at is None:
            continue
        following = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else None
        if following is not None and _opens_with_mark(text, following) and open_paragraphs < MAX_QUOTE_PARAGRAPHS:
            skip_mark, open_paragraphs = following, open_paragraphs + 1
        else:
            end = _rstrip(text, p_end)
            spans.append(_DirectSpan(open_at, content_start, end, None, end))
            open_at = None
    return spans


# What _rstrip also drops: a clause's closing punctuation; a quote's closing single marks
# (“… ‘the Queen,’”), which end a quoted quotation, not the quote's own words.
CLAUSE_STOPS = ".,;:!?"
CLOSING_SINGLE_MARKS = "'’"


def _lstrip(text: str, start: int, end: int) -> int:
    """``start`` moved forward over leading spaces, never past ``end``."""
    while start < end and text[start].isspace():
        start += 1
    return start


def _rstrip(text: str, end: int, start: int = 0, also: str = "") -> int:
    """``end`` moved back over trailing spaces and any of the characters ``also`` (a clause's
    closing punctuation, a quote's closing single marks), never before ``start``."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in also):
        end -= 1
    return end


def _quote_text(text: str, start: int, end: int) -> str:
    """The quote's words: paragraph breaks and the marks reopening them removed."""
    words = text[start:end]
    return _QUOTE_LINE_BREAK.sub(" ", words).strip() if "\n" in words else words.strip()


def _content_bounds(text: str, span: _DirectSpan) -> tuple[int, int]:
    start = _lstrip(text, span.content_start, span.content_end)
    return start, _rstrip(text, span.content_end, start, ",;:")


def _mask(text: str, spans: list[_DirectSpan]) -> str:
    """The text with quoted words blanked out (same length), so that cues and sentence ends
    inside quotes are not read as attribution; a quote's final . ! ? is kept to end its sentence.
    ``spans`` come in text order and never overlap (``_direct_spans`` pairs marks left to right)."""
    pieces = []
    done = 0
    for span in spans:
        end = span.content_end
        if end > span.content_start and text[end - 1] in ".!?":
            end -= 1
        pieces.append(text[done : span.content_start])
        # "X", a capital, so that a sentence may end right before a quote
        pieces.append("\n".join("X" * len(line) for line in text[span.content_start : end].split("\n")))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


# ---------------------------------------------------------------- speakers


def _cues(ctx: "_Ctx", start: int, end: int) -> list[re.Match]:
    """The speech cues inside [start, end), from the document's one pass over its masked text."""
    lo = bisect.bisect_left(ctx.cue_starts, start)
    hi = bisect.bisect_left(ctx.cue_starts, end)
    return [cue for cue in ctx.cues[lo:hi] if cue.end() <= end]


def _all_cues(masked: str) -> tuple[list[re.Match], list[re.Match]]:
    """Every ``_CUE`` and every ``_REPORT_CUE`` match in the masked text, in order: what
    ``finditer`` finds, but each regex is tried only where a cue word stands (at an ASCII letter,
    where the per-word scan this replaces tried it)."""
    folded = masked.lower()
    if len(folded) != len(masked) or "ſ" in masked or "ı" in masked:
        folded = masked.translate(_FOLD_TO_ASCII).lower()
    cues, report_cues = [], []
    for word in _CUE_WORD.finditer(folded):
        start = word.start()
        if not masked[start].isascii():
            continue
        cue = _CUE.match(masked, start)
        if cue is not None:
            cues.append(cue)
        report = _REPORT_CUE.match(masked, start)
        if report is not None:
            report_cues.append(report)
    return cues, report_cues


def _speaker_from_mention(m: Mention) -> _Speaker:
    return _Speaker(m.start, m.end, m.canonical)


def _speaker_before(ctx: _Ctx, sent_start: int, cue_start: int) -> _Speaker | None:
    """The subject of a cue verb: the mention or pronoun right before it, the antecedent of
    ", who", the mention heading an interrupted subject ("X, who ..., said"), or the bare phrase."""
    before = ctx.text[sent_start:cue_start]
    m = ctx.mention_ending_at_or_before(cue_start)
    if m is not None and m.start >= sent_start and _GAP_BEFORE_CUE.match(ctx.text[m.end : cue_start]):
        return _speaker_from_mention(m)
    pronoun = _PRONOUN_BEFORE.search(before)
    if pronoun:
        start = sent_start + pronoun.start("p")
        return _Speaker(start, start + len(pronoun.group("p")), None, pronoun.group("p").lower())
    if _AND_BEFORE.search(before):  # "X thanked Y and said ...": the sentence's subject
        subject = _sentence_subject(ctx, sent_start, cue_start)
        if subject is not None:
            return subject
    who = _WHO_BEFORE.search(before)
    if who:
        m = ctx.mention_ending_at_or_before(sent_start + who.start())
        if m is not None and m.start >= sent_start and not ctx.text[m.end : sent_start + who.start()].strip():
            return _speaker_from_mention(m)
    core = _TRAILING_FILLER.sub("", before)
    if core.rstrip().endswith(","):
        for m in ctx.mentions_between(sent_start, cue_start):
            if m.kind in ("PERSON", "ORG") and ctx.text[m.end : m.end + 1] == ",":
                return _speaker_from_mention(m)
        apposed = _SUBJECT_WITH_APPOSITION.fullmatch(core.rstrip())
        if apposed:  # "Htay Oo, its acting chairman, told": a name the NER missed, with its apposition
            return _phrase_speaker(ctx.text, sent_start + apposed.start("np"), sent_start + apposed.end("np"))
    bounds = list(_PHRASE_BOUNDARY.finditer(core))
    clause_start = bounds[-1].end() if bounds else 0
    phrase = core[clause_start:]
    words = phrase.split()
    if not 0 < len(words) <= MAX_SPEAKER_WORDS or words[-1].lower() in _NOT_SUBJECT_END:
        return None  # "going on to say", "has said": the subject is elsewhere in the sentence
    start = sent_start + clause_start + (len(phrase) - len(phrase.lstrip()))
    lead = _LEAD_WORDS.match(ctx.text, start, cue_start).end()
    m = ctx.first_mention_from(start, lead)
    if m is not None and m.kind == "PERSON":  # "but Putin in September publicly acknowledged"
        return _speaker_from_mention(m)
    return _phrase_speaker(ctx.text, start, sent_start + len(core.rstrip()))


def _phrase_speaker(text: str, start: int, end: int) -> _Speaker:
    """A speaker that is no known entity; a bare capitalised name ("Caddell") is its own canonical."""
    phrase = text[start:end]
    named = _NAME_LIKE.fullmatch(phrase) and phrase.split()[0] not in _NOT_NAME_START
    return _Speaker(start, end, normalise_space(phrase) if named else None)


def _sentence_subject(ctx: _Ctx, sent_start: int, limit: int) -> _Speaker | None:
    """A pronoun or name (after any title words) opening the sentence, or opening its main
    clause after introductory phrases ("Eight years ago, he supported Obama and said")."""
    starts = [sent_start] + [sent_start + c.end() for c in _CLAUSE_COMMA.finditer(ctx.masked[sent_start:limit])]
    for pos in starts[:MAX_INTRODUCTORY_PHRASES + 1]:
        pronoun = _CLAUSE_PRONOUN.match(ctx.text, pos, limit)
        if pronoun:
            return _Speaker(pronoun.start("p"), pronoun.end("p"), None, pronoun.group("p").lower())
        word = ctx.text[pos : pos + 20].split()[:1]
        if word and word[0].lower() in _SUBORDINATORS:
            continue  # "After Clinton accused him, he warned": not Clinton
        skip = _TITLE_SKIP.match(ctx.text, pos, limit).end()
        m = ctx.first_mention_from(pos, skip)
        if m is not None and m.kind in ("PERSON", "ORG"):
            return _speaker_from_mention(m)
        nominal = _NOMINAL_SUBJECT.match(ctx.text, pos, limit)
        if nominal:  # "The email goes on to say:" / "A footnote in the report makes that clear:"
            return _Speaker(nominal.start(), nominal.end("np"), None)
    return None


def _speaker_after_quote(ctx: _Ctx, pos: int, limit: int) -> tuple[_Speaker, str, int] | None:
    """Attribution right after a closing mark: “…,” he said / Putin said / said Putin / a spokesman said."""
    text = ctx.text
    match = _AFTER_PRONOUN.match(text, pos, limit)
    if match:
        speaker = _Speaker(match.start("p"), match.end("p"), None, match.group("p").lower())
        return speaker, match.group("cue").lower(), match.start("cue")
    lead = _LEADING_COMMA.match(text, pos, limit).end()
    skip = _TITLE_SKIP.match(text, lead, limit).end()
    m = ctx.first_mention_from(lead, skip)
    if m is not None:
        cue = _FILLER_THEN_CUE.match(text, m.end, limit)
        if cue is None and text[lead : m.end].split()[0].lower() not in _NON_SPEAKER_START:
            cue = _APPOSITIONS_THEN_CUE.match(ctx.masked, m.end, limit)  # not "Of Carson, Levine, who …, said"
        if cue:
            return _speaker_from_mention(m), cue.group("cue").lower(), cue.start("cue")
    match = _AFTER_CUE_FIRST.match(text, pos, limit)
    if match:
        skip = _TITLE_SKIP.match(text, match.end(), limit).end()
        m = ctx.first_mention_from(match.end(), skip)
        if m is not None:
            return _speaker_from_mention(m), match.group("cue").lower(), match.start("cue")
        name = _NAME_LIKE.match(text, match.end(), limit)
        if name and name.group().split()[0] not in _NOT_NAME_START and name.group().split()[0].lower() not in _WEEKDAYS:
            # "said Caddell": a name spaCy missed
            return _phrase_speaker(text, name.start(), name.end()), match.group("cue").lower(), match.start("cue")
        nominal = _nominal_speaker(ctx, match.end(), limit)
        if nominal is not None:  # "said spokesman John Kirby" / "said a strategist for one campaign"
            return nominal, match.group("cue").lower(), match.start("cue")
    match = _AFTER_ACCORDING.match(text, pos, limit)
    if match:
        skip = _TITLE_SKIP.match(text, match.end(), limit).end()
        m = ctx.first_mention_from(match.end(), skip)
        if m is not None and m.kind in ("PERSON", "ORG"):
            return _speaker_from_mention(m), "according to", match.start("cue")
        phrase = _ACCORDING_PHRASE.match(text, match.end(), limit)  # "according to the Las Vegas Sun."
        if phrase:
            m = ctx.first_mention_from(match.end(), phrase.end())
            if m is not None and m.kind in ("PERSON", "ORG") and m.end <= phrase.end():
                return _speaker_from_mention(m), "according to", match.start("cue")
            return _phrase_speaker(text, match.end(), phrase.end()), "according to", match.start("cue")
        return None
    match = _AFTER_NP_CUE.match(ctx.masked, pos, limit)
    if match and not match.group("np").split()[0].lower() in _NON_SPEAKER_START:
        # “…,” the presumptive nominee, Donald Trump, tweeted: the person named in the apposition
        people = [m for m in ctx.mentions_between(match.start("np"), match.end()) if m.kind == "PERSON"]
        if people and match.group("appos"):
            return _speaker_from_mention(people[0]), match.group("cue").lower(), match.start("cue")
        speaker = _phrase_speaker(text, match.start("np"), match.end("np"))
        return speaker, match.group("cue").lower(), match.start("cue")
    return None


def _nominal_speaker(ctx: _Ctx, start: int, limit: int) -> _Speaker | None:
    """A noun phrase up to the next comma or full stop as a speaker: the name that ends it
    ("spokesman John Kirby"), else the phrase itself ("the woman", "another supporter")."""
    phrase = _NOMINAL_SPEAKER.match(ctx.text, start, limit)
    if phrase is None or phrase.group().split()[0].lower() in _NON_CLAUSE_START | _WEEKDAYS:
        return None
    named = [m for m in ctx.mentions_between(start, phrase.end()) if m.kind in ("PERSON", "ORG")]
    if named and named[-1].end == phrase.end():
        return _speaker_from_mention(named[-1])
    return _phrase_speaker(ctx.text, start, phrase.end())


def _main_clause_speaker(ctx: _Ctx, sent_start: int, cue_start: int) -> _Speaker | None:
    """Speaker of a participle cue ("..., adding that"): the sentence's own attribution, else its subject."""
    first_phrase = None
    for cue in _cues(ctx, sent_start, cue_start):  # the main clause's cue comes first
        if _PARTICIPLE.fullmatch(cue.group()) or cue.group().lower().startswith("according"):
            continue
        m = ctx.mention_ending_at_or_before(cue.start())
        if m is not None and m.start >= sent_start and _GAP_BEFORE_CUE.match(ctx.text[m.end : cue.start()]):
            return _speaker_from_mention(m)
        found = _speaker_before(ctx, sent_start, cue.start())
        if found is not None and (found.canonical or found.pronoun):
            return found
        if found is not None and first_phrase is None:
            first_phrase = found
    if first_phrase is not None:  # "a top GOP strategist said Clinton will ..., saying": not Clinton
        return first_phrase
    subject = _sentence_subject(ctx, sent_start, cue_start)
    if subject is not None:  # "Eight years ago, he supported Obama and said": not Obama
        return subject
    for m in ctx.mentions_between(sent_start, cue_start):
        if m.kind == "PERSON":
            return _speaker_from_mention(m)
    if not ctx.text[sent_start:cue_start].strip():  # "Describing X as “…”, he outlined": the main clause follows
        sent_end = min(ctx.sentences[ctx.sentence_of(cue_start)][1], cue_start + MAX_ATTRIBUTION_CHARS)
        comma = _MAIN_CLAUSE_AFTER.search(ctx.masked, cue_start, sent_end)
        if comma:
            if comma.group("p"):
                return _Speaker(comma.start("p"), comma.end("p"), None, comma.group("p").lower())
            m = ctx.first_mention_from(comma.end(), comma.end() + 1)
            if m is not None and m.kind == "PERSON":
                return _speaker_from_mention(m)
    return None


def _resolve_pronoun(ctx: _Ctx, speaker: _Speaker, sentence: int) -> str | None:
    """A he/she speaker is the speaker, else the first person, of the nearest sentence before."""
    if speaker.pronoun not in ("he", "she"):
        return None
    sent_start = ctx.sentence_start(speaker.start)
    lead = ctx.text[sent_start : speaker.start].rstrip()
    if lead and lead[-1] not in ",”\"":  # mid-clause ("a day after he said"): the nearest person before
        people = [m for m in ctx.mentions_between(sent_start, speaker.start) if m.kind == "PERSON"]
        if people:
            return people[-1].canonical
    for index in range(sentence - 1, max(-1, sentence - 1 - PRONOUN_LOOKBACK_SENTENCES), -1):
        if index in ctx.speakers_by_sentence:
            return ctx.speakers_by_sentence[index]
        start, end = ctx.sentences[index]
        for m in ctx.mentions_between(max(start, end - MAX_ATTRIBUTION_CHARS), end):
            if m.kind == "PERSON":
                return m.canonical
    return None


# ---------------------------------------------------------------- reported speech


def _clause_start(ctx: _Ctx, cue: re.Match, sent_end: int) -> int | None:
    """Where the reported clause after a cue begins, or None when the cue takes no clause."""
    pos = cue.end()
    if cue.group().lower() in ("told", "tells"):
        obj = _TOLD_OBJECT.match(ctx.masked, pos, sent_end)
        return obj.end() if obj else None
    time = _TIME_PHRASE.match(ctx.masked, pos, sent_end)
    if time:
        pos = time.end() - 1
    that = _THAT.match(ctx.masked, pos, sent_end)
    if that:
        pos = that.end()
    elif cue.group("part") or cue.group().lower() not in _BARE_CLAUSE_VERBS:
        return None
    pos = _lstrip(ctx.text, pos, sent_end)
    if pos >= sent_end:
        return None
    first = _CLAUSE_FIRST_WORD.match(ctx.text, pos, sent_end)
    if first is None and not _opens_with_mark(ctx.text, pos):
        return None
    if first is not None and first.group().lower() in _NON_CLAUSE_START:
        return None
    return pos


def _clause_end(ctx: _Ctx, start: int, sent_end: int) -> int:
    cut = _CONTENT_CUT.search(ctx.masked, start, sent_end)
    return _rstrip(ctx.text, cut.start() if cut else sent_end, start, CLAUSE_STOPS)


def _indirect_candidates(ctx: _Ctx, used_cues: set[int]) -> list[tuple[int, int, str, str, int, int]]:
    """(start, end, cue, mode, cue_start, sentence_start) of each reported clause; mode is
    finite | part | trailing (CLAUSE, X said)."""
    found = []
    for s_start, s_end in ctx.sentences:
        if s_end - s_start > MAX_SENTENCE_CHARS:
            continue
        spans: list[tuple[int, int]] = []
        free_from = s_start  # a cue inside an earlier reported clause is part of it
        lo = bisect.bisect_left(ctx.report_cue_starts, s_start)
        hi = bisect.bisect_left(ctx.report_cue_starts, s_end)
        for cue in ctx.report_cues[lo:hi]:  # sentences end at a non-word character, so no cue is cut
            if cue.start() in used_cues or cue.start() < free_from:
                continue
            start = _clause_start(ctx, cue, s_end)
            if start is None or _opens_with_mark(ctx.text, start):
                continue
            end = _clause_end(ctx, start, s_end)
            if len(ctx.text[start:end].split()) < MIN_INDIRECT_WORDS:
                continue
            mode = "part" if cue.group("part") else "finite"
            found.append((start, end, cue.group().lower(), mode, cue.start(), s_start))
            spans.append((start, end))
            free_from = end
        found.extend(_according_candidates(ctx, s_start, s_end, spans))
        trailing = _TRAILING_ATTRIBUTION.search(ctx.masked, s_start, s_end)
        if trailing and not _opens_with_mark(ctx.text, s_start) and trailing.start("cue") not in used_cues:
            end = _rstrip(ctx.text, trailing.start())
            overlaps = any(a < end and s_start < b for a, b in spans)
            np_first = trailing.group("np").split()[0].lower()
            if not overlaps and np_first not in _NON_CLAUSE_START and len(ctx.text[s_start:end].split()) >= MIN_INDIRECT_WORDS:
                found.append((s_start, end, trailing.group("cue").lower(), "trailing", trailing.start("cue"), s_start))
    return found


def _according_candidates(ctx: _Ctx, s_start: int, s_end: int, spans: list[tuple[int, int]]) -> list[tuple]:
    """Reported clauses a sentence attributes with "according to", before or after the clause;
    mode "according", cue_start at "according"; each added to ``spans``."""
    found = []
    opening = _ACCORDING_OPENING.match(ctx.masked, s_start, s_end)
    if opening:
        start, end = opening.end(), _rstrip(ctx.text, s_end, opening.end(), CLAUSE_STOPS)
    else:
        after = _ACCORDING_AFTER_CLAUSE.search(ctx.masked, s_start, s_end)
        if after is None:
            return found
        start = _lstrip(ctx.text, s_start, after.start())
        connective = _OPENING_CONNECTIVE.match(ctx.text, start, after.start())
        if connective:
            start = connective.end()
        end = _rstrip(ctx.text, after.start(), start, CLAUSE_STOPS)
        opening = after
    if (
        len(ctx.text[start:end].split()) < MIN_INDIRECT_WORDS
        or _opens_with_mark(ctx.text, start)
        or any(a < end and start < b for a, b in spans)
    ):
        return found
    spans.append((start, end))
    found.append((start, end, "according to", "according", opening.start("cue"), s_start))
    return found


def _according_speaker(ctx: _Ctx, cue_start: int, sent_end: int) -> _Speaker | None:
    """The source named after "according to": its person or organisation, else the phrase."""
    match = _ACCORDING_SOURCE.match(ctx.masked, cue_start, sent_end)
    if match is None:
        return None
    np_start, np_end = match.start("np"), _rstrip(ctx.text, match.end("np"))
    named = [m for m in ctx.mentions_between(np_start, np_end) if m.kind in ("PERSON", "ORG")]
    if named:
        return _speaker_from_mention(named[0])
    return _phrase_speaker(ctx.text, np_start, np_end)


# ---------------------------------------------------------------- find_quotes


def _join_sentences_inside_names(sentences: list[tuple[int, int]], mentions: list[Mention]) -> list[tuple[int, int]]:
    """Sentences rejoined where a break falls inside a name ("former George W. | Bush
    speechwriter ... wrote"): an initial's full stop ends no sentence."""
    starts = sorted(m.start for m in mentions)
    ends = sorted(m.end for m in mentions)
    joined: list[tuple[int, int]] = []
    for start, end in sentences:
        # a mention starting before this sentence and ending inside it spans the break
        inside = bisect.bisect_left(starts, start) - bisect.bisect_left(ends, start + 1)
        if joined and inside > 0:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _make_ctx(text: str, mentions: list[Mention], direct: list[_DirectSpan]) -> _Ctx:
    masked = _mask(text, direct)
    sentences = _join_sentences_inside_names(split_sentences(masked), mentions)
    inside = [(d.content_start, d.content_end) for d in direct]
    starts = [a for a, _ in inside]

    def quoted(m: Mention) -> bool:
        i = bisect.bisect_right(starts, m.start) - 1
        return i >= 0 and inside[i][0] <= m.start < inside[i][1]

    # a weekday the NER took for a name ("Priebus later Thursday told") never speaks
    speakers = (m for m in mentions if not quoted(m) and m.text.lower() not in _WEEKDAYS)
    outside = sorted(speakers, key=lambda m: (m.end, m.start))
    cues, report_cues = _all_cues(masked)
    return _Ctx(
        text, masked, sentences, [s for s, _ in sentences], outside, [m.end for m in outside],
        cues, [c.start() for c in cues], report_cues=report_cues, report_cue_starts=[c.start() for c in report_cues],
    )


def _direct_attribution(ctx: _Ctx, span: _DirectSpan) -> tuple[_Speaker | None, str | None, int | None]:
    """(speaker, cue, cue position) from the shapes around a direct quote, strongest first."""
    end_mark = span.close_mark if span.close_mark is not None else span.content_end
    close_sentence = ctx.sentences[ctx.sentence_of(end_mark)] if ctx.sentences else (0, len(ctx.text))
    close_sentence = (close_sentence[0], min(close_sentence[1], end_mark + MAX_ATTRIBUTION_CHARS))
    content_end = span.content_end
    last_char = ctx.text[_rstrip(ctx.text, content_end, span.content_start, CLOSING_SINGLE_MARKS) - 1 : content_end][:1]
    ends_with_stop = content_end > span.content_start and last_char in ",.!?…"
    after_start = span.after
    limit = max(close_sentence[1], after_start)
    next_word = ctx.text[after_start : after_start + 20].split()[:1]
    if limit == after_start and last_char in "?!." and next_word and next_word[0] not in _NOT_NAME_START:
        # “…?” Clinton said. — the sentence splitter ended the sentence at the mark
        following = ctx.sentences[ctx.sentence_of(after_start + 1)] if ctx.sentences else (0, 0)
        limit = min(max(following[1], after_start), after_start + MAX_ATTRIBUTION_CHARS)
    if ends_with_stop or ctx.text[after_start : after_start + 1] == ",":
        found = _speaker_after_quote(ctx, after_start, limit)
        # after “….” only a bare attribution sentence counts ("Trump said." / "said X, who ..."),
        # not a new statement
        if found is not None and (
            last_char != "." or limit == close_sentence[1] or _ends_attribution(ctx.text, found[2], limit)
            or (ctx.text[found[2]].islower() and found[0].start > found[2])
        ):
            return found
    sent_start = ctx.sentence_start(span.open_mark)
    introduced = _rstrip(ctx.text, span.open_mark)
    if introduced > 0 and ctx.text[introduced - 1] == ":" and introduced <= sent_start:
        sent_start = ctx.sentence_start(introduced - 1)  # "In a 1963 speech, he declared:" ¶ “…”
    cues = [c for c in _cues(ctx, sent_start, span.open_mark) if not c.group().lower().startswith("according")]
    if cues:
        cue = cues[-1]
        if not ctx.text[sent_start : cue.start()].strip() and cue.group()[:1].isupper():
            # "Said Comey, “…”" / "Stated Stone: “…”": the speaker follows the cue
            gap = ctx.text[cue.end() : span.open_mark]
            speaker = _nominal_speaker(ctx, span.open_mark - len(gap.lstrip()), span.open_mark)
            if speaker is not None:
                return speaker, normalise_cue(cue.group()), cue.start()
        if _PARTICIPLE.fullmatch(cue.group()):
            speaker = _main_clause_speaker(ctx, sent_start, cue.start())
        else:
            speaker = _speaker_before(ctx, sent_start, cue.start()) or _main_clause_speaker(ctx, sent_start, cue.start())
        return speaker, normalise_cue(cue.group()), cue.start()
    according = _ACCORDING_BEFORE.search(ctx.masked, sent_start, span.open_mark)
    if according:  # "According to the newspaper, “…”"
        start = according.start("np")
        m = ctx.first_mention_from(start, start + 1)
        end = _rstrip(ctx.text, according.end("np"))
        speaker = _speaker_from_mention(m) if m is not None and m.kind in ("PERSON", "ORG") else _phrase_speaker(ctx.text, start, end)
        return speaker, "according to", according.start()
    colon = _colon_speaker(ctx, span.open_mark)
    if colon is not None:
        return colon, ":", span.open_mark
    according = _AFTER_ACCORDING.match(ctx.text, after_start, max(close_sentence[1], after_start))
    if according:
        rest = ctx.text[according.end() : close_sentence[1]].rstrip(" .")
        return _Speaker(according.end(), according.end() + len(rest), None), "according to", according.start("cue")
    dash = _DASH_BYLINE.match(ctx.text, after_start) or _INLINE_DASH_BYLINE.match(ctx.text, after_start)
    if dash:  # “…” ¶ — Hillary Clinton.
        return _byline_speaker(ctx, dash.end()), BYLINE_CUE, dash.start("dash")
    if ctx.text[sent_start : span.open_mark].strip():
        # no cue, but the quote sits in a sentence about someone ("The judge interrupted me.
        # “…”" is not this; "Huckabee is labeling Obama's actions “…”" is): its subject
        return _sentence_subject(ctx, sent_start, span.open_mark), None, None
    return None, None, None


def _byline_speaker(ctx: _Ctx, start: int) -> _Speaker:
    """The name after a quotation's dash: the mention there, else the words up to the comma."""
    m = ctx.first_mention_from(start, start)
    if m is not None and m.kind in ("PERSON", "ORG"):
        return _speaker_from_mention(m)
    end = start
    while end < len(ctx.text) and ctx.text[end] not in ",.;\n" and end - start < MAX_ATTRIBUTION_CHARS:
        end += 1
    return _phrase_speaker(ctx.text, start, _rstrip(ctx.text, end))


def _with_mixed_tail(ctx: _Ctx, span: _DirectSpan) -> _DirectSpan:
    """“A” that B, said X: a quotation the writer completes in their own words before the
    attribution is one statement up to the comma, whose attribution the quote takes (PolNeAR
    annotates the statement as the content; the quote itself stays the speaker's words A); only
    for a quote opening its sentence, so reported speech with a quoted phrase inside is left alone."""
    if span.close_mark is None or not _MIXED_TAIL_START.match(ctx.text, span.after):
        return span
    if ctx.text[_rstrip(ctx.text, span.content_end, span.content_start, CLOSING_SINGLE_MARKS) - 1] in ".!?…":
        return span  # “…!” the nominee tweeted: the quote ended its own sentence
    s_start, s_end = ctx.sentences[ctx.sentence_of(span.close_mark)] if ctx.sentences else (0, len(ctx.text))
    if ctx.text[s_start : span.open_mark].strip():
        return span
    s_end = min(s_end, span.after + MAX_ATTRIBUTION_CHARS)
    if _speaker_after_quote(ctx, span.after, s_end) is not None:
        return span  # “…,” he said, arguing that …: the quote's own attribution follows its mark
    for comma in re.finditer(",", ctx.masked[span.after : s_end]):
        at = span.after + comma.start()
        if QUOTE_MARKS.search(ctx.text, span.after, at):
            return span
        if _speaker_after_quote(ctx, at, s_end) is not None:
            return replace(span, content_end=at, after=at)
    return span


def _colon_speaker(ctx: _Ctx, open_mark: int) -> _Speaker | None:
    """“X: “…”” with no speech verb ("Shaw agreed: “…”", "When Y died, X released this:"): the
    first person or organisation of the clause before the colon, else the sentence's subject."""
    before = _rstrip(ctx.text, open_mark)
    if before == 0 or ctx.text[before - 1] != ":":
        return None
    sent_start = ctx.sentence_start(before - 1)
    boundaries = list(_COLON_CLAUSE_BOUNDARY.finditer(ctx.masked, sent_start, before - 1))
    clause_start = boundaries[-1].end() if boundaries else sent_start
    pronoun = _CLAUSE_PRONOUN.match(ctx.text, clause_start, before - 1)
    if pronoun:  # "Reid said ..., but he gave the Texan a compliment:"
        return _Speaker(pronoun.start("p"), pronoun.end("p"), None, pronoun.group("p").lower())
    if boundaries and boundaries[-1].group() != ",":  # "POLLS NOT WRONG - Mark Blumenthal:": the name after the dash
        byline = _headline_byline(ctx, clause_start, before - 1)
        if byline is not None:
            return byline
    subject = _sentence_subject(ctx, sent_start, before - 1)
    if subject is not None and not subject.pronoun:  # "McConnell delivered a message to Trump:"
        return subject
    named = [m for m in ctx.mentions_between(clause_start, before - 1) if m.kind in ("PERSON", "ORG")]
    if named:
        return _speaker_from_mention(named[0])
    return subject


def _headline_byline(ctx: _Ctx, start: int, end: int) -> _Speaker | None:
    """The source a round-up names after a headline's dash: its person or organisation, else
    the short phrase itself ("- Pew Research:", "- More from the report:")."""
    named = [m for m in ctx.mentions_between(start, end) if m.kind in ("PERSON", "ORG")]
    if named:
        return _speaker_from_mention(named[0])
    start = _lstrip(ctx.text, start, end)
    if not 0 < len(ctx.text[start:end].split()) <= MAX_SPEAKER_WORDS:
        return None
    return _phrase_speaker(ctx.text, start, end)


def _ends_attribution(text: str, cue_start: int, limit: int) -> bool:
    """The cue word at ``cue_start`` closes its sentence or clause ("Trump said." / "he said, adding")."""
    after = _CUE_WORD_THEN_STOP.match(text, cue_start, limit + 1)
    return after is not None


def normalise_cue(cue: str) -> str:
    return _SPACES.sub(" ", cue.lower())


def normalise_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def find_quotes(text: str, mentions: list[Mention], spacy_doc=None) -> list[Quote]:
    """Direct and reported speech in one clean text, each with its cue and speaker.

    ``spacy_doc`` is accepted for the pipeline's uniform call but not needed: attribution is
    read from punctuation, cue words and the mentions, which keeps this cheap per document.
    """
    spans = _direct_spans(text)
    ctx = _make_ctx(text, mentions, spans)
    direct = [d for d in spans if _word_count(text, d) >= MIN_QUOTE_WORDS]
    # the statement a quote belongs to (“A” that B, said X) gives its attribution; the quote's
    # text and offsets stay the speaker's own words
    statements = {d.open_mark: _with_mixed_tail(ctx, d) for d in direct}
    paragraph_of = _paragraph_index(text)
    items: list[tuple[int, str, object]] = [(d.open_mark, "direct", d) for d in direct]
    # a cue after a kept quote ("“…,” Putin said in remarks that …") introduces no reported clause;
    # one before it may ("Xi said that he … and “exchange views …”")
    used_cues: set[int] = set()
    attributions = {}
    for d in direct:
        attributions[d.open_mark] = found = _direct_attribution(ctx, statements[d.open_mark])
        if found[2] is not None and found[2] > d.content_end:
            used_cues.add(found[2])
    items += [(c[0], "indirect", c) for c in _indirect_candidates(ctx, used_cues)]
    items.sort(key=lambda item: item[0])

    quotes: list[Quote] = []
    # (paragraph, speaker, speaker_start, speaker_end) of the last direct quote
    last_direct: tuple[int, str | None, int | None, int | None] | None = None
    for position, kind, item in items:
        sentence = ctx.sentence_of(position)
        if kind == "direct":
            attribution = attributions[item.open_mark]
            quote = _direct_quote(ctx, item, statements[item.open_mark], attribution, last_direct, paragraph_of)
            if quote is None:
                continue
            last_direct = (paragraph_of(item.content_end), quote.speaker, quote.speaker_start, quote.speaker_end)
        else:
            quote = _indirect_quote(ctx, item)
        if quote.speaker:
            ctx.speakers_by_sentence[sentence] = quote.speaker
        elif (quote.speaker_start is None or quote.cue == "according to") and sentence in ctx.speakers_by_sentence:
            # "Xi said that he would ... and “exchange views …,” according to a translation of his
            # remarks": a cue naming no one leaves the quote to the sentence's speaker
            quote = replace(quote, speaker=ctx.speakers_by_sentence[sentence], speaker_start=None, speaker_end=None)
        quotes.append(quote)
    return quotes


def _paragraph_index(text: str):
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]
    return lambda pos: bisect.bisect_right(breaks, pos)


def _word_count(text: str, span: _DirectSpan) -> int:
    start, end = _content_bounds(text, span)
    return len(text[start:end].split())


def is_title(words: str) -> bool:
    """A quoted name of a show, slogan or programme ("Meet the Press", "Make America Great
    Again"), not speech: short, and every word but minor ones capitalised."""
    tokens = _TITLE_TOKEN.findall(words)
    if not tokens or len(tokens) > MAX_TITLE_WORDS:
        return False
    return all(t[:1].isupper() or t[:1].isdigit() or t.lower() in _TITLE_MINOR_WORDS for t in tokens)


def _direct_quote(
    ctx: _Ctx, span: _DirectSpan, statement: _DirectSpan, attribution, last_direct, paragraph_of
) -> Quote | None:
    """The quote of ``span`` (the speaker's words only), kept or dropped by its whole
    ``statement`` (the quote plus any words the writer completes it with)."""
    words = _word_count(ctx.text, statement)
    if words < MIN_QUOTE_WORDS or is_title(ctx.text[slice(*_content_bounds(ctx.text, statement))]):
        return None
    start, end = _content_bounds(ctx.text, span)
    speaker, cue, _ = attribution
    canonical = _canonical(ctx, speaker, ctx.sentence_of(span.open_mark))
    if cue is None:
        if words < MIN_STANDALONE_WORDS:
            return None
        paragraph = paragraph_of(span.open_mark)
        if speaker is None and last_direct is not None and paragraph - last_direct[0] <= 1 and last_direct[1]:
            return Quote(start, end, _quote_text(ctx.text, start, end), "direct", None, *last_direct[1:])
    return Quote(
        start, end, _quote_text(ctx.text, start, end), "direct", cue, canonical,
        speaker.start if speaker else None, speaker.end if speaker else None,
    )


def _indirect_quote(ctx: _Ctx, item) -> Quote:
    start, end, cue, mode, cue_start, sent_start = item
    if mode == "according":
        speaker = _according_speaker(ctx, cue_start, ctx.sentences[ctx.sentence_of(cue_start)][1])
    elif mode == "part":
        speaker = _main_clause_speaker(ctx, sent_start, cue_start)
    elif mode == "finite":
        speaker = _speaker_before(ctx, sent_start, cue_start) or _main_clause_speaker(ctx, sent_start, cue_start)
    else:
        speaker = _speaker_before(ctx, end, cue_start)
    canonical = _canonical(ctx, speaker, ctx.sentence_of(start))
    return Quote(
        start, end, _quote_text(ctx.text, start, end), "indirect", cue, canonical,
        speaker.start if speaker else None, speaker.end if speaker else None,
    )


def _canonical(ctx: _Ctx, speaker: _Speaker | None, sentence: int) -> str | None:
    if speaker is None:
        return None
    if speaker.pronoun:
        return _resolve_pronoun(ctx, speaker, sentence)
    return speaker.canonical


def join_split_quotes(text: str, quotes: list[Quote]) -> list[list[Quote]]:
    """Quotes in text order, grouped so that a split quote (“A,” he said, “B.”) is one group.

    Two direct quotes join when only their attribution stands between them in one paragraph
    and the second names no other speaker: annotators (PolNeAR) and readers treat the two
    parts as one statement.
    """
    groups: list[list[Quote]] = []
    for quote in sorted(quotes, key=lambda q: (q.start, q.end)):
        last = groups[-1][-1] if groups else None
        if last is not None and quote.kind == last.kind == "direct" and _split_gap(text, last, quote):
            groups[-1].append(quote)
        else:
            groups.append([quote])
    return groups


def _split_gap(text: str, first: Quote, second: Quote) -> bool:
    """Only the first part's attribution, or a paragraph break, stands between two parts of one
    speaker's statement, and the second part is not attributed after it."""
    gap = text[first.end : second.start]
    if len(gap.split()) > MAX_SPLIT_GAP_WORDS or not QUOTE_MARKS.search(gap):
        return False
    if second.speaker_start is not None and second.speaker_start > second.start:
        return False  # the second part has an attribution of its own after it
    if first.cue == BYLINE_CUE:
        return False  # “A” ― X¶“B”: a byline closes its quotation
    if second.speaker != first.speaker and second.speaker is not None:
        return False
    if second.speaker_start is not None and second.speaker_start != first.speaker_start:
        return False  # “A,” Clinton wrote. Still, she added, “B.”: a statement of its own
    before_second = QUOTE_MARKS.sub("", gap).rstrip(" \t")[-1:]
    if before_second not in (",", ".", ":", ";", "\n", ""):
        return False  # “A,” X said the plan is “B”: a partial quote inside reported speech
    words = QUOTE_MARKS.sub(" ", gap).strip(" \n,.;:")
    if "\n" in gap:  # a new paragraph continues only an unattributed quote
        return not words or (second.cue is None and first.speaker_start is not None and first.end <= first.speaker_start)
    return not words or (first.speaker_start is not None and first.end <= first.speaker_start < second.start)


def quotes_in_text(text: str, nlp) -> list[Quote]:
    """Quotes of one raw text (no cleaning), offsets into it: what ``storyline quotes`` prints."""
    from .entities import find_mentions

    parsed = nlp(text)
    return find_quotes(text, find_mentions(text, parsed), parsed)


def quote_record(quote: Quote) -> dict:
    """The JSON line of one quote: text, offsets, kind, cue, canonical speaker and its span."""
    return {
        "text": quote.text, "start": quote.start, "end": quote.end, "kind": quote.kind, "cue": quote.cue,
        "speaker": quote.speaker, "speaker_start": quote.speaker_start, "speaker_end": quote.speaker_end,
    }


# ---------------------------------------------------------------- merge_quotes


def normalise_quote(text: str) -> str:
    """Case, accents, punctuation and spacing folded: the wording only."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("’", "'")
    return " ".join(re.findall(r"[\w']+", text))


def quote_cluster_id(normalised: str) -> str:
    return hashlib.sha1(normalised.encode()).hexdigest()[:16]


def _same_quote(a: str, b: str) -> bool:
    if fuzz.ratio(a, b) >= QUOTE_MATCH_RATIO:
        return True
    shorter = a if len(a) <= len(b) else b
    return len(shorter.split()) >= MIN_CONTAINED_WORDS and fuzz.partial_ratio(a, b) >= CONTAINED_MATCH_RATIO


def _blocks(norm: str) -> set[str]:
    words = norm.split()
    if len(words) < BLOCK_NGRAM:
        return {norm}
    return {" ".join(words[i : i + BLOCK_NGRAM]) for i in range(len(words) - BLOCK_NGRAM + 1)}


def merge_quotes(docs: list[Document], source_of: dict[str, str] | None = None) -> list[QuoteCluster]:
    """The same quote across documents (and repeated inside one) as one cluster with every occurrence."""
    source_of = source_of or {}
    entries = []  # (doc_id, quote, normalised)
    for doc in sorted(docs, key=lambda d: d.id):
        for q in sorted(doc.quotes, key=lambda q: (q.start, q.end)):
            norm = normalise_quote(q.text)
            if norm:
                entries.append((doc.id, q, norm))
    # ids zero-padded so that the sets' smallest-id names are each cluster's first member
    width = len(str(len(entries)))
    ids = [f"{i:0{width}d}" for i in range(len(entries))]
    sets = DisjointSets()
    # each quote is compared once with each cluster it shares a word n-gram with (through the
    # cluster's first member), so a quote repeated by hundreds of outlets costs one comparison
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i, (_, q, norm) in enumerate(entries):
        candidates = set()
        for block in _blocks(norm):
            postings = index[(q.kind, block)]
            candidates.update(sets.find(j) for j in postings)
            postings.append(ids[i])
        for root in sorted(candidates):
            if sets.find(ids[i]) != sets.find(root) and _same_quote(norm, entries[int(root)][2]):
                sets.union(ids[i], root)
    groups: dict[str, list[int]] = defaultdict(list)
    for i in range(len(entries)):
        groups[sets.find(ids[i])].append(i)
    clusters = [_cluster([entries[i] for i in members], source_of) for members in groups.values()]
    return sorted(clusters, key=lambda c: (-len(c.occurrences), c.id))


def _cluster(members: list[tuple[str, Quote, str]], source_of: dict[str, str]) -> QuoteCluster:
    fullest = min(members, key=lambda e: (-len(e[2]), e[0], e[1].start))
    speakers = Counter((q.speaker_entity_id, q.speaker) for _, q, _ in members if q.speaker)
    speaker_id, speaker = (None, None)
    if speakers:
        speaker_id, speaker = min(speakers, key=lambda s: (-speakers[s], str(s)))
    occurrences = sorted((doc_id, q.start, q.end) for doc_id, q, _ in members)
    sources = {source_of.get(doc_id, doc_id) for doc_id, _, _ in occurrences}
    return QuoteCluster(
        id=quote_cluster_id(fullest[2]),
        text=fullest[1].text,
        speaker=speaker,
        speaker_entity_id=speaker_id,
        occurrences=occurrences,
        independent_sources=len(sources),
        kind=fullest[1].kind,
    )
