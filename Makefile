# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test venv lint format typecheck messages check-deploy clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

## make run: install, migrate, load the demo logins, then web + Celery worker + beat.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py make_signing_cert --if-missing
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/ and sign in with a login above. Ctrl-C stops everything."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

## make test: the whole test suite (browser, PostgreSQL and Redis tests skip where absent).
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: venv
	$(VENV)/bin/mypy .

## make messages: refresh the catalogues after changing user-facing text, then translate.
messages: venv
	$(PY) manage.py makemessages --locale zh_Hans --locale en --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "benchmarks/*" --no-location
	$(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) var/cache var/celery var/staticfiles test-artifacts
