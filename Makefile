# powerscope: the two commands a newcomer runs (see README).
#   make run   - set up a virtual environment, install, and run the main job on the embedded data
#                (the CETI ranking, South Korea's profile, and South Korea's brief in build/)
#   make test  - set up and run the test suite
#   make web-assets - rebuild the dashboard's vendored plotly.js bundles and map shapes (needs npm)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/data

.PHONY: run test lint bench snapshot clean web-assets

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "powerscope needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/powerscope index compute ceti
	$(BIN)/powerscope country KOR
	$(BIN)/powerscope brief KOR --output build/powerscope-brief-KOR.html

# Bytecode is cached even where the environment sets PYTHONDONTWRITEBYTECODE: the suite starts
# many powerscope subprocesses (the README's commands) and two workers, each of which would
# otherwise compile every module again (about 180 s instead of 130 s on 2 cores).
test: $(BIN)/.installed
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_ceti.py
	$(BIN)/python benchmarks/bench_uncertainty.py
	$(BIN)/python benchmarks/bench_arms.py
	$(BIN)/python benchmarks/bench_agreement.py
	$(BIN)/python benchmarks/bench_dynamics.py
	$(BIN)/python benchmarks/bench_api_load.py --seconds 30

# Re-derive the embedded snapshot from the publishers' files (maintainers; needs ../shared/data).
snapshot: $(BIN)/.installed
	$(BIN)/powerscope data snapshot --from $(SHARED)

# The dashboard's plotly.js partial bundles and world map shapes, pinned in
# tools/web-assets/package-lock.json, copied to src/powerscope/web/static/vendor/ (committed).
web-assets:
	tools/web-assets/build.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
