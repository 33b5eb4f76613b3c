"""Direct and reported speech: each attribution shape on our own sentences, then the seeds."""

import re
import string

from storyline.model import Document, Mention, Quote
from storyline.quotes import (
    _CUE,
    _REPORT_CUE,
    MIN_QUOTE_WORDS,
    _all_cues,
    QUOTE_MATCH_RATIO,
    find_quotes,
    join_split_quotes,
    merge_quotes,
    normalise_quote,
    quote_cluster_id,
)
from test_entities import seed_corpus

PEOPLE = {"Anna Berg": "Anna Berg", "Berg": "Anna Berg", "Lars Olsen": "Lars Olsen", "Olsen": "Lars Olsen"}


def mentions(text: str, names: dict[str, str] = PEOPLE) -> list[Mention]:
    """PERSON mentions for every whole-word occurrence of the given names (longest first)."""
    found: list[Mention] = []
    taken: set[int] = set()
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            if not taken.intersection(range(m.start(), m.end())):
                found.append(Mention(m.start(), m.end(), name, "PERSON", names[name]))
                taken.update(range(m.start(), m.end()))
    return sorted(found, key=lambda m: m.start)


def quotes_of(text: str) -> list[Quote]:
    return find_quotes(text, mentions(text))


def one(quotes: list[Quote], fragment: str, kind: str | None = None) -> Quote:
    hits = [q for q in quotes if fragment in q.text and (kind is None or q.kind == kind)]
    assert len(hits) == 1, [(q.kind, q.text) for q in quotes]
    return hits[0]


# ---------------------------------------------------------------- our own sentences


def test_curly_quote_with_attribution_after_it_and_offsets():
    text = "“We will open the new bridge next spring,” Berg said in remarks that were aired by radio."
    quotes = quotes_of(text)
    assert len(quotes) == 1  # the remarks "that were aired" are no reported clause
    q = quotes[0]
    assert (q.kind, q.speaker, q.cue) == ("direct", "Anna Berg", "said")
    assert text[q.start : q.end] == "We will open the new bridge next spring"
    assert text[q.speaker_start : q.speaker_end] == "Berg"


def test_straight_marks_split_quote_and_pronoun_speaker():
    text = 'Lars Olsen visited the port. "The talks were useful," he said. "We agreed on the next steps."'
    quotes = quotes_of(text)
    first, second = one(quotes, "talks were useful"), one(quotes, "next steps")
    assert first.speaker == second.speaker == "Lars Olsen"
    assert first.cue == "said"


def test_quote_spanning_paragraphs_and_the_wrong_opening_mark():
    text = (
        "Berg spoke after the vote.\n\n"
        "“The first part of the statement has no closing mark\n\n"
        "“and the second part ends it here.”\n\n"
        "”A badly typeset paragraph opens with the wrong mark.”"
    )
    quotes = quotes_of(text)
    spanning = one(quotes, "first part")
    assert "second part ends it here" in spanning.text and "\n" not in spanning.text
    wrong = one(quotes, "badly typeset")
    assert wrong.text.startswith("A badly")


def test_unattributed_quote_paragraph_continues_the_previous_speaker():
    text = (
        "“Our coalition will hold together through the winter,” Olsen told Berg at the meeting.\n\n"
        "“Nobody should doubt our resolve on this matter.”\n\n"
        "The weather was cold.\n\n"
        "Reporters waited outside.\n\n"
        "“This sentence stands alone without anyone saying it.”"
    )
    quotes = quotes_of(text)
    assert one(quotes, "Nobody should doubt").speaker == "Lars Olsen"
    assert one(quotes, "stands alone").speaker is None  # two paragraphs later: no longer Olsen's


def test_scare_quotes_are_not_quotes_but_short_attributed_ones_are():
    text = (
        "Berg praised their “strategic” ties and a “no limits” partnership. "
        "Olsen said the views of the two sides “fully coincide,” including on trade."
    )
    quotes = quotes_of(text)
    assert all("strategic" != q.text and "no limits" != q.text for q in quotes)
    assert one(quotes, "fully coincide", "direct").speaker == "Lars Olsen"
    assert MIN_QUOTE_WORDS >= 2


def test_partial_quote_inside_reported_speech():
    text = "Berg said she would work with Olsen on “a fresh plan for the whole region” this year."
    quotes = quotes_of(text)
    direct = one(quotes, "fresh plan", "direct")
    indirect = one(quotes, "she would work", "indirect")
    assert direct.speaker == indirect.speaker == "Anna Berg"
    assert indirect.start < direct.start < direct.end <= indirect.end


def test_indirect_speech_with_and_without_that():
    text = (
        "Berg said that she and Olsen would discuss fishing quotas. "
        "Olsen said Berg invited him to visit the islands in June. "
        "Trade between the two will double by next year, he added."
    )
    quotes = quotes_of(text)
    with_that = one(quotes, "discuss fishing", "indirect")
    assert with_that.text == "she and Olsen would discuss fishing quotas"
    assert (with_that.speaker, with_that.cue) == ("Anna Berg", "said")
    bare = one(quotes, "invited him", "indirect")
    assert bare.speaker == "Lars Olsen"
    trailing = one(quotes, "Trade between", "indirect")
    assert (trailing.speaker, trailing.cue) == ("Lars Olsen", "added")


def test_verbs_with_plain_objects_are_not_reported_speech():
    text = "Berg emphasised the close ties between the two towns. Olsen said on Friday he would resign soon."
    quotes = quotes_of(text)
    assert [q.text for q in quotes] == ["he would resign soon"]


def test_according_to_and_inverted_attribution():
    text = "“Prices will fall sharply next year,” according to Olsen. “The plan works well,” said Anna Berg."
    quotes = quotes_of(text)
    assert (one(quotes, "Prices").speaker, one(quotes, "Prices").cue) == ("Lars Olsen", "according to")
    assert one(quotes, "plan works").speaker == "Anna Berg"


def test_question_and_parenthesis_before_the_attribution():
    text = "“Where is the money going?” Olsen said. “Why did the budget double?” Anna Berg (Labour) asked."
    quotes = quotes_of(text)
    assert one(quotes, "money going").speaker == "Lars Olsen"
    assert one(quotes, "budget double").speaker == "Anna Berg"
    # a new sentence opening with a capitalised pronoun is not an attribution of the quote before it
    text = "Olsen spoke first. “Is this the end of the road?” He said the talks would go on."
    assert one(find_quotes(text, mentions(text)), "end of the road").cue is None


def test_participle_cue_takes_the_sentence_speaker():
    text = "Olsen said the deal was signed on Monday, adding that “nothing will stop the shipments now.”"
    assert one(quotes_of(text), "nothing will stop", "direct").speaker == "Lars Olsen"


def test_pronoun_mid_sentence_takes_the_nearest_person():
    text = "Berg arrived after Olsen flew home, and a day later he said the port would reopen next month."
    assert one(quotes_of(text), "port would reopen", "indirect").speaker == "Lars Olsen"


def test_hostile_input_is_handled():
    # linear: about a second here; quadratic code took minutes (timed by hand, never asserted)
    text = ('"' * 20000) + (" said that" * 5000) + ("“a b ” " * 5000) + ("x, Berg said, " * 2000)
    quotes = find_quotes(text, mentions(text))
    assert all(0 <= q.start <= q.end <= len(text) for q in quotes)
    assert quotes and all(q.kind == "direct" for q in quotes)  # the runs of marks pair up as quotes


def test_cues_are_found_exactly_where_the_cue_regexes_match():
    """The word-trie prefilter finds what the cue regexes find, on the seeds and on words that
    case-insensitive matching folds (ſ, ı, İ, the Kelvin sign) or that only contain a cue."""
    docs, _ = seed_corpus()
    odd = (
        "Berg ſaid, claimſ, asKed; SAID Said_x said9 unsaid saidé İnsisted warnİng ıt "
        "points   out, According\nto the report, emphasised and emphasized, told. Stated. As she put it, he puts it."
    )
    for text in [d.clean_text for d in docs.values()] + [odd]:
        cues, report_cues = _all_cues(text)
        expected = [m.span() for m in _CUE.finditer(text) if text[m.start()] in string.ascii_letters]
        assert [c.span() for c in cues] == expected
        assert [c.span() for c in report_cues] == [m.span() for m in _REPORT_CUE.finditer(text)]
    assert [c.group() for c in _all_cues(odd)[0]][:3] == ["claimſ", "asKed", "SAID"]


def test_merge_keeps_a_paraphrase_apart_and_counts_sources():
    def doc(doc_id, text):
        d = Document(id=doc_id, path=doc_id, raw_text=text, clean_text=text)
        d.quotes = quotes_of(text)
        return d

    a = doc("a", "“We will open the new bridge next spring, whatever happens,” Berg said.")
    b = doc("b", "“We will open the new bridge next spring whatever happens,” Berg said.")
    c = doc("c", "“Next spring the bridge opens to traffic, come what may,” Berg said.")
    clusters = merge_quotes([a, b, c], {"a": "a", "b": "a", "c": "c"})
    same = next(k for k in clusters if len(k.occurrences) == 2)
    assert same.document_ids == ["a", "b"] and same.independent_sources == 1
    assert same.id == quote_cluster_id(normalise_quote(same.text))
    assert any(k.document_ids == ["c"] for k in clusters)
    assert merge_quotes([a, b, c])[0].independent_sources == 2  # default: each document its own source
    assert QUOTE_MATCH_RATIO >= 85


# ---------------------------------------------------------------- the seeds


def speaker_of(doc, fragment, kind="direct"):
    return one(doc.quotes, fragment, kind).speaker


def test_seed_putin_support_quote_is_one_cluster_across_the_rewrite():
    docs, _ = seed_corpus()
    clusters = merge_quotes(list(docs.values()), {"000": "001", "001": "001"})
    hits = [k for k in clusters if "firm support" in k.text and "development path" in k.text]
    assert len(hits) == 1
    cluster = hits[0]
    assert cluster.speaker == "Vladimir Putin" and cluster.speaker_entity_id
    assert sorted(doc_id for doc_id, _, _ in cluster.occurrences) == ["000", "000", "001"]
    assert cluster.independent_sources == 1  # 000 rewrites 001
    for doc_id, start, end in cluster.occurrences:
        assert "firm support" in docs[doc_id].clean_text[start:end]


def test_seed_xi_and_ushakov_quotes():
    docs, _ = seed_corpus()
    for doc_id in ("000", "001"):
        assert speaker_of(docs[doc_id], "use a historic opportunity to continue deepening strategic cooperation") == "Xi Jinping"
    assert speaker_of(docs["000"], "practically coincide") == "Yuri Ushakov"
    assert speaker_of(docs["000"], "he and Putin would discuss", "indirect") == "Xi Jinping"
    assert speaker_of(docs["000"], "Xi invited Putin", "indirect") == "Yuri Ushakov"
    assert speaker_of(docs["000"], "Asia-Pacific Economic Cooperation summit", "indirect") == "Yuri Ushakov"
    assert all(q.text != "strategic" for q in docs["000"].quotes)


def test_seed_lavrov_quotes_resolve_to_the_entity():
    docs, entities = seed_corpus()
    lavrov = next(e for e in entities if e.name == "Sergey Lavrov")
    for fragment in ("intends to contact the president", "interests of the United States have never changed"):
        quote = one(docs["002"].quotes, fragment, "direct")
        assert (quote.speaker, quote.speaker_entity_id) == ("Sergey Lavrov", lavrov.id)


def test_seed_quote_paragraphs_without_attribution():
    docs, _ = seed_corpus()
    assert speaker_of(docs["002"], "Joint efforts by Russia and China") == "Vladimir Putin"
    assert speaker_of(docs["002"], "prevent World War III") == "Vladimir Putin"  # opens with the wrong mark
    assert speaker_of(docs["003"], "China is willing to") == "Xi Jinping"
    assert speaker_of(docs["004"], "This will demonstrate") == "Vladimir Putin"


def test_seed_role_and_pronoun_speakers():
    docs, _ = seed_corpus()
    assert speaker_of(docs["001"], "our partnership in the energy sphere") == "Vladimir Putin"
    assert speaker_of(docs["001"], "any season is springtime") == "Vladimir Putin"
    # "“…,” he stated" after a sentence about President Putin
    assert speaker_of(docs["000"], "our socio-economic welfare, and the right") == "Vladimir Putin"
    assert speaker_of(docs["003"], "Washington would continue to impose sanctions", "indirect") == "Antony Blinken"


# ---------------------------------------------------------------- split quotes, titles, introductions


def test_split_quote_parts_join_but_a_partial_quote_in_reported_speech_does_not():
    from storyline.quotes import join_split_quotes

    text = "“The bridge opens in May,” Berg said. “Nobody will stop it now.” Olsen said the plan is “far too costly.”"
    groups = join_split_quotes(text, quotes_of(text))
    direct = [[q.text for q in g] for g in groups if g[0].kind == "direct"]
    assert ["The bridge opens in May", "Nobody will stop it now."] in direct
    assert ["far too costly."] in direct or ["far too costly"] in direct


def test_titles_in_quote_marks_are_not_quotes():
    text = "Berg said on “Meet the Press” that the port “will reopen next month,” and praised “Make America Great Again” hats."
    texts = [q.text for q in quotes_of(text) if q.kind == "direct"]
    assert not any("Meet the Press" in t or "Make America" in t for t in texts)
    assert any("will reopen next month" in t for t in texts)


def test_colon_and_according_to_introduce_a_quote():
    text = "Anna Berg agreed: “The vote was fair and the count was clean.” According to Olsen, “the count took far too long.”"
    quotes = quotes_of(text)
    assert one(quotes, "vote was fair").speaker == "Anna Berg"
    according = one(quotes, "count took far too long")
    assert (according.speaker, according.cue) == ("Lars Olsen", "according to")


def test_full_stop_quote_takes_a_bare_attribution_sentence_only():
    text = "Olsen spoke. “The harbour is safe again.” Berg said. “Fishing resumes in spring.” Berg said the boats were ready."
    quotes = quotes_of(text)
    assert one(quotes, "harbour is safe").speaker == "Anna Berg"
    assert one(quotes, "Fishing resumes").cue is None  # "Berg said the boats ..." is a new statement


def test_quotes_command_prints_offsets_into_the_raw_text(tmp_path):
    import json

    from typer.testing import CliRunner

    from storyline.cli import app

    raw = "  Prime Minister Kari Solberg spoke in Oslo.\n\n“We will open the port next spring,” Solberg said.\n"
    path = tmp_path / "page.txt"
    path.write_text(raw, encoding="utf-8")
    result = CliRunner().invoke(app, ["quotes", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"text", "start", "end", "kind", "cue", "speaker", "speaker_start", "speaker_end"}
    assert raw[row["start"] : row["end"]] == row["text"] == "We will open the port next spring"
    assert (row["kind"], row["cue"], row["speaker"]) == ("direct", "said", "Kari Solberg")
    assert raw[row["speaker_start"] : row["speaker_end"]] == "Solberg"
    missing = CliRunner().invoke(app, ["quotes", str(tmp_path / "none.txt")])
    assert missing.exit_code == 1 and "none.txt" in missing.output


def test_a_quote_whose_cue_names_no_one_keeps_the_sentences_speaker():
    text = (
        "Chinese President Xi Jinping spoke on Monday. Xi said that he and Putin would discuss new plans and "
        "\u201cexchange views on major strategic issues,\u201d according to a Russian translation of his remarks."
    )
    from storyline.entities import find_mentions
    from storyline.nlp import load_nlp

    mentions = find_mentions(text, load_nlp()(text))
    (views,) = [q for q in find_quotes(text, mentions) if q.kind == "direct"]
    assert views.text.startswith("exchange views") and views.speaker == "Xi Jinping"
    assert views.speaker_start is None


def spoken_by(text: str, quote: Quote) -> str | None:
    return text[quote.speaker_start : quote.speaker_end] if quote.speaker_start is not None else None


def test_speaker_after_the_cue_is_a_name_with_its_title_or_a_noun_phrase():
    text = (
        "“The port will reopen on schedule,” said harbour spokesman Lars Olsen.\n\n"
        "“Nobody told us anything about the closure,” said a fisherman who asked not to be named.\n\n"
        "“We expect the ferries back by May,” said the woman, pointing at the pier."
    )
    quotes = quotes_of(text)
    port = one(quotes, "reopen on schedule")
    assert (port.speaker, spoken_by(text, port)) == ("Lars Olsen", "Lars Olsen")
    fisherman = one(quotes, "Nobody told us")
    assert spoken_by(text, fisherman) == "a fisherman" and fisherman.speaker is None
    assert spoken_by(text, one(quotes, "ferries back by May")) == "the woman"


def test_inverted_cue_and_apposition_before_the_cue():
    text = (
        "Said Berg, “The count was clean and the result is final.”\n\n"
        "“We will appeal the ruling,” Olsen, the party's lawyer and its longest-serving member, told reporters."
    )
    quotes = quotes_of(text)
    assert one(quotes, "count was clean").speaker == "Anna Berg"
    appeal = one(quotes, "appeal the ruling")
    assert (appeal.speaker, spoken_by(text, appeal)) == ("Lars Olsen", "Olsen")


def test_colon_ending_the_previous_paragraph_and_a_dash_byline_name_the_speaker():
    text = (
        "Berg arrived late. In a speech at the harbour, she declared:\n\n"
        "“The new bridge will carry its first trains next spring.”\n\n"
        "Critics were unconvinced.\n\n"
        "“The budget for the bridge has already doubled twice.”\n\n"
        "— Lars Olsen, opposition leader."
    )
    quotes = quotes_of(text)
    bridge = one(quotes, "first trains")
    assert (bridge.cue, bridge.speaker, spoken_by(text, bridge)) == ("declared", "Anna Berg", "she")
    budget = one(quotes, "already doubled")
    assert (budget.speaker, spoken_by(text, budget)) == ("Lars Olsen", "Lars Olsen")


def test_quote_completed_in_the_writers_words_keeps_its_words_and_takes_the_attribution():
    text = "“Many would call it a defeat” if the party lost by that margin, said Lars Olsen, a pollster in the capital."
    quote = one(quotes_of(text), "Many would call it")
    assert text[quote.start : quote.end] == quote.text == "Many would call it a defeat"  # the speaker's words only
    assert (quote.speaker, quote.cue) == ("Lars Olsen", "said")
    # a quote that ends its own sentence is not extended ("…!" the nominee tweeted)
    shout = "“Stop the count now!” the defeated nominee tweeted on Sunday, hours after the polls closed."
    assert one(quotes_of(shout), "Stop the count").text == "Stop the count now!"


def test_a_name_split_by_an_initial_still_attributes_the_quote():
    names = {"George W. Bush": "George W. Bush", "Karl Olsen": "Karl Olsen"}
    text = "“These are the darkest days for the party,” former George W. Bush adviser Karl Olsen wrote in a column."
    (quote,) = find_quotes(text, mentions(text, names))
    assert quote.cue == "wrote" and "Karl Olsen" in spoken_by(text, quote)


def test_subject_after_an_introductory_phrase_and_a_nominal_subject():
    text = (
        "Olsen spoke first. Eight years ago, she supported Olsen and said, “He is the only candidate who can win.”\n\n"
        "The campaign email goes on to say: “Every donation this week will be matched by our backers.”"
    )
    quotes = quotes_of(text)
    win = one(quotes, "only candidate")
    assert spoken_by(text, win) == "she"  # the subject, not Olsen the object
    email = one(quotes, "Every donation")
    assert spoken_by(text, email) == "The campaign email" and email.speaker is None


def test_a_part_with_its_own_attribution_is_not_joined_to_the_previous_one():
    from storyline.quotes import join_split_quotes

    text = "“The plan protects the coast,” Berg wrote. Still, she added, “we cannot ignore the costs of the project.”"
    groups = join_split_quotes(text, quotes_of(text))
    assert [len(g) for g in groups if g[0].kind == "direct"] == [1, 1]


def test_a_continued_quote_points_at_the_attribution_that_named_its_speaker():
    text = (
        "“Our coalition will hold together through the winter,” Olsen told reporters.\n\n"
        "“Nobody should doubt our resolve on this matter.”"
    )
    continued = one(quotes_of(text), "Nobody should doubt")
    assert (continued.cue, continued.speaker, spoken_by(text, continued)) == (None, "Lars Olsen", "Olsen")


def test_round_up_headline_dash_names_the_source_before_the_colon():
    text = "POLLS MISSED THE RURAL VOTE - Lars Olsen: “The samples had too few rural voters in them.”"
    quote = one(quotes_of(text), "samples had too few")
    assert (quote.speaker, text[quote.speaker_start : quote.speaker_end]) == ("Lars Olsen", "Lars Olsen")
    report = "TURNOUT WAS HIGHER THAN EXPECTED - More from the report: “Young voters came out in force this time.”"
    quote = one(quotes_of(report), "Young voters")
    assert report[quote.speaker_start : quote.speaker_end] == "More from the report"


def test_inverted_attribution_after_a_full_stop_and_an_unknown_name_with_an_apposition():
    text = "“We will win this state. We always do.” said party boss Lars Olsen, though he added that it would be close."
    quote = one(quotes_of(text), "We will win")
    assert quote.speaker == "Lars Olsen"
    # a name no NER found, with its apposition before the cue
    unknown = "Htay Oo, the party's acting chairman, told the agency simply, “We lost the vote badly.”"
    quote = one(quotes_of(unknown), "We lost")
    assert unknown[quote.speaker_start : quote.speaker_end] == "Htay Oo"


def test_put_it_introduces_a_quote_and_a_weekday_is_no_speaker():
    text = "As Lars Olsen, the party's treasurer, put it: “We cannot keep spending like this.”"
    assert one(quotes_of(text), "cannot keep spending").speaker == "Lars Olsen"
    names = {**PEOPLE, "Thursday": "Thursday"}  # a weekday an NER took for a name
    later = "Olsen later Thursday told the radio station: “The vote was never in doubt.”"
    assert one(find_quotes(later, mentions(later, names)), "never in doubt").speaker == "Lars Olsen"


def test_a_this_phrase_after_the_quote_is_its_speaker():
    text = "“The campaign is out of money and out of time.” this source told the newspaper."
    quote = one(quotes_of(text), "out of money")
    assert (quote.cue, text[quote.speaker_start : quote.speaker_end]) == ("told", "this source")


def test_a_dash_byline_on_the_quotes_own_line_names_its_speaker_and_closes_it():
    text = (
        "Readers told us what they think of the bridge.\n"
        "“The new bridge will carry its first trains next spring.” ― Anna Berg\n"
        "“The budget for the bridge has already doubled twice.”\xa0― Lars Olsen.\n"
        "“It is a fine plan,” — Berg said of the design, “and it will work.”"
    )
    quotes = quotes_of(text)
    trains, budget = one(quotes, "first trains"), one(quotes, "already doubled")
    assert (trains.cue, trains.speaker, spoken_by(text, trains)) == ("—", "Anna Berg", "Anna Berg")
    assert (budget.speaker, spoken_by(text, budget)) == ("Lars Olsen", "Lars Olsen")
    groups = join_split_quotes(text, quotes)
    assert [len(g) for g in groups if g[0] in (trains, budget)] == [1, 1]  # a byline ends its quotation
    plan = one(quotes, "fine plan")  # a dash that goes on with the sentence is no byline
    assert plan.cue != "—"


def test_an_attribution_right_after_the_mark_is_not_the_writers_completion_of_the_quote():
    text = (
        "“We can still win in the states that vote in June,” he said, arguing that the contests "
        "in the upcoming states would help. “The intensity of the voters is greater,” said Lars Olsen, "
        "a senator who spoke to reporters."
    )
    quotes = quotes_of(text)
    win = one(quotes, "still win", "direct")
    assert (win.cue, spoken_by(text, win)) == ("said", "he")
    assert win.end == text.index("June") + len("June")
    greater = one(quotes, "intensity", "direct")
    assert (greater.speaker, spoken_by(text, greater)) == ("Lars Olsen", "Lars Olsen")


def test_a_name_after_the_quote_with_several_appositions_before_its_cue_is_the_speaker():
    text = (
        "“It is an invasion of the state's domain,” Lars Olsen, the attorney general of the state, "
        "one of the twelve states suing the agency, said at an event this month. "
        "“The plan is sound and will pass,” Of Berg, Olsen, who has given money to her rivals, said nothing."
    )
    quotes = find_quotes(text, mentions(text, {**PEOPLE, "Of Berg": "Anna Berg"}))  # as an NER may take it
    invasion = one(quotes, "invasion")
    assert (invasion.cue, invasion.speaker, spoken_by(text, invasion)) == ("said", "Lars Olsen", "Lars Olsen")
    plan = one(quotes, "plan is sound")  # a mention opening with "Of" is no speaker
    assert plan.speaker != "Anna Berg"


def test_a_parenthesis_between_a_speaker_phrase_and_its_cue():
    text = (
        "The witness did not come. “Subpoenas are not optional,” panel chairman Sen. Lars Olsen (R-Utah) "
        "said after the hearing."
    )
    quote = one(quotes_of(text), "not optional")
    assert (quote.cue, quote.speaker, spoken_by(text, quote)) == ("said", "Lars Olsen", "Lars Olsen")


def test_according_to_before_or_after_a_clause_attributes_it_as_reported_speech():
    text = (
        "Still, almost two in three voters now view the plan favourably, according to a poll by the Harbour Institute. "
        "According to early results of the exit poll conducted for the networks, Berg led among women in every county. "
        "The mayor, according to him, never said so."
    )
    quotes = [q for q in quotes_of(text) if q.kind == "indirect"]
    poll = one(quotes, "two in three")
    assert (poll.text, poll.cue) == ("almost two in three voters now view the plan favourably", "according to")
    assert spoken_by(text, poll) == "a poll by the Harbour Institute"
    led = one(quotes, "led among women")
    assert led.text == "Berg led among women in every county"
    assert spoken_by(text, led) == "early results of the exit poll conducted for the networks"
    assert not [q for q in quotes if "mayor" in q.text]  # "according to him" inside a clause frames none


def test_say_takes_a_bare_reported_clause():
    text = "Berg and Olsen say the harbour plan will cost twice the estimate. Critics say that it will fail."
    quotes = [q for q in quotes_of(text) if q.kind == "indirect"]
    plan = one(quotes, "harbour plan")
    assert (plan.text, plan.cue) == ("the harbour plan will cost twice the estimate", "say")
    assert one(quotes, "will fail").text == "it will fail"


def test_clause_ends_drop_their_stops_and_a_quote_ending_in_a_quoted_phrase_keeps_its_speaker():
    text = ("Berg said the talks would resume in March. “We will never accept ‘the deal,’” Olsen said. "
            "The vote would come in April, according to Berg.  “Nobody here wants ‘a retreat.’” Olsen said.")
    found = [(q.text, q.kind, q.speaker) for q in find_quotes(text, mentions(text))]
    assert found == [
        ("the talks would resume in March", "indirect", "Anna Berg"),
        ("We will never accept ‘the deal,’", "direct", "Lars Olsen"),
        ("The vote would come in April", "indirect", "Anna Berg"),
        ("Nobody here wants ‘a retreat.’", "direct", "Lars Olsen"),
    ]
