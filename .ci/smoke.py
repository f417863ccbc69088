"""Smoke check of an installed telsim: run by .ci/run with a fresh venv's interpreter.

    python .ci/smoke.py

Starts ``telsim serve`` (the venv's console script) on a free loopback port from a folder
outside the repository, so only the installed package can answer, then makes one REST and
one zeep SOAP call to @втосекретарь and one MTS VPBX call. Exits non-zero, saying what
failed, on any problem; every wait is bounded.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0
AA_AUTH = "Basic " + b64encode(b"user:password").decode()
VPBX_TOKEN = "215ef687-e898-419d-810c-2864efc0b1d0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as resp:
        return resp.status, resp.read()


def wait_until_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"telsim serve exited with {proc.returncode} before answering")
        try:
            if get(base + "/_sim/health", {})[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"telsim serve did not answer within {START_TIMEOUT:.0f} s")


def checks(base: str) -> None:
    status, body = get(base + "/mts-autosecretary/api/v1/un?phone=4954071111",
                       {"Authorization": AA_AUTH})
    un = json.loads(body)
    assert status == 200 and "4954071111" in json.dumps(un), f"AA REST: {status} {body[:200]!r}"
    print("  ok  @втосекретарь REST GET /api/v1/un")

    import requests
    import zeep
    from zeep.transports import Transport

    session = requests.Session()
    session.auth = ("user", "password")
    session.trust_env = False
    client = zeep.Client(base + "/mts-autosecretary/api/v1/un.svc?wsdl",
                         transport=Transport(session=session, timeout=REQUEST_TIMEOUT,
                                             operation_timeout=REQUEST_TIMEOUT))
    answer = client.service.GetUN("4954071111")
    assert "4954071111" in str(answer), f"AA SOAP GetUN: {answer!r}"
    print("  ok  @втосекретарь SOAP (zeep) GetUN")

    status, body = get(base + "/mts-vpbx/api/abonents", {"X-AUTH-TOKEN": VPBX_TOKEN})
    assert status == 200 and json.loads(body), f"VPBX: {status} {body[:200]!r}"
    print("  ok  MTS VPBX GET /api/abonents")


def main() -> int:
    telsim = Path(sys.executable).with_name("telsim")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SIM_ACCESS_LOG": "0"}
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as elsewhere, tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([str(telsim), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=elsewhere, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(base, proc)
            checks(base)
        except BaseException as exc:
            log.seek(0)
            print(f"  FAIL {type(exc).__name__}: {exc}\n  --- telsim serve output ---\n{log.read()}",
                  file=sys.stderr)
            return 1
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
