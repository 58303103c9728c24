"""Without any OpenID provider configured nothing changes: no buttons, and the provider URLs
answer 404; the local log-in and log-out work as before."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_no_provider_no_button_and_404(client, settings):
    settings.OIDC_PROVIDERS = {}
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "/accounts/oidc/" not in page.content.decode()
    assert client.get("/accounts/oidc/entra/login/").status_code == 404
    callback = client.get("/accounts/oidc/callback/?code=x&state=y")
    assert callback.status_code == 302
    assert callback["Location"] == "/accounts/login/"


def test_local_logout_stays_local(client, settings):
    settings.OIDC_PROVIDERS = {}
    user = get_user_model().objects.create_user("kari", password="pw-kari-1")
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not response["Location"].startswith("http")
