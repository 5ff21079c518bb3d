# Two commands a newcomer needs: `make run` and `make test`.
# Both set up .venv on their own first.

PYTHON_VERSION := $(shell cat .python-version)
# pyenv, uv-installed or system Python, whichever has the version we name.
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(PYTHON_VERSION)

.PHONY: run test test-tools pdf-libs format serve worker bench bench-quick clean

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

# WeasyPrint (CE certificates) lays out text with Debian's Pango, embeds
# fonts with HarfBuzz's subsetter (fonttools, its fallback, is many times
# slower), and needs a font: system packages, installed when missing if we
# may (root, with apt-get), as the test tools below are.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@if ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' \
		&& ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0' \
		&& fc-list 2>/dev/null | grep -qi dejavu; then \
		exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Pango and a font for the certificates (apt-get)."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq $(PDF_LIBS) >/dev/null; \
	else \
		echo "Certificates need Pango and a font: apt-get install $(PDF_LIBS), as root."; \
		exit 1; \
	fi

# The demo: SQLite, console email, http://127.0.0.1:8000
run: export DEBUG ?= 1
run: $(STAMP) pdf-libs
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

# Programs from Debian that some tests run: nginx in front of gunicorn (the
# slow-client test, with openssl for its certificate) and chromium (the
# browser tests). Installed when missing if we may (root, with apt-get);
# otherwise those tests are skipped, and say why.
TEST_TOOLS := nginx:/usr/sbin/nginx openssl:/usr/bin/openssl chromium:/usr/bin/chromium
test-tools:
	@missing=""; \
	for tool in $(TEST_TOOLS); do \
		command -v "$${tool%%:*}" >/dev/null 2>&1 || [ -x "$${tool#*:}" ] \
			|| missing="$$missing $${tool%%:*}"; \
	done; \
	if [ -z "$$missing" ]; then \
		exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing$$missing for the tests that need them (apt-get)."; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq $$missing >/dev/null; } \
			|| echo "Could not install$$missing: the tests that need them will be skipped."; \
	else \
		echo "Not installed:$$missing (apt-get install$$missing, as root): the tests that need them will be skipped."; \
	fi

test: $(STAMP) $(NODE_STAMP) test-tools pdf-libs
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
