# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK_DEV := APP_ENV=development SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/flask --app wsgi
PO_FILES := $(wildcard marketplace/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install run serve test test-fast lint format translations extract-messages bench bench-checkout bench-dashboard clean

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO_FILES)

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching --ignore-obsolete

run: install translations
	$(FLASK_DEV) db upgrade
	$(FLASK_DEV) regions load
	$(FLASK_DEV) seed-demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(FLASK_DEV) run --host 127.0.0.1 --port $(PORT) --no-reload

test: install translations
	$(BIN)/pytest

test-fast: install translations
	$(BIN)/pytest -m "not e2e" -x -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install translations
	$(BIN)/python bench/run.py

bench-checkout: install translations
	$(BIN)/python bench/checkout.py

bench-dashboard: install translations
	$(BIN)/python bench/dashboard.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
