"""The docker-compose stack, checked without a Docker engine: the file is valid by the Compose
Specification's JSON schema, every service's command names things that exist in the project,
and .env.example documents every variable the settings read."""

import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "data" / "compose-spec.json"
APP_SERVICES = ("web", "worker", "beat", "web-2", "worker-2")
SCALED = {"web-2", "worker-2", "proxy"}


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def read_env_example() -> dict[str, str]:
    """The variables .env.example sets (commented-out defaults excluded)."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def documented_env_names() -> set[str]:
    """Every variable .env.example names, whether set or shown commented out with its default."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def shell_steps(command) -> list[list[str]]:
    """A service command as a list of programs with their arguments (`sh -c "a && b"` unfolded)."""
    if isinstance(command, str):
        command = shlex.split(command)
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(step) for step in command[2].split("&&")]
    return [command]


def assert_step_exists(argv: list[str]) -> None:
    """Fail unless the program and what it names (command, module, app) exist in the project."""
    if argv[0] == "exec":
        argv = argv[1:]
    program = argv[0]
    if program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"no management command {argv[2]!r}"
    elif program == "gunicorn":
        module, _, attribute = argv[1].partition(":")
        assert callable(getattr(importlib.import_module(module), attribute or "application"))
    elif program == "celery":
        from celery import Celery

        app_module = argv[argv.index("-A") + 1]
        # `celery -A pkg` finds pkg.celery.app, as the Celery command does.
        app = importlib.import_module(f"{app_module}.celery").app
        assert isinstance(app, Celery)
        assert argv[argv.index("-A") + 2] in {"worker", "beat"}
    else:
        pytest.fail(f"unknown program in a service command: {argv}")


def test_compose_file_is_valid_by_the_compose_specification():
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(schema)

    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load_compose())
    ]

    assert errors == []


def test_schema_check_catches_a_misspelt_key():
    """Guards the test above: the vendored schema really rejects what Compose would reject."""
    compose = load_compose()
    compose["services"]["web"]["helthcheck"] = compose["services"]["web"].pop("healthcheck")
    validator = jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text()))

    assert not validator.is_valid(compose)


def test_stack_has_every_service_configured_from_one_env_file():
    services = load_compose()["services"]

    assert set(services) == {"db", "redis-broker", "redis-cache", "web", "worker", "beat"} | SCALED
    for name, service in services.items():
        if name not in ("redis-broker", "redis-cache", "proxy"):
            assert service["env_file"] == ".env", name
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis-broker"]["image"].startswith("redis:7")
    assert services["redis-cache"]["image"].startswith("redis:7")


def test_database_and_redis_have_healthchecks_and_named_volumes():
    compose = load_compose()
    services = compose["services"]

    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    for redis in ("redis-broker", "redis-cache"):
        assert services[redis]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for service, volume in (("db", "pgdata"), ("redis-broker", "redisdata"), ("web", "media")):
        assert any(mount.startswith(f"{volume}:") for mount in services[service]["volumes"])
        assert volume in compose["volumes"]


def test_app_services_wait_for_healthy_dependencies():
    services = load_compose()["services"]

    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert all(dep["condition"] == "service_healthy" for dep in depends.values()), name
    assert set(services["web"]["depends_on"]) == {"db", "redis-broker", "redis-cache"}


def _redis_options(service) -> dict[str, str]:
    words = service["command"][1:]
    return {word[2:]: value for word, value in zip(words[::2], words[1::2], strict=True)}


def test_the_broker_never_evicts_and_the_cache_has_a_bounded_budget():
    services = load_compose()["services"]
    broker = _redis_options(services["redis-broker"])
    cache = _redis_options(services["redis-cache"])
    portal = services["web"]["environment"]

    assert broker["maxmemory-policy"] == "noeviction"
    assert broker["appendonly"] == "yes"
    assert cache["maxmemory-policy"] == "allkeys-lru"
    assert re.fullmatch(r"\$\{CACHE_MAXMEMORY:-\d+mb\}", cache["maxmemory"])
    assert portal["CELERY_BROKER_URL"].startswith("redis://redis-broker:")
    assert portal["CACHE_URL"].startswith("redis://redis-cache:")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_service_command_refers_to_what_exists_in_the_project(service):
    steps = shell_steps(load_compose()["services"][service]["command"])

    for argv in steps:
        assert_step_exists(argv)


def test_web_migrates_then_serves_with_gunicorn():
    steps = shell_steps(load_compose()["services"]["web"]["command"])
    programs = [" ".join(argv[:3]) for argv in steps]

    assert programs.index("python manage.py migrate") < programs.index(
        "exec gunicorn helsefellesskap.wsgi"
    )
    # An insecure production configuration stops the container before it serves anything.
    assert steps[0][:5] == ["python", "manage.py", "check", "--deploy", "--fail-level"]


def test_web_healthcheck_polls_healthz():
    test = load_compose()["services"]["web"]["healthcheck"]["test"]
    url = re.search(r"http://127\.0\.0\.1:8000(/\S*?)'", " ".join(test)).group(1)

    assert resolve(url).url_name == "healthz"


def test_env_example_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "helsefellesskap" / "settings.py").read_text()
    read = set(
        re.findall(
            r"""(?:environ\.get|environ\[|env_\w+)\(?\s*["']([A-Z][A-Z0-9_]+)["']""",
            settings_source,
        )
    )
    read.add("DATABASE_URL")  # read by dj_database_url.config()

    assert read - documented_env_names() == set()


def test_env_example_sets_what_compose_requires():
    compose_text = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", compose_text))

    assert required <= set(read_env_example())


def test_dockerfile_installs_weasyprint_libraries_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    system_packages = re.search(r"^SYSTEM_PACKAGES := (.+)$", makefile, re.MULTILINE).group(1)

    assert "FROM python:3.11-slim-bookworm" in dockerfile
    # The image has the same system libraries as `make install` checks for.
    for package in system_packages.split():
        assert re.search(rf"\b{re.escape(package)}\b", dockerfile), package
    assert "STATIC_MANIFEST=1 python manage.py collectstatic --noinput" in dockerfile
    assert "pip install ." in dockerfile


def test_the_images_collectstatic_step_completes(tmp_path):
    """The Dockerfile's own collectstatic command, with its settings, on this checkout.

    Hashed names (STATIC_MANIFEST=1) make collectstatic follow every url() and source-map
    reference; a vendored file that names a file we do not ship fails the image build.
    """
    dockerfile = (ROOT / "Dockerfile").read_text()
    step = re.search(r"RUN (STATIC_MANIFEST=1 python manage\.py collectstatic[^&\n]*)", dockerfile)
    words = shlex.split(step.group(1).rstrip(" \\"))
    python = words.index("python")
    assignments, arguments = words[:python], words[python + 1 :]
    env = {
        **os.environ,
        **dict(a.split("=", 1) for a in assignments),
        "STATIC_ROOT": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": "collectstatic-only",
    }

    result = subprocess.run(  # noqa: S603 - the command is the Dockerfile's own
        [sys.executable, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "vendor/designsystemet/designsystemet-web.js" in manifest["paths"]


def test_gunicorn_is_a_dependency():
    pyproject = (ROOT / "pyproject.toml").read_text()

    assert re.search(r'^\s*"gunicorn[>=<]', pyproject, re.MULTILINE)
    importlib.import_module("gunicorn")


def test_the_scaled_profile_runs_two_webs_and_two_workers_behind_the_proxy():
    services = load_compose()["services"]
    default = {name for name, service in services.items() if "profiles" not in service}
    scaled = {name for name, service in services.items() if "scaled" in service.get("profiles", [])}

    assert scaled == SCALED
    assert {"web", "worker"} <= default
    for first, second in (("web", "web-2"), ("worker", "worker-2")):
        # The same image, configuration and files as the first replica.
        for key in ("image", "env_file", "environment", "volumes"):
            assert services[second][key] == services[first][key], (second, key)
    # Only the first web migrates; the second waits for it to be healthy.
    programs = [" ".join(argv[:3]) for argv in shell_steps(services["web-2"]["command"])]
    assert "python manage.py migrate" not in programs
    assert services["web-2"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["proxy"]["image"].startswith("caddy:2")
    mount = services["proxy"]["volumes"][0].split(":")
    assert (mount[1], mount[2]) == ("/etc/caddy/Caddyfile", "ro")
    caddyfile = (ROOT / mount[0]).read_text()
    upstreams = re.search(r"^\s*reverse_proxy (.+) \{", caddyfile, re.MULTILINE).group(1).split()
    assert upstreams == ["web:8000", "web-2:8000"]
    assert "trusted_proxies" in caddyfile  # keeps the TLS proxy's X-Forwarded-Proto


@pytest.mark.caddy
def test_caddy_itself_accepts_the_scaled_profiles_caddyfile(tmp_path):
    """Caddy's own parser, not a reading of the file: an unknown or misplaced directive fails."""
    result = subprocess.run(  # noqa: S603 - the caddy binary with fixed arguments
        [
            shutil.which("caddy"),
            "validate",
            "--adapter",
            "caddyfile",
            "--config",
            "deploy/Caddyfile",
        ],
        cwd=ROOT,
        # Caddy keeps its state under the home folder; the test's own one.
        env={**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Valid configuration" in result.stdout + result.stderr
