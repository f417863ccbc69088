VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8080
# make test runs the suite on this many pytest-xdist workers (1: in one process)
JOBS ?= 2

.PHONY: run test install install-test bench bytecode clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# pip runs only when pyproject.toml changed since the last install (stamp files in the venv):
# a second `make run` starts the server at once.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# An editable install leaves the sources uncompiled, and with PYTHONDONTWRITEBYTECODE set (as in
# many CI images) every start would compile all of simulator/ again (~0.4 s of a start-up):
# compile what changed since the last run (compileall writes regardless of that variable). `make
# test` does it too: the suite starts `telsim` and plugin projects in subprocesses.
bytecode: install
	$(PY) -m compileall -q simulator bench

run: bytecode
	$(VENV)/bin/telsim serve --host $(HOST) --port $(PORT)

test: install-test bytecode
	$(PY) -m pytest $(if $(filter-out 1,$(JOBS)),-n $(JOBS))

bench: bytecode
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) *.egg-info
