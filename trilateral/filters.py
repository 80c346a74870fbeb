"""Filter pieces shared by the FilterSets of both apps, for HTML pages and the API alike.

Every value a visitor can type is validated by a form field before any query runs, so malformed
input (letters for a year, a NUL byte, a number past 64 bits, an unknown slug) becomes a form error
on a page and a 400 in the API, never a database error.
"""

import datetime
import re

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from trilateral.models import EARLIEST_YEAR, LATEST_YEAR

SLUG_OR_CODE = re.compile(r"[-a-zA-Z0-9_]{1,150}")
SEARCH_MAX_LENGTH = 200


class SlugChoiceField(forms.ModelChoiceField):
    """A choice made by slug or code; anything that cannot be one is rejected before a query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not SLUG_OR_CODE.fullmatch(str(value)):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ListSelect(forms.Select):
    """A <select> of a flat list of choices, written out in Python. Django renders each option
    through its own template, which took a third of a list page's time for the few dozen
    countries, series and topics a filter offers; the markup is the same."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


class BoundedIntegerField(forms.IntegerField):
    def __init__(self, *args, min_value=EARLIEST_YEAR, max_value=LATEST_YEAR, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A calendar year: a whole number in a plausible range."""

    field_class = BoundedIntegerField


class SearchFilter(django_filters.CharFilter):
    """Free-text search through the model QuerySet's own `search()`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.search(value) if value else qs


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, turned into UTC: PostgreSQL refuses offsets past 15:59 and Python
    cannot hold a moment before year 1 or after 9999 in UTC, so either is a form error."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """Records changed at or after a moment, for incremental sync."""

    field_class = UtcDateTimeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", _("Updated since"))
        super().__init__(*args, **kwargs)
