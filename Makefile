VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test install install-test bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e .

install-test: $(PY)
	$(PY) -m pip install -q -e '.[test]'

run: install
	$(VENV)/bin/telsim serve --host $(HOST) --port $(PORT)

test: install-test
	$(VENV)/bin/python -m pytest

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) *.egg-info
