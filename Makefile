# The two commands the README promises: `make run` and `make test`.
# Everything else here serves them or the developers.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# System libraries WeasyPrint needs (Debian 12 names); gettext compiles the translations.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 libffi8 shared-mime-info fonts-dejavu-core gettext

.PHONY: oidc-provider run test lint format migrations-check system-deps install demo bench bench-editors clean messages translations screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

install: system-deps $(STAMP) messages

# Compile the translation catalogs (locale/*/django.po -> .mo; the .mo files are not committed).
# compilemessages skips catalogs whose .mo is already newer. Needs msgfmt (gettext, above).
messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules --ignore=staticfiles -v 0

# After changing interface text: extract new strings into the catalogs, then translate them.
translations: install
	PY=$(PY) scripts/update_translations.sh

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "WeasyPrint needs these system packages; install them with:"; echo "  sudo apt-get install$$missing"; exit 1; fi; \
	fi

# Run the portal with the real plan at http://127.0.0.1:8000 (SQLite, in-process tasks by default).
run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_real_plan
	DEBUG=$${DEBUG:-1} $(PY) manage.py demo_users
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

# The whole test suite, on every core (pytest-xdist; each worker has its own test database and
# Redis database, tests/parallel.py; one test file stays on one worker, so its module fixtures
# are made once). TEST_WORKERS=0 runs it in one process. Service tests skip (with the reason)
# unless the service is configured.
TEST_WORKERS ?= auto
test: install oidc-provider
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The real OpenID provider the sign-in tests start (npm oidc-provider, locked in
# tests/oidc/provider/package-lock.json). Without Node the `oidc` tests skip with the reason.
OIDC_PROVIDER := tests/oidc/provider/node_modules/.package-lock.json
oidc-provider:
	@if command -v npm >/dev/null 2>&1; then \
	  [ -f $(OIDC_PROVIDER) ] && [ $(OIDC_PROVIDER) -nt tests/oidc/provider/package-lock.json ] || \
	  npm ci --prefix tests/oidc/provider --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the OpenID sign-in tests (marker oidc) will be skipped"; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# Benchmarks on a PostgreSQL database and a Redis database of their own (both emptied!), the
# cache on Redis as in production; figures go to docs/benchmarks.md and its JSON files.
# BENCH_ARGS passes options to `manage.py bench`, e.g. BENCH_ARGS=--skip-report.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hf_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
# Only the cache on Redis: tasks run in-process, as the bench has no worker.
BENCH_ENV = DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_REDIS_URL) LOG_LEVEL=WARNING
# Retake the README's screenshots from the real plan (Chromium) into docs/screenshots/.
screenshots: install
	README_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest tests/browser/test_readme_screenshots.py -q

bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = "0" ] && apt-get install -y -qq wrk; } || echo "wrk is missing: apt-get install wrk (the load test is skipped)"
	-psql "$(dir $(BENCH_DATABASE_URL))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))" 2>/dev/null
	$(BENCH_ENV) $(PY) manage.py migrate --noinput
	$(BENCH_ENV) $(PY) manage.py bench --yes $(BENCH_ARGS)

# Concurrent editors against one host: ramps until p99 passes 200 ms and writes the table into
# docs/scaling.md ("Known limits"). Run it on a quiet machine. EDITORS_ARGS, e.g. --seconds 30.
bench-editors: install
	-psql "$(dir $(BENCH_DATABASE_URL))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))" 2>/dev/null
	$(BENCH_ENV) $(PY) manage.py migrate --noinput
	$(BENCH_ENV) $(PY) manage.py bench_editors --yes $(EDITORS_ARGS)

clean:
	rm -rf $(VENV) staticfiles
