# festival: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := FLASK_DEBUG=1 $(BIN)/flask --app festival
STAMP  := $(VENV)/.installed

.PHONY: run test lint install translations migrate demo worker bench e2e clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations

## Compile the ja and fr catalogues (.po -> .mo).
## Strict: a malformed catalogue or a placeholder that differs from its msgid
## fails the build. (Untranslated entries fall back to English; tests/test_i18n.py
## is what insists on complete catalogues.)
translations: $(STAMP)
	$(BIN)/python -c 'import glob; from babel.messages.pofile import read_po; \
	  [read_po(open(p, "rb"), abort_invalid=True) for p in glob.glob("festival/translations/*/LC_MESSAGES/messages.po")]'
	$(BIN)/pybabel compile -d festival/translations --statistics

## Set up and serve locally: SQLite in instance/, demo data, http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

## The whole suite: SQLite, and PostgreSQL too when TEST_DATABASE_URL is set.
test: install
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

migrate: install
	$(FLASK) db upgrade

worker: install
	$(FLASK) worker

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

## Re-extract the strings and merge them into the ja and fr catalogues.
## (--ignore-dirs: Babel skips folders named _* by default, such as templates/_macros.)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
	  --ignore-dirs '.* __pycache__ node_modules' \
	  -o festival/translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i festival/translations/messages.pot -d festival/translations --no-fuzzy-matching --ignore-obsolete
