# Two commands for a fresh machine with Python >= 3.11 and make: `make demo`, `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck migrations-check pytest env messages clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(BIN)/gridgov: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

env: $(BIN)/gridgov

demo: env
	$(BIN)/gridgov demo

lint: env
	$(BIN)/ruff check gridgov
	$(BIN)/ruff format --check gridgov

typecheck: env
	$(BIN)/mypy gridgov

migrations-check: env
	GRIDGOV_VAR_DIR=$$(mktemp -d) $(BIN)/gridgov makemigrations --check --dry-run

# PYTEST_ARGS: e.g. --create-db, which CI passes: a test database kept by --reuse-db from an
# older schema would otherwise fail every test.
pytest: env
	GRIDGOV_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

messages: env
	cd gridgov && ../$(BIN)/gridgov makemessages -l zh_Hans -l zh_Hant -l en --no-obsolete && ../$(BIN)/gridgov compilemessages

clean:
	rm -rf $(VENV) $(TOOLS)
