"""Sentence spans of clean text, shared by every stage that cites or aligns sentences."""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets) before
# whitespace and a capital, digit or opening quote; common abbreviations do not end one.
SENTENCE_END = re.compile(r"""[.!?]['"’”)\]]*(?=\s+['"‘“(\[]?[A-Z0-9])""")
# Titles and names written before a name ("Lt. Gen. John Smith", "St. Petersburg", "Mt. Kenya"),
# company suffixes and Latin short forms: none of them ends a sentence in news text.
ABBREVIATIONS = frozenset(
    "mr mrs ms messrs dr prof rev hon msgr gen col lt maj adm brig cmdr cpl pvt sgt capt supt insp det "
    "gov sen rep atty st mt jr sr inc ltd co corp vs u.s u.k u.n e.g i.e "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Short forms that take a number ("the No. 2 official", "Art. 5", "Vol. 3", "pp. 12", "Fig. 4"):
# a sentence goes on where a digit follows them. Several are words too ("no.", "art."), and a
# sentence rarely opens with a numeral, so only a following digit keeps them from ending one.
NUMBER_ABBREVIATIONS = frozenset("no nos nr art arts vol vols p pp fig figs ch chap sec para tab eq pt".split())
FOLLOWED_BY_DIGIT = re.compile(r"\s*\d")
ABBREVIATION_WINDOW = 40  # characters before a mark where the abbreviation is looked for


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, never crossing a paragraph break."""
    spans = []
    for paragraph in re.finditer(r"[^\n]+", text):
        start = paragraph.start()
        for match in SENTENCE_END.finditer(paragraph.group()):
            cut = paragraph.start() + match.end()
            mark = paragraph.start() + match.start() + 1
            # the word before the mark, from a short window: searching the whole sentence so far
            # at every mark made long paragraphs quadratic (a longer word is no abbreviation anyway)
            word = re.search(r"([\w.]+)[.!?]$", text[max(start, mark - ABBREVIATION_WINDOW) : mark])
            if word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
                continue
            if (word and text[mark - 1] == "." and word.group(1).lower() in NUMBER_ABBREVIATIONS
                    and FOLLOWED_BY_DIGIT.match(paragraph.group(), match.end())):
                continue
            spans.append(strip_span(text, start, cut))
            start = cut
        spans.append(strip_span(text, start, paragraph.end()))
    return [span for span in spans if span[1] > span[0]]


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
