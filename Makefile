# Kota Tangerang open-data hub: one Makefile for a fresh machine.
#
#   make demo    install everything, start the stack, publish the sample datasets
#   make test    install everything, start the stack, run every test suite
#   make stop    stop every process these targets started (by pid file)
#
# Runtime state lives in var/ and .venv/ (both git-ignored).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON     ?= python3
UV_VERSION := 0.9.30
UV         := .venv/tools/bin/uv
CKAN_PY    := .venv/ckan/bin/python
AF_PY      := .venv/airflow/bin/python
SERVICES   := $(PYTHON) stack/services.py
CKAN       := .venv/ckan/bin/ckan
AIRFLOW_ENV = eval "$$($(SERVICES) env airflow)"
SOLR_JAR   := stack/solr/target/hub-solr-1.0.0.jar
PYTEST_ARGS ?=

.PHONY: help install services airflow-db demo test test-ckan test-engine test-faults stop status lint lock bench clean-state wheelhouse deploy-smoke

help:
	@echo "make demo   - start the stack and publish the sample datasets"
	@echo "make test   - start the stack and run all tests"
	@echo "make stop   - stop everything started here"
	@echo "make status - which services run"
	@echo "make lint   - ruff"

# --- installation (idempotent; redone only when a lock file changes) --------

# Debian packages the stack runs on; installed only when something is missing.
SYSTEM_TOOLS := redis-server pg_config pg_ctlcluster java mvn
.venv/.system-packages:
	@missing=0; for tool in $(SYSTEM_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	test -x /usr/bin/chromium || missing=1; \
	if [ $$missing = 1 ]; then \
	  echo "== Debian packages (redis, PostgreSQL 15, libpq, Java 17, Maven, Chromium)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    redis-server libpq-dev postgresql-15 openjdk-17-jdk-headless maven chromium >/dev/null; \
	fi
	@mkdir -p .venv && touch $@

$(UV):
	$(PYTHON) -m venv .venv/tools
	.venv/tools/bin/pip install -q uv==$(UV_VERSION)

.venv/ckan/.installed: requirements/ckan.txt ckanext-tangerang/pyproject.toml | $(UV) .venv/.system-packages
	@echo "== CKAN environment"
	test -x $(CKAN_PY) || $(UV) venv -q --python 3.11 .venv/ckan
	$(UV) pip sync -q --python $(CKAN_PY) requirements/ckan.txt
	$(UV) pip install -q --python $(CKAN_PY) --no-deps -e ckanext-tangerang
	touch $@

.venv/airflow/.installed: requirements/airflow.txt pyproject.toml | $(UV)
	@echo "== Airflow environment"
	test -x $(AF_PY) || $(UV) venv -q --python 3.11 .venv/airflow
	$(UV) pip sync -q --python $(AF_PY) requirements/airflow.txt
	$(UV) pip install -q --python $(AF_PY) --no-deps -e .
	touch $@

$(SOLR_JAR): stack/solr/pom.xml $(wildcard stack/solr/src/main/java/id/go/tangerangkota/hub/solr/*.java) | .venv/.system-packages
	@echo "== Solr $(shell sed -n 's:.*<solr.version>\(.*\)</solr.version>.*:\1:p' stack/solr/pom.xml) from Maven Central"
	mvn -q -B -f stack/solr/pom.xml package -DskipTests

install: .venv/ckan/.installed .venv/airflow/.installed $(SOLR_JAR)

# --- services ----------------------------------------------------------------

# PostgreSQL, Redis, Solr, the sample agency server, and every CKAN database
# migrated. Idempotent: running services are left alone.
services: install
	@echo "== services"
	$(SERVICES) up postgres
	$(SERVICES) prepare
	$(SERVICES) up redis solr agency
	@for site in demo test unit; do \
	  $(CKAN) -c var/ckan/$$site.ini db init >var/log/db-init-$$site.log 2>&1 \
	    || { cat var/log/db-init-$$site.log; exit 1; }; \
	  $(CKAN) -c var/ckan/$$site.ini db pending-migrations --apply >>var/log/db-init-$$site.log 2>&1 \
	    || { cat var/log/db-init-$$site.log; exit 1; }; \
	  $(CKAN_PY) stack/xloader_token.py var/ckan/$$site.ini var/secrets/xloader_token_$$site \
	    2>>var/log/db-init-$$site.log || { cat var/log/db-init-$$site.log; exit 1; }; \
	done
	$(SERVICES) render
	$(SERVICES) reindex

airflow-db: install
	$(AIRFLOW_ENV); airflow db migrate >var/log/airflow-db-migrate.log 2>&1 \
	  || { tail -40 var/log/airflow-db-migrate.log; exit 1; }

demo: services airflow-db
	@echo "== CKAN (demo site) and its worker"
	$(SERVICES) up ckan-demo worker-demo
	$(CKAN) -c var/ckan/demo.ini tangerang seed --token-file var/secrets/ckan_bot_token \
	  --walidata-token-file var/secrets/ckan_walidata_token
	@echo "== Airflow"
	$(AIRFLOW_ENV); stack/airflow_connection.sh ckan_default http://127.0.0.1:5000 var/secrets/ckan_bot_token
	$(SERVICES) hub-env
	$(SERVICES) up airflow
	$(PYTHON) stack/airflow_token.py
	@echo "== publishing the sample datasets through Airflow"
	$(AIRFLOW_ENV); $(AF_PY) stack/demo_runs.py
	@echo "== linking the showcase's demo items to the datasets just published"
	$(CKAN) -c var/ckan/demo.ini tangerang seed >/dev/null
	@$(PYTHON) stack/banner.py

test: services
	$(SERVICES) up ckan-test worker-test
	$(CKAN) -c var/ckan/test.ini tangerang seed --token-file var/secrets/ckan_bot_token_test \
	  --walidata-token-file var/secrets/ckan_walidata_token_test
	$(MAKE) --no-print-directory test-ckan test-engine

test-ckan:
	@echo "== CKAN extension tests (CKAN env, database ckan_unit)"
	.venv/ckan/bin/pytest --ckan-ini=var/ckan/unit.ini $(or $(PYTEST_ARGS),tests/ckanext_tangerang)

test-engine:
	@echo "== engine, quality, connectors and DAG tests (Airflow env)"
	eval "$$($(SERVICES) env airflow-test)"; \
	  export HUB_CKAN_TOKEN_FILE=$$PWD/var/secrets/ckan_bot_token_test HUB_CKAN_URL=http://127.0.0.1:5050 HUB_ENV_FILE=; \
	  export HUB_CKAN_WALIDATA_TOKEN_FILE=$$PWD/var/secrets/ckan_walidata_token_test; \
	  airflow db migrate >var/log/airflow-test-db-migrate.log 2>&1 || { tail -40 var/log/airflow-test-db-migrate.log; exit 1; }; \
	  $(AF_PY) -m pytest $(or $(PYTEST_ARGS),tests --ignore=tests/ckanext_tangerang --ignore=tests/faults)

# Real processes killed and restarted during publishes (tests/faults); .ci/run runs it after
# `make test`. Each test restores every service it stopped.
test-faults: services
	$(SERVICES) up ckan-test worker-test
	$(CKAN) -c var/ckan/test.ini tangerang seed --token-file var/secrets/ckan_bot_token_test \
	  --walidata-token-file var/secrets/ckan_walidata_token_test
	$(MAKE) --no-print-directory test-engine PYTEST_ARGS="tests/faults"

stop:
	$(SERVICES) down

status:
	@$(SERVICES) status

lint: install
	.venv/airflow/bin/ruff check .
	.venv/airflow/bin/ruff format --check .

# Ratios against baselines measured in the same run (docs/BENCHMARKS.md); sizes and
# repetitions from BENCH_ROWS, BENCH_REPEATS ... Writes bench/results.json and bench/results.png.
bench: services
	$(SERVICES) up ckan-test worker-test
	$(CKAN) -c var/ckan/test.ini tangerang seed --token-file var/secrets/ckan_bot_token_test
	eval "$$($(SERVICES) env airflow-test)"; \
	  export HUB_CKAN_TOKEN_FILE=$$PWD/var/secrets/ckan_bot_token_test HUB_CKAN_URL=http://127.0.0.1:5050; \
	  $(AF_PY) -m bench

# --- production images (docker/README.md) -------------------------------------

# Every package of the two lock files as a wheel (sdists built here, on the host),
# so `docker build` installs with --no-index: no registry inside the build.
WHEELHOUSE := wheelhouse
wheelhouse: $(WHEELHOUSE)/ckan/.complete $(WHEELHOUSE)/airflow/.complete

$(WHEELHOUSE)/%/.complete: requirements/%.txt | $(UV) .venv/.system-packages
	@echo "== $(WHEELHOUSE)/$*: the wheels of requirements/$*.txt"
	rm -rf $(WHEELHOUSE)/$* && mkdir -p $(WHEELHOUSE)/$*
	.venv/tools/bin/pip wheel -q --no-deps -r $< -w $(WHEELHOUSE)/$*
	touch $@

# Builds the images and starts docker/compose.yaml for real (two Celery workers), runs one
# dataset DAG, checks CKAN through its published port, then removes everything it started.
# Not part of `make test` (about 15 minutes).
deploy-smoke: wheelhouse $(SOLR_JAR)
	$(PYTHON) docker/deploy_smoke.py

# Recompile the lock files (needs the registries; commit the result).
lock: | $(UV)
	mkdir -p var/lock
	$(PYTHON) -m pip download -q --no-deps --no-binary :all: -d var/lock ckan==2.12.0
	tar -xzf var/lock/ckan-2.12.0.tar.gz -C var/lock ckan-2.12.0/requirements.txt
	cp var/lock/ckan-2.12.0/requirements.txt var/lock/ckan-sdist-requirements.txt
	cd requirements && ../$(UV) pip compile -q --python-version 3.11 ckan.in ../var/lock/ckan-sdist-requirements.txt -o ckan.txt
	cd requirements && ../$(UV) pip compile -q --python-version 3.11 airflow.in -o airflow.txt

# Wipe runtime state (databases stay in PostgreSQL; drop them by hand if needed).
clean-state: stop
	rm -rf var/
