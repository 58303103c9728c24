"""Structured logs: one line per request, sign-ins and failed sign-ins, errors with context."""

import json
import logging

from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings

from helsefellesskap.logging import JsonFormatter
from helsefellesskap.middleware import client_ip
from tests.factories import PASSWORD, make_alice


def records(caplog, logger: str, event: str):
    return [r for r in caplog.records if r.name == logger and r.getMessage() == event]


def test_every_request_is_logged_with_status_timing_and_id(client, db, caplog):
    caplog.set_level(logging.INFO)

    response = client.get("/", headers={"X-Request-ID": "lb-1234"})

    (record,) = records(caplog, "helsefellesskap.request", "request")
    assert record.method == "GET"
    assert record.path == "/"
    assert record.status == 200
    assert record.duration_ms >= 0
    assert record.ip == "127.0.0.1"
    assert record.request_id == "lb-1234"
    assert response["X-Request-ID"] == "lb-1234"


def test_a_hostile_request_id_is_replaced(client, db, caplog):
    caplog.set_level(logging.INFO)

    response = client.get("/", headers={"X-Request-ID": "x\nforged log line" * 10})

    assert len(response["X-Request-ID"]) == 32
    assert "\n" not in records(caplog, "helsefellesskap.request", "request")[0].request_id


def test_login_is_logged_with_user_and_address(client, db, caplog):
    caplog.set_level(logging.INFO)
    alice = make_alice()

    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    (record,) = records(caplog, "helsefellesskap.auth", "login")
    assert record.user_id == alice.pk
    assert record.username == "alice"
    assert record.ip == "127.0.0.1"


def test_failed_login_is_logged_without_the_password(db, caplog):
    make_alice()
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.1.2.3")

    assert authenticate(request, username="alice", password="not-the-password") is None

    (record,) = records(caplog, "helsefellesskap.auth", "login_failed")
    assert record.levelname == "WARNING"
    assert record.username == "alice"
    assert record.ip == "10.1.2.3"
    formatted = JsonFormatter().format(record)
    assert "not-the-password" not in formatted


def test_json_lines_carry_the_fields_and_the_error(db):
    request = RequestFactory().get("/plan/", REMOTE_ADDR="10.0.0.1")
    request.request_id = "abc"
    try:
        raise ValueError("broken")
    except ValueError as error:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/plan/",),
            (ValueError, error, error.__traceback__),
            extra={"status_code": 500, "request": request},
        )

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "ERROR"
    assert line["event"] == "Internal Server Error: /plan/"
    assert line["status_code"] == 500
    assert line["method"] == "GET"
    assert line["path"] == "/plan/"
    assert line["request_id"] == "abc"
    assert "ValueError: broken" in line["exception"]


def test_client_address_comes_from_forwarded_for_only_behind_trusted_proxies():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )

    assert client_ip(request) == "172.18.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        # The proxy appended the address it saw; what the client wrote before is ignored.
        assert client_ip(request) == "203.0.113.7"
