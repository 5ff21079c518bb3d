# Two commands a newcomer needs: `make run` and `make test`.
# Both set up .venv on their own first.

PYTHON_VERSION := $(shell cat .python-version)
# pyenv, uv-installed or system Python, whichever has the version we name.
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(PYTHON_VERSION)

.PHONY: run test format serve worker bench bench-quick clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "Almanac needs Python 3.12 or newer ($(PYTHON_VERSION) preferred)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# XStatic-Bootstrap 5.3.8.0 ships as a source release whose setup.py imports
# pkg_resources, which setuptools 81 removed: build it with an older
# setuptools and without build isolation, then install the rest as usual.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=70,<81" wheel
	$(BIN)/python -m pip install --quiet --no-build-isolation "XStatic-Bootstrap==5.3.8.0"
	$(BIN)/python -m pip install --quiet --no-build-isolation -e ".[dev]"
	@touch $@

# The demo: SQLite, console email, http://127.0.0.1:8000
run: export DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The test suite also checks feeds with Mozilla's ical.js and pages with
# axe-core, from the npm registry. Without Node those tests skip and say so.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-package-lock --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the ical.js and axe-core tests will be skipped."; \
	fi

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings
	$(BIN)/pytest

# Production on one host: migrate, collectstatic, then gunicorn and the email
# worker side by side. Configure with environment variables (.env.example).
serve: $(STAMP)
	bin/serve

# Only the email worker, for hosts that run gunicorn on their own.
worker: $(STAMP)
	$(BIN)/python manage.py db_worker

# Benchmarks (bench/README.md): figures, never a pass/fail. They use
# DATABASE_URL's PostgreSQL when set (needed for the load test), else SQLite.
bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules
