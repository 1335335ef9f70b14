# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast check lint bench clean airflow airflow-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall when the pinned constraints or the package metadata change. The framework's bytecode
# is written then, as pip writes it for a package it copies: each command starts without compiling
# its modules again (where PYTHONDONTWRITEBYTECODE is set, Python never writes it itself).
$(STAMP): $(BIN)/python constraints.txt setup.cfg pyproject.toml
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m compileall -q framework dag_factory
	touch $(STAMP)

# The bundled real Olist sample → lake/ (typed Parquet) → warehouse/olist.duckdb, checked.
run: $(STAMP)
	$(BIN)/elt lint pipelines/olist
	$(BIN)/elt ingest pipelines/olist --from pipelines/olist/sample --batch-date 2018-10-17 --quiet
	$(BIN)/elt run pipelines/olist --batch-date 2018-10-17

lint: $(STAMP)
	$(BIN)/elt lint pipelines

# checkov pins an old boto3: it gets its own virtualenv, rebuilt when its pinned requirements change.
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

$(CHECKOV_STAMP): terraform/checkov-requirements.txt
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r terraform/checkov-requirements.txt
	touch $(CHECKOV_STAMP)

# Static security checks of terraform/, offline (tests/integration/terraform/test_terraform.py runs the same scan).
.PHONY: checkov
checkov: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov -d terraform --framework terraform --skip-download --quiet --compact

# Static checks: ruff (lint + format) and mypy, as configured in pyproject.toml.
check: $(STAMP)
	$(BIN)/ruff check framework dag_factory dashboard tests bench pipelines terraform
	$(BIN)/ruff format --check framework dag_factory dashboard tests bench pipelines terraform
	$(BIN)/mypy

# Everything: static checks, then every test (unit and integration: PostgreSQL, S3, Airflow, Chromium),
# spread over the machine's cores (pytest-xdist; each worker starts the servers its tests need).
test: $(STAMP) $(CHECKOV_STAMP) check
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4

# The edit loop: static checks and the unit tests (no servers, no Airflow, no browser), under a minute.
test-fast: $(STAMP) check
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 -m "not integration"

bench: $(STAMP)
	$(BIN)/python bench/lint.py
	$(BIN)/python bench/compile.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/dag_parse.py
	$(BIN)/python bench/dashboard.py

# The BI dashboard on the warehouse `make run` built (http://localhost:$(DASHBOARD_PORT)).
# PIPELINE / TARGET pick the pipeline folder and its pipeline.yml target, as for `elt run`.
PIPELINE       ?= pipelines/olist
TARGET         ?=
DASHBOARD_PORT ?= 8501
DASHBOARD_ADDRESS ?= 127.0.0.1# loopback only by default; set 0.0.0.0 to serve other machines
.PHONY: dashboard
dashboard: $(STAMP)
	ELT_DASHBOARD_PIPELINE=$(PIPELINE) ELT_DASHBOARD_TARGET=$(TARGET) $(BIN)/streamlit run dashboard/app.py \
		--server.headless true --server.address $(DASHBOARD_ADDRESS) --server.port $(DASHBOARD_PORT) \
		--browser.gatherUsageStats false \
		--client.toolbarMode minimal

# Airflow 3 on localhost with the generated DAGs (the Olist DAG among them).
airflow: $(STAMP)
	bin/airflow-standalone

airflow-stop:
	bin/airflow-standalone stop

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache build *.egg-info
