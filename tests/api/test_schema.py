"""Every endpoint of the API against its own OpenAPI schema (schemathesis): generated
parameters, no 5xx, every answer valid for its documented schema and status.

The operations are walked in one test (schemathesis' pytest fixture loader does not work with
this pytest), each with its own hypothesis run over the WSGI application, inside the test's
transaction so the world below is what the API reads."""

import contextlib

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.test_api import world  # noqa: F401 - the fixture: a plan, meetings, guidelines


@contextlib.contextmanager
def _connection_kept():
    """As Django's test client does: a request's end must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_endpoint_answers_as_its_schema_says(world, settings):  # noqa: F811
    settings.API_RATE_LIMIT = 1_000_000
    with _connection_kept():
        _check_every_operation()


def _check_every_operation():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings
        def check(case):
            # A filter naming a committee that does not exist is schema-valid (slugs are not
            # an enum) and rightly answered 400 with the reason; every other check stays.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
        checked.append(operation.label)
    assert len(checked) == 19, checked  # every operation of the three routers


hypothesis_settings = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
