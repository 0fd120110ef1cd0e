# Two entry points: `make run` (set up, ingest the bundled sample, open the chat UI) and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 7860

.PHONY: run test install system-deps bench soak eval clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: the local CPU wheel; otherwise pip resolves a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

# Debian's Chromium and CJK fonts for the browser tests (Playwright cannot download its own here), and
# LibreOffice without its GUI to read .doc / .wps, and Impress to open the course slides in the tests
# (about 90 s to install here).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@if ! dpkg -s libreoffice-writer-nogui libreoffice-impress-nogui >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui \
			libreoffice-impress-nogui >/dev/null; \
	fi
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi

run: install
	$(BIN)/assistant ingest data/sample --quiet
	$(BIN)/assistant serve --port $(PORT)

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/query.py

soak: install
	$(BIN)/python bench/soak.py

eval: install
	$(BIN)/assistant eval --report reports/eval

clean:
	rm -rf $(VENV) reports .pytest_cache
