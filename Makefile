# The README's two commands: `make demo` and `make test`.
DATA ?= $(CURDIR)/data
PORT ?= 8501
DALIL = .venv/bin/dalil

.PHONY: setup demo ingest-sample ui test test-fast corpus clean

setup:
	bash scripts/setup.sh

ingest-sample: setup
	$(DALIL) ingest corpora/sample --data $(DATA)

demo: ingest-sample
	$(DALIL) ui --data $(DATA) --port $(PORT) --headless

test: setup
	.venv/bin/python -m pytest -q -ra

test-fast: setup
	.venv/bin/python -m pytest -q -ra -m "not slow"

corpus: setup
	.venv/bin/python corpora/build_sample.py

clean:
	rm -rf $(DATA) .pytest_cache
