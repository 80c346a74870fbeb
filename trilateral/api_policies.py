"""The API's policies, named in `REST_FRAMEWORK` in the settings: who may write, how fast anonymous
clients may go, how request bodies are read, how lists are filtered, ordered and paginated, and
the CSV rendering of a list.

They live apart from the viewsets in `trilateral.api` because DRF imports the classes its settings
name while it is itself being imported, so this module must not import DRF's views.
"""

import csv
import functools
import io

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import (
    exceptions,
    filters,
    parsers,
    permissions,
    renderers,
    serializers,
    throttling,
)
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings

# --- Who may do what ----------------------------------------------------------------------------


class StaffWritePermission(permissions.DjangoModelPermissions):
    """Anyone may read (what they may see is decided by `visible`); writing takes a staff account
    that also holds the model's add, change or delete permission."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff) and super().has_permission(
            request, view
        )


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Limits anonymous clients to `DEFAULT_THROTTLE_RATES["anon"]`, read at each request so that
    a changed setting applies at once (the parent class reads it once, at import)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


# --- Reading request bodies ---------------------------------------------------------------------


class JSONParser(parsers.JSONParser):
    """DRF's, answering a document nested deeper than Python's parser goes (a thousand levels or
    so) with a 400, as any other malformed JSON, rather than a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from None


# --- Lists: filtering, ordering, pagination -----------------------------------------------------


@functools.cache
def api_filterset(filterset_class):
    """The resource's FilterSet as the API offers it: the same filters the pages use, with the
    free-text `q` named `search`, the name API clients expect."""
    api_class = type(filterset_class.__name__, (filterset_class,), {})
    api_class.base_filters = {
        ("search" if name == "q" else name): filter_
        for name, filter_ in filterset_class.base_filters.items()
    }
    return api_class


class FilterBackend(DjangoFilterBackend):
    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        return api_filterset(filterset_class) if filterset_class else None


class OrderingFilter(filters.OrderingFilter):
    """Orders by the view's `ordering_fields`; an unknown field is a 400, not silently ignored."""

    def get_ordering(self, request, queryset, view):
        param = request.query_params.get(self.ordering_param)
        if not param:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in param.split(",")]
        if len(self.remove_invalid_fields(queryset, terms, view, request)) != len(terms):
            choices = ", ".join(self.ordering_choices(view))
            raise exceptions.ValidationError(
                {self.ordering_param: [_("Order by one of: %(choices)s.") % {"choices": choices}]}
            )
        return terms

    def ordering_choices(self, view):
        return [f"{sign}{name}" for name in view.ordering_fields for sign in ("", "-")]

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": _("Fields to order by, comma-separated; - for descending."),
                "style": "form",
                "explode": False,
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": self.ordering_choices(view)},
                },
            }
        ]


class Pagination(PageNumberPagination):
    """Numbered pages of 20, or `page_size` up to 100. A CSV export is one sheet with every row,
    unless it asks for a page."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = _("Invalid page: {message}")

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(value)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({self.page_size_query_param: exc.detail}) from exc

    def exports_every_row(self, request):
        """A CSV export that asks for no page is one sheet with every matching row."""
        asks_for_a_page = any(
            request.query_params.get(name)
            for name in (self.page_query_param, self.page_size_query_param)
        )
        renderer = getattr(request, "accepted_renderer", None)
        return isinstance(renderer, CSVRenderer) and not asks_for_a_page

    def paginate_queryset(self, queryset, request, view=None):
        if self.exports_every_row(request):
            return None
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        page, page_size = super().get_schema_operation_parameters(view)
        page["schema"]["minimum"] = 1
        page_size["schema"].update(minimum=1, maximum=self.max_page_size)
        return [page, page_size]


# --- CSV ----------------------------------------------------------------------------------------


class CSVRenderer(renderers.BaseRenderer):
    """A list as a spreadsheet: one header row, one row per record, nested summaries joined into
    one cell. UTF-8 with a byte-order mark, which spreadsheet apps need to read Korean and
    Japanese correctly."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    # A cell starting with one of these is a formula to a spreadsheet app; quoting keeps a
    # record's text from running as one.
    formula_starts = ("=", "+", "-", "@", "\t", "\r")

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        view = (renderer_context or {}).get("view")
        header = list(view.get_serializer().fields) if view else list(rows[0] if rows else [])
        return self.start(header) + self.rows(header, rows)

    def start(self, header):
        """The byte-order mark and the header row: the beginning of a sheet, streamed or not."""
        return ("\ufeff" + self.lines([header])).encode(self.charset)

    def rows(self, header, rows):
        """Serialized records as lines of the sheet, their cells in the header's order."""
        lines = self.lines([self.cell(row.get(name)) for name in header] for row in rows)
        return lines.encode(self.charset)

    @staticmethod
    def lines(rows):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue()

    def cell(self, value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "; ".join(self.cell(item) for item in value)
        if isinstance(value, dict):
            return self.cell(self.label(value))
        text = str(value)
        return f"'{text}" if text.startswith(self.formula_starts) else text

    @classmethod
    def label(cls, summary):
        """What names a nested record in one cell: its name or title if it has one, else the
        record it is about (a participant's person), else its plain values."""
        for key in ("name", "title", "code", "slug", "anchor"):
            if summary.get(key):
                return summary[key]
        for value in summary.values():
            if isinstance(value, dict):
                return cls.label(value)
        plain = (value for key, value in summary.items() if not key.endswith("url"))
        return " ".join(str(value) for value in plain if value not in (None, ""))
