# 绩效目标起草助手 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ORT_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup index browser bench eval clean

# The venv is rebuilt only when the pinned requirements change. torch==2.13.0 comes from the
# local CPU wheel (pip's find-links); it must be in the same install as sentence-transformers.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

index: setup
	$(PY) -m assistant index

run: index
	$(VENV)/bin/streamlit run assistant/ui/app.py --server.headless true --server.address 127.0.0.1 \
		--server.port 8501 --browser.gatherUsageStats false --client.toolbarMode minimal

# Debian's chromium (and a CJK font) for the end-to-end test; `playwright install` cannot download here.
browser:
	@bash scripts/ensure_browser.sh

# The architecture contract (pyproject's [tool.importlinter]: stages import only downward, no cycle,
# even one hidden in a function) fails the build before any test runs.
test: setup browser
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -p no:cacheprovider --timeout 900

# Both benchmarks: the index and queries in-process, then the page in Chromium (a copy of the data dir).
bench: index browser
	$(PY) evals/bench.py
	$(PY) evals/bench_page.py

eval: setup
	$(PY) evals/run_retrieval.py && $(PY) evals/run_draft.py && $(PY) evals/run_unseen.py && \
	$(PY) evals/run_real.py && $(PY) evals/run_chat.py --quiet --out

clean:
	rm -rf $(VENV) .data
