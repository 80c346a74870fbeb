"""Filters the public pages share: Markdown, meeting dates, names in their own script, JSON-LD."""

import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from trilateral.markdown import markdown_to_text, render_markdown
from trilateral.translation import current_language

register = template.Library()

# The language a country's officials write their names in, shown beside the romanised name.
COUNTRY_LANGUAGES = {"KR": "ko", "JP": "ja", "CN": "zh"}

# Characters that could end a <script> element or open a comment inside it.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def markdown(text):
    return render_markdown(text)


def untranslated_note():
    return format_html('<small class="untranslated">{}</small>', _("not yet translated"))


@register.filter
def tr(record, field_name):
    """A field in the reader's language. While its translation is missing, the English text,
    marked as English for browsers and screen readers, with a note that says so."""
    if record is None:
        return ""
    text, language = record.translated(field_name)
    if language == current_language() or not text:
        return text
    return format_html('<span lang="{}">{}</span>{}', language, text, untranslated_note())


@register.filter
def tr_text(record, field_name):
    """A field in the reader's language (or English), as plain text for titles and attributes."""
    return "" if record is None else record.localized(field_name)


@register.filter
def tr_markdown(record, field_name):
    """A Markdown field in the reader's language, rendered; the English text, marked, while its
    translation is missing."""
    text, language = record.translated(field_name)
    html = render_markdown(text)
    if language == current_language() or not text:
        return html
    return format_html('<div lang="{}">{}</div><p>{}</p>', language, html, untranslated_note())


@register.filter
def meeting_dates(meeting):
    """'June 26, 2024', a range for a meeting over several days, or the expected year."""
    if not meeting.start_date:
        return _("%(year)s (date not yet set)") % {"year": meeting.year}
    start = formats.date_format(meeting.start_date, "DATE_FORMAT")
    if meeting.end_date and meeting.end_date != meeting.start_date:
        end = formats.date_format(meeting.end_date, "DATE_FORMAT")
        return _("%(start)s to %(end)s") % {"start": start, "end": end}
    return start


@register.filter
def own_script_names(person, country=None):
    """The person's names in the script of their country, and of the reader's language."""
    languages = {translation.get_language(), COUNTRY_LANGUAGES.get(getattr(country, "code", ""))}
    languages.discard("en")
    return [name for name in person.names.all() if name.language in languages]


@register.filter
def json_ld(data):
    """schema.org data in a script element that no value inside it can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    # "<", ">" and "&" are escaped above.
    safe = mark_safe(text)  # noqa: S308  # nosec B308 B703
    return format_html('<script type="application/ld+json">{}</script>', safe)


@register.filter
def highlight(text, query):
    """The text, escaped, with every occurrence of the query marked."""
    text = str(text)
    if not query:
        return escape(text)
    parts = re.split(f"({re.escape(query)})", text, flags=re.IGNORECASE)
    # Every part is escaped.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(
            format_html("<mark>{}</mark>", part) if index % 2 else escape(part)
            for index, part in enumerate(parts)
        )
    )


@register.filter
def plain(text):
    """A Markdown text as plain words, for meta descriptions."""
    return markdown_to_text(text)
