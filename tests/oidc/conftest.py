"""A real OpenID provider (npm oidc-provider, tests/oidc/provider/server.mjs) on 127.0.0.1 for
the sign-in tests, and a way through its pages over HTTP (requests) as a browser would go."""

import json
import os
import re
import socket
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

SERVER = Path(__file__).parent / "provider" / "server.mjs"
SECRET = "portal-test-secret"
ACCOUNTS = {
    "kari": {"email": "kari@example.no", "email_verified": True, "given_name": "Kari"},
    "ola": {"email": "ola@example.no", "email_verified": True, "given_name": "Ola"},
    "nyperson": {
        "email": "ny.person@kommune.example",
        "email_verified": True,
        "given_name": "Ny",
        "family_name": "Person",
    },
    "unverified": {"email": "kari@example.no", "email_verified": False},
    "twin": {"email": "twin@example.no", "email_verified": True},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, redirect_bases, id_token_ttl=3600):
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        clients = [
            {
                "client_id": client_id,
                "client_secret": SECRET,
                "redirect_uris": [f"{base}/accounts/oidc/callback/" for base in redirect_bases],
                "post_logout_redirect_uris": [f"{base}/" for base in redirect_bases],
            }
            for client_id in ("portal", "other")
        ]
        env = dict(
            os.environ,
            PORT=str(self.port),
            CLIENTS=json.dumps(clients),
            ACCOUNTS=json.dumps(ACCOUNTS),
            ID_TOKEN_TTL=str(id_token_ttl),
        )
        self.process = subprocess.Popen(
            ["node", str(SERVER)],
            cwd=SERVER.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            self.process.kill()
            raise RuntimeError(f"the test OpenID provider did not start: {line!r}")

    def config(self, client_id="portal", **extra):
        return {
            "key": "test",
            "issuer": self.issuer,
            "client_id": client_id,
            "client_secret": SECRET,
            "name": "Sign in with the test provider",
            "scopes": "openid email profile",
            "email_verified_claim": "email_verified",
            "mfa_amr": ["mfa"],
            "mfa_acr": [],
            **extra,
        }

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def oidc_provider():
    provider = Provider(["http://testserver"])
    yield provider
    provider.stop()


@pytest.fixture
def use_provider(settings, oidc_provider):
    from django.core.cache import cache

    cache.clear()
    settings.OIDC_PROVIDERS = {"test": oidc_provider.config()}
    return oidc_provider


def through_provider(start_url: str, account: str, mfa: bool = False, browser=None) -> str:
    """Follow the provider's pages from the authorization URL as a browser would, sign in as
    `account`, and return the URL the provider sends the browser back to (on the portal)."""
    browser = browser or requests.Session()
    url = start_url
    for _ in range(20):
        if not url.startswith("http://127.0.0.1"):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["Location"])
            continue
        action = re.search(r'action="([^"]+/login)"', response.text)
        assert response.status_code == 200 and action, response.text[:500]
        data = {"login": account}
        if mfa:
            data["mfa"] = "1"
        response = browser.post(
            urljoin(url, unescape(action.group(1))), data=data, allow_redirects=False, timeout=10
        )
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


def portal_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
