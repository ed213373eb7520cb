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

# Chromium for the browser tests; the fonts that exported charts use
# (packages.txt lists the same fonts for Streamlit Community Cloud).
system-deps:
	@missing=; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	for p in $$(cat packages.txt); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "apt-get install:$$missing"; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
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
	$(BIN)/python scripts/validate_crosslingual.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
