"""Schemathesis drives the API through its own OpenAPI schema, with every check, and finds no
failure: anonymous clients on every read, a staff token on every write.

It runs on PostgreSQL, the production database, where bad input (a NUL byte, a number past 64
bits) fails loudest; on SQLite the module is skipped before it builds its cases.
"""

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction

if connection.vendor != "postgresql":
    pytest.skip("schemathesis runs in the PostgreSQL pass", allow_module_level=True)

import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from trilateral.wsgi import application

# Every check runs. One is tuned: a request the schema allows may still name a record that does
# not exist (a filter's country, a meeting's series) or carry an If-Match that is not the
# record's current ETag, a 400 or 412 that no schema can rule out.
CHECKS = {
    "positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "429"]
    }
}


def load(phases, max_examples):
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20240626,
            "generation": {"max-examples": max_examples, "database": "none"},
            "checks": CHECKS,
            "phases": phases,
        }
    )
    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)


reads = load({}, max_examples=15).include(method="GET")
# Write bodies have so many fields that the exhaustive coverage phase would take minutes; the
# fuzzing phase still sends both valid and invalid bodies.
writes = load({"coverage": {"enabled": False}}, max_examples=10).exclude(method="GET")


@pytest.fixture(scope="module", autouse=True)
def _requests_keep_the_test_transaction():
    """Schemathesis calls the WSGI application, which closes the database connection after each
    request, and the test's transaction with it; Django's own test client avoids that the same
    way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def record(django_db_setup, django_db_blocker):
    """The first meeting, loaded once for the module's many operations and rolled back after;
    each test's own transaction rolls back what its requests changed."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "first_meeting", verbosity=0)
        yield
        transaction.set_rollback(True)


@reads.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_anonymous_reads_keep_the_schemas_promises(case, record, db):
    case.call_and_validate()


@pytest.fixture
def staff_token(staff_user):
    return Token.objects.create(user=staff_user).key


@writes.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_staff_writes_keep_the_schemas_promises(case, record, staff_token):
    case.call_and_validate(headers={"Authorization": f"Token {staff_token}"})
