# Two entry points for a fresh machine (see README):
#   make run   — set up and open the dashboard on the seed articles
#   make test  — set up and run every test (unit, AppTest, browser)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test setup setup-dev system-deps lint bench validate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is installed first and pinned: camel-tools needs it, and an unpinned
# torch resolves to a multi-GB CUDA build.
setup: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.txt

setup-dev: setup
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Chromium for the browser tests, Noto fonts for Arabic in exported images.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Naskh Arabic\|Noto Sans Arabic"; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	fi

run: setup
	$(BIN)/streamlit run app.py --server.port $(PORT)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup-dev system-deps lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python scripts/bench_pipeline.py

validate: setup
	$(BIN)/python scripts/validate_tone.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
