# Two commands on a fresh machine: `make run` (serve on the embedded defaults) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml dev/pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run demo test lint contracts typecheck check bench clean

# The product in editable mode with its dev extras, and the development-only package beside it.
$(STAMP): pyproject.toml dev/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e ./dev
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The app at http://127.0.0.1:8000/ (the API under /v1, its docs at /docs). Downloads missing
# weights (with a progress bar) when online; offline it says so and serves on.
run: $(STAMP)
	SESAME_DEMO__AUTOLOAD=$${SESAME_DEMO__AUTOLOAD:-true} \
	SESAME_EMBEDDINGS__ALLOW_DOWNLOAD=$${SESAME_EMBEDDINGS__ALLOW_DOWNLOAD:-true} $(BIN)/sesame serve

# Offline demo: trains the small test model (about two minutes) and builds the phrasebook
# translation packages (es, zh <-> en: a Spanish query, a Spanish-Chinese chat), then serves.
TINY_PAIRS := es-en,en-es,zh-en,en-zh
demo: $(STAMP)
	test -f data/models/sesame-tiny.pt || $(BIN)/python scripts/train_tiny_clip.py data/models/sesame-tiny.pt --seconds 900 --max-steps 450
	test -f data/models/argos/.installed || { \
	  $(BIN)/python scripts/build_tiny_argos.py data/models/argos --pairs $(TINY_PAIRS) && \
	  $(BIN)/sesame models install data/models/argos/*.argosmodel && \
	  touch data/models/argos/.installed; }
	SESAME_DEMO__AUTOLOAD=true SESAME_EMBEDDINGS__MODEL=sesame-tiny \
	SESAME_EMBEDDINGS__PRETRAINED=data/models/sesame-tiny.pt $(BIN)/sesame serve

# The layer contract (import-linter) and the module/function size limits.
contracts: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_sizes.py

test: contracts
	$(BIN)/python -m pytest

lint: contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy sesame dev/sesame_dev

check: lint typecheck test

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache build *.egg-info dev/*.egg-info
