"""Sentence spans: abbreviations before numbers and names end no sentence; real ends still do."""

import pytest

from storyline.text import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    ("Senator John Cornyn, the No. 2 Republican in the Senate, said a vote was likely. Democrats disagreed.",
     ["Senator John Cornyn, the No. 2 Republican in the Senate, said a vote was likely.", "Democrats disagreed."]),
    ("The court sent the case, No. 14-915, back to the lower courts. Both sides claimed victory.",
     ["The court sent the case, No. 14-915, back to the lower courts.", "Both sides claimed victory."]),
    ("Moscow says Art. 5 of the treaty does not apply. Nato disagrees.",
     ["Moscow says Art. 5 of the treaty does not apply.", "Nato disagrees."]),
    ("The figures appear in Vol. 3 of the report, on pp. 112-118, and in Fig. 4. They were revised in May.",
     ["The figures appear in Vol. 3 of the report, on pp. 112-118, and in Fig. 4.", "They were revised in May."]),
    ("The S.&P. 500 closed the week down slightly. Oil rose.",
     ["The S.&P. 500 closed the week down slightly.", "Oil rose."]),
])
def test_short_forms_taking_a_number_end_no_sentence(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Lt. Gen. Sergei Rudskoi briefed reporters in St. Petersburg. Sen. Jane Doe and Rep. Bob Lee were told later.",
     ["Lt. Gen. Sergei Rudskoi briefed reporters in St. Petersburg.", "Sen. Jane Doe and Rep. Bob Lee were told later."]),
    ("The talks were led by the Rev. Al Sharpton and Adm. John Aquilino. Maj. Tom Reyes took notes.",
     ["The talks were led by the Rev. Al Sharpton and Adm. John Aquilino.", "Maj. Tom Reyes took notes."]),
])
def test_titles_before_a_name_end_no_sentence(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the same short forms as words still end a sentence before a capitalised one
    ("Asked whether he would resign, he said no. Nobody was surprised.", ["Asked whether he would resign, he said no.", "Nobody was surprised."]),
    ("She was never one for art. Politics came first.", ["She was never one for art.", "Politics came first."]),
    # a number after an ordinary word opens the next sentence
    ("The ceasefire held for a week. 12 soldiers were killed on Monday.", ["The ceasefire held for a week.", "12 soldiers were killed on Monday."]),
    # a sentence never crosses a paragraph break, whatever ends the line
    ("The memo was marked No.\n2 copies were made.", ["The memo was marked No.", "2 copies were made."]),
])
def test_real_sentence_ends_still_split(text, expected):
    assert sentences(text) == expected


def test_spans_index_the_text_and_skip_surrounding_space():
    text = "  He met the No. 2 official.   Then he left.  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["He met the No. 2 official.", "Then he left."]
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)
