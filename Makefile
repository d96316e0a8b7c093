# Self-documenting Makefile: `make help`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?=

.DEFAULT_GOAL := help

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (analyse)" >/dev/null
	touch $(STAMP)

env: $(STAMP) ## Create .venv and install the package with its test extras

data: $(STAMP) ## Import ../shared/data (or the seed figures) and build data/processed/*.parquet
	$(PY) -m analyse.data build

reports: data ## Render the HTML report for every gemeente into reports/
	$(PY) -m analyse.report --all $(if $(JOBS),--jobs $(JOBS),)

test: $(STAMP) ## Lint (ruff), check the import contracts (import-linter) and run the whole test suite in three processes
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n 3 --dist loadfile

test-fast: $(STAMP) ## The fast layer only (pytest -m "not slow"): in-process, no kernel, subprocess, browser or data build
	$(PY) -m pytest -q -n 2 -m "not slow"

bench: data ## Run the benchmarks (numbers go to benchmarks/results/)
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_analysis.py
	$(PY) benchmarks/bench_plans.py
	$(PY) benchmarks/bench_chapters.py
	$(PY) benchmarks/bench_reports.py

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(VENV)/bin/jupyter lab notebooks/

DOCS_STAMP := $(VENV)/.docs-installed
API_MODULES := analyse analyse.content.inputs analyse.content.indicator_chapter analyse.content.cost_chapter \
	analyse.plans.load analyse.plans.schema analyse.plans.evaluability analyse.plans.conclusions analyse.plans.money \
	analyse.plans.monitoring analyse.plans.period analyse.report.sections analyse.report.runner analyse.report.export \
	'!analyse.data.__main__' '!analyse.report.__main__' '!analyse.plans.__main__'

$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP) data ## Run the quick-start recipes into docs/quickstart.md and build the API reference (docs/api/)
	MPLBACKEND=Agg $(PY) docs/quickstart.py --write
	# -W ignore: pdoc warns about the lazily imported names of analyse.plans.__all__, which it cannot resolve
	$(PY) -W ignore -m pdoc $(API_MODULES) --docformat google -o docs/api
	@echo "API-referentie: docs/api/index.html; recepten: docs/quickstart.md"

strip: $(STAMP) ## Strip outputs from all notebooks (keeps the parameters tag)
	$(VENV)/bin/nbstripout notebooks/*.ipynb

clean: ## Remove generated data, reports and figures (keeps data/raw)
	rm -rf data/processed/actueel data/processed/generaties reports/ figures/GM* data/raw/cbs/ .cache/

.PHONY: help env data reports test test-fast bench lab strip clean docs
