"""The installed plugin in someone else's project: a fresh folder with no conftest and no
pytest settings, pytest run in a subprocess so that only the ``telsim`` entry point (the
installed distribution's pytest11 plugin) provides the fixtures."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
PLUGIN_TIMEOUT = 240  # wall seconds for one subprocess run


def readme_example() -> str:
    [block] = [b for b in re.findall(r"```python\n(.*?)```", README, re.S)
               if "async def test_" in b and "(simulator" in b]
    return block


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "PYTHONPATH")) and k != "PYTEST_XDIST_WORKER"}
    # plugins of this repository's test extras that a user's project would not have (hypothesis and
    # faker alone take seconds to import in every run)
    others = ["-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:xdist", "-p", "no:xdist.looponfail"]
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *others, *args],
                          cwd=project, env=env, capture_output=True, text=True,
                          timeout=PLUGIN_TIMEOUT)


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # a rootdir of its own, no settings
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def outcome(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"


def test_readme_example_passes_as_written_in_strict_mode(tmp_path):
    where = project(tmp_path, {"test_readme_example.py": readme_example(), "test_module_loop.py": '''
import pytest


@pytest.mark.asyncio(loop_scope="module")
async def test_in_a_module_scoped_loop(simulator):
    assert (await simulator.advance(1)) >= 0
'''})
    result = run_pytest(where)
    assert result.returncode == 0, outcome(result)
    assert "2 passed" in result.stdout, outcome(result)


def test_auto_mode_and_an_unmarked_test(tmp_path):
    unmarked = readme_example().replace("@pytest.mark.asyncio", "")
    where = project(tmp_path, {"test_auto.py": unmarked})
    result = run_pytest(where, "-o", "asyncio_mode=auto")
    assert result.returncode == 0 and "1 passed" in result.stdout, outcome(result)
    # the same unmarked test in strict mode: an error saying what to add, not a hang or a traceback
    result = run_pytest(where)
    assert result.returncode != 0, outcome(result)
    assert "no async runner runs 'test_my_crm_gets_the_call'" in result.stdout, outcome(result)
    assert "@pytest.mark.asyncio" in result.stdout, outcome(result)


def test_anyio_without_pytest_asyncio(tmp_path):
    anyio_test = readme_example().replace("@pytest.mark.asyncio", "@pytest.mark.anyio")
    where = project(tmp_path, {"test_anyio.py": anyio_test + '''

@pytest.fixture
def anyio_backend():
    return "asyncio"
'''})
    # pytest-aiohttp (a test dependency here) needs pytest-asyncio: off with it too
    result = run_pytest(where, "-p", "no:asyncio", "-p", "no:aiohttp")
    assert result.returncode == 0 and "1 passed" in result.stdout, outcome(result)


def test_a_project_without_pytest_asyncio_loads_the_plugin(tmp_path):
    where = project(tmp_path, {"test_plain.py": '''
import sys


def test_unrelated():
    assert "pytest_asyncio" not in sys.modules  # the plugin did not import it


def test_sync_fixture(telsim_server):
    assert telsim_server.client.clock()["mode"] == "manual"


async def test_async_fixture_without_a_runner(simulator):
    pass


def test_async_fixture_in_a_plain_test(simulator):
    pass
'''})
    result = run_pytest(where, "-p", "no:asyncio", "-p", "no:aiohttp", "-p", "no:anyio")
    assert "Error while loading plugin" not in result.stdout + result.stderr, outcome(result)
    assert "2 passed" in result.stdout, outcome(result)
    assert "pytest-asyncio is not installed (or disabled)" in result.stdout, outcome(result)
    assert "runs 'test_async_fixture_in_a_plain_test': it is not an async test" in result.stdout, outcome(result)


@pytest.mark.parametrize("fixture", ["simulator", "callback_sink", "telsim_server"])
def test_the_fixtures_come_from_the_entry_point(fixture):
    from importlib import metadata

    [ep] = [ep for ep in metadata.entry_points(group="pytest11") if ep.name == "telsim"]
    assert hasattr(ep.load(), fixture)
