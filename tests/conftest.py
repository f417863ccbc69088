# Fixtures come from the project's own pytest plugin (entry point "telsim"); every journal
# entry of every test that uses `simulator` is checked against its provider's contract.
from simulator.testing.contracts import register_marker, telsim_contracts  # noqa: F401


def pytest_configure(config):
    register_marker(config)
    # pytest's unraisable-exception plugin runs a full gc.collect() at unconfigure; at the end of a
    # worker's share of this suite that took over 5 s, and execnet then interrupts the worker with
    # SIGINT (its shutdown patience), losing the run's summary. Unraisable exceptions are still
    # collected after every test.
    try:
        from _pytest.unraisableexception import gc_collect_iterations_key
    except ImportError:  # another pytest: its own default
        return
    config.stash[gc_collect_iterations_key] = 0
