"""Every journal entry of every test checked against its provider's catalogue and contract.

The contract is what the provider declares (``Provider.contract()``, see
simulator/conformance/). In a test suite, make the fixture autouse from a conftest.py::

    from simulator.testing.contracts import telsim_contracts  # noqa: F401  (autouse)

After each test that used the ``simulator`` fixture, every entry of a provider with a
catalogue must carry one of its names, and every entry of a provider with a contract is
checked against it; a violation fails the test at teardown with the entry named. A test
that breaks the contract on purpose (it injects a malformed answer with a fault rule is
already exempt) is marked ``@pytest.mark.telsim_no_contract``.
"""
from __future__ import annotations

from typing import Any

import pytest

from ..conformance import ContractViolation, check_journal

MARKER = "telsim_no_contract"


def register_marker(config: Any) -> None:
    config.addinivalue_line("markers", f"{MARKER}: do not check this test's journal against the contracts")


def check_contracts(simulator: Any) -> dict[str, int]:
    """Check the journal of a ``SimulatorHarness`` (or ``Simulator``): every entry of a
    provider with a catalogue names one of its operations or callbacks, and every entry of a
    provider with a contract keeps it; {slug: entries checked against the contract}."""
    sim = getattr(simulator, "sim", simulator)
    entries = sim.journal.query()
    built = getattr(sim.providers, "built", None)  # one never built has no entries
    for slug, provider in (built() if built else sim.providers).items():
        catalogue = getattr(provider, "catalogue", None)
        if catalogue is not None:
            bad = catalogue.unnamed(entries)
            if bad:
                raise ContractViolation(f"{slug}: {len(bad)} journal entries name no catalogue operation, "
                                        f"the first: {bad[0]!r}")
    return {slug: check_journal(slug, entries) for slug in sim.providers}


@pytest.fixture(autouse=True)
def telsim_contracts(request):
    """Autouse: after the test, its simulator's journal against the contracts."""
    yield
    harness = request.node.funcargs.get("simulator") if hasattr(request.node, "funcargs") else None
    if harness is None or request.node.get_closest_marker(MARKER) is not None:
        return
    if not hasattr(harness, "sim") or not hasattr(harness.sim, "journal"):
        return
    check_contracts(harness)
