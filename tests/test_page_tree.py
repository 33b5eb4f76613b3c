"""The HTML path's own page loader (``clean.load_page_tree``) must give trafilatura's tree: the
same elements, the same rejections, only with lxml's C-level element classes."""

from __future__ import annotations

import pytest
from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import load_html

from storyline import clean

PAGES = {
    "article": "<!DOCTYPE html><html><head><title>T</title></head><body><article><p>One “quoted” line.</p>"
    "<p>Two</p></article></body></html>",
    "form": "<html><body><form id='f'><label for='q'>Search</label><input id='q' name='q' value='x'>"
    "<select><option>A</option></select><textarea>note</textarea></form><p>Body text here.</p></body></html>",
    # an encoding declaration in a str: lxml refuses it, both loaders retry from bytes
    "declared": "<?xml version='1.0' encoding='utf-8'?><html><body><p>Déjà vu</p></body></html>",
    "comments": "<html><body><!-- a comment --><p>a<?php echo 1; ?>b</p><!-- x --></body></html>",
    "self-closing": "<html/>\n<body><p>Text after a self-closing html tag.</p></body>",
    # no "html" in the first 50 characters and a single block: both reject it
    "fragment": "<p>Just one paragraph, not a page.</p>",
    "plain text": "Just some words, no markup at all.",
    "empty body": "<html></html>",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_tree_is_trafilaturas(name: str) -> None:
    markup = PAGES[name]
    ours, theirs = clean.load_page_tree(markup), load_html(markup)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")


def test_every_element_is_a_plain_html_element() -> None:
    tree = clean.load_page_tree(PAGES["form"])
    classes = {type(e) for e in tree.iter()}
    assert classes == {lxml_html.HtmlElement}  # lxml.html would make FormElement, InputElement, ...
    assert {type(e) for e in load_html(PAGES["form"]).iter()} > {lxml_html.HtmlElement}
    assert tree.find(".//form").text_content() == "SearchAnote"
