# Two commands matter: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
LEDGER ?= ledger
OUTPUT ?= output

.PHONY: install demo build serve verify test test-fast lint browser go-interop spec vectors bench mutate clean sample

$(BIN)/publisher: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/publisher

# Chromium from Debian for the browser tests (Playwright's own download does not work here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian chromium + fonts-noto-cjk"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium fonts-noto-cjk; }

# Go and golang.org/x/mod from Debian for the signed-note interop test (tests/interop/).
go-interop:
	@{ command -v go >/dev/null && test -f /usr/share/gocode/src/golang.org/x/mod/sumdb/note/note.go; } || { \
	  echo "installing Debian golang-go + golang-golang-x-mod-dev"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq golang-go golang-golang-x-mod-dev; }

verify: install
	$(BIN)/publisher verify --ledger $(LEDGER)

build: install
	$(BIN)/publisher build --ledger $(LEDGER) --output $(OUTPUT)

demo: verify build
	@echo "serving the sample portal on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(OUTPUT)

# Style and types (pyproject.toml: [tool.ruff], [tool.mypy]); `make test` runs it first.
lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Two pytest-xdist workers; tests that share a built site stay on one worker (tests/conftest.py).
# `make test WORKERS=0` runs serially.
WORKERS ?= 2
XDIST = $(if $(filter 0,$(WORKERS)),,-n $(WORKERS) --dist loadgroup)

test: install browser go-interop lint
	$(BIN)/python -m pytest $(XDIST)

test-fast: install
	$(BIN)/python -m pytest $(XDIST) -m "not browser"

spec: install
	$(BIN)/python -m publisher.specdoc

vectors: install
	$(BIN)/python -m publisher.draw.vectors
	$(BIN)/python -m publisher.conformance docs/vectors/conformance

bench: install
	$(BIN)/python bench/run_all.py

# Mutation testing of the rule-bearing modules (docs/QUALITY.md); not part of `make test`.
# One module group at a time, each with its own tests, one worker under nice (bench/mutate.py).
# Incremental: verdicts stay in mutants/<group>/; only new or changed mutants are re-tested.
#   make mutate MODULE=core.merkle         one group (python bench/mutate.py --list: the groups)
#   make mutate MODULE=draw SURVIVORS=1    re-test last run's survivors only (after new tests)
MODULE ?=
SURVIVORS ?=
mutate: install
	$(BIN)/pip install --quiet -e '.[test,mutate]'
	$(BIN)/python bench/mutate.py $(if $(SURVIVORS),--survivors) $(MODULE)
	$(BIN)/python bench/mutation_report.py

clean:
	rm -rf $(OUTPUT) .pytest_cache test-artifacts

# Regenerate the SAMPLE county after a format change: ledger/, README trust table, site key pin,
# docs/vectors/ and docs/SPEC.md.
sample: install
	$(BIN)/publisher demo --force
	$(BIN)/python -m publisher.demo.anchors .
	$(BIN)/python -m publisher.vectors
	$(BIN)/python -m publisher.conformance docs/vectors/conformance
	$(BIN)/python -m publisher.specdoc
