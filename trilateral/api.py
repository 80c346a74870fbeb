"""The JSON API's shared machinery: the base viewset and serializer every resource uses, what
each reader may see, conditional requests, and the router. The policies the settings name
(permissions, throttling, filtering, pagination, CSV) are in `trilateral.api_policies`.

Every resource goes through `RecordViewSet`, so a rule about writing (who may publish, what a
stale `If-Match` means) is added in one place: its `perform_create`, `perform_update` and
`perform_destroy` hooks.
"""

import hashlib
import itertools

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.cache import set_response_etag
from django.utils.encoding import iri_to_uri
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.views import SpectacularAPIView
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, renderers, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings
from rest_framework.utils import model_meta
from rest_framework.validators import UniqueValidator
from rest_framework.views import APIView
from rest_framework.viewsets import ModelViewSet

from trilateral.api_policies import CSVRenderer
from trilateral.cache import CACHE_SECONDS, current_generation, last_modified
from trilateral.filters import SLUG_OR_CODE
from trilateral.links import record_path
from trilateral.middleware import (
    RETRY_AFTER,
    is_database_unreachable,
    log_database_unavailable,
    unavailable_body,
)
from trilateral.translation import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    current_language,
    field_in,
)
from trilateral.workflow import check_serializer_publication

# What a slug, a country code or a row id may look like in an address. Anything else (a NUL
# byte, a slash, a number past 64 bits) never reaches a view, let alone the database.
SLUG_PATTERN = r"[-a-zA-Z0-9_]{1,150}"
COUNTRY_CODE_PATTERN = r"[A-Z]{2}"
ID_PATTERN = r"[0-9]{1,18}"

# A full CSV export is streamed in chunks of this many rows; one up to this size is also kept
# in the response cache for the next anonymous reader.
CSV_CHUNK_ROWS = 1000
CACHED_STREAM_MAX_BYTES = 8 * 1024 * 1024
# The headers a read's view sets, kept with its cached bytes. The layers around the view (the
# security headers, the request id, Content-Length) set theirs on a hit as on any response.
STORED_HEADERS = (
    "ETag",
    "Last-Modified",
    "Vary",
    "Allow",
    "Content-Language",
)


def stored_headers(response):
    return {name: response[name] for name in STORED_HEADERS if name in response}


def visible(queryset, request):
    """Staff see drafts as well; everyone else sees only what is published."""
    return queryset if request.user.is_staff else queryset.published()


# The columns that keep a record's history and the state of its translations. No summary of a
# record shows them, and they cost the most to read: their dates and JSON are converted row by
# row.
BOOKKEEPING_FIELDS = (
    "created_at",
    "updated_at",
    "version",
    "official_languages",
    "translation_versions",
)


def bookkeeping(model, prefix=""):
    columns = {field.name for field in model._meta.concrete_fields}
    return [f"{prefix}{name}" for name in BOOKKEEPING_FIELDS if name in columns]


def with_summaries(queryset, *related):
    """The records with the `related` ones they show a summary of (a slug, a name) selected in
    the same query, those read without their bookkeeping columns."""
    deferred = []
    for path in related:
        model = queryset.model
        for name in path.split("__"):
            model = model._meta.get_field(name).related_model
        deferred += bookkeeping(model, prefix=f"{path}__")
    return queryset.select_related(*related).defer(*deferred) if related else queryset


def summaries(queryset, *related):
    """Records to nest in others as summaries, with the `related` ones they show selected in the
    same query, all read without their bookkeeping columns."""
    return with_summaries(queryset.defer(*bookkeeping(queryset.model)), *related)


# --- Conditional requests ---------------------------------------------------------------------


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _(
        "The record has changed since you read it. Fetch it again and reapply your change."
    )
    default_code = "precondition_failed"


def representation_etag(request, data):
    """A strong ETag for a detail representation: the hash of the JSON as it is rendered, so a
    change anywhere in it, a nested child included, gives a new tag."""
    body = renderers.JSONRenderer().render(data)
    media_type = (getattr(request, "accepted_media_type", None) or "").encode()
    return quote_etag(hashlib.sha256(media_type + b"\n" + body).hexdigest()[:40])


def etag_listed(header, etag, *, weak=False):
    """Whether an If-Match (strong comparison) or If-None-Match (`weak`) header names the tag."""
    tags = parse_etags(header)
    if weak:
        tags = [tag.removeprefix("W/") for tag in tags]
    return "*" in tags or etag in tags


# --- Serializers --------------------------------------------------------------------------------


class RelatedSlugField(serializers.SlugRelatedField):
    """A related record named by its slug or code. A value that cannot be one is refused before
    any query, since PostgreSQL rejects a NUL byte outright."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG_OR_CODE.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


def absolute_url(request, path):
    """`request.build_absolute_uri(path)` for a path that starts with "/", with the scheme and
    host worked out once per request rather than once per link (a list has hundreds)."""
    try:
        origin = request.origin_for_links
    except AttributeError:
        origin = request.origin_for_links = request.build_absolute_uri("/").removesuffix("/")
    return origin + (path if path.isascii() else iri_to_uri(path))


class LinkField(serializers.HyperlinkedIdentityField):
    """The `url` of a record in the API: absolute, and without the `?format=` of the request
    that produced it, since a row of a CSV export links to the record itself, which is JSON."""

    def get_url(self, obj, view_name, request, format):
        # As in DRF: a record not yet saved has no address.
        if obj.pk in (None, ""):
            return None
        return absolute_url(request, record_path(view_name, getattr(obj, self.lookup_field)))


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute address of the record's public page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return absolute_url(self.context["request"], instance.get_absolute_url())


class TranslatedSerializer(serializers.ModelSerializer):
    """Gives a record's translated fields in the request's language (`?lang=` or
    Accept-Language), in English while a translation is missing; `languages` says which."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Asked once per record, not once per field: looking up the language is not free.
        language = current_language()
        for name in getattr(instance, "translated_fields", ()):
            if name in data:
                data[name] = instance.translated(name, language)[0]
        return data


class LanguageVersionListSerializer(serializers.ListSerializer):
    def get_attribute(self, record):
        # Called as it is: DRF would first inspect the method's signature, for every record.
        return record.language_versions()


class LanguageVersionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=LANGUAGES, help_text=_("The language."))
    is_official = serializers.BooleanField(
        help_text=_("This language version is an official text of a party.")
    )
    has_text = serializers.BooleanField(help_text=_("Some of the record is in this language."))
    is_complete = serializers.BooleanField(
        help_text=_("Every field written in English is also in this language.")
    )
    is_stale = serializers.BooleanField(
        help_text=_("The English text changed after this translation was last edited.")
    )

    class Meta:
        list_serializer_class = LanguageVersionListSerializer


class RecordSerializer(TranslatedSerializer):
    """Writes are validated as the admin validates them: by the model's own `full_clean()`, so
    the same constraints give the same messages, and nothing is saved unless all of it is valid.
    Children (participants, paragraphs, …) are resources of their own, so nested summaries are
    read-only."""

    def get_fields(self):
        fields = super().get_fields()
        # Uniqueness is checked by `full_clean()` below, with the admin's wording.
        for field in fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, UniqueValidator)]
        if getattr(self.Meta.model, "translated_fields", ()):
            fields["languages"] = LanguageVersionSerializer(
                source="language_versions",
                many=True,
                read_only=True,
                help_text=_("How complete, current and official each language version is."),
            )
        return fields

    def get_validators(self):
        # The model's constraints, unique-together ones included, run in `full_clean()`.
        return []

    def to_internal_value(self, data):
        """A translated field sent with `?lang=ko` (or `ja`) is written as the Korean (Japanese)
        text. The English text sent back unchanged where no translation exists yet, as a read in
        that language shows it, stays English and is not stored as a translation."""
        validated = super().to_internal_value(data)
        language = current_language()
        translated = getattr(self.Meta.model, "translated_fields", ())
        if language == SOURCE_LANGUAGE or not translated:
            return validated
        if self.instance is None:
            raise serializers.ValidationError(
                {"lang": [_("Create a record in English; then add its translations with ?lang=.")]},
                code="invalid",
            )
        for name in translated:
            if name not in validated:
                continue
            text = validated.pop(name)
            column = field_in(name, language)
            untranslated = not getattr(self.instance, column)
            if untranslated and text == getattr(self.instance, name):
                continue
            validated[column] = text
        return validated

    def create(self, validated_data):
        related = self.pop_many_to_many(validated_data)
        return self.save_valid(self.Meta.model(**validated_data), related)

    def update(self, instance, validated_data):
        related = self.pop_many_to_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_valid(instance, related)

    def pop_many_to_many(self, validated_data):
        relations = model_meta.get_field_info(self.Meta.model).relations
        return {
            name: validated_data.pop(name)
            for name, relation in relations.items()
            if relation.to_many and name in validated_data
        }

    def save_valid(self, instance, related):
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            errors = serializers.as_serializer_error(exc)
            if NON_FIELD_ERRORS in errors:
                errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
            raise serializers.ValidationError(errors) from exc
        instance.save()
        for name, values in related.items():
            getattr(instance, name).set(values)
        return instance


# --- Viewsets -----------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = _("This record cannot be deleted while other records refer to it.")
    default_code = "protected"


@extend_validation_errors(
    ["invalid", "max_string_length", "max_value", "min_value"],
    field_name="page_size",
    actions=["list"],
)
@extend_validation_errors(["invalid"], field_name="ordering", actions=["list"])
# A record is created in English first (RecordSerializer.to_internal_value). The decorator
# applied last (the upper one) decides an action's codes for a field, so create names both.
@extend_validation_errors(["invalid_choice", "invalid"], field_name="lang", actions=["create"])
@extend_validation_errors(["invalid_choice"], field_name="lang")
class RecordViewSet(ModelViewSet):
    """A resource: list, read, create, update and delete, addressed by slug unless a subclass
    says otherwise. Detail responses carry an ETag and Last-Modified; a matching If-None-Match
    gets a 304, and a write whose If-Match no longer matches gets a 412."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    ordering_fields = ()

    def get_renderers(self):
        found = super().get_renderers()
        return found if self.detail else [*found, CSVRenderer()]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = request.query_params.get("lang")
        if language is None or language == "":
            return
        if language not in LANGUAGES:
            raise serializers.ValidationError(
                {
                    "lang": [
                        ErrorDetail(
                            _("Choose one of %(languages)s.") % {"languages": ", ".join(LANGUAGES)},
                            code="invalid_choice",
                        )
                    ]
                }
            )
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # The language of the translated fields: the one `?lang=` or Accept-Language chose.
        response["Content-Language"] = current_language()
        # An error asked for as CSV still comes back in the API's one error format.
        if getattr(response, "exception", False) and isinstance(
            response.accepted_renderer, CSVRenderer
        ):
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = response.accepted_renderer.media_type
        return response

    def list(self, request, *args, **kwargs):
        if self.paginator is not None and self.paginator.exports_every_row(request):
            return self.cached_read(request, lambda: self.csv_export(request))
        return self.cached_read(
            request, lambda: super(RecordViewSet, self).list(request, *args, **kwargs)
        )

    def csv_export(self, request):
        """Every matching row as one CSV sheet, streamed a chunk of rows at a time: the first
        rows leave before the last are read, and memory holds one chunk, not the whole sheet.
        Each chunk costs the list's query plus one per prefetch, never one per row."""
        # Filtering and ordering run now, so that bad input is still a 400, not a cut sheet.
        queryset = self.filter_queryset(self.get_queryset())
        renderer = request.accepted_renderer
        header = list(self.get_serializer().fields)

        def sheet():
            yield renderer.start(header)
            rows = queryset.iterator(chunk_size=CSV_CHUNK_ROWS)
            while chunk := list(itertools.islice(rows, CSV_CHUNK_ROWS)):
                yield renderer.rows(header, self.get_serializer(chunk, many=True).data)

        return StreamingHttpResponse(
            sheet(), content_type=f"{renderer.media_type}; charset={renderer.charset}"
        )

    def retrieve(self, request, *args, **kwargs):
        def build():
            instance = self.get_object()
            data = self.get_serializer(instance).data
            return Response(data, headers=self.validator_headers(data))

        response = self.cached_read(request, build)
        if_none_match = request.headers.get("If-None-Match")
        if (
            response.status_code == 200
            and if_none_match
            and etag_listed(if_none_match, response["ETag"], weak=True)
        ):
            return Response(
                status=304,
                headers={name: response[name] for name in ("ETag", "Last-Modified")},
            )
        return response

    def cached_read(self, request, build):
        """Builds an anonymous read and stores it, filed under the record's generation (see
        trilateral.cache), for AnonymousPageCacheMiddleware to answer the next time.

        The cache holds the rendered bytes and the headers the view set, not the serializer's
        data: that data carries model instances (each link keeps the record it points to), and
        unpickling them on every hit cost more than building the response afresh. The browsable
        HTML view is never cached, since it carries a per-visitor CSRF token."""
        # Set by AnonymousPageCacheMiddleware for a read it may answer from the cache next time.
        state = getattr(request, "record_generation", None)
        if (
            state is None
            or getattr(request, "accepted_renderer", None) is None
            or isinstance(request.accepted_renderer, renderers.BrowsableAPIRenderer)
        ):
            return build()
        key = request.api_read_key
        response = build()
        if response.status_code != 200:
            return response
        if "Last-Modified" not in response:
            response["Last-Modified"] = last_modified(state)
        if isinstance(response, Response):

            def store(rendered):
                # A list has no ETag of its own: the one ConditionalGetMiddleware would compute,
                # computed once rather than by hashing the body again on every hit.
                if "ETag" not in rendered:
                    set_response_etag(rendered)
                cache.set(key, self.cache_entry(rendered.content, rendered), CACHE_SECONDS)

            response.add_post_render_callback(store)
            response["X-Cache"] = "miss"
        elif response.streaming:
            response.streaming_content = self.stored_once_sent(
                response.streaming_content, response, key
            )
            response["X-Cache"] = "miss"
        return response

    def cache_entry(self, content, response):
        """What the cache keeps of a read: see `AnonymousPageCacheMiddleware.cached_api_read`."""
        return (
            content,
            response["Content-Type"],
            stored_headers(response),
            tuple(self.throttle_classes),
        )

    def stored_once_sent(self, chunks, response, key):
        """Passes a streamed body on and, once all of it has gone out, caches it with the
        response's headers, unless it is larger than a cache entry should be."""
        sent, size = [], 0
        for chunk in chunks:
            size += len(chunk)
            if size <= CACHED_STREAM_MAX_BYTES:
                sent.append(chunk)
            yield chunk
        if size <= CACHED_STREAM_MAX_BYTES:
            cache.set(key, self.cache_entry(b"".join(sent), response), CACHE_SECONDS)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(
            instance, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        # Children prefetched before the change may have changed with it: the record is read
        # again, with the prefetches a read of it has.
        serializer.instance = self.get_queryset().get(pk=instance.pk)
        data = serializer.data
        return Response(data, headers=self.validator_headers(data))

    def get_object(self):
        instance = super().get_object()
        if_match = self.request.headers.get("If-Match")
        if if_match and self.request.method in ("PUT", "PATCH", "DELETE"):
            current = representation_etag(self.request, self.get_serializer(instance).data)
            if not etag_listed(if_match, current):
                raise PreconditionFailed()
        return instance

    def validator_headers(self, data):
        # Not the row's own `updated_at`: the representation nests other records, whose changes
        # and deletions leave it as it was (see trilateral.cache.last_modified).
        state = getattr(self.request, "record_generation", None) or current_generation()
        return {
            "ETag": representation_etag(self.request, data),
            "Last-Modified": last_modified(state),
        }

    def perform_create(self, serializer):
        check_serializer_publication(user=self.request.user, serializer=serializer)
        with transaction.atomic():
            serializer.save()
        # The new record is answered as a read of it shows it, with the same prefetches.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        check_serializer_publication(user=self.request.user, serializer=serializer)
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            # A few of them are enough to say what to change first.
            blocking = sorted(str(record) for record in itertools.islice(exc.args[1], 10))
            raise Conflict(
                _("This record cannot be deleted while these refer to it: %(records)s.")
                % {"records": "; ".join(blocking)}
            ) from exc


class ExceptionHandler(StandardizedExceptionHandler):
    """Errors in the API's one format (drf-standardized-errors), except an unreachable database:
    that is the same 503 the pages give (trilateral.middleware), not a 500. Named in
    `DRF_STANDARDIZED_ERRORS`, so the schema still documents the standardized errors."""

    def run(self):
        if is_database_unreachable(self.exc):
            log_database_unavailable(self.context["request"], self.exc)
            return Response(unavailable_body(), status=503, headers={"Retry-After": RETRY_AFTER})
        return super().run()


class NotFoundView(APIView):
    """Any other address under /api/: a 404 in the API's JSON error format."""

    permission_classes = ()
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process and language. It changes only with the
    code, and generating it takes seconds, which no anonymous request should be able to cost."""

    schemas = {}

    def _get_schema_response(self, request):
        language = translation.get_language()
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        if language not in self.schemas:
            with translation.override(language):
                generator = self.generator_class(urlconf=self.urlconf, patterns=self.patterns)
                self.schemas[language] = generator.get_schema(request=request, public=True)
        return Response(self.schemas[language])


# --- Router -------------------------------------------------------------------------------------


def api_urls():
    """The routes of every resource, from the `routes` list of each app's `api` module."""
    from declarations import api as declarations_api
    from meetings import api as meetings_api

    router = DefaultRouter()
    for prefix, viewset, basename in (*meetings_api.routes, *declarations_api.routes):
        router.register(prefix, viewset, basename=basename)
    return router.urls
