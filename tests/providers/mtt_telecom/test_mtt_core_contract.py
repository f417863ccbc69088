"""The core's contract checker covers MTT Telecom (MttTelecomProvider.contract()): JSON-RPC
exchanges of both endpoints by the registered ``jsonrpc`` transport (OpenRPC), the REST hosts
and webhooks by their OpenAPI files, and a broken answer is caught."""
from __future__ import annotations

import copy
import json

import pytest

from simulator.conformance import TRANSPORTS, ContractViolation, OpenRpcValidator, contract_for
from simulator.providers.mtt_telecom.provider import MttTelecomProvider
from simulator.testing.contracts import check_contracts

from .conftest import API, SLUG


def test_the_provider_declares_its_contract_on_the_core_transports():
    assert TRANSPORTS["jsonrpc"] is OpenRpcValidator
    contract = MttTelecomProvider.contract()
    assert {"jsonrpc", "rest", "download", "get", "form"} <= set(contract.validators)
    assert contract_for(SLUG) is not None


async def test_every_request_of_a_test_is_checked_by_the_core(rpc, rest, simulator):
    await rpc("getCustomerBalance", ["110000000"])
    await rpc(raw=[{"jsonrpc": "2.0", "method": "getCustomerBalance", "params": ["110000000"], "id": 1}])
    await rpc("getCustomerBalance", ["110000000"], auth=None)
    await rest("GET", "/index.php", auth=API)
    counts = check_contracts(simulator)
    assert counts[SLUG] == 4


async def test_a_broken_answer_breaks_the_contract(rpc, simulator):
    await rpc("getCustomerBalance", ["110000000"])
    entry = simulator.sim.journal.query()[-1]
    data = entry.to_json()
    broken = json.loads(data["response_body"])
    broken["result"] = "not an object"
    contract = MttTelecomProvider.contract()
    assert contract.check(entry)
    forged = copy.deepcopy(entry)
    forged.response.body, forged._json = json.dumps(broken), None
    with pytest.raises(ContractViolation):
        contract.check(forged)

