# Two commands on a fresh machine: `make run` (serve on the embedded defaults) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run demo test lint typecheck check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	SESAME_DEMO__AUTOLOAD=$${SESAME_DEMO__AUTOLOAD:-true} $(BIN)/sesame serve

# Offline demo: trains the small test model (about two minutes) and serves with it.
demo: $(STAMP)
	test -f data/models/sesame-tiny.pt || $(BIN)/python scripts/train_tiny_clip.py data/models/sesame-tiny.pt --seconds 900 --max-steps 450
	SESAME_DEMO__AUTOLOAD=true SESAME_EMBEDDINGS__MODEL=sesame-tiny \
	SESAME_EMBEDDINGS__PRETRAINED=data/models/sesame-tiny.pt $(BIN)/sesame serve

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy api catalog embeddings index sesame translation

check: lint typecheck test

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
