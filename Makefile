# Two commands: `make demo` and `make test`. Each sets itself up on a fresh machine
# (Python 3.11+ is all it needs): a virtual environment in .venv with exactly the versions of
# requirements.lock (hashes checked), then the package itself, editable, with no other download.
# `make lock` refreshes the lock from pyproject.toml (see the README for when).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     := data/workbench.db
PORT   ?= 8866
HUB_PORT ?= 8000
DEMO_USER ?= olena.demo

LOCK   := requirements.lock

.PHONY: demo test lint setup demo-db lab hub lock benchmark clean

setup: $(STAMP)

# The venv's own pip installs only uv, at the lock's version and hash; uv then installs the whole lock
# (hashes checked) in parallel: ~10 s instead of pip's ~90 s, which CI's 20 minutes need. Nothing comes from
# outside the lock.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv --clear $(VENV)
	awk '/^uv==/{p=1} p{print} p&&!/\\$$/{exit}' $(LOCK) > $(VENV)/uv-lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(VENV)/uv-lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --no-deps -r $(LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Every version the project installs, resolved anew from pyproject.toml (with the `test` and `dev`
# extras) for Python 3.11 and newer on any platform, with hashes. Run it after changing a dependency
# in pyproject.toml, or to take new releases on purpose; then `make test` and commit both files.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --universal --python-version 3.11 \
		--generate-hashes --no-header --quiet --output-file $(LOCK)
	@echo "$(LOCK) refreshed; run 'make test' (it reinstalls from the new lock) and commit it"

$(DB): | $(STAMP)
	$(BIN)/workbench demo --db $(DB)

demo-db: $(STAMP)
	$(BIN)/workbench demo --db $(DB) --replace

# The demo's pseudonymised research dataset, made by the demo head of centre (a researcher only receives it)
# with a secret that is plainly a demo's.
RESEARCH_EXPORT := data/research_export

$(RESEARCH_EXPORT)/manifest.json: $(DB) | $(STAMP)
	JUPYTERHUB_USER= WB_USER=halyna.demo WB_EXPORT_SECRET=demo-secret-NOT-FOR-REAL-DATA-2026 \
		$(BIN)/workbench export --db $(DB) --out $(RESEARCH_EXPORT) --replace \
		--secret-label "DEMO SECRET — not for real data"
	@touch $@

# Serves the workspace on http://localhost:$(PORT) as the demo case manager $(DEMO_USER).
demo: $(STAMP) $(DB) $(RESEARCH_EXPORT)/manifest.json
	@echo "Serving the case worker's workspace as $(DEMO_USER) (Ctrl+C stops):"
	@echo "  http://localhost:$(PORT)/voila/render/workspace.ipynb"
	WB_DB=$(abspath $(DB)) WB_USER=$(DEMO_USER) $(BIN)/workbench serve --port=$(PORT)

# A centre's server on the demo database: JupyterHub with sign-in, each role its own door (README: "A centre's
# server"). Every demo user's password is demo-password.
hub: $(STAMP) $(DB)
	@echo "The centre's hub on the demo database (Ctrl+C stops): http://localhost:$(HUB_PORT)/"
	@echo "  sign in as olena.demo (case manager), mariia.demo (supervisor), admin.demo, ...; password: demo-password"
	$(BIN)/workbench hub --db $(DB) --port $(HUB_PORT)

# The supervisors' and researchers' notebooks in JupyterLab, on the demo database and its research export,
# as the demo supervisor (--allow-root only when run as root, e.g. in a container), on http://localhost:$(LAB_PORT)
# (`make lab PORT=9000` chooses another). The token is made here and printed in the address, so the first line
# to open is on screen rather than in Jupyter's log; port_retries=0: a port in use is said, not silently changed.
LAB_PORT := $(if $(filter command line environment,$(origin PORT)),$(PORT),8888)

lab: $(STAMP) $(DB) $(RESEARCH_EXPORT)/manifest.json
	@token=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(24))'); \
	echo "JupyterLab with the supervisors' and researchers' notebooks, as mariia.demo (Ctrl+C stops):"; \
	echo "  http://localhost:$(LAB_PORT)/lab?token=$$token"; \
	echo "  code hidden (Voila): http://localhost:$(LAB_PORT)/voila/render/caseload.ipynb?token=$$token"; \
	JUPYTER_TOKEN=$$token WB_DB=$(abspath $(DB)) WB_RESEARCH_EXPORT=$(abspath $(RESEARCH_EXPORT)) WB_USER=mariia.demo \
		$(BIN)/jupyter lab --no-browser --port=$(LAB_PORT) --ServerApp.port_retries=0 \
		$(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

# The lint gate, then the suite on two workers, each file's tests in one worker (a notebook's cells
# share their kernel; a module's fixtures, a browser test file's Voilà server, are built once there).
test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=25

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .

benchmark: $(STAMP)
	$(BIN)/python benchmarks/save_latency.py
	$(BIN)/python benchmarks/concurrency.py
	$(BIN)/python benchmarks/time_to_interactive.py
	$(BIN)/python benchmarks/workspace.py
	$(BIN)/python benchmarks/kernels.py
	$(BIN)/python benchmarks/client_page.py
	$(BIN)/python benchmarks/agenda.py
	$(BIN)/python benchmarks/frames.py
	$(BIN)/python benchmarks/period_report.py
	$(BIN)/python benchmarks/research_evaluation.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
