# Two commands: `make run` serves the portal with demo data, `make test` runs the whole suite.
# Every target installs only what is missing, so both work on a fresh machine and stay quick after.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
VENDOR := static/vendor
LOCK   := requirements.lock

.PHONY: run test deps vendor translations extract-messages db system-deps lint bench clean lock

run: deps db
	$(FLASK) demo accounts
	$(FLASK) run --host 127.0.0.1 --port 5000

test: deps system-deps
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

deps: $(VENV)/.installed $(VENDOR)/.built translations

# Exactly the locked versions (runtime and dev tools, pip and setuptools too), each file checked against its
# hash; then the portal itself, built with the locked setuptools and nothing else downloaded. `pip check`
# fails when pyproject.toml's ranges moved past the lock: run `make lock`.
$(VENV)/.installed: $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

# Refresh requirements.lock from the ranges in pyproject.toml: the newest versions within them, every file's
# hash, resolved on PyPI alone (whatever mirrors this machine's pip configuration names). Commit the result.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
		CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe \
		--all-build-deps --extra dev --strip-extras --index-url https://pypi.org/simple --no-emit-index-url \
		--output-file $(LOCK) pyproject.toml

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The vendored front-end files come from the pinned npm packages, never from a CDN.
$(VENDOR)/.built: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/signature_pad/dist/signature_pad.umd.min.js $(VENDOR)/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/
	cp node_modules/idb/build/index.js $(VENDOR)/idb.js
	cp node_modules/jsqr/dist/jsQR.js $(VENDOR)/jsQR.js
	# The service worker loads Workbox through workbox-sw with modulePathPrefix pointing here (never the CDN).
	mkdir -p $(VENDOR)/workbox
	cp node_modules/workbox-sw/build/workbox-sw.js $(VENDOR)/workbox/
	for m in core routing strategies expiration; do \
		cp node_modules/workbox-$$m/build/workbox-$$m.prod.js $(VENDOR)/workbox/ || exit 1; \
	done
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d portal/translations 2>&1 | grep -v '^compiling' || true

# For developers: refresh the catalogs after changing user-facing strings, then translate the new entries.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

db: deps
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo seed

# Debian packages the browser and PDF tests need; installed only when absent.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	fc-list | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list | grep -q "WenQuanYi Micro Hei" || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

lint: deps
	$(BIN)/ruff check .

bench: deps
	command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -qq wrk; }
	$(BIN)/python -m pytest tests/bench -s -o addopts=""

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance
