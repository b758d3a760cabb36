# Måltavlen — two commands: `make run` serves the dashboard with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

WORKERS ?= 2
# `make test` runs the suite on this many workers (pytest-xdist; tests/parallel.py keeps pytest-django's order).
TEST_WORKERS ?= 2

.PHONY: run test setup data lint format clean serve lock

# Exact versions from requirements.lock (production, CI and the Docker image install the same set).
$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Måltavlen needs Python 3.11 or newer on PATH (python3.11, python3.12 …)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $@

# Plotly's JS comes from an installed package at setup, never from the repo (indicators/…/vendor_plotly.py).
PLOTLY_JS := static/vendor/plotly.min.js
$(PLOTLY_JS): $(STAMP)
	DEBUG=1 $(BIN)/python manage.py vendor_plotly
	@touch $@

# The English catalogue is compiled with polib at setup (no GNU gettext needed); only the .po is committed.
TRANSLATIONS := locale/en/LC_MESSAGES/django.mo
$(TRANSLATIONS): locale/en/LC_MESSAGES/django.po $(STAMP)
	DEBUG=1 $(BIN)/python manage.py compile_translations

setup: $(STAMP) $(PLOTLY_JS) $(TRANSLATIONS)

# The data step of `make run`: migrate, reference data, demo plans and admin. Safe to run again.
data: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py prepare_demo

run: data
	@echo "Måltavlen: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production processes without Docker: gunicorn, a Celery worker and beat, against DATABASE_URL and
# CELERY_BROKER_URL (and SECRET_KEY, ALLOWED_HOSTS … from the environment, as in production). Ctrl-C stops all three;
# if one of them dies, the others are stopped too, so a supervisor (systemd) can restart the whole.
serve: setup
	@test -n "$$DATABASE_URL" -a -n "$$CELERY_BROKER_URL" || { \
		echo "make serve needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) in the environment; see README."; exit 1; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Måltavlen (gunicorn, worker, beat): http://$(HOST):$(PORT)/"
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=$(WORKERS) & \
	$(BIN)/celery -A config beat --loglevel=INFO & \
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 3 --timeout 60 --access-logfile - & \
	wait -n

# Regenerate requirements.lock from pyproject.toml in a throw-away environment (newest versions that fit).
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install --quiet --upgrade pip
	var/lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Exact versions for production and CI: \`make setup\`, .ci/run and the Dockerfile install with \`pip install -c requirements.lock\`."; \
	  echo "# Regenerate after changing pyproject.toml's dependencies: \`make lock\`."; \
	  var/lock-venv/bin/pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)=='; } > requirements.lock
	rm -rf var/lock-venv

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
