"""When the database is briefly unavailable, pages answer 503 with a page that asks the user to
try again, /healthz says so, and everything works again once the database is back: no restart."""

import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import RequestFactory

from helsefellesskap.views import server_error
from tests.factories import make_plan
from tests.helsefellesskap.test_healthz import database_refusing_queries


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "temporarily unavailable" in response.content.decode()


def test_page_answers_503_while_the_database_is_unavailable(client, db):
    make_plan(title="Felles handlingsplan 2023-2026")

    with database_refusing_queries():
        response = client.get("/")

    assert_friendly_503(response)


def test_page_works_again_once_the_database_is_back(client, db):
    make_plan(title="Felles handlingsplan 2023-2026")
    with database_refusing_queries():
        client.get("/")

    response = client.get("/")

    assert response.status_code == 200
    assert "Felles handlingsplan 2023-2026" in response.content.decode()


def test_outage_is_logged_with_the_request(client, db, caplog):
    with database_refusing_queries():
        client.get("/", headers={"X-Request-ID": "req-42"})

    record = next(r for r in caplog.records if r.getMessage() == "database_unavailable")
    assert record.levelname == "ERROR"
    assert record.request.path == "/"
    assert record.exc_info[0] is OperationalError


def test_database_error_outside_a_view_still_gets_the_503_page(db):
    """The 500 handler covers what the middleware cannot see, such as a middleware's own query."""
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)

    assert_friendly_503(response)


def test_other_errors_still_answer_500(db):
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500


# --- Against a real PostgreSQL server -------------------------------------------------------


class WsgiResponse:
    def __init__(self, status: str, headers: list, body: bytes):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.content = body

    def __getitem__(self, name):
        return self.headers[name]

    def json(self):
        return json.loads(self.content)


def wsgi_get(path: str) -> WsgiResponse:
    """A request through Django's WSGI handler as gunicorn makes it. Unlike the test client,
    this runs Django's per-request connection housekeeping, which recovery relies on."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()  # fires request_finished, as a WSGI server does
    return WsgiResponse(started["status"], started["headers"], body)


def _admin_connection():
    """A second connection, to the server's maintenance database, for breaking the first."""
    import psycopg

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_closed_port_gives_503_and_recovers():
    make_plan(title="Felles handlingsplan 2023-2026")
    real_port = connection.settings_dict["PORT"]
    connection.close()
    # Nothing listens on port 1: connecting is refused, as when the server is down.
    connection.settings_dict["PORT"] = 1
    try:
        assert_friendly_503(wsgi_get("/"))
        health = wsgi_get("/healthz")
        assert health.status_code == 503
        assert health.json()["failing"] == ["database"]
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port

    assert wsgi_get("/").status_code == 200
    assert wsgi_get("/healthz").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_terminated_connections_give_503_and_recover():
    """Kill the portal's server connections and refuse new ones, as a restarting server does;
    then let them in again. The same process serves again without a restart."""
    make_plan(title="Felles handlingsplan 2023-2026")
    assert wsgi_get("/").status_code == 200
    database = connection.settings_dict["NAME"]
    with _admin_connection() as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        try:
            terminated = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [database],
            ).fetchone()[0]
            assert terminated >= 1

            assert_friendly_503(wsgi_get("/"))
            health = wsgi_get("/healthz")
            assert health.status_code == 503
            assert health.json()["failing"] == ["database"]
        finally:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')

    response = wsgi_get("/")
    assert response.status_code == 200
    assert "Felles handlingsplan 2023-2026" in response.content.decode()
    assert wsgi_get("/healthz").status_code == 200
