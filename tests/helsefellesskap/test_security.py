"""Production security: `check --deploy` is clean with the documented production environment,
pages carry the protective headers, sessions suit shared office computers, admin is staff-only."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.factories import PASSWORD, log_in_with_two_factor, make_alice, make_user
from tests.test_compose import read_env_example

ROOT = Path(__file__).resolve().parent.parent.parent


def production_env(**overrides) -> dict[str, str]:
    """The process environment as .env.example sets it for production, with a real secret."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(read_env_example())
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="helsefellesskap.settings"
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_django(code_or_args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(**overrides) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', "
        "'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SESSION_COOKIE_HTTPONLY', "
        "'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'LOG_FORMAT', 'DEBUG']}, default=list))"
    )
    result = run_django(["-c", code], production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_the_production_environment():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env()
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_when_production_is_insecure():
    """Guards the test above: the check really looks at our settings."""
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0"),
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W012" in result.stderr


def test_production_defaults_are_secure():
    values = production_settings()

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["LOG_FORMAT"] == "json"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django(["manage.py", "check"], production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_pages_send_a_content_security_policy_without_inline_script(client, db):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_refuse_framing_and_limit_referrers(client, db):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_https_requests_get_hsts_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


def test_templates_have_no_inline_script_or_style():
    """The Content Security Policy would block them: JavaScript and CSS live in static files.
    Templates only WeasyPrint reads (PDFs, named *pdf*) and e-mails (in an `email` folder; mail
    clients drop style sheets, so their style is inline) are not served to browsers."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "pdf" in template.name or "email" in template.relative_to(ROOT).parts:
            continue
        text = template.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            if "src=" not in attributes and "application/json" not in attributes:
                offenders.append(f"{template.name}: inline <script>")
        if re.search(r"\sstyle\s*=", text) or re.search(r"<style\b", text):
            offenders.append(f"{template.name}: inline style")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template.name}: inline event handler")

    assert offenders == []


def test_session_ends_after_a_working_day_or_when_the_browser_closes(client, db):
    make_alice()

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No Max-Age or Expires: the browser forgets the session when it closes.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_admin_is_closed_to_users_who_are_not_staff(client, db, charlie):
    client.force_login(charlie)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_opens_for_staff_after_the_second_factor(client, db):
    log_in_with_two_factor(client, make_user("stina", is_staff=True))

    assert client.get("/admin/").status_code == 200
