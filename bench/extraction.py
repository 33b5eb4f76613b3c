"""Main-text extraction on AEB and WCXB: storyline's clean stage beside the anchors, same run.

HTML mode: each page's HTML through storyline (``clean.clean_documents`` in batches of
``pipeline.BATCH_SIZE``, as ``storyline run`` does), trafilatura default and with comments off,
readability-lxml and jusText (when installed: ``pip install -e '.[bench]'``).
Plain-text mode: each page's select-all/copy dump (``_extraction_common.visible_text``)
through storyline's plain-text path; anchors: the dump itself, C4's line rules, jusText fed
one ``<p>`` per line.

Metrics: AEB (Zyte article-extraction-benchmark) per-page word-4-gram multiset P and R,
averaged over pages, F1 from the averages; WCXB dev articles lower-cased bag-of-words F1 per
page, averaged, plus title/author/date accuracy over the pages whose reference has one.
Throughput: pages per second over both sets, single process, each tool timed on the same pages,
the tools taking turns batch by batch; by the wall clock and by this process's CPU time (on a
shared machine the wall clock also counts other jobs' turns).

    .venv/bin/python bench/extraction.py                 # full run, all anchors
    .venv/bin/python bench/extraction.py --limit 40      # quick run
    .venv/bin/python bench/extraction.py --split check --markdown
    .venv/bin/python bench/extraction.py --mode html --limit 40 --warm-up 40   # steady-state speed
    .venv/bin/python bench/extraction.py --mode html --split tune --no-anchors --errors 40   # error analysis
"""

from __future__ import annotations

import argparse
import html as html_lib
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import _extraction_common as common
from storyline import clean
from storyline.model import Document
from storyline.pipeline import BATCH_SIZE

# C4 (Raffel et al. 2020) line rules: lines ending in terminal punctuation, >= 3 words, no
# "javascript", no policy notices. Its page-level discards are left out (they empty a page).
C4_MIN_WORDS = 3
C4_TERMINAL = ('.', '!', '?', '"')
C4_POLICY = ("javascript", "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
# --errors: a line is missing (or extra) when more than this share of its word 4-grams is absent
# from the other side; lines printed per page and characters per line.
ERROR_LINE_SHARE = 0.5
ERROR_LINES_SHOWN = 12
ERROR_LINE_CHARS = 160
# Pages of each set every tool sees once, untimed, before the timed run. trafilatura's date
# search compiles dateparser's per-language patterns on first use (seconds, once per process);
# with one warm-up page that cost fell on whichever tool met it first (trafilatura default
# measured 4.4 pages/s beside 7.2 with comments off on the first 60+60 pages).
WARM_UP_PAGES = 16


@dataclass(frozen=True)
class Output:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None


@dataclass
class Score:
    """Accumulated scores of one tool on one data set."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    bag: list[float] = field(default_factory=list)
    meta_hits: dict[str, list[bool]] = field(default_factory=lambda: {"title": [], "author": [], "date": []})
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time: what other jobs on a shared machine do not inflate
    pages: int = 0
    per_page: list[tuple[float, str]] = field(default_factory=list)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (reference, output), for --errors

    def aeb(self) -> tuple[float, float, float]:
        p, r = _mean(self.precision), _mean(self.recall)
        return p, r, common.f1(p, r)


def _mean(values: list) -> float:
    return sum(values) / len(values) if values else float("nan")


# --- tools: each maps a list of inputs to a list of outputs (batched like storyline run) ---------


def storyline_html(pages: list[str]) -> list[Output]:
    out, model = [], clean.load_unit_model()
    for start in range(0, len(pages), BATCH_SIZE):
        batch = [Document(id=str(i), path=f"{i}.html", raw_text=h, raw_format="html") for i, h in enumerate(pages[start : start + BATCH_SIZE])]
        out.extend(_storyline_output(d) for d in clean.clean_documents(batch, model))
    return out


def storyline_text(dumps: list[str]) -> list[Output]:
    out, model = [], clean.load_unit_model()
    for start in range(0, len(dumps), BATCH_SIZE):
        batch = [Document(id=str(i), path=f"{i}.txt", raw_text=t) for i, t in enumerate(dumps[start : start + BATCH_SIZE])]
        out.extend(_storyline_output(d) for d in clean.clean_documents(batch, model))
    return out


def _storyline_output(doc: Document) -> Output:
    """The body as printed: a dateline storyline split off the first paragraph is still body text."""
    text = f"{doc.dateline} {doc.clean_text}" if doc.dateline else doc.clean_text
    return Output(text, doc.title, doc.byline, doc.published.value if doc.published else None)


def trafilatura_tool(include_comments: bool) -> Callable[[list[str]], list[Output]]:
    import trafilatura

    def run(pages: list[str]) -> list[Output]:
        out = []
        for page in pages:
            result = trafilatura.bare_extraction(page, include_comments=include_comments, with_metadata=True)
            meta = result.as_dict() if result is not None else {}
            out.append(Output(meta.get("text") or "", meta.get("title"), meta.get("author"), meta.get("date")))
        return out

    return run


def readability_html(pages: list[str]) -> list[Output]:
    from readability import Document as ReadabilityDocument

    out = []
    for page in pages:
        try:
            doc = ReadabilityDocument(page)
            out.append(Output(common.visible_text(doc.summary(html_partial=False)), doc.short_title()))
        except Exception:  # readability raises on empty or odd pages; an anchor failing is a miss
            out.append(Output(""))
    return out


def _justext_paragraphs(markup: str) -> str:
    import justext

    try:
        paragraphs = justext.justext(markup, justext.get_stoplist("English"))
    except Exception:  # jusText raises on empty documents
        return ""
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def justext_html(pages: list[str]) -> list[Output]:
    return [Output(_justext_paragraphs(page)) for page in pages]


def justext_lines(dumps: list[str]) -> list[Output]:
    """jusText on a dump: one ``<p>`` per line, the only structure plain text has."""
    return [
        Output(_justext_paragraphs("<html><body>" + "".join(f"<p>{html_lib.escape(ln)}</p>" for ln in d.split("\n")) + "</body></html>"))
        for d in dumps
    ]


def unclean(dumps: list[str]) -> list[Output]:
    return [Output(d) for d in dumps]


def c4_lines(dumps: list[str]) -> list[Output]:
    def keep(line: str) -> bool:
        lower = line.lower()
        return (
            line.rstrip().endswith(C4_TERMINAL)
            and len(line.split()) >= C4_MIN_WORDS
            and not any(term in lower for term in C4_POLICY)
        )

    return [Output("\n".join(ln for ln in d.split("\n") if keep(ln))) for d in dumps]


def available_tools(anchors: bool) -> list[tuple[str, str, Callable[[list[str]], list[Output]]]]:
    """(name, mode, function) for every tool that can run here; mode is ``html`` or ``text``."""
    tools = [("storyline", "html", storyline_html)]
    if anchors:
        tools += [("trafilatura", "html", trafilatura_tool(True)), ("trafilatura no comments", "html", trafilatura_tool(False))]
        for module, name, fn in (("readability", "readability-lxml", readability_html), ("justext", "jusText", justext_html)):
            try:
                __import__(module)
                tools.append((name, "html", fn))
            except ImportError:
                print(f"({name} not installed: pip install -e '.[bench]')")
    tools.append(("storyline", "text", storyline_text))
    if anchors:
        tools += [("unclean dump", "text", unclean), ("C4 line rules", "text", c4_lines)]
        try:
            __import__("justext")
            tools.append(("jusText <p> per line", "text", justext_lines))
        except ImportError:
            pass
    return tools


# --- running and scoring -----------------------------------------------------------------------


def score(pages: list[common.Page], outputs: list[Output], kind: str, result: Score, keep_texts: bool = False) -> None:
    for page, out in zip(pages, outputs):
        if keep_texts:
            result.texts[page.id] = (page.body, out.text)
        if kind == "aeb":
            p, r = common.shingle_pr(page.body, out.text)
            result.precision.append(p)
            result.recall.append(r)
            result.per_page.append((common.f1(p, r), page.id))
        else:
            f = common.bag_f1(page.body, out.text)
            result.bag.append(f)
            result.per_page.append((f, page.id))
            if page.title:
                result.meta_hits["title"].append(common.same_words(page.title, out.title))
            if page.author:
                result.meta_hits["author"].append(common.same_words(page.author, out.author))
            if page.published:
                result.meta_hits["date"].append((out.published or "")[:10] == page.published)


def run(args: argparse.Namespace) -> dict[tuple[str, str], dict[str, Score]]:
    """Every tool on every set, interleaved batch by batch so a drifting machine load hits all tools alike."""
    warnings.filterwarnings("ignore")
    sets = {"aeb": common.load_aeb(args.limit, args.split), "wcxb": common.load_wcxb(args.limit, args.split)}
    tools = [t for t in available_tools(not args.no_anchors) if args.mode in ("both", t[1])]
    results = {(name, mode): {s: Score() for s in sets} for name, mode, _ in tools}
    warm_up = [p for pages in sets.values() for p in pages[: args.warm_up]]
    for _, mode, fn in tools:  # imports and lazy set-up (stop lists, models, regex caches) stay out of the timing
        fn([p.html if mode == "html" else common.visible_text(p.html) for p in warm_up])
    for set_name, pages in sets.items():
        for start in range(0, len(pages), BATCH_SIZE):
            batch = pages[start : start + BATCH_SIZE]
            dumps = [common.visible_text(p.html) for p in batch]
            for name, mode, fn in tools:
                inputs = [p.html for p in batch] if mode == "html" else dumps
                began, began_cpu = time.perf_counter(), time.process_time()
                outputs = fn(inputs)
                result = results[(name, mode)][set_name]
                result.seconds += time.perf_counter() - began
                result.cpu_seconds += time.process_time() - began_cpu
                result.pages += len(batch)
                score(batch, outputs, set_name, result, keep_texts=bool(args.errors) and name == "storyline")
            print(f"  {set_name}: {min(start + BATCH_SIZE, len(pages))}/{len(pages)} pages", flush=True)
    return results


def _fmt(value: float) -> str:
    return "  -  " if value != value else f"{value:.3f}"


def table_rows(results: dict[tuple[str, str], dict[str, Score]]) -> list[list[str]]:
    rows = []
    for (name, mode), per_set in results.items():
        aeb, wcxb = per_set["aeb"], per_set["wcxb"]
        p, r, f = aeb.aeb()
        pages = aeb.pages + wcxb.pages
        seconds = aeb.seconds + wcxb.seconds
        cpu = aeb.cpu_seconds + wcxb.cpu_seconds
        meta = [_fmt(_mean(wcxb.meta_hits[k])) for k in ("title", "author", "date")]
        speeds = [f"{pages / s:.1f}" if s else "-" for s in (seconds, cpu)]
        rows.append([name, mode, _fmt(p), _fmt(r), _fmt(f), _fmt(_mean(wcxb.bag)), *meta, *speeds])
    return rows


HEADER = ["tool", "input", "AEB P", "AEB R", "AEB F1", "WCXB F1", "title", "author", "date", "pages/s", "pages/CPU-s"]


def print_table(rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "---|" * len(HEADER))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for row in [HEADER, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))


def print_misses(results: dict[tuple[str, str], dict[str, Score]], count: int) -> None:
    for (name, mode), per_set in results.items():
        if name != "storyline":
            continue
        for set_name, result in per_set.items():
            worst = sorted(result.per_page)[:count]
            print(f"worst storyline {mode} {set_name}: " + " ".join(f"{pid}:{f:.2f}" for f, pid in worst))


def _line_grams(text: str) -> set[str]:
    tokens = common.TOKEN_RE.findall(text.lower())
    return {" ".join(tokens[i : i + common.NGRAM]) for i in range(max(1, len(tokens) - common.NGRAM + 1))} if tokens else set()


def line_errors(reference: str, output: str) -> tuple[list[str], list[str]]:
    """(missing, extra): reference lines the output lacks and output lines the reference lacks
    (a line shorter than a 4-gram counts as present when its words occur in that order)."""

    def absent(lines: str, other: str) -> list[str]:
        grams_other = _line_grams(other)
        words_other = f" {' '.join(common.TOKEN_RE.findall(other.lower()))} "
        out = []
        for line in lines.split("\n"):
            tokens = common.TOKEN_RE.findall(line.lower())
            if not tokens:
                continue
            if len(tokens) < common.NGRAM:
                lost = f" {' '.join(tokens)} " not in words_other
            else:
                grams = _line_grams(line)
                lost = len(grams - grams_other) > ERROR_LINE_SHARE * len(grams)
            if lost:
                out.append(line.strip())
        return out

    return absent(reference, output), absent(output, reference)


def _shown(line: str) -> str:
    """A page's line made safe for a terminal (control characters out) and cut short."""
    safe = "".join(ch if ch.isprintable() else " " for ch in line)
    return safe if len(safe) <= ERROR_LINE_CHARS else safe[: ERROR_LINE_CHARS - 1] + "…"


def print_errors(results: dict[tuple[str, str], dict[str, Score]], count: int) -> None:
    """storyline's ``count`` worst pages per set and mode, each with its missing (-) and extra (+) lines."""
    for (name, mode), per_set in results.items():
        if name != "storyline":
            continue
        for set_name, result in per_set.items():
            print(f"\nworst storyline {mode} pages, {set_name}:")
            for f, page_id in sorted(result.per_page)[:count]:
                reference, output = result.texts[page_id]
                missing, extra = line_errors(reference, output)
                n_ref, n_out = (len(common.TOKEN_RE.findall(t)) for t in (reference, output))
                print(f"  {page_id} F1 {f:.3f} (reference {n_ref} words, output {n_out})")
                for sign, lines in (("-", missing), ("+", extra)):
                    for line in lines[:ERROR_LINES_SHOWN]:
                        print(f"    {sign} {_shown(line)}")
                    if len(lines) > ERROR_LINES_SHOWN:
                        print(f"    {sign} ... {len(lines) - ERROR_LINES_SHOWN} more")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set (of the split)")
    parser.add_argument("--split", choices=("all", "tune", "check"), default="all", help="CRC32 half of the pages")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown rows")
    parser.add_argument("--no-anchors", action="store_true", help="storyline only (quick iterations)")
    parser.add_argument("--mode", choices=("both", "html", "text"), default="both", help="input mode(s) to run")
    parser.add_argument("--misses", type=int, default=0, help="list storyline's N worst pages per set")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="storyline's N worst pages per set with their missing (-) and extra (+) lines")
    parser.add_argument(
        "--warm-up", type=int, default=WARM_UP_PAGES, metavar="N",
        help="pages of each set every tool runs untimed first; N >= --limit times pages every tool has seen (steady state)",
    )
    args = parser.parse_args()
    results = run(args)
    n_aeb, n_wcxb = (next(iter(results.values()))[k].pages for k in ("aeb", "wcxb"))
    print(f"\nAEB {n_aeb} pages, WCXB dev articles {n_wcxb} pages, split {args.split}; title/author/date on WCXB")
    print_table(table_rows(results), args.markdown)
    if args.misses:
        print_misses(results, args.misses)
    if args.errors:
        print_errors(results, args.errors)


if __name__ == "__main__":
    main()
