"""Shared by the hardening suite: one simulator per module, served from a background thread
(schemathesis and the corpus replay send plain blocking requests), and the default world's
credentials of each provider."""
from __future__ import annotations

import base64

import pytest

from simulator.testing.contracts import check_contracts
from simulator.testing.threaded import ThreadedSimulator

#: the 5 requests per second of MTT Business (§6.7, wall clock) would refuse a fuzzer
NO_RATE_LIMIT = {"providers": {"mtt-business": {"settings": {"rps_limit": 100000}}}}


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


#: the headers that authenticate a request as the default world's first tenant
AUTH = {
    "mts-vpbx": {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"},
    "mts-autosecretary": {"Authorization": basic("user", "password")},
    "mtt-business": {"Authorization": "Bearer MMRLZJU5NTETMTNHZIOZNIYLWJHOTGTNJY1M2ZMM2YZNMYX"},
    "beeline-cloudcc": {"Authorization": basic("cloudcc-demo", "cloudcc-demo-pass")},
    "mtt-telecom": {"Authorization": basic("romashka-api", "Gnezdo-Api-2026")},
}


@pytest.fixture(scope="module")
def server():
    """A simulator for a module's tests; at the end every journal entry of every provider
    against its catalogue and contract, as the autouse check does for ``simulator``."""
    with ThreadedSimulator(patch=NO_RATE_LIMIT) as running:
        yield running
        check_contracts(running.harness)
