# The README's two commands: `make demo` and `make test`. Both build .venv themselves.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SEEDS ?= ../shared/seeds
DB ?= out/seeds.db

.PHONY: demo test

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(dir $(DB))
	$(VENV)/bin/storyline run $(SEEDS) --db $(DB)
	$(VENV)/bin/storyline timeline --db $(DB)

test: $(STAMP)
	$(PY) -m pytest -q
