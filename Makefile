# Måltavlen — two commands: `make run` serves the dashboard with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup data lint format clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Måltavlen needs Python 3.11 or newer on PATH (python3.11, python3.12 …)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
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

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
