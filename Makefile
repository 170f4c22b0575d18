# festival: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := FLASK_DEBUG=1 $(BIN)/flask --app festival
STAMP  := $(VENV)/.installed
# Every version pinned with its hashes: the app alone (deploys) and the app with
# its dev extras (make install, CI). pyproject.toml keeps only the lower bounds.
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock

.PHONY: run test lint typecheck install translations migrate demo worker bench clean lock upgrade-deps

## A venv with uv and no pip: uv installs everything else. uv comes from the
## system's pip where it has one (pip 22.3+ installs into another Python's
## environment): 3 s, where making the venv with its own pip and upgrading that
## took 8 s of a new machine's first `make`. Without it, from the pip that
## ensurepip puts in the venv.
define venv-with-uv
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet --upgrade uv 2>/dev/null || \
	  { $(BIN)/python -m ensurepip --default-pip >/dev/null && $(BIN)/python -m pip install --quiet --upgrade uv; }
endef

## The venv holds exactly the dev lock, then the project itself (editable, no
## dependencies of its own choosing). `uv pip check` catches a dependency added
## to pyproject.toml but not yet locked. uv installs them (the same hashes
## checked): it fetches and unpacks in parallel, 13 s on a new 2-core machine
## where pip took 24 to 29 s.
$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK)
	$(venv-with-uv)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r $(DEV_LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@$(BIN)/uv pip check --quiet --python $(BIN)/python || { echo "pyproject.toml asks for something the lock files lack: run make lock" >&2; exit 1; }
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

## Set up and serve locally: SQLite in instance/, demo data, http://127.0.0.1:$(PORT)
## (`make run PORT=5001` for another port). Links in e-mails and in the demo's
## output follow SERVER_URL, which follows PORT unless you set it yourself;
## `make worker` takes the same PORT and SERVER_URL.
PORT ?= 5000
SERVER_URL ?= http://127.0.0.1:$(PORT)
run: install
	SERVER_URL='$(SERVER_URL)' $(FLASK) db upgrade
	SERVER_URL='$(SERVER_URL)' $(FLASK) demo --if-empty
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C to stop); links in e-mails use SERVER_URL=$(SERVER_URL)"
	SERVER_URL='$(SERVER_URL)' $(FLASK) run --host 127.0.0.1 --port $(PORT)

## The whole suite: SQLite, and PostgreSQL too when TEST_DATABASE_URL is set,
## spread over the machine's cores (pytest-xdist: each worker builds its own
## app and databases). `make test TEST_WORKERS=0` runs it in one process.
## Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set: without
## __pycache__, every worker compiles the app and rewrites the tests' asserts
## on every run (2.5 s of CPU each). Workers steal tests from each other's
## queues (--dist worksteal), so a long browser test near the end does not
## leave one worker idle. One worker more than the cores: browser tests and
## sockets leave a core idle while they wait (on 2 cores, 3 workers: 2m00
## against 2m11 with 2 and 2m10 with 4).
TEST_WORKERS ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1 )))
test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## mypy over the package, as configured in pyproject.toml ([tool.mypy]).
typecheck: install
	$(BIN)/mypy

migrate: install
	$(FLASK) db upgrade

## The background jobs, looping; links in what it sends use the same SERVER_URL as `make run`.
worker: install
	SERVER_URL='$(SERVER_URL)' $(FLASK) worker

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache

## Lock files from pyproject.toml, resolved by uv (installed into the venv here)
## for Python 3.11+ on Linux and any other platform (--universal). The dev lock comes first;
## the app lock takes its versions from it, so deploys run what the tests ran.
## $(1): extra uv options (--upgrade, or nothing to keep the pins that still fit).
UV_COMPILE := pip compile pyproject.toml --universal --generate-hashes --no-header --quiet
define compile-locks
	$(venv-with-uv)
	$(BIN)/uv $(UV_COMPILE) $(1) --extra dev -o $(DEV_LOCK)
	$(BIN)/uv $(UV_COMPILE) -c $(DEV_LOCK) -o $(LOCK)
	py=$$($(BIN)/python -c 'import platform; print(platform.python_version())'); \
	for f in $(LOCK) $(DEV_LOCK); do \
	  what="what the application needs (deploys)"; \
	  [ $$f = $(DEV_LOCK) ] && what="what the application and its dev extras need (make install, CI)"; \
	  { printf '%s\n' "# $$f: $$what." \
	      "# Every version pinned with its hashes, for Python 3.11+ on Linux (compiled on Python $$py)." \
	      "# Generated from pyproject.toml by uv: do not edit; run make lock or make upgrade-deps."; \
	    cat $$f; } > $$f.tmp && mv $$f.tmp $$f; \
	done
endef

## After adding or changing a dependency in pyproject.toml: lock it, keeping
## every other pin.
lock:
	$(call compile-locks,)

## Move every pin to the newest release pyproject.toml allows (this also locks
## a dependency just added there). Review the diff, then `make test`.
upgrade-deps:
	$(call compile-locks,--upgrade)

## Re-extract the strings and merge them into the ja and fr catalogues.
## (--ignore-dirs: Babel skips folders named _* by default, such as templates/_macros.)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
	  --ignore-dirs '.* __pycache__ node_modules' \
	  -o festival/translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i festival/translations/messages.pot -d festival/translations --no-fuzzy-matching --ignore-obsolete
