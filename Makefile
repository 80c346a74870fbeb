# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve bench messages test install install-test migrate fixture lint format superuser backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py migrate --noinput

fixture: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py loaddata first_meeting

## Serve the first meeting on SQLite at http://127.0.0.1:8000 (development server).
run: fixture
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Serve with the production server (gunicorn + WhiteNoise); needs DJANGO_SECRET_KEY and
## DJANGO_ALLOWED_HOSTS (and DJANGO_SECURE_SSL_REDIRECT=0 when no TLS proxy is in front).
serve: install
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=0 $(BIN)/gunicorn trilateral.wsgi -c trilateral/gunicorn.py

## Benchmark the production server on a large record (SQLite, or DATABASE_URL); needs wrk.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run

## Extract the interface strings into locale/{ko,ja} and compile them; needs GNU gettext.
## Translate every new or fuzzy entry of the .po files, then run it again.
messages: install
	command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --locale=ko --locale=ja --no-obsolete \
		--ignore=.venv --ignore=bench --ignore=tests
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

## Create the first staff account (asks for a name and a password).
superuser: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py createsuperuser

## Run the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install-test
	command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
		DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY-test-only-secret-key-not-for-production} \
		$(BIN)/pytest $(PYTEST_ARGS)

## Write the whole record to backups/record-<UTC time>.json.gz (or FILE=…).
backup: install
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py backup_record $(FILE)

## Load a backup into an empty database: make restore FILE=backups/record-….json.gz
restore: migrate
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/record-….json.gz" >&2; exit 2)
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py restore_record $(FILE)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
