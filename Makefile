# Windfall: the two commands are `make run` (app on 127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help run test test-quick screenshots lint fix worker beat sweep migrate data schema schema-check bench bench-engine bench-web lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.runtime: pyproject.toml constraints.txt
	@interpreter=$$(scripts/find-python) || exit 1; \
	  test -x $(PY) || { echo "Creating $(VENV) with $$interpreter"; "$$interpreter" -m venv $(VENV); }
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $@

run: $(VENV)/.runtime ## Run the app on a fresh machine (SQLite, in-process tasks, demo data)
	$(MANAGE) migrate --noinput
	$(MANAGE) catalog_load
	$(MANAGE) templates_load
	$(MANAGE) demo_setup
	@echo "Windfall is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(MANAGE) runserver $(HOST):$(PORT)

TEST_WORKERS ?= auto

test: $(VENV)/.dev ## Run the test suite (in parallel: TEST_WORKERS=auto, one process per core)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-quick: $(VENV)/.dev ## The tests without the slow, browser and service ones (a quick check)
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not slow and not browser and not services" $(PYTEST_ARGS)

screenshots: $(VENV)/.dev ## Refresh docs/screenshots from the browser tests
	WINDFALL_SCREENSHOTS=1 $(PY) -m pytest -q tests/browser/test_analyst_flow.py

lint: $(VENV)/.dev ## ruff, formatting, templates, migrations, import contracts, types, schema drift
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/djlint templates --check
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy --strict scoring/engine
	$(VENV)/bin/mypy core accounts catalog agreements scoring workbench windfall
	$(MAKE) --no-print-directory schema-check

fix: $(VENV)/.dev ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat --quiet || true

worker: $(VENV)/.runtime ## Run a Celery worker (needs REDIS_URL)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-windfall.settings.local} $(VENV)/bin/celery -A windfall worker --loglevel=INFO --concurrency=2

beat: $(VENV)/.runtime ## Run Celery beat (periodic sweep of stuck score runs; needs REDIS_URL)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-windfall.settings.local} $(VENV)/bin/celery -A windfall beat --loglevel=INFO

migrate: $(VENV)/.runtime ## Apply migrations
	$(MANAGE) migrate --noinput

data: $(VENV)/.runtime ## Load the shipped catalog and templates (idempotent; curator edits kept)
	$(MANAGE) catalog_load
	$(MANAGE) templates_load

sweep: $(VENV)/.runtime ## Re-queue stuck and lost score runs once (what beat does every 15 s)
	$(MANAGE) scores_sweep

# Integer limits in the schema depend on the database backend: generate it for
# PostgreSQL (production) whatever DATABASE_URL says; no connection is made.
SCHEMA_ENV := DATABASE_URL=postgres://schema@127.0.0.1:1/schema

schema: $(VENV)/.dev ## Regenerate the committed OpenAPI file (docs/openapi.yaml)
	$(SCHEMA_ENV) $(MANAGE) spectacular --validate --fail-on-warn --file docs/openapi.yaml

schema-check: $(VENV)/.dev ## Fail when docs/openapi.yaml differs from the code
	@$(SCHEMA_ENV) $(MANAGE) spectacular --validate --fail-on-warn --file $(VENV)/openapi.check.yaml
	@diff -u docs/openapi.yaml $(VENV)/openapi.check.yaml \
	  || { echo "docs/openapi.yaml is out of date: run 'make schema' and commit it"; exit 1; }

bench-engine: $(VENV)/.dev ## Benchmark the scoring engine
	$(PY) scripts/bench_engine.py

# PostgreSQL on this machine when it answers (the data-scale case needs it), else SQLite.
BENCH_WEB_ARGS ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
  && echo --database-url postgres://postgres@127.0.0.1:5432/postgres)

bench-web: $(VENV)/.dev ## Benchmark gunicorn and Celery workers (BENCH_WEB_ARGS="--database-url postgres://...")
	$(PY) scripts/bench_web.py $(BENCH_WEB_ARGS)

bench: bench-engine bench-web ## Run every benchmark

lock: $(VENV)/.dev ## Re-pin constraints.txt from the current venv
	@{ head -2 constraints.txt; $(PIP) freeze --exclude-editable | grep -v '^-e'; } > constraints.new
	@mv constraints.new constraints.txt

clean: ## Remove the venv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
