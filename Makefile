# Two commands on a fresh machine:  `make run`  (console chat or Telegram bot)  and  `make test`.
# Both create .venv and install what they need first (torch's CPU build before anything else).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

$(BIN)/.installed: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

.PHONY: install run test eval bench reindex
install: $(BIN)/.installed

run: install
	$(BIN)/python -m bot

test: install
	$(BIN)/python -m pytest -q

reindex: install
	$(BIN)/python scripts/reindex.py

eval: install
	$(BIN)/python scripts/eval.py

bench: install
	$(BIN)/python scripts/bench.py
