# Fixtures come from the project's own pytest plugin (entry point "telsim"); every journal
# entry of every test that uses `simulator` is checked against its provider's contract.
from simulator.testing.contracts import register_marker, telsim_contracts  # noqa: F401


def pytest_configure(config):
    register_marker(config)
