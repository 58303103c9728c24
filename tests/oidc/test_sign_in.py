"""Sign-in at a real OpenID provider over HTTP: the code flow with PKCE, state and nonce, the
ID token's checks, matching people, provider MFA as the second factor, log-out at the provider,
and every refusal of issue 18 (each refused with a message, logged, and nobody signed in)."""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from helsefellesskap.models import OIDCIdentity
from helsefellesskap.oidc import OIDCBackend
from helsefellesskap.secretariat import SECRETARIAT_GROUP
from tests.oidc.conftest import Provider, portal_path, through_provider

pytestmark = [pytest.mark.oidc, pytest.mark.django_db]
User = get_user_model()


def start(client, next_url=None):
    url = "/accounts/oidc/test/login/" + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def assert_refused(client, response, text, caplog, reason):
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get(response["Location"])
    assert text in unescape(page.content.decode())
    assert signed_in_user_id(client) is None
    assert any(
        "oidc refused" in r.getMessage() and reason in r.getMessage() for r in caplog.records
    )


def test_authorization_request_uses_pkce_state_and_nonce(client, use_provider):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] in client.session["oidc_states"]
    assert query["nonce"][0] == client.session["oidc_states"][query["state"][0]]["nonce"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/callback/"]


def test_known_person_signs_in_by_verified_email_and_is_linked(client, use_provider, caplog):
    kari = User.objects.create_user("kari", email="Kari@example.no")
    back = through_provider(start(client, "/plan/"), "kari")
    response = client.get(portal_path(back))
    assert response.status_code == 302 and response["Location"] == "/plan/"
    assert signed_in_user_id(client) == str(kari.pk)
    identity = OIDCIdentity.objects.get(user=kari)
    assert identity.subject == "kari" and identity.issuer == use_provider.issuer
    # Without the provider's MFA the session has no second factor.
    assert client.get("/").wsgi_request.user.is_verified() is False


def test_linked_sub_signs_in_even_when_the_email_changed(client, use_provider):
    kari = User.objects.create_user("kari", email="old-address@example.no")
    OIDCIdentity.objects.create(
        user=kari, issuer=use_provider.issuer, subject="kari", provider="test"
    )
    client.get(portal_path(through_provider(start(client), "kari")))
    assert signed_in_user_id(client) == str(kari.pk)


def test_provider_mfa_counts_as_the_second_factor(client, use_provider, settings):
    settings.TWO_FACTOR_ENFORCED = True
    boss = User.objects.create_user("kari", email="kari@example.no")
    boss.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    client.get(portal_path(through_provider(start(client), "kari", mfa=True)))
    response = client.get("/")
    assert response.wsgi_request.user.is_verified() is True
    assert response.status_code == 200  # not sent to set up an authenticator app


def test_acr_policy_counts_as_the_second_factor(client, oidc_provider, settings):
    from django.core.cache import cache

    cache.clear()
    settings.OIDC_PROVIDERS = {"test": oidc_provider.config(mfa_amr=[], mfa_acr=["urn:test:mfa"])}
    User.objects.create_user("kari", email="kari@example.no")
    client.get(portal_path(through_provider(start(client), "kari", mfa=True)))
    assert client.get("/").wsgi_request.user.is_verified() is True


def test_secretariat_without_provider_mfa_must_still_give_a_second_factor(
    client, use_provider, settings
):
    settings.TWO_FACTOR_ENFORCED = True
    boss = User.objects.create_user("kari", email="kari@example.no")
    boss.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    client.get(portal_path(through_provider(start(client), "kari")))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


def test_unknown_person_gets_a_reading_account_and_the_secretariat_is_told(
    client, use_provider, mailoutbox
):
    boss = User.objects.create_user("sekretariat", email="sekretariat@example.no")
    boss.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    client.get(portal_path(through_provider(start(client), "nyperson")))
    person = User.objects.get(email="ny.person@kommune.example")
    assert signed_in_user_id(client) == str(person.pk)
    assert person.first_name == "Ny" and person.last_name == "Person"
    assert not person.groups.exists() and not person.has_usable_password()
    assert not person.is_staff and not person.is_superuser
    assert [m.to for m in mailoutbox] == [["sekretariat@example.no"]]
    assert "ny.person@kommune.example" in mailoutbox[0].body
    assert f"http://127.0.0.1:8000/people/{person.pk}/" in mailoutbox[0].body


def test_logout_at_the_provider(client, use_provider):
    User.objects.create_user("kari", email="kari@example.no")
    browser = requests.Session()
    client.get(portal_path(through_provider(start(client), "kari", browser=browser)))
    response = client.post("/accounts/logout/")
    assert signed_in_user_id(client) is None
    end = response["Location"]
    assert end.startswith(use_provider.issuer + "/session/end?")
    query = parse_qs(urlsplit(end).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert query["id_token_hint"][0].count(".") == 2
    # The provider asks to confirm, then ends its own session and sends the browser back.
    page = browser.get(end, timeout=10)
    form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    done = browser.post(
        urljoin(page.url, unescape(form.group(1))),
        data={**fields, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.headers["Location"] == "http://testserver/"
    # Signed out there too: a new sign-in asks for the account again.
    again = browser.get(start(client), allow_redirects=True, timeout=10)
    assert 'name="login"' in again.text


def test_wrong_state_is_refused(client, use_provider, caplog):
    User.objects.create_user("kari", email="kari@example.no")
    back = portal_path(through_provider(start(client), "kari"))
    forged = re.sub(r"state=[^&]+", "state=forged", back)
    response = client.get(forged)
    assert_refused(client, response, "not valid or has already been used", caplog, "state")


def test_replayed_state_is_refused(client, use_provider, caplog):
    User.objects.create_user("kari", email="kari@example.no")
    back = portal_path(through_provider(start(client), "kari"))
    client.get(back)
    client.logout()
    response = client.get(back)
    assert_refused(client, response, "not valid or has already been used", caplog, "state")


def test_wrong_nonce_is_refused(client, use_provider, caplog):
    User.objects.create_user("kari", email="kari@example.no")
    back = portal_path(through_provider(start(client), "kari"))
    session = client.session
    state = parse_qs(urlsplit(back).query)["state"][0]
    session["oidc_states"][state]["nonce"] = "another-nonce"
    session.save()
    response = client.get(back)
    assert_refused(client, response, "could not be verified", caplog, "nonce")


def _swap_id_token(monkeypatch, change):
    original = OIDCBackend.get_token

    def get_token(self, payload):
        tokens = original(self, payload)
        tokens["id_token"] = change(tokens["id_token"])
        return tokens

    monkeypatch.setattr(OIDCBackend, "get_token", get_token)


def test_wrongly_signed_id_token_is_refused(client, use_provider, caplog, monkeypatch):
    User.objects.create_user("kari", email="kari@example.no")

    def tamper(token):
        head, body, signature = token.split(".")
        return f"{head}.{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"

    _swap_id_token(monkeypatch, tamper)
    response = client.get(portal_path(through_provider(start(client), "kari")))
    assert_refused(client, response, "could not be verified", caplog, "signature")


def test_id_token_for_another_audience_is_refused(
    client, use_provider, settings, caplog, monkeypatch
):
    User.objects.create_user("kari", email="kari@example.no")
    # A real token of the same provider, issued to another client.
    other_client = client.__class__()
    settings.OIDC_PROVIDERS = {"test": use_provider.config(client_id="other")}
    captured = {}
    original = OIDCBackend.get_token

    def keep(self, payload):
        tokens = original(self, payload)
        captured.setdefault("id_token", tokens["id_token"])
        return tokens

    monkeypatch.setattr(OIDCBackend, "get_token", keep)
    other_client.get(portal_path(through_provider(start(other_client), "kari")))
    assert captured["id_token"]
    monkeypatch.undo()
    settings.OIDC_PROVIDERS = {"test": use_provider.config()}
    _swap_id_token(monkeypatch, lambda token: captured["id_token"])
    response = client.get(portal_path(through_provider(start(client), "kari")))
    assert_refused(client, response, "could not be verified", caplog, "audience")


def test_expired_id_token_is_refused(client, settings, caplog):
    from django.core.cache import cache

    provider = Provider(["http://testserver"], id_token_ttl=1)
    try:
        cache.clear()
        settings.OIDC_PROVIDERS = {"test": provider.config()}
        settings.OIDC_CLOCK_SKEW = 0
        User.objects.create_user("kari", email="kari@example.no")
        back = portal_path(through_provider(start(client), "kari"))
        original = OIDCBackend.get_token

        def slow(self, payload):
            tokens = original(self, payload)
            time.sleep(2.1)
            return tokens

        OIDCBackend.get_token = slow
        try:
            response = client.get(back)
        finally:
            OIDCBackend.get_token = original
        assert_refused(client, response, "has expired", caplog, "expired")
    finally:
        provider.stop()


def test_unverified_email_is_refused(client, use_provider, caplog):
    User.objects.create_user("kari", email="kari@example.no")
    response = client.get(portal_path(through_provider(start(client), "unverified")))
    assert_refused(client, response, "did not confirm your e-mail", caplog, "no verified e-mail")
    assert not OIDCIdentity.objects.exists()
    assert User.objects.count() == 1


def test_email_matching_two_people_is_refused(client, use_provider, caplog):
    User.objects.create_user("twin1", email="twin@example.no")
    User.objects.create_user("twin2", email="TWIN@example.no")
    response = client.get(portal_path(through_provider(start(client), "twin")))
    assert_refused(client, response, "More than one account", caplog, "several users")
    assert not OIDCIdentity.objects.exists()


def test_deactivated_person_is_refused(client, use_provider, caplog):
    User.objects.create_user("kari", email="kari@example.no", is_active=False)
    response = client.get(portal_path(through_provider(start(client), "kari")))
    assert_refused(client, response, "deactivated", caplog, "deactivated")


def test_error_from_the_provider_is_refused(client, use_provider, caplog):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(f"/accounts/oidc/callback/?error=access_denied&state={state}")
    assert_refused(client, response, "stopped at the provider", caplog, "access_denied")
    assert state not in client.session["oidc_states"]


def test_login_page_offers_each_provider(client, use_provider):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with the test provider" in page
    assert 'href="/accounts/oidc/test/login/' in page


def test_discovery_naming_another_issuer_is_refused(client, oidc_provider, settings, caplog):
    from django.core.cache import cache

    cache.clear()
    # The same server under another name: its metadata names 127.0.0.1, not localhost.
    settings.OIDC_PROVIDERS = {
        "test": oidc_provider.config(issuer=f"http://localhost:{oidc_provider.port}")
    }
    response = client.get("/accounts/oidc/test/login/")
    assert response["Location"] == "/accounts/login/"
    assert "is not available right now" in client.get("/accounts/login/").content.decode()
    assert any("discovery failed" in r.getMessage() for r in caplog.records)
    assert "oidc_states" not in client.session


def test_provider_unreachable_is_refused_without_a_500(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.OIDC_PROVIDERS = {
        "test": {**_closed_port_provider(), "key": "test"},
    }
    response = client.get("/accounts/oidc/test/login/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def _closed_port_provider():
    from tests.oidc.conftest import _free_port

    port = _free_port()  # nothing listens there
    return {
        "issuer": f"http://127.0.0.1:{port}",
        "client_id": "portal",
        "client_secret": "x",
        "name": "Down",
        "scopes": "openid",
        "email_verified_claim": "email_verified",
        "mfa_amr": [],
        "mfa_acr": [],
    }
