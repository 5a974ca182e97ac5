# The course's commands. Everything runs from a project-local virtual environment
# (.venv) that the first command creates; nothing is installed system-wide.
#
#   make lab    set up, then open the notebooks in JupyterLab
#   make test   set up, then lint, and run the unit tests and every notebook side by side
#
# Set-up is incremental: the venv is (re)installed only when pyproject.toml changed,
# and data is fetched only when its cache is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := notebooks
# Per-cell limit for notebook execution; a cell that trains a model finishes well inside it.
CELL_TIMEOUT ?= 900
# make test runs unit tests and notebooks side by side, one pytest worker per core, each with
# one torch thread: these small models gain little from a second thread (the BPTT notebook ran
# as fast on one as on two), so two at once nearly halve the time. WORKERS=0 runs them in turn.
WORKERS ?= auto
ONE_THREAD := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
LAB_PORT ?= 8888
# Jupyter refuses to run as root unless told to (containers and CI machines run as root).
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# Homework: where student notebooks go, and where grades are written.
STUDENT_DIR ?= build/student
GRADES_DIR ?= build/grades
GRADE_CELL_TIMEOUT ?= 120
GRADE_NOTEBOOK_TIMEOUT ?= 900

# The notebooks whose recorded results the README's results block must show.
NOTEBOOK_NAMES := $(basename $(notdir $(wildcard $(NOTEBOOKS)/*.ipynb)))

.PHONY: help setup data lab test lint check unit notebooks results results-check bench bench-grading bench-today student grade slides site clean

help:
	@echo "make lab     set up and open the course in JupyterLab"
	@echo "make test    set up and run every test (lint, unit tests, all notebooks)"
	@echo "make check   unit tests and notebooks side by side (what make test runs after lint)"
	@echo "make results rewrite the README's results block from the notebooks' last run"
	@echo "make bench   print speed benchmarks (from-scratch vs torch.nn)"
	@echo "make bench-grading   submissions per minute with 1 and 2 grading jobs"
	@echo "make bench-today     notebook 09's scan speed-up and 120-second race"
	@echo "make slides one offline reveal.js deck per notebook, into build/slides"
	@echo "make site    the executed notebooks as a static HTML book, into build/site"
	@echo "make student generate student notebooks into $(STUDENT_DIR)"
	@echo "make grade SUBMISSIONS=dir   grade submitted notebooks into $(GRADES_DIR)"
	@echo "make clean   remove the virtual environment and caches"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

# Notebooks saved from JupyterLab carry their outputs; git's nbstripout filter (named in
# .gitattributes) strips them on `git add`, so working in `make lab` never dirties a commit.
# --keep-id keeps JupyterLab's cell ids: renumbering them would touch every cell in each diff;
# the extra keys are what a kernel adds to language_info (the committed notebooks say "python").
STRIP_KEYS := $(addprefix metadata.language_info.,codemirror_mode file_extension mimetype \
	nbconvert_exporter pygments_lexer version)
setup: $(STAMP)
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		$(BIN)/nbstripout --install --attributes .gitattributes && \
		git config filter.nbstripout.clean '"$(abspath $(BIN))/python" -m nbstripout --keep-id' && \
		git config filter.nbstripout.extrakeys "$(STRIP_KEYS)"; \
	fi

data: setup
	$(BIN)/python -m course_utils.data.prepare

lab: setup data
	@test -d "$(NOTEBOOKS)" || (echo "$(NOTEBOOKS) does not exist (student versions: make student)" && exit 2)
	@$(if $(filter notebooks,$(NOTEBOOKS)),echo "These are the lecturer's notebooks, with solutions. Students: make student, then make lab NOTEBOOKS=$(STUDENT_DIR)")
	$(BIN)/jupyter lab --notebook-dir=$(NOTEBOOKS) --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(LAB_ROOT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Unit tests and every notebook (nbval) in one run, spread over the cores.
check: setup data
	$(ONE_THREAD) $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --durations=30 \
		--nbval-lax --nbval-cell-timeout=$(CELL_TIMEOUT) tests $(NOTEBOOKS)

# The two halves on their own (a notebook here runs with the machine's default threads).
unit: setup data
	$(BIN)/python -m pytest --durations=25 tests

notebooks: setup data
	$(BIN)/python -m pytest --nbval-lax --nbval-cell-timeout=$(CELL_TIMEOUT) --durations=0 $(NOTEBOOKS)

# Each notebook records its headline numbers in build/results.json while it runs.
results: setup
	$(BIN)/python -m course_utils.results --write --expect $(NOTEBOOK_NAMES)

# After the notebooks ran: the README must say what they printed (compared on the machine the
# README's figures were recorded on; elsewhere only shown).
results-check: setup
	$(BIN)/python -m course_utils.results --check --expect $(NOTEBOOK_NAMES)

test: lint check results-check

bench: setup data
	$(BIN)/python benchmarks/recurrent_speed.py

bench-grading: setup data
	$(BIN)/python benchmarks/grading.py

# Notebook 09 at full length: the scan's speed-up, and the race at 120 s per model (~9 min).
bench-today: setup data
	$(BIN)/python benchmarks/recurrent_today.py

# Decks and site from one execution of each notebook, cached in build/executed by content hash
# (a second `make slides` or a `make site` after it executes nothing); reveal.js and MathJax
# come from data/cache/web/ (fetched by `make data`), never from a CDN.
slides: setup data
	$(BIN)/python -m course_utils.publish slides $(sort $(wildcard $(NOTEBOOKS)/*.ipynb))

site: setup data
	$(BIN)/python -m course_utils.publish site $(sort $(wildcard $(NOTEBOOKS)/*.ipynb))

student: setup
	$(BIN)/python -m course_utils.grading student $(NOTEBOOKS) $(STUDENT_DIR)

# make grade SUBMISSIONS=dir [ROSTER=roster.csv] [JOBS=n] [SHARD=k/n] [GRADE_SCALE=0.05]
grade: setup data
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=folder-of-notebooks" && exit 2)
	$(BIN)/python -m course_utils.grading grade "$(SUBMISSIONS)" --solutions $(NOTEBOOKS) \
		--out $(GRADES_DIR) --cell-timeout $(GRADE_CELL_TIMEOUT) --notebook-timeout $(GRADE_NOTEBOOK_TIMEOUT) \
		$(if $(ROSTER),--roster "$(ROSTER)") $(if $(JOBS),--jobs $(JOBS)) $(if $(SHARD),--shard $(SHARD))

clean:
	rm -rf $(VENV) data/cache build .pytest_cache .ruff_cache *.egg-info
