"""Request plumbing: a request id on every request and its log line, a clear 503 when the
database cannot be reached, and a 400 for admin requests holding values no column can hold."""

import json
import logging
import re
import time
import uuid

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest, ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

request_logger = logging.getLogger("trilateral.requests")
fault_logger = logging.getLogger("trilateral.faults")

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[-A-Za-z0-9_.]{8,64}")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, so log collectors can index every field."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if (
            record.exc_info
            and record.levelno >= logging.ERROR
            and record.name != "trilateral.faults"
        ):
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class HeadMiddleware:
    """Answers HEAD with the headers GET would get, Content-Length included, and no body.
    Django's WSGI handler sends the body; gunicorn, which must drop it, logs a warning for every
    such request, and uptime checkers send one a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response


class RequestIdMiddleware:
    """Gives each request an id (kept from a load balancer's header when it sends a sane one),
    returns it in the response, and logs one structured line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.id = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "fields": {
                    "request_id": request.id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                }
            },
        )
        return response


class DatabaseUnavailableMiddleware:
    """Answers 503 — a page for people, JSON for programs — when the database is unreachable,
    logging one line instead of a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_unavailable_response(request, exception)


class AdminInputMiddleware:
    """Answers 400 where Django's admin would pass a value on to the database and fail with a
    500: a NUL character anywhere in the query string or the form (PostgreSQL refuses it in
    text, e.g. in a list filter), a ticked record's key that is not one (text for a number), or
    a number beyond the database's integers (SQLite refuses to take it, e.g. as a list filter or
    a related record's key). It covers every registered admin, other packages' included. The
    public pages and the API check their own parameters and explain each error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_admin(request):
            return
        if holds_nul(request):
            raise BadRequest("NUL character in an admin request")
        # A list's action: Django looks the ticked records up by the keys as they came.
        model_admin = getattr(view_func, "model_admin", None)
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if model_admin and not all(holds(model_admin.opts.pk, key) for key in selected):
            raise BadRequest("a ticked record's key is not one")

    def process_exception(self, request, exception):
        if is_admin(request) and isinstance(exception, OverflowError):
            raise BadRequest("a number beyond the database's integers") from exception


def is_admin(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


def holds(field, value):
    """Whether `value`, as it came, is one `field` takes (a number, for a numeric key)."""
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


def holds_nul(request):
    return any(
        "\x00" in text
        for data in (request.GET, request.POST)
        for key, values in data.lists()
        for text in (key, *values)
    )


def database_unavailable_response(request, exception):
    """The 503 answer (and its log line) when `exception` says the database is unreachable."""
    if not is_database_unreachable(exception):
        return None
    log_database_unavailable(request, exception)
    return service_unavailable(request)


def is_database_unreachable(exception):
    return isinstance(exception, OperationalError | InterfaceError) and is_unreachable(exception)


def log_database_unavailable(request, exception):
    fault_logger.error(
        "database unavailable: %s",
        str(exception).splitlines()[0] if str(exception) else type(exception).__name__,
        extra={"fields": {"request_id": getattr(request, "id", None), "path": request.path}},
    )


def is_unreachable(exception: DatabaseError) -> bool:
    """Connection failures, not errors in a query that reached a working database."""
    if isinstance(exception, InterfaceError):
        return True
    message = str(exception).lower()
    return any(
        phrase in message
        for phrase in (
            "connection",
            "could not connect",
            "unable to open database",
            "server closed",
            "timeout",
            "terminating",
        )
    )


RETRY_AFTER = "60"


def unavailable_message():
    return _("The record is temporarily unavailable. Please try again in a few minutes.")


def unavailable_body():
    return {
        "type": "server_error",
        "errors": [{"code": "service_unavailable", "detail": unavailable_message(), "attr": None}],
    }


def service_unavailable(request):
    if request.path.startswith("/api/"):
        response = JsonResponse(unavailable_body(), status=503)
    else:
        message = unavailable_message()
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = RETRY_AFTER
    return response
