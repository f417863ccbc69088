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


async def test_the_plugin_example_runs(simulator, callback_sink):
    [example] = blocks("python")
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)
    [test] = [v for k, v in namespace.items() if k.startswith("test_")]
    await test(simulator, callback_sink)
