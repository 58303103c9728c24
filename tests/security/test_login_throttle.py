"""Log-in throttling: django-axes locks a username + address pair; an address that fails with
many usernames (one password sprayed over the accounts) meets a higher, address-wide limit."""

from django.urls import reverse

from tests.factories import PASSWORD

OFFICE = "10.20.30.40"  # a municipality's shared address
ELSEWHERE = "192.0.2.7"


def _log_in(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_locked_pair_does_not_lock_the_user_out_elsewhere(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "alice", "wrong", ELSEWHERE)
    assert _log_in(client, "alice", PASSWORD, ELSEWHERE).status_code == 429

    response = _log_in(client, "alice", PASSWORD, OFFICE)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_one_password_over_many_usernames_is_stopped_at_the_address_limit(client, alice, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 12
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT):
        # One failure per username: no username + address pair comes near its own limit.
        assert _log_in(client, f"user{n}", "Sommar2026!", ELSEWHERE).status_code == 200

    refused = _log_in(client, "alice", PASSWORD, ELSEWHERE)

    assert refused.status_code == 429
    assert "Too many failed log-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_address_limit_leaves_other_addresses_alone(client, alice, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 12
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT):
        _log_in(client, f"user{n}", "Sommar2026!", ELSEWHERE)

    assert _log_in(client, "alice", PASSWORD, OFFICE).status_code == 302


def test_colleagues_behind_one_address_below_the_limit_still_log_in(client, alice, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 12
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT - 1):
        _log_in(client, f"colleague{n % 4}", "typo", OFFICE)

    assert _log_in(client, "alice", PASSWORD, OFFICE).status_code == 302


def test_a_successful_log_in_does_not_reopen_the_address(client, alice, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 12
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT - 1):
        _log_in(client, f"user{n}", "Sommar2026!", ELSEWHERE)
    assert _log_in(client, "alice", PASSWORD, ELSEWHERE).status_code == 302
    client.logout()
    _log_in(client, "user99", "Sommar2026!", ELSEWHERE)

    assert _log_in(client, "alice", PASSWORD, ELSEWHERE).status_code == 429


def test_log_in_goes_on_when_the_cache_is_down(client, alice, monkeypatch, caplog):
    from redis.exceptions import ConnectionError as RedisConnectionError

    class DownCache:
        def __getattr__(self, name):
            def refuse(*args, **kwargs):
                raise RedisConnectionError("connection refused")

            return refuse

    monkeypatch.setattr("helsefellesskap.login_throttle.cache", DownCache())

    assert _log_in(client, "bob", "wrong", OFFICE).status_code == 200
    assert _log_in(client, "alice", PASSWORD, OFFICE).status_code == 302
    assert any(r.getMessage() == "login_throttle_cache_unavailable" for r in caplog.records)
