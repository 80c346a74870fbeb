"""Markdown written by staff is rendered; nothing that could run in a reader's browser is."""

import pytest
from django.template import Context, Template

from trilateral.markdown import REMEMBERED_TEXT_CHARS, markdown_to_text, render_markdown


def test_prose_markup_is_kept():
    html = render_markdown("A *joint* statement, see [METI](https://www.meti.go.jp/).\n\n- one")
    assert "<em>joint</em>" in html
    assert '<a href="https://www.meti.go.jp/" rel="noopener noreferrer">METI</a>' in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">x</a>',
        "<iframe src='https://example.org'></iframe>",
    ],
)
@pytest.mark.parametrize("length", ["short", "long"])
def test_scripts_and_handlers_are_removed(text, length):
    # Short texts are remembered once rendered, long ones rendered each time: both are cleaned,
    # and so is a remembered text asked for again.
    if length == "long":
        text = "Words of a long text. " * (REMEMBERED_TEXT_CHARS // 20) + "\n\n" + text
    for html in (render_markdown(text), render_markdown(text)):
        for dangerous in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
            assert dangerous not in html


def test_headings_never_outrank_the_page():
    html = render_markdown("# Title\n\n## Part")
    assert "<h3>Title</h3>" in html
    assert "<h4>Part</h4>" in html
    assert "<h1>" not in html
    assert "<h2>" not in html


def test_plain_text_for_descriptions():
    assert markdown_to_text("The *Spirit* of Camp David & more") == (
        "The Spirit of Camp David & more"
    )
    long_text = "A *long* text. " * REMEMBERED_TEXT_CHARS
    assert markdown_to_text(long_text) == long_text.replace("*", "").strip()


def test_template_filter_renders_markdown():
    rendered = Template("{% load records %}{{ text|markdown }}").render(
        Context({"text": "**bold** <b onclick='x()'>b</b>"})
    )
    assert rendered == "<p><strong>bold</strong> b</p>"
