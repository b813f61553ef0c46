# `make run`: the demo meeting on http://127.0.0.1:8000 (SQLite in ./data).
# `make test`: every test, installing what they need first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the tests drive: browsers (Chromium; WebKit, iPad Safari's
# engine, through its WebDriver), a virtual display and poppler as an
# independent PDF reader. Node (for the web client's unit tests) is checked apart.
SYSTEM_PACKAGES := chromium webkit2gtk-driver xvfb poppler-utils
# The slowest tests are listed at the end of every run: the CI budget is 20 minutes.
# Two processes (pytest-xdist), a test module each at a time: most tests wait on a
# server, a browser or a socket, and a module's servers and fixtures stay in one process.
PYTEST_ARGS ?= -n 2 --dist loadfile --durations=20

.PHONY: run test test-fast test-postgresql lint format typecheck system-deps bench screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# A data folder from an earlier version is brought up to date first.
run: $(VENV)/.installed
	$(BIN)/meeting-server migrate --data-dir data
	$(BIN)/meeting-server demo --data-dir data

system-deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@command -v node >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs >/dev/null; }

# nginx for tests/test_deploy_files.py (`nginx -t` on the site, then nginx in front of a real
# node): Debian's binary unpacked into the venv rather than installed, because installing the
# package starts a web server on port 80 of the developer's machine. Where apt cannot fetch
# it, those two tests skip and say so.
NGINX := $(VENV)/nginx/usr/sbin/nginx

$(NGINX): | $(VENV)/.installed
	@mkdir -p $(VENV)/nginx
	@cd $(VENV)/nginx && { apt-get download -qq nginx 2>/dev/null || \
		{ SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && apt-get download -qq nginx 2>/dev/null; }; } && \
		dpkg -x nginx_*.deb . && rm -f nginx_*.deb || echo "nginx could not be fetched: its two tests will skip"

# ruff (lint and format, rules reasoned in pyproject.toml) and mypy on the server:
# `make test` runs both first, so CI does.
CHECKED := meeting_server tests benchmarks

lint: $(VENV)/.installed-test
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/ruff format --check $(CHECKED)

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix $(CHECKED)
	$(BIN)/ruff format $(CHECKED)

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# Two passes: every test on the embedded SQLite, then again on PostgreSQL and Redis the
# tests whose outcome hangs on the shared server's engine (`--engine-pass`, tests/conftest.py).
test: lint typecheck $(VENV)/.installed-test system-deps $(NGINX)
	node --test tests/js/
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	MEETING_TEST_BACKEND=postgresql $(BIN)/python -m pytest --engine-pass $(PYTEST_ARGS)

# Without the browser and whole-corpus suites: for a quick loop while coding.
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

# Every test, the session's shared server on PostgreSQL and Redis instead of SQLite (the tests
# that start servers of their own keep their engines): the scale-out mode under the whole suite.
test-postgresql: $(VENV)/.installed-test system-deps $(NGINX)
	MEETING_TEST_BACKEND=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

screenshots: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest tests/browser/test_screenshots.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache
