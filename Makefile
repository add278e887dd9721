# The two commands: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
STAMP := $(VENV)/.installed
TEST_WORKERS ?= 2

.PHONY: demo test services venv eval bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

services:
	bash scripts/ensure-services.sh

demo: venv
	$(BIN)/debugbot demo

test: services venv
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) -p no:cacheprovider
	bash scripts/eval-gate.sh $(BIN)/debugbot $(SHARED)/scenarios scenarios

eval: venv
	$(BIN)/debugbot eval $(SHARED)/scenarios scenarios

bench: venv
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

lint: venv
	$(BIN)/mypy bot agent tools workers

clean:
	rm -rf $(VENV) .pytest_cache eval-out
