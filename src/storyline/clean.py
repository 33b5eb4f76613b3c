"""Clean stage: turn a scraped page (plain-text dump or HTML) into body paragraphs and metadata.

Reads ``Document.raw_text``, ``raw_format``, ``given``; fills ``clean_text``, ``paragraphs``,
``title``, ``outlet``, ``byline``, ``dateline``, ``date_stamp``, ``url``, ``language``,
``removed_lines`` and, only when a full explicit date is printed or given, ``published``.

Plain text is cut into units (a line, or a re-flowed paragraph of a hard-wrapped block), units
split around link text are re-joined, and each unit is judged by general features (word shape,
widget/promotion vocabulary, sentence shape, position before/after the article core, repetition
across the batch) rather than by known strings. Text is hostile input: every regex here is
anchored or bounded, and nothing scans a line more than a constant number of times.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import islice
from datetime import date

from lxml import etree, html as lxml_html

from storyline.model import DateInference, Document, Paragraph

# --- thresholds -------------------------------------------------------------------------

# A normalised line seen in at least this many distinct documents of a batch is template
# chrome. Two is too few: a copy/rewrite pair (a wire story and its reprint) shares lines
# legitimately; three unrelated pages carrying the same short non-prose line is already strong
# evidence of a site template. Kept absolute (not a share of the batch) because one site's
# template may cover only a few documents of a large multi-site batch.
CHROME_MIN_DOCUMENTS = 3
# Corpus repetition alone never removes prose: a repeated line must also be short and either
# not sentence-shaped or carry widget/promotion words (syndicated copies repeat real sentences).
CHROME_MAX_WORDS = 20

# A line/paragraph of at most this many words whose content words are mostly widget words
# ("Share and Follow", "Leave a Comment", "Loading next article...") is chrome anywhere.
WIDGET_MAX_WORDS = 8
WIDGET_MIN_SHARE = 0.5  # half the content words: "Site icon <Name>" is 2/4, prose headings ~0
# Promotion / author-bio / newsletter units are removed only outside the article core; at
# most this many words, and at least this share of content words from the promotion list.
# 0.4 separates the seeds' bios and pushes (>= 0.5) from their body sentences (<= 0.2).
PROMO_MAX_WORDS = 30
PROMO_MIN_SHARE = 0.4
# A unit that anchors the article core: sentence-shaped with at least this many words.
# Ledes and body paragraphs of news text run 15-60 words; 8 keeps short ledes.
CORE_MIN_WORDS = 8
# Units of at most this many words with no capital letter ("admin", "loader") are account
# names or widget ids, never article text.
LOWERCASE_TINY_WORDS = 2
# Characters typical of code/markup; prose has almost none, scripts and styles are dense.
CODE_CHAR_MIN_SHARE = 0.08
CODE_CHAR_MIN_COUNT = 3

# Hard-wrap detection: enough multi-word lines, a narrow width (terminals and mail wrap at
# 60-100 columns; 140 leaves room) and a real share of lines continuing in lower case.
WRAP_MIN_LINES = 6
WRAP_MAX_WIDTH = 140
WRAP_WIDTH_QUANTILE = 0.9  # robust to a single long title or URL line
WRAP_MIN_CONTINUATION = 0.2  # wrapped prose: ~40% of lines start lower case; line-per-paragraph: ~0-5%
# In wrapped text a line shorter than this share of the width that ends without sentence
# punctuation and is followed by a capitalised line is a heading or title, not a wrapped line.
WRAP_HEADING_RATIO = 0.75
# A fragment ending without sentence punctuation is joined to the next unit only if it has
# at least this many words (a cut sentence, not a heading).
JOIN_MIN_WORDS = 6

# Titles: word-count bounds of a title-like line at the top of the page.
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 30
TITLE_MAX_CHARS = 300
# Metadata patterns are only tried on short lines (bounded work on hostile input).
META_LINE_MAX_CHARS = 300
# Language guess: share of tokens that are the language's function words; English prose
# scores 0.35-0.5, other languages' text under ~0.05 on the English list.
LANG_MIN_SHARE = 0.15
LANG_SAMPLE_CHARS = 20000
# The one character whose lower case is no longer one letter ("İ" -> "i" + combining dot, not a
# word character): the only way lower-casing a text changes where its words split.
LOWER_SPLITS_WORD = "\u0130"
# trafilatura settings measured on the AEB benchmark (word-4-gram P/R/F1 over 181 pages):
# default 0.942/0.978/0.960, favor_recall 0.941/0.979/0.959, favor_precision 0.958/0.971/0.964;
# with this stage's widget filter and fragment joining on top: 0.961/0.970/0.966.
HTML_FAVOR_PRECISION = True
# htmldate without extensive search (markup and metadata only, no guessing from free text):
# on 251 dated WCXB pages 209 match the reference, 34 differ (almost all where the page's own
# published-time metadata differs from the reference too), 8 none; a hand-written reader of
# explicit published-time tags alone got 173/26/52, so htmldate is used as is (on the tree
# trafilatura's body is taken from: one parse per page instead of two; see _page_metadata).
HTML_DATE_EXTENSIVE = False
# trafilatura's fast mode (no readability/jusText comparison) measured on the first 60 AEB and
# 100 WCXB pages through this stage: AEB F1 0.9629 -> 0.9627, WCXB 0.9384 -> 0.9358, 1.7x the
# pages per second. Off for now (the WCXB loss is real); with one parse per page this stage ran
# at 0.86x trafilatura default's pages/s over both whole sets (3.8 vs 4.4, shared machine).
# On the tune halves fast mode alone: AEB 0.966 -> 0.952 (one page emptied), WCXB -0.0015;
# fast first and the full mode again where fast keeps < 0.5 of the visible words recovers
# both exactly but re-runs 31% of pages (no faster); at 0.3 (15%) WCXB stays -0.0014.
# Per page (80 pages, CPU, every tool warmed): trafilatura as called here ~49 ms, trafilatura
# default ~50 ms, this stage ~65 ms (HTML normalisation ~4, the plain-text fallback ~8 on
# average, units and widgets ~4). With the fallback's runs cut (HTML_FALLBACK_LINE_MIN_WORDS)
# and no whole-page normalisation, every 4th benchmark page (244, CPU): trafilatura default
# 49.5 ms, this stage 49.6 (its trafilatura call on the parsed tree 38.7, parsing 2.8, visible
# text 2.0); whole sets through bench/extraction.py 0.90x trafilatura's pages per CPU-second.
# trafilatura's metadata search was 11.4 ms of a page, 4.4 of them categories, tags and licence,
# which this stage never reads: _page_metadata skips those. Then (all 974 pages, CPU, warmed,
# shared machine; ms per page): trafilatura's body call 31.0, metadata 8.4 (author search 4.7,
# htmldate 1.5), parsing 2.5, the plain-text fallback 3.8 on average (run on ~6% of pages),
# fragments and widgets ~1.5, visible text 0.8, language 0.8, recovery of dropped prose 0.8;
# whole sets through bench/extraction.py --mode html 0.94x trafilatura default's pages per
# CPU-second (19.7 vs 20.9). What is left above trafilatura's own cost is mostly the fallback.
# Then widget/core verdicts shared within a plain-text page, short word reads in the widget test
# and fragment joining, and a cheaper language guess (same output on all 974 pages) took this
# stage's own CPU per page (all but trafilatura's body and metadata calls) from 14.0 to 10.7 ms
# (A/B in one process, trafilatura cached): whole sets through bench/extraction.py --mode html
# 0.99x trafilatura default's pages per CPU-second (17.8 vs 17.9; wall 11.7 vs 11.7), shared
# machine. The fallback stays (~3.7 ms/page on average): a cheap pre-test from trafilatura's
# words, the dump's prose-line words and the share of them trafilatura's text holds did not
# separate its ~16 wasted runs from the 43 that replace the body (they overlap at 0.2-0.3).
# Most of a page's CPU is trafilatura's: its body call ~28 ms (of that ~10 in OVERALL_DISCARD_XPATH,
# run twice in precision mode, its re:test calls Python per element), metadata ~7.5, parsing ~2.5.
# Then the page tree with lxml's C-level element classes (load_page_tree: ~2 ms a page), the unit
# model's trees walked deepest first (~3x), str.count/replace for str.translate (slow on
# non-ASCII text) and each plain-text unit normalised once; same output on all 974 pages and
# their dumps, CPU per page (A/B in one process) HTML 51.8 -> 48.8 ms, plain-text dumps 39.8 ->
# 26.7: whole sets through bench/extraction.py --mode html --warm-up 20 0.98x -> 1.02-1.05x
# trafilatura default's pages per CPU-second (two runs; 0.96x with comments off), shared machine.
# Fast mode is now tried first, and the full mode runs only where fast mode kept fewer words than
# this share of the dump's prose-line words (it may have missed the article: the plain-text
# fallback's bar). All 974 pages, this stage with full mode only / fast first (one process):
# AEB F1 0.9796 / 0.9796, WCXB 0.9522 / 0.9523; 105 pages (11%) run both. Fast mode alone gave
# 0.9748 / 0.9514 (it misses the article on pages the full mode finds); a bar of 0.2 gave AEB
# 0.9818 from a single page just under it and 0.1 WCXB 0.9517.
HTML_FULL_MODE_RATIO = 0.3
# trafilatura sometimes misses the article container and returns a fragment. When it keeps
# fewer words than this share of what the plain-text path keeps from the page's visible text,
# the plain-text path's body is used. Measured on the held-out halves (80 WCXB, 89 AEB pages):
# WCXB mean bag F1 0.920 -> 0.962 at 0.3 (0.958 at 0.5), AEB F1 0.960 -> 0.958 (0.948 at 0.5);
# 0.3 replaces trafilatura only where it clearly failed.
HTML_FALLBACK_RATIO = 0.3
# The plain-text path is only worth running when it could beat trafilatura, and what it keeps
# is close to the dump's words in lines of at least this many words (prose; menus and teasers
# are shorter): on all 974 benchmark pages it kept at most 1.15x those words. Running it only
# when trafilatura's words fall below HTML_FALLBACK_RATIO of them (instead of all the dump's
# words) cut its runs from 104 to 59 pages without losing any of the 42 pages whose body it
# replaces (the closest came within 1.09x of the bar); the body of every page is unchanged.
HTML_FALLBACK_LINE_MIN_WORDS = 8
# What trafilatura keeps that neither benchmark's gold does (error analysis of the tune
# halves): a trailing run of short promotion lines ("Subscribe to our newsletters", "Follow X
# on Twitter"), wire credits at the end ("Reporting by A; Editing by B", "C contributed to
# this report": in 1 of 974 gold texts) and a blog's comment thread after the article (headed
# "Name on <date> at <time> said:"). Tune halves: AEB F1 0.966 -> 0.971 (17 of 495 pages
# changed), WCXB unchanged (+0.0001). A credit line is short: the longest seen was 25 words.
# The same rules (with the teaser and push lines below) on the plain-text path's body, tune /
# check halves of the dumps: AEB 0.889 / 0.910 -> 0.894 / 0.911, WCXB 0.928 / 0.916 -> 0.929 / 0.917.
CREDIT_MAX_WORDS = 40
# trafilatura also drops prose inside the article it found (a paragraph in a <div> it judged
# boilerplate, text between two tables or lists). Lines of the page's visible text lying
# between two lines trafilatura kept, that it dropped, are put back when they are
# sentence-shaped prose of at least HTML_RECOVER_MIN_WORDS words, once on the page, not a
# truncated excerpt ("..."), and not inside a widget (below). Only pages where trafilatura kept
# fewer words than HTML_RECOVER_SHARE of the dump's prose lines are looked at. Tune halves
# (bench/extraction.py --mode html --split tune), share x minimum words: WCXB / AEB F1, this
# step's CPU ms per page on average (shared machine), from 0.9411 / 0.9702: 0.6 x 20 0.9472 /
# 0.9702, 0.5 ms; 0.8 x 20 0.9486 / 0.9704, 0.8 ms; 0.8 x 12 0.9492 / 0.9701, 1.0 ms;
# 1.0 x 8 0.9506 / 0.9703, 2.2 ms; every page x 8 0.9509 / 0.9703, 2.9 ms. 0.8 x 20 is cheap
# and costs AEB nothing; on the check halves it gives WCXB 0.9373 -> 0.9415, AEB 0.9587 (the
# same; 1.0 x 8: 0.9430 / 0.9590). The plain-text path's units instead of the raw lines scored
# the same (0.9449 / 0.9702 at 0.6 x 20, before the widget test took its present form) at
# ~60 ms a page it ran on. Re-measured with the chunk rule below and the teaser/tail trims
# (offline on the 940 pages whose trafilatura body is kept, tune / check halves, recovery's CPU
# a page on average, shared machine), from 0.8: WCXB 0.9500 / 0.9527, AEB 0.9754 / 0.9823;
# 0.9 WCXB 0.9507 / 0.9534, AEB 0.9755 / 0.9823, +0.4 ms; 0.95 WCXB 0.9512 / 0.9539, +0.9 ms;
# 1.0 WCXB 0.9514 / 0.9542, AEB 0.9754 / 0.9823, +1.5 ms (the pages above 0.8 mostly lose list
# items and subheadings in short runs). 0.9 takes half the gain at a quarter of the cost; with
# trafilatura's fast mode first (HTML_FULL_MODE_RATIO) the stage has time to spare, so 1.0.
HTML_RECOVER_SHARE = 1.0
HTML_RECOVER_MIN_WORDS = 20
# What trafilatura dropped rightly sits in widgets: link text, captions, asides, forms, page
# furniture, and elements whose class or id names a widget (bios, teasers, newsletter boxes,
# cookie dialogs). An element holding a paragraph trafilatura kept is a layout wrapper (CMS
# classes like "widget-span" or "header-top-sidebar-left-content" wrap whole articles), not a
# widget. Without the widget test, 0.6 x 20 put back bios, photo captions and subscription
# pushes (AEB 0.9697, check half 0.9571 instead of 0.9587).
RECOVER_CHROME_TAGS = frozenset({"a", "aside", "button", "figcaption", "figure", "footer", "form", "header", "label", "nav"})
RECOVER_CHROME_ATTR_WORDS = (
    "caption", "credit", "bio", "author", "related", "promo", "newsletter", "subscri", "signup", "share", "social",
    "comment", "sidebar", "widget", "advert", "sponsor", "teaser", "recommend", "popular", "trending", "cookie",
    "consent", "gdpr", "modal", "popup",
)
# Characters of a line's start looked for in an element's text (long enough to be that line).
RECOVER_PROBE_CHARS = 40
# A widget is small: a marked element with more text than this (~800 words) is a layout
# wrapper whatever its class says ("layout-content ... sidebar-right" around a whole guide).
# Tune halves at 0.8 x 20: WCXB 0.9465 without this cap, 0.9486 with it; AEB the same.
RECOVER_WIDGET_MAX_CHARS = 5000
# A line at least this share of whose word 4-grams trafilatura kept is already in the body
# (the same text split or marked up differently), not dropped.
RECOVER_NGRAM = 4
RECOVER_KEPT_SHARE = 0.5
# Lines tested against the page's widgets at most: the tune halves needed at most 84 (median
# 5). A page with more dropped lines inside the span holds another region, not holes, and each
# line costs a substring test per widget element (a hostile page could hold thousands).
RECOVER_MAX_CANDIDATES = 300
# The plain-text path keeps what looks like prose, and a short article's page may hold far more
# prose in its comment thread or in teaser lists: on the 41 benchmark pages (974) where it
# replaced trafilatura's body, 10 scored worse (AEB 0.23 instead of 1.00 on a 191-word story
# under 1,272 words of comments), and on 9 of them >= 0.97 of the words it added lay in elements
# named like comments, sidebars, bios or teasers, against <= 0.61 on every page it improved. The
# dump's prose lines trafilatura left out tell the same before the plain-text path runs: >= 0.88
# of their words in such elements on those 10 pages, <= 0.44 on every page it improved, so the
# path is not run when FALLBACK_CHROME_SHARE of them are (this also skips 9 of its ~25 runs
# that changed nothing). "widget" alone does not count here: page builders name the article's own containers
# so ("elementor-widget-theme-post-content", "ck-widget", "c-product-widget"; the two pages the
# fallback rescues from such containers have 1.00 of their added words in them with it).
FALLBACK_CHROME_SHARE = 0.8
# Lines looked up at most (evenly spaced): each costs a substring test per named element, and a
# hostile page could hold thousands of both. The benchmark pages had at most 269 prose lines.
FALLBACK_CHROME_MAX_LINES = 300
FALLBACK_CHROME_ATTR_RE = re.compile("|".join(w for w in RECOVER_CHROME_ATTR_WORDS if w != "widget"))
TRUNCATED_RE = re.compile(r"(?:\.\.\.|…)\W{0,3}$")
CREDIT_RE = re.compile(r"\b(?:reporting|editing|writing) by\b|contributed (?:reporting )?to this (?:report|story|article)", re.IGNORECASE)
COMMENT_HEADER_RE = re.compile(
    r"^.{1,80}\bon \S.{3,40}\bat \d{1,2}[:.]\d{2}\s?(?:[ap]\.?m\.?)?\s*(?:said|says|wrote):?$", re.IGNORECASE
)
# Lines trafilatura keeps inside the article that neither benchmark's reference does (extra
# lines of the tune halves' worst pages where trafilatura's body was used, 45 a set, counted by
# class): teaser labels and the headline after them ("Related: <headline>", "SEE MORE: ...",
# "Also on <site> ...", "You may also like...", "Continue Reading Below": 13 AEB / 39 WCXB pages),
# the page's own <h1> repeated as the first paragraph (11 / 84) and closing pushes the promotion
# vocabulary misses ("Listen live ...", "Have a tip? X may be reached at ...", "Get ... delivered
# to your inbox": 13 / 17). Each alone, offline on the benchmark pages (AEB / WCXB F1, tune
# halves from 0.9725 / 0.9489, check halves from 0.9733 / 0.9511): teaser labels 0.9738 / 0.9490,
# check 0.9747 / 0.9514; repeated <h1> 0.9736 / 0.9491, check 0.9734 / 0.9512; pushes 0.9736 /
# 0.9490, check 0.9738 / 0.9512; all three 0.9760 / 0.9493, check 0.9754 / 0.9515. Tried and
# left out: dropping kept paragraphs lying in widget elements (_widget_elements' tags and names,
# holding < 0.3 of the body): AEB tune +0.0011 but check -0.0013, WCXB -0.01 (page builders'
# "widget" containers); caption and credit lines ("©", "Photo:"): AEB check -0.0011 (its
# references keep some credits); any headline-shaped first line, not only the <h1>: drops deks
# and product lines the references keep; "email/contact X at" closings: WCXB's keep them.
# In the tree they went into, bench/extraction.py --mode html --no-anchors with the three steps
# toggled: AEB tune 0.9725 -> 0.9766 (P 0.9611 -> 0.9688), check 0.9798 -> 0.9825; WCXB tune
# 0.9497 -> 0.9502, check 0.9524 -> 0.9528; ~0.2 ms CPU a page.
# A teaser line is short: those found on the 974 pages ran to 18 words; at 12 AEB tune fell to 0.9731.
TEASER_MAX_WORDS = 20
TEASER_LABEL_RE = re.compile(
    r"^\W{0,3}(?:related(?: posts?| articles?| stories| content| reading| coverage)?|also on|also|see also|see more"
    r"|more from|don'?t miss|you (?:may|might) also (?:like|enjoy)|most (?:read|popular|viewed)"
    r"|recommended(?: for you| reading)?|trending(?: now| news)?|continue reading(?: below)?|more (?:stories|coverage|news)"
    r"|latest (?:news|stories)|keep reading|further reading|read more|read also|also read)"
    r"(?:\s{0,3}(?:[:|»\]…–—-]|\.\.\.)|\s*$|\s{1,3}on\s\S{1,60}\.\w{2,4}\b)",  # a label: a separator, the line's end or "on site.com" follows
    re.IGNORECASE,
)
# Closing pushes: the run of such lines at the end goes, as the promotion run does (a push is at
# most as long as a credit line: the longest found on the 974 pages had 37 words).
PUSH_MAX_WORDS = CREDIT_MAX_WORDS
PUSH_RE = re.compile(
    r"\b(?:click here|follow (?:us|him|her|me|them)\b|subscrib|sign up|newsletter|you (?:may|might) also like"
    r"|listen (?:live|back)|delivered to your inbox|open thread|letters to the editor|may be reached"
    r"|reach (?:the reporters?|him|her|them)\b)",
    re.IGNORECASE,
)

# --- vocabularies (general web-page words, not any site's strings) -------------------------

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other ought
    our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up upon very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves you've you're you'll i'm it's he's she's we're they're don't doesn't didn't isn't
    wasn't weren't won't can't""".split()
)
# Words of share/follow/comment/loader/navigation widgets.
WIDGET_WORDS = frozenset(
    """share shares shared sharing follow followers facebook twitter linkedin whatsapp telegram
    instagram youtube pinterest reddit tumblr email e-mail print comment comments reply replies
    loading loader load next previous prev article articles menu search login signup
    subscribe subscribed newsletter cookie cookies privacy policy terms advertisement advert
    advertising sponsored ad ads skip content navigation click tap source link links
    exit mobile version site icon logo tags tag related read error rss feed copyright reserved
    rights toggle""".split()
)
# Reader address and self-promotion of sites, newsletters and author boxes.
PROMO_WORDS = frozenset(
    """you your yours you've you're us our ours story stories news breaking exclusive exclusives
    miss never platforms platform publishes published publish publishing independent free
    passionate delivering deliver creator content quality high-quality latest updates update
    alerts alert inbox daily weekly subscribe subscription newsletter follow following join
    debates podcast app download support donate journalism digest team""".split()
) | WIDGET_WORDS
# Function words a cut sentence can end on (lower case in the text): "share of" / "Chinese yuan".
OPEN_TAIL_WORDS = frozenset(
    """a an the of to in on for with and or but by from at as that which who whom whose its their
    his her our your is are was were be been than into about between over under per nor""".split()
)
LANGUAGE_STOPWORDS = {
    "en": frozenset("the of and to in a is that for it on with as was at by he said from his".split()),
    "de": frozenset("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine".split()),
    "fr": frozenset("le la les de des et en un une du est que dans pour qui au sur pas par".split()),
    "es": frozenset("el la de que y en los del se las por un una para con no es al lo".split()),
    "it": frozenset("il di che la e per un una del della in non sono le da si con gli".split()),
    "pt": frozenset("o a de que e do da em um para com não uma os no se na por".split()),
    "nl": frozenset("de het een en van in is dat op te zijn met voor niet aan er die".split()),
}
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

# --- patterns (all bounded; matched on short strings only) ---------------------------------

WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
TOKEN_RE = re.compile(r"\w+")
TAG_RE = re.compile(r"</?[a-z][a-z0-9]{0,10}(?:\s[^<>\n]{0,200})?/?>")  # real tags, not "<Book Title>"
TERMINAL_RE = re.compile(r"""(?:[.!?…:;]['"’”)\]]{0,3}|['"’”])\s*$""")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s[A-Z]{2,4})?"
_DATE = (
    rf"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{{0,6}},?\s)?"
    rf"(?:{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s{_MONTH}(?:,?\s\d{{4}})?"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,4}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?)"
)
DATE_STAMP_RE = re.compile(rf"(?:{_DATE}(?:,?\s(?:at\s)?{_TIME})?|{_TIME})")
TRAILING_STAMP_RE = re.compile(rf"\s(?P<stamp>{DATE_STAMP_RE.pattern})\s*$")
DATE_LINE_RE = re.compile(
    rf"^(?:(?P<label>published|posted|updated|last updated|first published)(?:\s+on)?:?\s+)?"
    rf"(?P<stamp>{DATE_STAMP_RE.pattern})\s*$",
    re.IGNORECASE,
)
BYLINE_RE = re.compile(
    r"^[Bb]y\s+(?P<name>[A-Z][\w.'’-]{0,30}(?:\s+(?:[A-Z][\w.'’-]{0,30}|and|&|de|van|von|da|del|bin)){0,5})\s*$"
)
DATELINE_RE = re.compile(
    r"^(?P<dl>(?:(?P<place>[A-Z][A-Za-z.'’-]{1,30}(?:[ ,]{1,2}[A-Z][A-Za-z.'’-]{1,30}){0,3}"
    r"(?:,\s[A-Z][a-z]{2,8}\.?\s\d{1,2})?)\s)?\((?P<agency>[A-Z][\w&.'’ -]{0,40}?)\))\s{0,3}(?:--|[—–-])\s{1,3}"
)
CAPS_DATELINE_RE = re.compile(
    r"^(?P<dl>[A-Z][A-Z.'’-]{1,30}(?:[ ,]{1,2}[A-Z][A-Z.'’-]{1,30}){0,3})\s{1,3}(?:--|[—–])\s{1,3}(?=[A-Z\"“])"
)
SITE_ICON_RE = re.compile(r"^site\s+(?:icon|logo)\s+(?P<outlet>\S.{0,80}?)\s*$", re.IGNORECASE)
BIO_OUTLET_RE = re.compile(
    r"\b(?:creator|writer|editor|reporter|journalist|contributor|correspondent|columnist|author)"
    r"\s+(?:at|for|with)\s+(?P<outlet>[A-Z][\w&.'’-]{0,30}(?:\s+[A-Z][\w&.'’-]{0,30}){0,4})"
)
URL_LINE_RE = re.compile(r"^https?://\S{1,300}$")
CAPS_LABEL_RE = re.compile(r"^(?P<label>[A-Z][A-Z'’ ]{1,40}):\s")
ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
DAY_MONTH_YEAR_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s({_MONTH}),?\s(\d{{4}})\b")
MONTH_DAY_YEAR_RE = re.compile(rf"\b({_MONTH})\s(\d{{1,2}})(?:st|nd|rd|th)?,?\s(\d{{4}})\b")
NUMERIC_DATE_RE = re.compile(r"\b(\d{1,4})[/.](\d{1,2})[/.](\d{2,4})\b")
# Runs of characters outside printable ASCII: the only places a control/format character can be.
NON_PRINTABLE_ASCII_RE = re.compile(r"[^\x20-\x7e\n]+")


@dataclass(frozen=True)
class _Unit:
    """A candidate paragraph and the raw lines it came from (for the audit trail)."""

    text: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class _TextMeta:
    """Metadata read from the page text itself."""

    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    dateline: str | None = None
    date_stamp: str | None = None
    published_line: str | None = None
    url: str | None = None


# --- small helpers ------------------------------------------------------------------------


def normalise_line(line: str) -> str:
    """Comparable form of a line, so the same template line matches across pages.

    Case, spacing, quote style, digits (comment counts, years) and edge punctuation vary
    between pages of one template; the words do not.
    """
    text = unicodedata.normalize("NFKC", line).lower()
    for curly, straight in _QUOTE_PAIRS:  # str.replace: translate() is ~40x slower on non-ASCII text
        text = text.replace(curly, straight)
    text = DIGITS_RE.sub("0", text)
    text = " ".join(text.split())
    return text.strip(" .,:;!?|-–—*·•>")


_QUOTE_PAIRS = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'))


def _normalise_text(raw: str) -> str:
    """Unify newlines and drop invisible characters that break line comparison."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\t", " ")
    return NON_PRINTABLE_ASCII_RE.sub(_drop_invisible, text)


def _drop_invisible(match: re.Match[str]) -> str:
    """Control and format characters out of a run of non-ASCII/control characters (only those are checked)."""
    return "".join(ch for ch in match.group() if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf"))


def _strip_blocks(text: str, removed: list[str]) -> str:
    """Cut <script>/<style>/comment blocks out of text with plain find loops (no regex backtracking)."""
    lower = text.lower()
    if "<script" not in lower and "<style" not in lower and "<!--" not in lower:
        return text
    out: list[str] = []
    pos = 0
    while True:
        starts = [(lower.find(opener, pos), closer) for opener, closer in _BLOCKS]
        starts = [(i, closer) for i, closer in starts if i >= 0]
        if not starts:
            out.append(text[pos:])
            return "".join(out)
        start, closer = min(starts)
        end = lower.find(closer, start)
        end = len(text) if end < 0 else end + len(closer)
        out.append(text[pos:start])
        removed.extend(line.strip() for line in text[start:end].split("\n") if line.strip())
        out.append("\n")
        pos = end


_BLOCKS = (("<script", "</script>"), ("<style", "</style>"), ("<!--", "-->"))


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def _ends_sentence(text: str) -> bool:
    return TERMINAL_RE.search(text[-8:]) is not None


def _starts_lower(text: str) -> bool:
    return bool(text) and text[0].islower()


# Stop words that are not reader-address words: what ``_share`` leaves out (one set test per word).
STOPWORDS_NOT_PROMO = STOPWORDS - PROMO_WORDS
DIGITS_RE = re.compile(r"\d+")


def _share(words: list[str], vocabulary: frozenset[str], extra: frozenset[str] = frozenset()) -> float:
    """Share of content words (stop words aside, reader-address words kept) found in the vocabulary."""
    content = [w for w in map(str.lower, words) if w not in STOPWORDS_NOT_PROMO or w in extra]
    if not content:
        return 0.0
    return sum(map(vocabulary.__contains__, content)) / len(content)


# --- unit building --------------------------------------------------------------------------


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Text wrapped at a fixed width: narrow lines, many of which continue in lower case."""
    long_lines = [ln for ln in lines if len(ln.split()) >= 4]
    if len(long_lines) < WRAP_MIN_LINES:
        return False
    lengths = sorted(len(ln) for ln in long_lines)
    if lengths[int(WRAP_WIDTH_QUANTILE * (len(lengths) - 1))] > WRAP_MAX_WIDTH:
        return False
    continued = sum(1 for a, b in zip(lines, lines[1:]) if a and _starts_lower(b))
    return continued / len(long_lines) >= WRAP_MIN_CONTINUATION


def _wrap_width(lines: list[str]) -> int:
    lengths = sorted(len(ln) for ln in lines if len(ln.split()) >= 4)
    return lengths[-1] if lengths else 0


def _breaks_after(line: str, nxt: str, width: int) -> bool:
    """Whether a paragraph ends between two lines of a hard-wrapped block."""
    if not _words(line) or not _words(nxt):
        return True
    next_word = nxt.split()[0]
    if _ends_sentence(line):
        return len(line) + 1 + len(next_word) <= width
    opens_next = nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"“‘'("
    return len(line) <= WRAP_HEADING_RATIO * width and opens_next and not _ends_open(line)


def _reflow(lines: list[str]) -> list[_Unit]:
    """Re-join hard-wrapped lines into paragraphs; blank lines always end one."""
    width = _wrap_width(lines)
    units: list[_Unit] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            continue
        current.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not nxt or _breaks_after(line, nxt, width):
            units.append(_Unit(_join_wrapped(current), tuple(current)))
            current = []
    return units


def _join_wrapped(lines: list[str]) -> str:
    parts = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        hyphen_cut = prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha()
        parts.append(line if hyphen_cut else f" {line}")
    return "".join(parts)


def _ends_open(text: str) -> bool:
    """A unit that stops mid-sentence: on a comma or on a lower-case function word."""
    stripped = text.rstrip()
    if stripped.endswith(","):
        return True
    tail = stripped.rsplit(None, 1)[-1] if stripped else ""
    return tail in OPEN_TAIL_WORDS  # exact case: "US" is not "us"


def _continues(prev_words: int, prev_last: str, nxt: str) -> bool:
    """Whether ``nxt`` carries on a sentence left open by the previous unit (text cut around a link).

    ``prev_words`` counts the words of everything joined so far, ``prev_last`` is its last part.
    """
    if prev_words < JOIN_MIN_WORDS or _ends_sentence(prev_last) or _is_widget(nxt):
        return False
    if _ends_open(prev_last):
        return True
    return _starts_lower(nxt) and _words_up_to(nxt, 2) >= 2


def _words_up_to(text: str, cap: int) -> int:
    """``min(len(_words(text)), cap)`` without reading a long text's words past the cap."""
    return sum(1 for _ in islice(WORD_RE.finditer(text), cap))


def _join_fragments(units: list[_Unit]) -> list[_Unit]:
    groups: list[list[_Unit]] = []
    group_words = 0  # capped per unit: only compared with JOIN_MIN_WORDS, which a capped sum reaches just as often
    for unit in units:
        n_words = _words_up_to(unit.text, JOIN_MIN_WORDS)
        if groups and _continues(group_words, groups[-1][-1].text, unit.text):
            groups[-1].append(unit)
            group_words += n_words
        else:
            groups.append([unit])
            group_words = n_words
    return [
        _Unit(" ".join(u.text for u in group), tuple(line for u in group for line in u.lines))
        for group in groups
    ]


def _strip_tags(line: str, removed: list[str]) -> str:
    """Drop inline tags (embedded posts keep their text); a line that was only markup goes to the audit."""
    if "<" not in line or TAG_RE.search(line) is None:
        return line
    text = " ".join(TAG_RE.sub(" ", line).split())
    if not _words(text):
        removed.append(line)
        return ""
    return text


def _build_units(text: str, removed: list[str]) -> list[_Unit]:
    lines = [_strip_tags(line.strip(), removed) for line in text.split("\n")]
    if _is_hard_wrapped(lines):
        units = _reflow(lines)
    else:
        units = [_Unit(line, (line,)) for line in lines if line]
    return _join_fragments(units)


# --- unit classification --------------------------------------------------------------------


_CODE_CHARS = "{}<>=;[]"
_PATH_CHARS = "|»›>/"


def _is_markup(text: str) -> bool:
    tags = TAG_RE.findall(text) if "<" in text else []
    if tags and sum(len(t) for t in tags) >= 0.3 * len(text):
        return True
    code = sum(map(text.count, _CODE_CHARS))  # C scans; translate() is ~15x slower on non-ASCII text
    return code >= CODE_CHAR_MIN_COUNT and code >= CODE_CHAR_MIN_SHARE * len(text)


def _all_lower(text: str) -> bool:
    """Cased letters, none upper case (scripts without case never count as lower case)."""
    return any(map(str.islower, text)) and not any(map(str.isupper, text))


def _is_widget(text: str, account_names: bool = True) -> bool:
    """Chrome anywhere on the page: symbols, code, widget labels, and (in page dumps) account names.

    Only a short unit's words are read (all of them are its first ``WIDGET_MAX_WORDS`` + 1):
    the rules below look no further, and a body paragraph's words are ~40x as many.
    """
    words = [m.group() for m in islice(WORD_RE.finditer(text), WIDGET_MAX_WORDS + 1)]
    if not words or _is_markup(text):
        return True
    if len(words) <= WIDGET_MAX_WORDS and _share(words, WIDGET_WORDS) >= WIDGET_MIN_SHARE:
        return True
    if account_names and len(words) <= LOWERCASE_TINY_WORDS and _all_lower(text) and not _ends_sentence(text):
        return True
    label = CAPS_LABEL_RE.match(text[:META_LINE_MAX_CHARS])
    return label is not None and any(w.lower() in WIDGET_WORDS for w in _words(label.group("label")))


def _is_promo(text: str, outlet: str | None) -> bool:
    """Self-promotion, author bios, newsletter pushes: chrome when outside the article core."""
    words = _words(text)
    if len(words) > PROMO_MAX_WORDS:
        return False
    if outlet and text.startswith(outlet):
        return True
    return _share(words, PROMO_WORDS) >= PROMO_MIN_SHARE


def _is_core(text: str, outlet: str | None, widget: bool | None = None) -> bool:
    """A unit that is certainly article prose: it anchors where the body starts and ends.
    ``widget`` is ``_is_widget(text)`` when the caller already has it."""
    words = _words(text)
    return (
        len(words) >= CORE_MIN_WORDS
        and _ends_sentence(text)
        and not (_is_widget(text) if widget is None else widget)
        and not _is_promo(text, outlet)
    )


def _is_sentence(text: str) -> bool:
    words = _words(text)
    first = text.lstrip("\"“‘'([")[:1]
    return len(words) >= 4 and _ends_sentence(text) and (first.isupper() or first.isdigit())


def _is_page_metadata(text: str) -> bool:
    """Byline, date or URL lines: page furniture above the body, read as metadata."""
    short = text[:META_LINE_MAX_CHARS]
    return any(
        pattern.match(part.strip())
        for part in re.split(r"\s[|·•]\s", short)
        for pattern in (DATE_LINE_RE, BYLINE_RE, URL_LINE_RE)
    )


def _select_body(
    units: list[_Unit], chrome_lines: frozenset[str], outlet: str | None, widget: list[bool], core: list[bool], norms: list[str]
) -> list[bool]:
    """Keep/drop per unit: widgets and corpus chrome go everywhere (``widget`` and ``core`` are
    the page's verdicts per unit, ``_page_verdicts``; ``norms`` its units' ``normalise_line`` forms).

    Outside the core (above its first or below its last prose unit) only units that end like a
    sentence survive: headlines, taglines and link lists there have no closing punctuation, while
    list items and short notes ("Week 13.", "1. Name (2.)") do.
    """
    keep = [not widget[i] and norms[i] not in chrome_lines for i in range(len(units))]
    core_at = [i for i in range(len(units)) if keep[i] and core[i]]
    if not core_at:
        return [k and not _is_promo(u.text, outlet) for k, u in zip(keep, units)]
    first, last = core_at[0], core_at[-1]
    for i, unit in enumerate(units):
        if keep[i] and not first <= i <= last:
            keep[i] = (
                _ends_sentence(unit.text)
                and not _is_promo(unit.text, outlet)
                and not _is_page_metadata(unit.text)
                and not (i < first and _is_title_like(unit.text, widget[i]))
            )
    return keep


# --- learned unit classifier (plain-text dumps) -------------------------------------------

UNIT_FEATURES = (
    "log_words", "log_chars", "ends_sentence", "ends_colon", "starts_upper", "stopword_share",
    "capitalised_share", "digit_share", "symbol_share", "widget_share", "promo_share", "is_widget",
    "is_page_metadata", "title_like", "position", "in_core", "rule_keep", "repeated_in_page",
    "corpus_chrome", "prev_log_words", "next_log_words", "prev_ends_sentence", "next_ends_sentence",
    "window_log_words", "window_core_share", "log_core_distance", "words_before_share", "in_prose_region",
    "list_item", "separator_count", "upper_share",
)
# Half-width of the neighbourhood whose prose density smooths a unit's own evidence.
FEATURE_WINDOW = 3
# Score of a non-core unit in the search for the one contiguous prose region: a constant plus
# its words (capped), so a run of menu lines costs more than a single heading between paragraphs.
REGION_GAP_COST = 2
REGION_GAP_MAX_WORDS = 10
# Fewer units than this is a snippet, not a page dump: the model's page-scale features (place in
# the page, prose region, neighbourhood) mean nothing there, so the rules judge it. The
# smallest benchmark dumps have 21 units, the seeds 19-36.
MODEL_MIN_UNITS = 12
# Blend of a unit's model probability with its neighbours' mean. 0.4 measured on the tune
# halves (mean bag F1 / AEB F1): 0.915/0.863 unsmoothed, 0.916/0.867 at 0.4.
SMOOTH_NEIGHBOURS = 0.4
# Sentence-shaped prose inside the dense prose region is kept from this probability on: on the
# tune halves 0.35-0.45 cost at most 0.001 F1 against the plain threshold, and they keep closing
# body paragraphs the model alone scores just under 0.5.
CORE_IN_REGION_MIN_PROBABILITY = 0.4
# A subheading between two kept body sentences inside the prose region is kept when either
# stage gives it this much: the second stage, reading its neighbours, doubts short unpunctuated
# units in the body even when the first stage, judging the unit and its place, believes them.
# Set to PROBABLE_BODY's 0.5 (a unit the first stage calls body more likely than not); the word
# cap is a long section heading's length (menu and teaser lines near the body are cut by the
# neighbours-kept condition, not by length).
SUBHEADING_MIN_PROBABILITY = 0.5
SUBHEADING_MAX_WORDS = 12
LIST_ITEM_RE = re.compile(r"^(?:[-*•·–—]|\d{1,3}[.)])\s")


def _prose_region(scores: list[float]) -> tuple[int, int]:
    """Bounds (first, last) of the maximum-sum run of unit scores: the article's dense prose block."""
    best, best_bounds = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, value in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += value
        if total > best:
            best, best_bounds = total, (start, i)
    return best_bounds


def _distances_to_marked(marked: list[bool]) -> list[int]:
    """Per position, the distance to the nearest marked position (len when none): two linear passes."""
    n = len(marked)
    out = [n] * n
    last = None
    for i in range(n):
        last = i if marked[i] else last
        if last is not None:
            out[i] = i - last
    last = None
    for i in range(n - 1, -1, -1):
        last = i if marked[i] else last
        if last is not None:
            out[i] = min(out[i], last - i)
    return out


def unit_features(
    texts: list[str],
    chrome_lines: frozenset[str],
    outlet: str | None,
    rule_keep: list[bool],
    verdicts: tuple[list[bool], list[bool]],
    norms: list[str] | None = None,
) -> list[list[float]]:
    """One feature row per unit (see ``UNIT_FEATURES``): its own shape, its neighbours', its place in the page.
    ``verdicts`` are the units' widget and core verdicts (``_page_verdicts``) and ``norms`` their
    ``normalise_line`` forms (``PlainPage.norms``; taken here when not given), once per page."""
    import math

    n = len(texts)
    widget, is_core = verdicts
    words = [_words(t) for t in texts]
    counts = [len(w) for w in words]
    log_words = [math.log1p(c) for c in counts]
    ends = [1.0 if _ends_sentence(t) else 0.0 for t in texts]
    core = [rule_keep[i] and is_core[i] for i in range(n)]
    core_at = [i for i, c in enumerate(core) if c]
    first, last = (core_at[0], core_at[-1]) if core_at else (n, -1)
    region = _prose_region([counts[i] if core[i] else -REGION_GAP_COST - min(counts[i], REGION_GAP_MAX_WORDS) for i in range(n)])
    core_distance = _distances_to_marked(core)
    if norms is None:
        norms = [normalise_line(t) for t in texts]
    repeats = Counter(norms)
    total_words = sum(counts) or 1
    rows: list[list[float]] = []
    before = 0
    for i, text in enumerate(texts):
        w = words[i]
        lowered = [x.lower() for x in w]
        k = max(len(w), 1)
        chars = max(len(text), 1)
        lo, hi = max(0, i - FEATURE_WINDOW), min(n, i + FEATURE_WINDOW + 1)
        nearest = core_distance[i]
        rows.append([
            log_words[i],
            math.log1p(len(text)),
            ends[i],
            1.0 if text.rstrip().endswith(":") else 0.0,
            1.0 if text[:1].isupper() or text[:1].isdigit() else 0.0,
            sum(1 for x in lowered if x in STOPWORDS) / k,
            sum(1 for x in w if x[:1].isupper()) / k,
            sum(map(str.isdigit, text)) / chars,
            (len(text) - sum(map(str.isalnum, text)) - sum(map(str.isspace, text))) / chars,  # no character is both
            _share(w, WIDGET_WORDS),
            _share(w, PROMO_WORDS),
            1.0 if widget[i] else 0.0,
            1.0 if _is_page_metadata(text) else 0.0,
            1.0 if _is_title_like(text, widget[i]) else 0.0,
            i / max(n - 1, 1),
            1.0 if first <= i <= last else 0.0,
            1.0 if rule_keep[i] else 0.0,
            1.0 if repeats[norms[i]] > 1 else 0.0,
            1.0 if norms[i] in chrome_lines else 0.0,
            log_words[i - 1] if i > 0 else 0.0,
            log_words[i + 1] if i + 1 < n else 0.0,
            ends[i - 1] if i > 0 else 0.0,
            ends[i + 1] if i + 1 < n else 0.0,
            sum(log_words[lo:hi]) / (hi - lo),
            sum(core[lo:hi]) / (hi - lo),
            math.log1p(nearest),
            before / total_words,
            1.0 if region[0] <= i <= region[1] else 0.0,
            1.0 if LIST_ITEM_RE.match(text) else 0.0,
            float(sum(map(text.count, _PATH_CHARS))),
            sum(1 for x in w if x.isupper() and len(x) > 1) / k,
        ])
        before += counts[i]
    return rows


# Second stage: features of a unit's own and its neighbours' stage-1 probabilities, appended to
# ``UNIT_FEATURES``. Body and chrome come in runs, so a unit the first stage doubts is judged again
# by the run it sits in (a teaser block below the article, a lone body paragraph between two
# widgets).
STAGE2_FEATURES = (
    "p", "p_prev", "p_next", "p_prev2", "p_next2", "p_mean_2", "p_mean_5", "p_max_2", "p_min_2",
    "in_probable_run", "log_probable_distance", "probable_words_before_share", "page_mean_p",
    "p_minus_page_mean",
)
# Stage-1 probability from which a unit counts as probable body in the run/distance/share
# features: the logistic model's natural cut, not tuned (the trees learn their own splits).
PROBABLE_BODY = 0.5


def second_stage_rows(rows: list[list[float]], probabilities: list[float]) -> list[list[float]]:
    """``STAGE2_FEATURES`` of each unit of one page from its stage-1 probabilities (page order)."""
    import math

    n = len(probabilities)
    p = [float(x) for x in probabilities]
    log_words = UNIT_FEATURES.index("log_words")
    words = [math.expm1(row[log_words]) for row in rows]
    probable = [x >= PROBABLE_BODY for x in p]
    run = _prose_region([w * (2 * x - 1) for w, x in zip(words, p)])
    distance = _distances_to_marked(probable)
    probable_total = sum(w for w, b in zip(words, probable) if b) or 1.0
    page_mean = sum(p) / n if n else 0.0
    out, before = [], 0.0
    for i in range(n):
        near = p[max(0, i - 2) : i + 3]
        wide = p[max(0, i - 5) : i + 6]
        out.append([
            p[i],
            p[i - 1] if i > 0 else 0.0,
            p[i + 1] if i + 1 < n else 0.0,
            p[i - 2] if i > 1 else 0.0,
            p[i + 2] if i + 2 < n else 0.0,
            sum(near) / len(near),
            sum(wide) / len(wide),
            max(near),
            min(near),
            1.0 if run[0] <= i <= run[1] else 0.0,
            math.log1p(distance[i]),
            before / probable_total,
            page_mean,
            p[i] - page_mean,
        ])
        if probable[i]:
            before += words[i]
    return out


@dataclass(frozen=True)
class TreeEnsemble:
    """Gradient-boosted regression trees on log-odds, as plain arrays (JSON, evaluated with numpy)."""

    features: tuple[str, ...]
    init: float
    learning_rate: float
    trees: tuple[dict, ...]  # each: feature, threshold, left, right, value (arrays; leaf when left == -1)

    def probabilities(self, rows: list[list[float]]):
        """Every tree walked at once (one array op per level for all trees, not one per tree and
        level), each level only over the trees that deep (trees walked deepest first: the mean
        depth is about half the deepest), a node's next node one lookup (a leaf leads to itself);
        ~3x faster than walking every tree to the deepest's depth. Leaf values are summed in tree
        order by a running sum, so the probabilities are bit for bit those of one tree after another."""
        import numpy as np

        x = np.asarray(rows, dtype=float).reshape(len(rows), len(self.features))
        feature, threshold, child, value, roots, order, deep = self.stacked
        node = np.repeat(roots[:, None], len(rows), axis=1)  # (trees deepest first, rows)
        row_start = (np.arange(len(rows)) * len(self.features))[None, :]
        cells = x.ravel()
        for trees in deep:  # trees still walking at this level: a prefix of the deepest-first order
            at = node[:trees]
            go_left = cells[row_start + feature[at]] <= threshold[at]
            node[:trees] = child[2 * at + go_left]
        leaf_values = np.empty(node.shape)
        leaf_values[order] = value[node]  # back in tree order
        steps = np.vstack([np.full((1, len(rows)), self.init), self.learning_rate * leaf_values])
        raw = np.cumsum(steps, axis=0)[-1]  # sequential, as raw += step tree by tree
        return 1.0 / (1.0 + np.exp(-raw))

    @cached_property
    def stacked(self) -> tuple:
        """The trees' node arrays laid end to end, built once per model (see ``_stacked_trees``)."""
        return _stacked_trees(self.trees)


def _stacked_trees(trees: tuple[dict, ...]) -> tuple:
    """(feature, threshold, child, value, roots, order, deep) of the trees laid end to end:
    node i's next node is ``child[2 * i + 1]`` when its feature is <= its threshold, else
    ``child[2 * i]`` (a leaf's both are itself, its feature 0); ``roots`` the root nodes with
    the deepest tree first, ``order`` those trees' places in the model, ``deep[level]`` how many
    of them are deeper than ``level``."""
    import numpy as np

    sizes = [len(t["feature"]) for t in trees]
    starts = np.cumsum([0, *sizes[:-1]])
    left = np.concatenate([np.where(t["left"] < 0, -1, t["left"] + start) for t, start in zip(trees, starts)])
    right = np.concatenate([np.where(t["right"] < 0, -1, t["right"] + start) for t, start in zip(trees, starts)])
    leaf = left < 0
    itself = np.arange(len(left))
    child = np.empty(2 * len(left), dtype=np.intp)
    child[0::2] = np.where(leaf, itself, right)
    child[1::2] = np.where(leaf, itself, left)
    depths = np.array([t["depth"] for t in trees])
    order = np.argsort(-depths, kind="stable")
    deep = [int((depths > level).sum()) for level in range(int(depths.max()))]
    return (
        np.where(leaf, 0, np.concatenate([t["feature"] for t in trees])).astype(np.intp),
        np.concatenate([t["threshold"] for t in trees]),
        child,
        np.concatenate([t["value"] for t in trees]),
        starts[order].astype(np.intp),
        order,
        deep,
    )


@dataclass(frozen=True)
class UnitModel:
    """The unit classifier of plain-text dumps (trained by bench/train_clean_model.py).

    ``first`` scores each unit from ``UNIT_FEATURES``; ``second`` (None in older model files)
    re-scores it from the same features plus ``STAGE2_FEATURES`` of the first stage's
    probabilities over the page. No pickle, no scikit-learn at run time.
    """

    first: TreeEnsemble
    threshold: float
    second: TreeEnsemble | None = None

    def page_probabilities(self, rows: list[list[float]]) -> list[float]:
        """Body probability of each unit of one page (rows in page order)."""
        return self.page_stages(rows)[1]

    def page_stages(self, rows: list[list[float]]) -> tuple[list[float], list[float]]:
        """(stage-1, final) body probabilities of each unit of one page; the same list twice without a second stage."""
        first = [float(x) for x in self.first.probabilities(rows)] if rows else []
        if self.second is None or not rows:
            return first, first
        stacked = [row + extra for row, extra in zip(rows, second_stage_rows(rows, first))]
        return first, [float(x) for x in self.second.probabilities(stacked)]


def load_unit_model_trees(data: dict) -> tuple[dict, ...]:
    """The JSON tree arrays as numpy arrays, ready for ``UnitModel.probabilities``."""
    import numpy as np

    return tuple(
        {
            "feature": np.asarray(t["feature"], dtype=int),
            "threshold": np.asarray(t["threshold"], dtype=float),
            "left": np.asarray(t["left"], dtype=int),
            "right": np.asarray(t["right"], dtype=int),
            "value": np.asarray(t["value"], dtype=float),
            "depth": int(t["depth"]),
        }
        for t in data["trees"]
    )


def load_unit_model(path: str | None = None) -> UnitModel | None:
    """The shipped unit model (``clean_model.json`` beside this module); None when it is missing."""
    import json
    from pathlib import Path

    file = Path(path) if path else Path(__file__).with_name("clean_model.json")
    if not file.is_file():
        return None
    return unit_model_from_json(json.loads(file.read_text(encoding="utf-8")))


def unit_model_from_json(data: dict) -> UnitModel | None:
    """A ``UnitModel`` from the JSON written by the trainer; None when trained on other features."""
    if tuple(data["features"]) != UNIT_FEATURES:
        return None  # trained on another feature set: fall back to the rules
    first = TreeEnsemble(UNIT_FEATURES, float(data["init"]), float(data["learning_rate"]), load_unit_model_trees(data))
    second = None
    if stage := data.get("second_stage"):
        if tuple(stage["features"]) != UNIT_FEATURES + STAGE2_FEATURES:
            return None  # its threshold was chosen for a second stage this code cannot compute
        second = TreeEnsemble(
            UNIT_FEATURES + STAGE2_FEATURES, float(stage["init"]), float(stage["learning_rate"]), load_unit_model_trees(stage)
        )
    return UnitModel(first, float(data["threshold"]), second)


# --- metadata from text ----------------------------------------------------------------------


def _find_outlet(units: list[_Unit]) -> str | None:
    """Outlet named by site chrome ("Site icon X") or an author box ("writer at X")."""
    for unit in units:
        text = unit.text[:META_LINE_MAX_CHARS]
        match = SITE_ICON_RE.match(text)
        if match:
            return match.group("outlet").strip()
    for unit in units:
        match = BIO_OUTLET_RE.search(unit.text[:META_LINE_MAX_CHARS])
        if match and _is_promo(unit.text, None):
            return match.group("outlet").split(". ")[0].rstrip(".")
    return None


def _is_title_like(text: str, widget: bool | None = None) -> bool:
    """A headline-shaped unit; ``widget`` is ``_is_widget(text)`` when the caller already has it."""
    words = _words(text)
    return (
        TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS
        and len(text) <= TITLE_MAX_CHARS
        and not text.rstrip().endswith(".")
        and URL_LINE_RE.match(text) is None
        and BYLINE_RE.match(text) is None
        and DATE_LINE_RE.match(text) is None
        and not (_is_widget(text) if widget is None else widget)
        and not _is_promo(text, None)
    )


def _head_metadata(head: list[_Unit]) -> tuple[_TextMeta, set[str]]:
    """Title, date stamp, printed publication line, byline and URL from the units above the body.

    Returns the metadata and the normalised forms of the title line (to drop its repeats).
    """
    stamp = published_line = byline = url = None
    for unit in head:
        text = unit.text
        if len(text) > META_LINE_MAX_CHARS:
            continue
        if url is None and URL_LINE_RE.match(text):
            url = text
        for part in re.split(r"\s[|·•]\s", text):
            date_line = DATE_LINE_RE.match(part.strip())
            by = BYLINE_RE.match(part.strip())
            if date_line and stamp is None:
                stamp = date_line.group("stamp")
                label = (date_line.group("label") or "").lower()
                if "updated" not in label and _parse_full_date(stamp):
                    published_line = part.strip()
            elif by and byline is None:
                byline = by.group("name")
    norms = [normalise_line(u.text) for u in head]
    counts = Counter(norms)
    repeated = [i for i, n in enumerate(norms) if counts[n] > 1 and _is_title_like(head[i].text)]
    candidates = repeated or [i for i, u in enumerate(head) if _is_title_like(u.text)]
    if not candidates:
        return _TextMeta(None, None, byline, None, stamp, published_line, url), set()
    title = head[candidates[0]].text.strip()
    trailing = TRAILING_STAMP_RE.search(title)
    if trailing and len(_words(title[: trailing.start()])) >= TITLE_MIN_WORDS:
        stamp = stamp or trailing.group("stamp")
        title = title[: trailing.start()].rstrip()
    title_norms = {norms[candidates[0]], normalise_line(title)}
    return _TextMeta(title, None, byline, None, stamp, published_line, url), title_norms


def _split_dateline(paragraph: str) -> tuple[str | None, str | None, str]:
    """A leading "CITY (AGENCY) --" or "(Agency) —": returns (dateline, agency, rest of paragraph)."""
    head = paragraph[:200]
    match = DATELINE_RE.match(head)
    if match:
        agency = match.group("agency").strip()
        return match.group("dl").strip(), agency, paragraph[match.end():]
    match = CAPS_DATELINE_RE.match(head)
    if match:
        return match.group("dl").strip(" ,"), None, paragraph[match.end():]
    return None, None, paragraph


def _parse_full_date(text: str) -> str | None:
    """ISO date for an explicit date with day, month and year; None when any part is missing or ambiguous."""
    text = text[:META_LINE_MAX_CHARS]
    parts: tuple[int, int, int] | None = None
    if m := ISO_DATE_RE.match(text):
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := MONTH_DAY_YEAR_RE.search(text):
        parts = (int(m.group(3)), MONTHS[m.group(1)[:3].lower()], int(m.group(2)))
    elif m := DAY_MONTH_YEAR_RE.search(text):
        parts = (int(m.group(3)), MONTHS[m.group(2)[:3].lower()], int(m.group(1)))
    elif m := NUMERIC_DATE_RE.search(text):
        a, b, c = (int(g) for g in m.groups())
        if len(m.group(1)) == 4:
            parts = (a, b, c)
        elif len(m.group(3)) == 4 and (a > 12) != (b > 12):  # only the unambiguous d/m vs m/d
            parts = (c, b, a) if a > 12 else (c, a, b)
    if parts is None:
        return None
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def guess_language(text: str) -> str | None:
    """Language code by share of very common function words; None when no list fits."""
    sample = text[:LANG_SAMPLE_CHARS]
    if LOWER_SPLITS_WORD not in sample:  # then lower-casing the sample first tokenises the same
        counts = Counter(WORD_RE.findall(sample.lower()))
    else:
        counts = Counter(t.lower() for t in WORD_RE.findall(sample))
    if not counts:
        return None
    total = sum(counts.values())
    scores = {code: sum(counts[w] for w in words) / total for code, words in LANGUAGE_STOPWORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= LANG_MIN_SHARE else None


# --- page text of HTML (what a browser's select-all + copy gives) ------------------------------

# Elements whose text a browser never shows.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
# Elements laid out as blocks by a browser's default style sheet: their text starts a new line.
BLOCK_TAGS = frozenset(
    """address article aside blockquote body center dd details dialog dir div dl dt fieldset
    figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    listing main menu nav ol p plaintext pre section summary table tbody thead tfoot tr ul
    option select textarea caption video audio iframe""".split()
)


def _visible_text_xslt():
    """The XSLT (run by libxslt, in C) that prints a page's shown text: invisible elements, comments
    and processing instructions dropped, a line break around each block element and at <br>, a
    space before a table cell. Tag names are lower case in lxml's HTML trees, and its parser caps
    nesting at 256, well inside libxslt's recursion limit."""
    blocks = "|".join(sorted(BLOCK_TAGS))
    return etree.XSLT(etree.XML(f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="{'|'.join(sorted(INVISIBLE_TAGS))}|comment()|processing-instruction()"/>
<xsl:template match="{blocks}"><xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="br"><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="td|th"><xsl:text> </xsl:text><xsl:apply-templates/></xsl:template>
</xsl:stylesheet>"""))


# Compiled once (read-only): it runs on every HTML page.
VISIBLE_TEXT_XSLT = _visible_text_xslt()


def _page_parser():
    """trafilatura's parser settings (``trafilatura.utils.HTML_PARSER``) with lxml's C-level
    element class lookup, so every element is a plain ``HtmlElement``.

    lxml.html's own lookup runs a Python method for each element object made (~4,600 a page
    through trafilatura, htmldate and this stage) only to give form controls their own classes,
    which none of them reads: ~2 of a page's ~40 ms CPU, same output on all 974 benchmark pages.
    """
    parser = lxml_html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True)
    lookup = etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity
    )
    parser.set_element_class_lookup(lookup)
    return parser


# Made once, like trafilatura's own module parser (settings only; trafilatura shares its own the same way).
PAGE_PARSER = _page_parser()


def load_page_tree(markup: str):
    """trafilatura's ``load_html`` for a decoded page, parsed by ``PAGE_PARSER``: the same
    repairs, the same retry from bytes and the same rejection (None) of a page with no "html"
    in its first 50 characters that parses to fewer than two elements."""
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    beginning = markup[:50].lower()
    markup = repair_faulty_html(markup, beginning)
    tree, from_bytes = None, False
    try:
        tree = lxml_html.fromstring(markup, parser=PAGE_PARSER)
    except ValueError:  # a string with an encoding declaration: lxml takes it as bytes
        tree, from_bytes = _tree_from_bytes(markup), True
    except Exception:  # noqa: BLE001 -- trafilatura's loader catches every lxml failure here too
        pass
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _tree_from_bytes(markup)
    return None if tree is not None and is_dubious_html(beginning) and len(tree) < 2 else tree


def _tree_from_bytes(markup: str):
    try:
        return lxml_html.fromstring(markup.encode("utf8", "surrogatepass"), parser=PAGE_PARSER)
    except Exception:  # noqa: BLE001 -- as trafilatura's loader (None: the page gets the plain-text path)
        return None


def parse_html(markup: str):
    """lxml tree of a page (None for pages lxml cannot parse); encoding declarations are dropped."""
    try:
        return lxml_html.document_fromstring(markup.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return None


def visible_text(markup: str) -> str:
    """The page as a browser's select-all + copy gives it: every shown text node, blocks on their own lines."""
    root = parse_html(markup)
    return "" if root is None else tree_visible_text(root)


def tree_visible_text(root) -> str:
    """``visible_text`` of an already parsed page or element (the HTML path parses each page
    once); the element's own tail lies outside it and is left out."""
    lines = str(VISIBLE_TEXT_XSLT(root)).split("\n")  # mostly blank: one per block edge
    return "\n".join(" ".join(line.split()) for line in lines if line and not line.isspace())


# --- the two paths ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlainPage:
    """A plain-text dump cut into units, with the rules' keep/drop and the outlet they found."""

    units: list[_Unit]
    removed: list[str]
    site_outlet: str | None
    outlet: str | None
    rule_keep: list[bool]
    widget: list[bool]  # per unit: _is_widget (asked by the rules, the features and the keep rule alike)
    core: list[bool]  # per unit: _is_core with the page's outlet
    norms: list[str]  # per unit: normalise_line (compared with corpus chrome and titles by the rules, features and keep rule)


def _plain_page(text: str, chrome_lines: frozenset[str]) -> PlainPage:
    removed: list[str] = []
    units = _build_units(_strip_blocks(text, removed), removed)
    site_outlet = _find_outlet(units)
    first_core = next((u.text for u in units if _is_core(u.text, site_outlet)), "")
    outlet = site_outlet or _split_dateline(first_core)[1]
    widget, core = _page_verdicts([u.text for u in units], outlet)
    norms = [normalise_line(u.text) for u in units]
    rule_keep = _select_body(units, chrome_lines, outlet, widget, core, norms)
    return PlainPage(units, removed, site_outlet, outlet, rule_keep, widget, core, norms)


def _page_verdicts(texts: list[str], outlet: str | None) -> tuple[list[bool], list[bool]]:
    """Each unit's widget and core verdicts, taken once per page: the rules, the unit features
    and the model's keep rule all ask them (four widget tests a unit before)."""
    widget = [_is_widget(t) for t in texts]
    return widget, [_is_core(t, outlet, w) for t, w in zip(texts, widget)]


def plain_unit_rows(raw_text: str, chrome_lines: frozenset[str] = frozenset()) -> tuple[PlainPage, list[list[float]]]:
    """The units of a plain-text dump and their feature rows: what the unit model is trained on."""
    page = _plain_page(_normalise_text(raw_text), chrome_lines)
    texts = [u.text for u in page.units]
    return page, unit_features(texts, chrome_lines, page.outlet, page.rule_keep, (page.widget, page.core), page.norms)


def _smoothed(probabilities: list[float]) -> list[float]:
    """Each unit's probability blended with its neighbours' mean (body and chrome come in runs)."""
    n = len(probabilities)
    out = []
    for i, p in enumerate(probabilities):
        window = probabilities[max(0, i - 1) : i + 2]
        out.append((1 - SMOOTH_NEIGHBOURS) * p + SMOOTH_NEIGHBOURS * sum(window) / len(window))
    return out if n else []


def _model_keep(page: PlainPage, chrome_lines: frozenset[str], model: UnitModel) -> list[bool]:
    """The model's keep/drop per unit of a page."""
    texts = [u.text for u in page.units]
    if not texts:
        return []
    rows = unit_features(texts, chrome_lines, page.outlet, page.rule_keep, (page.widget, page.core), page.norms)
    first, final = model.page_stages(rows)
    return keep_by_probabilities(page, chrome_lines, rows, final, model.threshold, first)


def keep_by_probabilities(
    page: PlainPage,
    chrome_lines: frozenset[str],
    rows: list[list[float]],
    probabilities: list[float],
    threshold: float,
    first_stage: list[float] | None = None,
) -> list[bool]:
    """Keep/drop per unit from the model's probabilities; widgets and corpus chrome stay dropped.

    Sentence-shaped prose inside the page's one dense prose region needs less of the model's
    confidence (``CORE_IN_REGION_MIN_PROBABILITY``): a body paragraph near the article's end
    often looks like a teaser to the model, but never sits inside the region by accident.
    With a second stage, either stage's probability may vouch for such a unit
    (``first_stage``): the second, reading its neighbours' probabilities, can doubt an article's
    closing paragraph (it did on two seeds) that the first stage, judging its shape, believed.
    Above the region a unit stands on its own probability, unsmoothed: the headline's neighbour
    is the first body paragraph, whose confidence would otherwise lift it into the body (with
    the two-stage model: tune AEB/WCXB 0.8633/0.9194 -> 0.8636/0.9190 in-sample, check
    0.8939/0.9098 -> 0.8942/0.9099; it keeps seed 004's headline out).
    (Separate from ``_model_keep`` so the trainer picks the threshold on this exact rule.)
    """
    raw = [float(p) for p in probabilities]
    vouch = raw if first_stage is None else [max(p, float(q)) for p, q in zip(raw, first_stage)]
    smooth = _smoothed(raw)
    in_region = UNIT_FEATURES.index("in_prose_region")
    region_start = next((i for i, row in enumerate(rows) if row[in_region]), len(rows))
    keep = []
    for i in range(len(page.units)):
        hard_drop = page.widget[i] or page.norms[i] in chrome_lines
        core_in_region = page.rule_keep[i] and rows[i][in_region] and page.core[i]
        score = raw[i] if i < region_start else smooth[i]
        keep.append(not hard_drop and (score >= threshold or (core_in_region and vouch[i] >= CORE_IN_REGION_MIN_PROBABILITY)))
    return _keep_subheadings(page, chrome_lines, rows, keep, vouch)


def _is_heading_shaped(text: str, outlet: str | None, widget: bool) -> bool:
    """A few capitalised words without a closing stop that no widget (``widget``: the unit's
    ``_is_widget`` verdict), promo or metadata rule claims."""
    first = text.lstrip("\"“‘'([")[:1]
    return (
        2 <= len(_words(text)) <= SUBHEADING_MAX_WORDS
        and first.isupper()
        and not _ends_sentence(text)
        and not widget
        and not _is_promo(text, outlet)
        and not _is_page_metadata(text)
    )


def _keep_subheadings(page: PlainPage, chrome_lines: frozenset[str], rows: list[list[float]], keep: list[bool], vouch: list[float]) -> list[bool]:
    """Keep heading-shaped units lying between two kept body sentences inside the prose region.

    A section heading sits where only the article's own text sits; a menu or teaser line
    inside the region has chrome, not a kept sentence, on at least one side.
    """
    in_region = UNIT_FEATURES.index("in_prose_region")
    units = page.units
    out = list(keep)
    for i in range(1, len(units) - 1):
        if keep[i] or not rows[i][in_region] or vouch[i] < SUBHEADING_MIN_PROBABILITY:
            continue
        if page.norms[i] in chrome_lines or not _is_heading_shaped(units[i].text, page.outlet, page.widget[i]):
            continue
        if all(keep[j] and rows[j][in_region] and page.core[j] for j in (i - 1, i + 1)):
            out[i] = True
    return out


def _clean_plain(text: str, chrome_lines: frozenset[str], model: UnitModel | None) -> tuple[list[str], list[str], _TextMeta]:
    """Body paragraphs, removed lines and metadata of a plain-text page dump."""
    page = _plain_page(text, chrome_lines)
    units, removed, site_outlet = page.units, page.removed, page.site_outlet
    use_model = model is not None and len(page.units) >= MODEL_MIN_UNITS
    keep = _model_keep(page, chrome_lines, model) if use_model else page.rule_keep
    first_kept = keep.index(True) if True in keep else len(units)
    head_meta, title_norms = _head_metadata([u for u in units[:first_kept]])
    for i in range(len(units)):  # a title repeated lower down is not content
        if keep[i] and page.norms[i] in title_norms:
            keep[i] = False
    paragraphs = [u.text for u, k in zip(units, keep) if k]
    removed.extend(line for u, k in zip(units, keep) if not k for line in u.lines)
    paragraphs = _drop_leaked_lines(paragraphs, removed)
    dateline = agency = None
    if paragraphs:
        dateline, agency, paragraphs[0] = _split_dateline(paragraphs[0])
    meta = replace(head_meta, outlet=site_outlet or agency, dateline=dateline)
    return [p for p in paragraphs if p.strip()], removed, meta


def _drop_leaked_lines(paragraphs: list[str], removed: list[str], headings: list[str] = ()) -> list[str]:
    """A body (trafilatura's, or the plain-text path's) without a comment thread, closing
    credits, a closing promotion run, teaser lines and one of the page's ``headings``
    (``page_headings``, when there is a parsed page) repeated as its first line.

    Only the end is trimmed (and the thread from its first header on): lines like these in
    mid-article are rare, and a body paragraph that merely mentions a newsletter stays.
    Teaser lines go wherever they are: their label says what they are.
    """
    cut = next((i for i, p in enumerate(paragraphs) if len(p) <= META_LINE_MAX_CHARS and COMMENT_HEADER_RE.match(p)), len(paragraphs))
    kept, dropped = paragraphs[:cut], paragraphs[cut:]
    while len(kept) > 1 and (
        (len(kept[-1].split()) <= CREDIT_MAX_WORDS and CREDIT_RE.search(kept[-1]))
        or _is_promo(kept[-1], None)
        or _is_push(kept[-1])
    ):
        dropped.insert(0, kept.pop())
    teasers = [p for p in kept if _is_teaser(p)]
    if teasers and len(teasers) < len(kept):
        kept = [p for p in kept if not _is_teaser(p)]
        dropped = teasers + dropped
    if len(kept) > 1 and headings and _repeats_headline(kept[0], headings):
        dropped.insert(0, kept.pop(0))
    removed.extend(dropped)
    return kept


def _is_push(paragraph: str) -> bool:
    """A short closing call to subscribe, follow, listen or write in (``PUSH_RE``)."""
    return len(paragraph.split(None, PUSH_MAX_WORDS)) <= PUSH_MAX_WORDS and PUSH_RE.search(paragraph) is not None


def _is_teaser(paragraph: str) -> bool:
    """A short line led by a teaser label ("Related:", "SEE MORE:", "You may also like...")."""
    return len(paragraph.split(None, TEASER_MAX_WORDS)) <= TEASER_MAX_WORDS and TEASER_LABEL_RE.match(paragraph) is not None


def _repeats_headline(paragraph: str, headings: list[str]) -> bool:
    """The paragraph is one of the page's ``headings`` (the headline shown again above the body;
    trafilatura's title is often the og:title, worded otherwise)."""
    if len(paragraph) > TITLE_MAX_CHARS:
        return False
    line = normalise_line(paragraph)
    return any(normalise_line(heading) == line for heading in headings)


def _prose_line_words(dump: str) -> int:
    """Words of the dump's lines of at least ``HTML_FALLBACK_LINE_MIN_WORDS``: what the plain-text path could keep."""
    return sum(n for n in map(len, map(str.split, dump.split("\n"))) if n >= HTML_FALLBACK_LINE_MIN_WORDS)


def _ngrams(text: str) -> set[str]:
    """Lower-cased word n-grams of a text (one n-gram for a shorter text)."""
    tokens = TOKEN_RE.findall(text.lower())
    return {" ".join(tokens[i : i + RECOVER_NGRAM]) for i in range(max(1, len(tokens) - RECOVER_NGRAM + 1))} if tokens else set()


NAMED_XPATH = etree.XPath("//*[@class or @id]")


# One alternation over the words: half the time of testing them one by one.
RECOVER_CHROME_ATTR_RE = re.compile("|".join(RECOVER_CHROME_ATTR_WORDS))


def _names_widget(attributes: str, names: re.Pattern[str] = RECOVER_CHROME_ATTR_RE) -> bool:
    """An element's lower-cased class and id name a widget (``names``: ``RECOVER_CHROME_ATTR_WORDS``)."""
    return names.search(attributes) is not None


def _widget_elements(root, names: re.Pattern[str] = RECOVER_CHROME_ATTR_RE) -> list:
    """The page's elements that may be widgets: by tag (selected in lxml's C code) and by class or id (``names``).

    (An XPath testing the words was 3-5x slower than these substring tests.)
    """
    return list(root.iter(*RECOVER_CHROME_TAGS)) + [
        el for el in NAMED_XPATH(root) if _names_widget(f"{el.get('class') or ''} {el.get('id') or ''}".lower(), names)
    ]


def _in_widgets(root, lines: list[str], kept: list[str], names: re.Pattern[str] = RECOVER_CHROME_ATTR_RE) -> set[int]:
    """Indexes of ``lines`` whose text lies in a widget of the page (``RECOVER_CHROME_TAGS``, class
    or id matching ``names``: ``RECOVER_CHROME_ATTR_WORDS``) that holds none of the ``kept`` paragraphs."""
    probes = [line[:RECOVER_PROBE_CHARS] for line in lines]
    kept_probes = [p[:RECOVER_PROBE_CHARS] for p in kept]
    found: set[int] = set()
    for element in _widget_elements(root, names):
        raw = element.text_content()
        if len(raw) > RECOVER_WIDGET_MAX_CHARS:
            continue
        text = " ".join(raw.split())
        hits = [i for i, probe in enumerate(probes) if i not in found and probe in text]
        if hits and not any(probe in text for probe in kept_probes):
            found.update(hits)
    return found


# Headings and list items are short: trafilatura's precision mode drops many of them inside the
# article. A run of at most this many lines it dropped between two lines it kept (a subheading,
# a short list) comes back whole, line by line, unless a line is a widget, a promotion, a byline
# or date, or one of the filters above claims it. Tune halves at 0.8 x 20, WCXB / AEB from
# 0.9486 / 0.9704: runs of 1 0.9490 / 0.9709; 3 0.9493 / 0.9713; 5 0.9501 / 0.9712; 8 0.9502 /
# 0.9712 (check halves 0.9415 / 0.9587 -> 0.9429 / 0.9594). Extra lines it brings back are
# short labels ("Continue Reading Below", "Table of Contents"); 183 of ~230 lines it added on
# the tune halves are in the references.
HTML_RECOVER_RUN_MAX = 8


def _in_short_runs(marks: list[int]) -> set[int]:
    """Lines in runs of at most ``HTML_RECOVER_RUN_MAX`` between two consecutive kept lines (``marks``)."""
    out: set[int] = set()
    for a, b in zip(marks, marks[1:]):
        if 1 <= b - a - 1 <= HTML_RECOVER_RUN_MAX:
            out.update(range(a + 1, b))
    return out


# Some templates cut the article body into sibling chunks (a <div class="body"> per few
# paragraphs, ads and embeds between them), and trafilatura keeps only one of them. Elements
# shaped like the kept paragraphs' container (same tag and class, their parents too:
# RECOVER_CHUNK_LEVELS) that hold none of them are taken for the other chunks, and their prose
# lines come back wherever they lie, before the first kept line or after the last. Pages
# trafilatura kept under HTML_RECOVER_SHARE of (bench/extraction.py --mode html): the container
# alone (1 level) also matched a page builder's generic "widget container" around a FAQ (WCXB
# tune 0.9489 -> 0.9495, one page 0.995 -> 0.886); 2 levels WCXB tune 0.9489 -> 0.9497, check
# 0.9511 -> 0.9524, AEB tune 0.9725 (no such page), check 0.9733 -> 0.9798 (two pages keeping
# ~500 of ~1,400 words), 4 pages changed, none worse; 3 levels the same on the tune halves, one
# check page fewer. 42 of the 301 pages looked at had such chunks, at most 16. Cost: recovery
# 0.85 -> 1.10 ms CPU a page on average over the 940 pages trafilatura's body was kept on.
RECOVER_CHUNK_LEVELS = 2
# More elements of one shape than this are a list of cards, not one article cut in parts (and a
# hostile page could repeat a shape thousands of times): the chunks are then left alone.
RECOVER_MAX_CHUNKS = 40


def _shape(element, levels: int = RECOVER_CHUNK_LEVELS) -> tuple:
    """Tag and class of an element and of its ancestors, ``levels`` in all."""
    out = []
    while element is not None and len(out) < levels:
        out.append((element.tag, element.get("class")))
        element = element.getparent()
    return tuple(out)


def _article_chunk_lines(root, kept: set[str]) -> set[str]:
    """Visible-text lines of the paragraphs (``<p>``) of the page's other article chunks: elements
    with a class, shaped like (``_shape``) a parent of a ``<p>`` whose text is one of the ``kept``
    paragraphs, holding none."""
    containers = set()
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is not None and parent.get("class") and " ".join(p.text_content().split()) in kept:
            containers.add(parent)
    shapes = {_shape(c) for c in containers}
    if not shapes:
        return set()
    own = {s[0] for s in shapes}  # the element's own tag and class, tested before its ancestors'
    chunks = [el for el in root.iter(*{s[0][0] for s in shapes}) if (el.tag, el.get("class")) in own and el not in containers and _shape(el) in shapes]
    if len(chunks) > RECOVER_MAX_CHUNKS:
        return set()
    paragraphs = (p for chunk in chunks for p in chunk.iter("p"))  # a chunk's list items are its teasers
    return {line for p in paragraphs for line in _normalised_dump(tree_visible_text(p)).split("\n")}


def _recover_dropped_prose(paragraphs: list[str], lines: list[str], root, chrome_lines: frozenset[str] = frozenset()) -> list[str]:
    """trafilatura's ``paragraphs`` with the prose ``lines`` of the page's visible text it dropped inside the article put back.

    A line comes back only between two lines trafilatura kept (never above the article or
    below it, where teasers and comments are) or in another chunk of the article
    (``_article_chunk_lines``), when it is sentence-shaped prose of at least
    ``HTML_RECOVER_MIN_WORDS`` words or lies in a short run between two kept lines (a
    subheading, a short list: ``HTML_RECOVER_RUN_MAX``), is once on the page, not truncated, not
    part of a kept paragraph, not a corpus ``chrome_lines`` line and not in a widget of the page
    ``root``; it goes after the paragraph holding the kept line before it (before the first
    paragraph when no kept line comes before it).
    """
    kept = {" ".join(p.split()): k for k, p in enumerate(paragraphs)}
    marks = [i for i, line in enumerate(lines) if line in kept]
    chunk_lines = _article_chunk_lines(root, set(kept)) if marks else set()
    if len(marks) < 2 and not chunk_lines:
        return paragraphs
    span = range(len(lines)) if chunk_lines else range(marks[0], marks[-1])
    kept_text = "\n".join(kept)
    repeats = Counter(lines)
    in_short_run = _in_short_runs(marks)
    candidates = [
        i for i in span
        if lines[i] not in kept
        and repeats[lines[i]] == 1
        and lines[i][:RECOVER_PROBE_CHARS] not in kept_text
        and not TRUNCATED_RE.search(lines[i])
        and (
            (len(lines[i].split()) >= HTML_RECOVER_MIN_WORDS and (marks[0] <= i < marks[-1] or lines[i] in chunk_lines) and _is_core(lines[i], None))
            or (i in in_short_run and not _is_widget(lines[i]) and not _is_promo(lines[i], None) and not _is_page_metadata(lines[i]))
        )
    ]
    if not candidates:
        return paragraphs
    kept_grams = _ngrams(kept_text)
    candidates = [i for i in candidates if len((grams := _ngrams(lines[i])) & kept_grams) < RECOVER_KEPT_SHARE * len(grams)]
    if len(candidates) > RECOVER_MAX_CANDIDATES:
        return paragraphs
    if chrome_lines:
        candidates = [i for i in candidates if normalise_line(lines[i]) not in chrome_lines]
    widget = _in_widgets(root, [lines[i] for i in candidates], list(kept)) if candidates else set()
    chosen = {i for n, i in enumerate(candidates) if n not in widget}
    after: dict[int, list[str]] = {}
    anchor = -1
    for i in span:
        if lines[i] in kept:
            anchor = kept[lines[i]]
        elif i in chosen:
            after.setdefault(anchor, []).append(lines[i])
    out = list(after.get(-1, []))
    for k, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        out.extend(after.get(k, []))
    return out


def _html_body(
    paragraphs: list[str],
    removed: list[str],
    root,
    dump: str,
    chrome_lines: frozenset[str],
    model: UnitModel | None,
    prose_words: int,
) -> tuple[list[str], list[str]]:
    """trafilatura's body, replaced by the plain-text path's when trafilatura missed the article
    (``_fallback_body``), else with the prose it dropped inside the article put back when it
    kept less than ``HTML_RECOVER_SHARE`` of the dump's ``prose_words`` (``_prose_line_words``)."""
    found = sum(len(p.split()) for p in paragraphs)
    fallback = _fallback_body(found, dump, chrome_lines, model, prose_words, paragraphs, root)
    if fallback is not None:
        return fallback
    if not paragraphs or root is None or found >= HTML_RECOVER_SHARE * prose_words:
        return paragraphs, removed
    return _recover_dropped_prose(paragraphs, _normalised_dump(dump).split("\n"), root, chrome_lines), removed


def _adds_chrome_only(kept: list[str], lines: list[str], root) -> bool:
    """The ``lines`` not in trafilatura's ``kept`` paragraphs are mostly text of the page's comment
    threads, sidebars and teasers (``FALLBACK_CHROME_SHARE`` of their words in elements
    ``_in_widgets`` finds, named by ``FALLBACK_CHROME_ATTR_RE``): trafilatura found a short article."""
    kept = [" ".join(p.split()) for p in kept]
    kept_grams = _ngrams("\n".join(kept))
    added = [line for line in lines if len((grams := _ngrams(line)) & kept_grams) < RECOVER_KEPT_SHARE * len(grams)]
    added = added[:: -(-len(added) // FALLBACK_CHROME_MAX_LINES)]  # an even sample of a long page's lines
    added_words = sum(len(line.split()) for line in added)
    in_chrome = _in_widgets(root, added, kept, FALLBACK_CHROME_ATTR_RE) if added else set()
    return added_words > 0 and sum(len(added[i].split()) for i in in_chrome) >= FALLBACK_CHROME_SHARE * added_words


def _fallback_body(
    found: int,
    dump: str,
    chrome_lines: frozenset[str],
    model: UnitModel | None,
    prose_words: int | None = None,
    kept: list[str] | None = None,
    root=None,
) -> tuple[list[str], list[str]] | None:
    """The plain-text path's body and removed lines of the page dump when trafilatura's ``found``
    words fall short of ``HTML_FALLBACK_RATIO`` of it (trafilatura missed the article), else None.
    ``dump`` is the visible text as taken from the markup; it is normalised only if it is cleaned.

    The (costlier) plain-text path is skipped when trafilatura already holds the fallback share
    of the dump's prose lines (``HTML_FALLBACK_LINE_MIN_WORDS``; ``prose_words`` when the caller
    has counted them), most of what it could keep, and when the prose lines trafilatura's
    ``kept`` paragraphs leave out lie in comment threads and sidebars of the page ``root``
    (``_adds_chrome_only``).
    """
    if prose_words is None:
        prose_words = _prose_line_words(dump)
    if found and found >= HTML_FALLBACK_RATIO * prose_words:
        return None
    text = _normalised_dump(dump)
    if kept and root is not None:
        prose_lines = [line for line in text.split("\n") if len(line.split()) >= HTML_FALLBACK_LINE_MIN_WORDS]
        if _adds_chrome_only(kept, prose_lines, root):
            return None
    paragraphs, removed, _ = _clean_plain(text, chrome_lines, model)
    if found >= HTML_FALLBACK_RATIO * sum(len(p.split()) for p in paragraphs):
        return None
    return paragraphs, removed


# An HTML page's title (WCXB reference titles, same-words accuracy, tune half / check half):
# trafilatura's title (og:title or <title>, site name and all) 0.516 / 0.577; with segments
# naming the site cut off its ends (" | Outlet", "Outlet - ") and a last segment of at most
# TITLE_SUFFIX_MAX_WORDS dropped 0.799 / 0.805; the first <h1> of at least TITLE_H1_MIN_WORDS
# words that is not the site's name, cut the same way, before either 0.873 / 0.854 (readability-lxml's
# title 0.718 on the whole set). Headings shorter than that are section labels ("Menu", "Blog").
TITLE_H1_MIN_WORDS = 3
TITLE_SUFFIX_MAX_WORDS = 3
TITLE_SEPARATOR_RE = re.compile(r"\s+(?:[|\-–—•»:·~/]|::)\s+")
TITLE_EDGE_CHARS = " |-–—•»:·~/"
# Headings read for the title and the repeated-headline test: the first few <h1> elements (a
# page's article heading comes early).
TITLE_H1_MAX = 5


def _is_site_name(segment: str, outlet: str | None) -> bool:
    words = {w.lower() for w in TOKEN_RE.findall(segment)}
    return bool(outlet) and bool(words) and words <= {w.lower() for w in TOKEN_RE.findall(outlet)}


def _strip_site_name(title: str, outlet: str | None) -> str:
    """A title without the segments at its ends that name the site ("Story | Outlet", "Outlet - Story")."""
    parts = TITLE_SEPARATOR_RE.split(title)
    start, end = 0, len(parts)
    while end - start > 1 and _is_site_name(parts[end - 1], outlet):
        end -= 1
    while end - start > 1 and _is_site_name(parts[start], outlet):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    pieces = list(TITLE_SEPARATOR_RE.finditer(title))  # keep the kept part as written
    begin = pieces[start - 1].end() if start else 0
    finish = pieces[end - 1].start() if end < len(parts) else len(title)
    return title[begin:finish]


def _drop_short_suffix(title: str) -> str:
    """A title without a short last segment after a separator ("Story | Blog"), when enough remains."""
    parts = TITLE_SEPARATOR_RE.split(title)
    if len(parts) < 2 or len(TOKEN_RE.findall(parts[-1])) > TITLE_SUFFIX_MAX_WORDS:
        return title
    head = title[: list(TITLE_SEPARATOR_RE.finditer(title))[-1].start()]
    return head if len(TOKEN_RE.findall(head)) >= TITLE_H1_MIN_WORDS else title


def page_headings(root) -> list[str]:
    """The text of the page's first ``TITLE_H1_MAX`` <h1> elements: read for the title and for a
    headline repeated above the body."""
    return [" ".join(_normalise_text(tree_visible_text(h)).split()) for _, h in zip(range(TITLE_H1_MAX), root.iter("h1"))]


def page_title(meta_title: str | None, headings: list[str], outlet: str | None) -> str | None:
    """The article's title: its first real <h1> (not the site's name), else the metadata title, site name cut."""
    outlet_words = [w.lower() for w in TOKEN_RE.findall(outlet or "")]
    for heading in headings:
        words = [w.lower() for w in TOKEN_RE.findall(heading)]
        if len(words) >= TITLE_H1_MIN_WORDS and words != outlet_words and len(heading) <= TITLE_MAX_CHARS:
            return _strip_site_name(heading, outlet)
    if not meta_title:
        return None
    return _drop_short_suffix(_strip_site_name(meta_title, outlet)) or meta_title


# trafilatura's result fields this stage reads: only these are normalised, never the whole page.
HTML_TEXT_FIELDS = ("text", "title", "author", "sitename", "url", "date")


def _normalised_fields(meta: dict) -> dict:
    """trafilatura's fields with ``_normalise_text`` applied to those this stage reads.

    The markup is parsed as given and only the text taken from it is normalised: normalising
    the whole page cost ~4 ms of this stage's ~65 per page, and the output is the same on
    every benchmark page (974).
    """
    return {k: _normalise_text(v) if k in HTML_TEXT_FIELDS and isinstance(v, str) else v for k, v in meta.items()}


def _normalised_dump(dump: str) -> str:
    """A page's visible text normalised after the fact: lines re-spaced, emptied lines dropped."""
    lines = (" ".join(line.split()) for line in _normalise_text(dump).split("\n"))
    return "\n".join(line for line in lines if line)


def _page_metadata(tree) -> dict[str, str | None]:
    """Title, author, url, site name and date of a parsed page: trafilatura's metadata step
    (``trafilatura.metadata.extract_metadata``) without its category, tag and licence searches.

    This stage never reads those three, and they cost ~4.4 ms of a ~50 ms page. The rest is
    trafilatura's own functions called in its order, and htmldate's ``find_date`` on the same
    tree with the same parameters, so the fields are trafilatura's (the same on all 974
    benchmark pages). None of these functions changes the tree (author and date search copies).
    """
    from htmldate import find_date
    from trafilatura.metadata import META_URL, examine_meta, extract_author, extract_meta_json, extract_sitename, extract_title, extract_url

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:  # trafilatura drops one-word authors from meta tags
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 -- trafilatura guards its JSON-LD reader the same way (bugs in it)
        pass
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.url = meta.url or extract_url(tree)
    meta.date = find_date(tree, extensive_search=HTML_DATE_EXTENSIVE, original_date=True, url=meta.url)
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (match := META_URL.match(meta.url)):
        meta.sitename = match[1]
    meta.clean_and_trim()  # trafilatura's unescaping, spacing and length cap
    return {field: getattr(meta, field) for field in ("title", "author", "url", "sitename", "date")}


def _trafilatura_run(tree, fast: bool) -> str | None:
    import trafilatura

    result = trafilatura.bare_extraction(
        tree, include_comments=False, with_metadata=False, favor_precision=HTML_FAVOR_PRECISION, fast=fast
    )
    return result.text if result is not None else None


def _trafilatura_text(tree, prose_words: int | None) -> str | None:
    """trafilatura's body text of a parsed page: its fast mode, or its full mode (which also
    weighs readability's and jusText's picks) where fast mode kept under ``HTML_FULL_MODE_RATIO``
    of the page's ``prose_words`` (None: not counted, full mode only)."""
    if prose_words is not None:
        text = _trafilatura_run(tree, fast=True)
        if text is not None and len(text.split()) >= HTML_FULL_MODE_RATIO * prose_words:
            return text
    return _trafilatura_run(tree, fast=False)


def _clean_html(
    html: str, chrome_lines: frozenset[str], model: UnitModel | None
) -> tuple[list[str], list[str], _TextMeta, str | None, str | None]:
    """Body paragraphs and metadata of an HTML page via trafilatura; date via htmldate.

    When trafilatura keeps much less than the plain-text path finds in the page's visible text
    (it missed the article container), the plain-text path's paragraphs are the body.
    Returns (paragraphs, removed lines, metadata, url, ISO date from the page metadata).
    """
    # Parsed once: trafilatura works on its own copy, the visible text reads this one. A page
    # trafilatura's loader rejects (not HTML enough) still gets the plain-text path.
    tree = load_page_tree(html)
    root = tree if tree is not None else parse_html(html)
    dump = tree_visible_text(root) if model is not None and root is not None else ""
    prose_words = _prose_line_words(dump)
    text = None if tree is None else _trafilatura_text(tree, prose_words if dump else None)
    page_meta = {} if tree is None else _page_metadata(tree)
    meta = _normalised_fields({**page_meta, "text": text})
    title = (meta.get("title") or "").strip() or None
    units = _join_fragments([_Unit(ln.strip(), (ln.strip(),)) for ln in (meta.get("text") or "").split("\n") if ln.strip()])
    removed: list[str] = []
    paragraphs: list[str] = []
    title_norm = normalise_line(title) if title else None
    for unit in units:
        # the comparable form only where something compares it (~1.5 ms of a page's units)
        norm = normalise_line(unit.text) if chrome_lines or not paragraphs else None
        if _is_widget(unit.text, account_names=False) or norm in chrome_lines or (not paragraphs and norm == title_norm):
            removed.extend(unit.lines)
        else:
            paragraphs.append(unit.text)
    headings = page_headings(root) if root is not None else []
    paragraphs, removed = _html_body(paragraphs, removed, root, dump, chrome_lines, model, prose_words)
    paragraphs = _drop_leaked_lines(paragraphs, removed, headings)
    dateline, agency, rest = _split_dateline(paragraphs[0]) if paragraphs else (None, None, "")
    if dateline:
        paragraphs[0] = rest
    page_date = meta.get("date")  # htmldate, run by _page_metadata on the tree trafilatura read
    outlet = (meta.get("sitename") or "").strip() or agency
    if root is not None:
        title = page_title(title, headings, outlet)
    text_meta = _TextMeta(title, outlet, (meta.get("author") or None), dateline, None, None)
    return [p for p in paragraphs if p.strip()], removed, text_meta, meta.get("url"), page_date


# Characters of a page's start normalised to sniff markup (the test reads its first 200).
HTML_SNIFF_CHARS = 1000


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


def _published(doc: Document, page_date: str | None, printed: str | None) -> DateInference | None:
    """Publication date only from an explicit full date: given > page metadata > printed line."""
    given = doc.given.get("published")
    if given and (iso := _parse_full_date(given)):
        return DateInference(iso, certain=True, source="metadata", evidence=[f"given metadata published: {given!r}"])
    if page_date and (iso := _parse_full_date(page_date)):
        return DateInference(iso, certain=True, source="metadata", evidence=[f"HTML metadata date {page_date}"])
    if printed and (iso := _parse_full_date(printed)):
        return DateInference(iso, certain=True, source="text", evidence=[f"printed publication line: {printed!r}"])
    return None


def _offsets(paragraphs: list[str]) -> tuple[str, list[Paragraph]]:
    spans: list[Paragraph] = []
    pos = 0
    for text in paragraphs:
        spans.append(Paragraph(pos, pos + len(text)))
        pos += len(text) + 2
    return "\n\n".join(paragraphs), spans


def clean_document(doc: Document, chrome_lines: frozenset[str] = frozenset(), unit_model: UnitModel | None = None) -> Document:
    """Clean one document; ``chrome_lines`` are normalised lines known as boilerplate from the corpus.

    ``unit_model`` judges the units of plain-text dumps; None loads the shipped one (rules
    alone when no model file is installed).
    """
    raw = doc.raw_text or ""
    url = page_date = None
    if doc.raw_format == "html" or _looks_like_html(_normalise_text(raw.lstrip()[:HTML_SNIFF_CHARS])):
        paragraphs, removed, meta, url, page_date = _clean_html(raw, chrome_lines, unit_model or load_unit_model())
    else:
        paragraphs, removed, meta = _clean_plain(_normalise_text(raw), chrome_lines, unit_model or load_unit_model())
        url = meta.url
    paragraphs = [" ".join(p.split()) for p in paragraphs]
    clean_text, spans = _offsets(paragraphs)
    given = doc.given
    return replace(
        doc,
        clean_text=clean_text,
        paragraphs=spans,
        title=given.get("title") or meta.title,
        outlet=given.get("outlet") or meta.outlet,
        byline=given.get("author") or meta.byline,
        dateline=meta.dateline,
        date_stamp=meta.date_stamp,
        url=given.get("url") or url,
        language=guess_language(clean_text),
        removed_lines=removed,
        published=_published(doc, page_date, meta.published_line),
    )


def _is_chrome_candidate(line: str) -> bool:
    """A repeated line may be chrome only if it is short and not plain prose (syndicated copies repeat prose)."""
    words = _words(line)
    if len(words) > CHROME_MAX_WORDS:
        return False
    return not _is_sentence(line) or _is_promo(line, None)


def find_chrome_lines(docs: list[Document], min_documents: int = CHROME_MIN_DOCUMENTS) -> frozenset[str]:
    """Normalised lines that recur in at least ``min_documents`` distinct documents of the batch."""
    seen: Counter[str] = Counter()
    for doc in docs:
        if doc.raw_format == "html":  # markup lines never reach the body; trafilatura drops templates
            continue
        lines = {line.strip() for line in _normalise_text(doc.raw_text or "").split("\n")}
        norms = {normalise_line(line) for line in lines if line and len(line) <= META_LINE_MAX_CHARS and _is_chrome_candidate(line)}
        seen.update(n for n in norms if n)
    return frozenset(n for n, count in seen.items() if count >= min_documents)


def clean_documents(docs: list[Document], unit_model: UnitModel | None = None) -> list[Document]:
    """Clean a batch, using lines repeated across its documents as extra chrome evidence.
    ``unit_model`` None loads the shipped one; callers cleaning many batches pass it in."""
    chrome = find_chrome_lines(docs)
    model = unit_model or load_unit_model()
    return [clean_document(doc, chrome, model) for doc in docs]


__all__ = [
    "CHROME_MIN_DOCUMENTS",
    "clean_document",
    "clean_documents",
    "find_chrome_lines",
    "guess_language",
    "normalise_line",
]
