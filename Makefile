# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ntm_intranet
STAMP := $(VENV)/.installed-stamp
MO := translations/en/LC_MESSAGES/messages.mo
# The demo is the 2015 plan: by default `make run` shows it on 27/06/2015, two days after the
# communes' report deadline, when the board has on-time, late and missing units.
# `NTM_TODAY= make run` uses the real date.
NTM_TODAY ?= 2015-06-27
export NTM_TODAY

.PHONY: run test test-fast lint install migrate seed messages clean bench bench-exports load fuzz screenshots

run: install $(MO) ## venv, install, migrate, demo data if empty, serve on http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) ntm seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000 --with-threads

test: install $(MO) lint ## the whole suite, browser tests included
	NTM_TODAY= $(BIN)/pytest $(PYTEST_ARGS)

test-fast: install $(MO) ## everything but the browser tests
	NTM_TODAY= $(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

# The README's screenshots: the browser test that photographs every main page (desktop and phone, into
# tests/e2e/screenshots/), then a few of them copied into docs/screenshots/.
DOC_SCREENSHOTS := board-desktop totals-desktop home-reporter-phone ballot-phone award-list-desktop
screenshots: install $(MO) ## photograph every main page, refresh the README's screenshots in docs/screenshots/
	NTM_TODAY= $(BIN)/pytest tests/e2e/test_screenshots.py -q
	mkdir -p docs/screenshots
	for name in $(DOC_SCREENSHOTS); do cp tests/e2e/screenshots/$$name.png docs/screenshots/; done

lint: install ## ruff, and import-linter's contracts (pyproject.toml): the rooms import only downward
	$(BIN)/ruff check .
	$(BIN)/lint-imports

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(MO): translations/en/LC_MESSAGES/messages.po | install
	$(BIN)/pybabel compile --use-fuzzy -d translations -D messages

messages: install ## re-extract the translatable strings and update the English catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -w 120 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages -w 120 --no-fuzzy-matching

bench: install ## benchmark: gunicorn (2 workers) + locust on a scaled database; writes bench/results-latest.md
	$(BIN)/python bench/run.py

bench-exports: install ## time and memory of the award-list writers (Excel, Word, PDF) at 500 and 2,000 lines
	$(BIN)/python bench/exports.py

load: install ## the concurrency load test for the full 60 s (`make test` runs it for 10 s)
	NTM_TODAY= NTM_LOAD_SECONDS=$${NTM_LOAD_SECONDS:-60} $(BIN)/pytest -m load -s $(PYTEST_ARGS)

fuzz: install $(MO) ## the form fuzz test for 10 minutes (`make test` gives it about one; NTM_FUZZ_SECONDS to change)
	NTM_TODAY= NTM_FUZZ_SECONDS=$${NTM_FUZZ_SECONDS:-600} $(BIN)/pytest tests/app/test_fuzz_forms.py -s $(PYTEST_ARGS)

migrate: install
	$(FLASK) db upgrade

seed: install
	$(FLASK) ntm seed-demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
