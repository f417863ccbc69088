# telsim: the telephony provider simulator in a container.
#
#   docker build -t telsim .
#   docker run --rm -p 127.0.0.1:8080:8080 telsim
#   docker run --rm -p 127.0.0.1:8080:8080 -v "$PWD/my-world.yaml:/worlds/my.yaml:ro" \
#       telsim telsim serve --host 0.0.0.0 --port 8080 --world /worlds/my.yaml
#
# docker-compose.yml runs the same image with a network alias for every provider's real
# host name. tests/test_packaging.py checks the CMD below against the CLI's options.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A regular (not editable) install, as a user's project gets it: the default world and every
# other file the package reads at run time are package data. pip byte-compiles what it
# installs. The binary dependencies (aiohttp, pydantic-core, lxml, lameenc, PyYAML) ship
# manylinux wheels for CPython 3.11 and the rest are pure Python: no compiler is needed.
COPY . /tmp/telsim
RUN pip install /tmp/telsim \
    && rm -rf /tmp/telsim \
    && useradd --system --create-home --uid 10001 --user-group telsim

WORKDIR /home/telsim

# The simulator keeps all state in memory and writes no files: a read-only root is fine.
USER telsim

EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/_sim/health', timeout=2).status == 200 else 1)"]

CMD ["telsim", "serve", "--host", "0.0.0.0", "--port", "8080"]
