"""The scenario module's docstring example runs and passes (it names real operations)."""
import textwrap

import yaml

from simulator import scenario


def docstring_example() -> dict:
    doc = scenario.__doc__
    start = doc.index("    name: an example")
    block = doc[start:doc.index("\n\n", start)]
    data = yaml.safe_load(textwrap.dedent(block))
    data.pop("world", None)  # relative to a scenario file; the default world here
    return data


async def test_the_docstring_example_passes():
    report = await scenario.run_scenario(docstring_example())
    assert report.passed, report.text()
    assert [s.kind for s in report.steps].count("expect") == 2


async def test_an_unknown_journal_filter_fails_the_step():
    report = await scenario.run_scenario({"steps": [{"expect": {"journal": {"knd": "x", "min": 1}}}]})
    assert not report.passed and "unknown filter 'knd'" in report.steps[0].detail
