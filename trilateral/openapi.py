"""How the API describes itself in OpenAPI, beyond what drf-spectacular and drf-standardized-errors
infer: who may call an operation without credentials, the conditional-request headers, the CSV
rendering of lists, the 409 and 412 errors, and the exact values each filter accepts."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_parameter_type, force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import permissions, serializers
from rest_framework.settings import api_settings

from trilateral.filters import SLUG_OR_CODE, SlugChoiceField
from trilateral.translation import LANGUAGES

WRITE_METHODS = ("PUT", "PATCH", "DELETE")


def header(name, description, *, response=False):
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=description,
        required=bool(response),
        response=response,
    )


IF_NONE_MATCH = header("If-None-Match", _("An ETag from an earlier read: 304 if it still matches."))
IF_MATCH = header(
    "If-Match", _("The ETag of the version you changed: 412 if the record has changed since.")
)


LANGUAGE = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=LANGUAGES,
    description=_(
        "The language of the translated fields (names, titles, summaries, texts): en, ko or ja. "
        "Without it, the Accept-Language header chooses, and English is the default. A field "
        "not yet translated comes in English; `languages` tells how complete each language "
        "version is and whether it is an official text. On a write, translated fields are "
        "stored in this language."
    ),
)
CONTENT_LANGUAGE = header(
    "Content-Language", _("The language of the translated fields in this response."), response=True
)


def validator_headers(codes):
    return [
        header("ETag", _("The version of this representation."), response=codes),
        header(
            "Last-Modified",
            _(
                "No earlier than the last change to anything this response shows: the last "
                "change to the record, or the start of the release that built the response."
            ),
            response=codes,
        ),
    ]


class AutoSchema(StandardizedErrorsAutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        # Anyone may read: an empty requirement says a request without credentials is fine.
        if self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_parameters(self):
        parameters = super()._get_parameters()
        # An empty filter, page or ordering counts as absent, as in the pages' forms.
        for parameter in parameters:
            if parameter["in"] == "query":
                parameter["allowEmptyValue"] = True
        return parameters

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), LANGUAGE, CONTENT_LANGUAGE]
        action = getattr(self.view, "action", None)
        if action == "retrieve":
            parameters = [*parameters, IF_NONE_MATCH, *validator_headers([200, 304])]
        elif action in ("update", "partial_update"):
            parameters = [*parameters, IF_MATCH, *validator_headers([200])]
        elif action == "destroy":
            parameters = [*parameters, IF_MATCH]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in responses.items():
            content = response.get("content", {})
            if "text/csv" in content:
                # Errors always come back as JSON; a list comes as plain CSV text.
                if code.startswith("2"):
                    content["text/csv"] = {"schema": {"type": "string"}}
                else:
                    del content["text/csv"]
        if getattr(self.view, "action", None) == "retrieve":
            responses["304"] = self._get_response_for_code(None, "304")
            responses["304"]["description"] = _("Not modified: the ETag still matches.")
        return responses

    def _get_validation_error_codes_by_field(self, data_fields):
        codes = super()._get_validation_error_codes_by_field(data_fields)
        if self.method not in ("POST", "PUT", "PATCH"):
            return codes
        # A write is checked by the model's full_clean() too: a clean() rule or a constraint can
        # fail ("invalid"), and a unique field can be taken ("unique").
        serializer = force_instance(self.get_request_serializer())
        model_fields = {field.name: field for field in serializer.Meta.model._meta.fields}
        for name, field in serializer.fields.items():
            if field.read_only:
                continue
            codes[name].add("invalid")
            model_field = model_fields.get(field.source)
            if model_field is not None and model_field.unique:
                codes[name].add("unique")
        codes[api_settings.NON_FIELD_ERRORS_KEY].add("invalid")
        return codes

    def _should_add_error_response(self, responses, status_code):
        if status_code == "409" and self.method != "DELETE":
            return False
        if status_code == "412" and self.method not in WRITE_METHODS:
            return False
        return super()._should_add_error_response(responses, status_code)


class FilterSchema(DjangoFilterExtension):
    """Describes a filter by the form field that validates it, so the schema promises what the
    API accepts: a year within its bounds, a slug or code of the right shape, a bounded search."""

    target_class = "trilateral.api_policies.FilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        field = filter_field.field
        if isinstance(field, SlugChoiceField):
            schema = {"type": "string", "pattern": f"^{SLUG_OR_CODE.pattern}$"}
        elif isinstance(field, forms.IntegerField):
            schema = {"type": "integer", "minimum": field.min_value, "maximum": field.max_value}
        else:
            parameters = super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
            if isinstance(field, forms.CharField) and field.max_length:
                for parameter in parameters:
                    parameter["schema"]["maxLength"] = field.max_length
            return parameters
        return [
            build_parameter_type(
                name=field_name,
                location=OpenApiParameter.QUERY,
                description=self._get_field_description(filter_field, None),
                schema=schema,
            )
        ]


# --- Error bodies drf-standardized-errors has no serializer for ---------------------------------


class ErrorCode409Enum(models.TextChoices):
    PROTECTED = "protected"


class ErrorCode412Enum(models.TextChoices):
    PRECONDITION_FAILED = "precondition_failed"


class Error409Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode409Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)


class Error412Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode412Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse412Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error412Serializer(many=True)
