# Mianshi: `make demo` serves the product, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings
APPS   := $(notdir $(wildcard mianshi/*))

.PHONY: demo test lint install install-dev messages e2e clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The worker checks recordings with the analysis engine, so the product needs its extra.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[analysis]"
	$(BIN)/pip install -q --no-deps mediapipe==0.10.21
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/pip install -q --no-deps mediapipe==0.10.21
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	PORT=$(PORT) bash scripts/demo.sh

test: install-dev
	bash scripts/test.sh

# Every checker runs even when an earlier one complains; the target fails if any did.
lint: install-dev
	@status=0; \
	echo "-- ruff check"; $(BIN)/ruff check . || status=1; \
	echo "-- ruff format --check"; $(BIN)/ruff format --check . || status=1; \
	echo "-- mypy"; $(BIN)/mypy config mianshi interview_analysis tests || status=1; \
	echo "-- lint-imports"; $(BIN)/lint-imports || status=1; \
	echo "-- makemigrations --check"; $(BIN)/python manage.py makemigrations --check --dry-run || status=1; \
	exit $$status

# Extract and compile translations for every app (needs GNU gettext).
messages: install-dev
	for app in $(APPS); do \
	  if [ -d mianshi/$$app/templates ] || ls mianshi/$$app/*.py >/dev/null 2>&1; then \
	    mkdir -p mianshi/$$app/locale; \
	    (cd mianshi/$$app && PYTHONPATH=../.. ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --no-location -i "tests/*" -i "migrations/*"); \
	  fi; \
	done
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

e2e: install-dev
	$(BIN)/pytest -m e2e tests/e2e

bench: install-dev
	for b in bench/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
