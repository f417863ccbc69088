"""The README's tour works: its curl commands against a simulator, its plugin example as a test."""
import re
import shlex
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
BASE = "http://127.0.0.1:8080"


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def curl_commands():
    for block in blocks("sh"):
        for line in block.splitlines():
            if line.startswith("curl "):
                yield shlex.split(line, comments=True)[1:]


def as_request(args):
    method, data, headers, url = "GET", None, {}, None
    words = iter(args)
    for word in words:
        if word.startswith("-X"):
            method = word[2:] or next(words)
        elif word == "-d":
            data = next(words).encode()
        elif word == "-H":
            name, _, value = next(words).partition(": ")
            headers[name] = value
        elif not word.startswith("-"):
            url = word
    return method, url, data, headers


async def test_the_tour_commands_answer(simulator):
    commands = list(curl_commands())
    assert len(commands) >= 10
    for args in commands:
        method, url, data, headers = as_request(args)
        assert url.startswith(BASE), url
        if url.endswith("/_sim/events"):
            continue  # a stream: tested in test_control
        async with simulator.request(method, url[len(BASE):], data=data, headers=headers) as resp:
            assert resp.status < 300, (args, resp.status, await resp.text())
            if url.endswith("direction=out"):
                kinds = [e["kind"] for e in await resp.json()]
                assert "CALL_RECEIVED" in kinds, kinds
            if "/_sim/calls/" in url:
                assert (await resp.json())["timeline"]


def example_test(fixture: str):
    """The README's python block whose test takes ``fixture``, as a function."""
    [example] = [b for b in blocks("python") if f"def test_" in b and f"({fixture}" in b]
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)
    [test] = [v for k, v in namespace.items() if k.startswith("test_")]
    return test


async def test_the_plugin_example_runs(simulator, callback_sink):
    await example_test("simulator")(simulator, callback_sink)


def test_the_sync_example_runs(telsim_server):
    example_test("telsim_server")(telsim_server)


def test_the_threaded_example_runs(capsys):
    [example] = [b for b in blocks("python") if "with ThreadedSimulator()" in b]
    exec(compile(example, "README.md", "exec"), {})
    assert "/mts-vpbx/api/abonents" in capsys.readouterr().out
