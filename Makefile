# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench clean docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Seed the demo hub (SQLite under ./data) and serve it on http://127.0.0.1:8000
run: install
	$(BIN)/policenet demo
	$(BIN)/policenet serve

## Lint, type-check and run the whole suite (SQLite, and PostgreSQL where
## POLICENET_TEST_DATABASE_URL points at one)
test: install lint
	$(BIN)/python -m pytest -n auto --dist worksteal

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict policenet

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Build the documentation site (docs/, mkdocs.yml) into site/, offline; any warning fails it.
## NO_MKDOCS_2_WARNING silences a notice the Material theme prints about MkDocs 2.0 (not a
## warning of this build).
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

PERSONS ?= 1000000
DOCUMENTS ?= 10000000
VEHICLES ?= 1000000
RECORD_PERSONS ?= 200000
NETWORK_SECONDS ?= 600
PRINT_PERSONS ?= 200000
LIST_PERSONS ?= 1000000
LIST_DOCUMENTS ?= 10000000
IMPORT_ROWS ?= 1000000
SUBJECT_PERSONS ?= 100000

## Benchmarks (not tests): border checks, name matching quality and speed, the person index.
## Needs ../shared/data beside the clone; PERSONS=100000 for a quicker index run;
## DOCUMENTS=1000000 VEHICLES=100000 for a quicker database run (the hub it loads is kept in
## bench/.data and reused); NETWORK_SECONDS=60 for a quicker live-stream run;
## PRINT_PERSONS=20000 for a quicker fingerprint search run; LIST_PERSONS=100000
## LIST_DOCUMENTS=1000000 IMPORT_ROWS=100000 for quicker list, import and export runs.
bench: install
	$(BIN)/python bench/checks.py
	$(BIN)/python bench/names/evaluate.py
	$(BIN)/python bench/names/index_bench.py --persons $(PERSONS)
	$(BIN)/python bench/names/cost.py
	$(BIN)/python bench/databases.py --data bench/.data --documents $(DOCUMENTS) \
		--vehicles $(VEHICLES) --persons $(RECORD_PERSONS)
	$(BIN)/python bench/dna.py
	$(BIN)/python bench/dna_batch.py
	$(BIN)/python bench/fingerprints.py
	$(BIN)/python bench/fingerprint_search.py --persons $(PRINT_PERSONS)
	$(BIN)/python bench/network.py --seconds $(NETWORK_SECONDS)
	$(BIN)/python bench/contention.py
	$(BIN)/python bench/probing.py
	$(BIN)/python bench/subject_search.py --persons $(SUBJECT_PERSONS)
	$(BIN)/python bench/listing.py --data bench/.data --persons $(LIST_PERSONS) \
		--documents $(LIST_DOCUMENTS) --import-rows $(IMPORT_ROWS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
