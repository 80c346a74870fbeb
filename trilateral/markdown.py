"""Markdown written by staff, rendered to HTML that is safe to put in a public page.

Markdown lets an editor write raw HTML, so its output is never trusted: nh3 keeps only the tags,
attributes and link schemes of plain prose. Headings start at level 3 because the page around
the text already has its h1 and h2.
"""

import functools
import html
import re
import threading

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "abbr",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# The part of a relative link before its first slash, question mark or hash.
FIRST_SEGMENT = re.compile(r"[^/?#]*")


def relative_url(url):
    """A relative link (/meetings/, #p3) is kept. One with a colon in its first segment is a
    scheme in disguise ("jav    ascript:", which Markdown makes of a tab): nh3 passes it as
    relative, and a feed reader's URL parser may not be as strict as a browser's."""
    return None if ":" in FIRST_SEGMENT.match(url).group() else url


_converters = threading.local()


def markdown_to_html(text):
    """Markdown's own HTML. Building a converter costs more than converting a summary, so each
    thread keeps one and resets it between texts (a converter is not safe to share)."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(output_format="html")
    return converter.reset().convert(text)


# A text is rendered the same way every time, and a page shows the same texts to every reader:
# each worker remembers its most recent renderings of short texts (summaries, paragraphs), so
# that a page built afresh (after an edit, or in another language) does not convert and clean
# them all again. Keyed by the text, an edited text is a new entry: nothing needs invalidating.
# Long texts are rendered each time, which bounds the memory at a few MB per worker.
REMEMBERED_TEXTS = 2048
REMEMBERED_TEXT_CHARS = 4000


def render_markdown(text):
    if not text:
        return ""
    render = remembered_html if len(text) <= REMEMBERED_TEXT_CHARS else sanitized_html
    # nh3 has removed everything but the allowed prose markup.
    return mark_safe(render(text))  # noqa: S308  # nosec B308 B703


def sanitized_html(text):
    html = markdown_to_html(text)
    # Headings written as # or ## become h3 or h4, so they never outrank the page's own.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative=relative_url,
    )


remembered_html = functools.lru_cache(maxsize=REMEMBERED_TEXTS)(sanitized_html)


def markdown_to_text(text):
    """The words of a Markdown text without markup, for meta descriptions, feeds and calendars."""
    if text and len(text) <= REMEMBERED_TEXT_CHARS:
        return remembered_text(text)
    return plain_text(text)


def plain_text(text):
    return html.unescape(strip_tags(render_markdown(text))).strip()


remembered_text = functools.lru_cache(maxsize=REMEMBERED_TEXTS)(plain_text)
