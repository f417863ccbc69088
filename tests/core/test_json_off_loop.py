"""A large valid JSON body is parsed on a worker thread, a small one inline (simulator/http.py)."""
import json
import threading

import pytest

from simulator import http
from simulator.http import OFF_LOOP_JSON, JsonBodyError, loads_json_off_loop


async def test_large_bodies_are_parsed_off_the_loop(monkeypatch):
    threads = []
    real = http.loads_json

    def spy(data):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(data)

    monkeypatch.setattr(http, "loads_json", spy)
    small = json.dumps({"a": [1, 2]}).encode()
    large = json.dumps({"a": [1] * (OFF_LOOP_JSON // 2)}).encode()
    assert await loads_json_off_loop(small) == {"a": [1, 2]}
    assert (await loads_json_off_loop(large))["a"][:2] == [1, 1]
    assert threads == [True, False]


async def test_errors_are_the_same_off_the_loop():
    with pytest.raises(JsonBodyError):
        await loads_json_off_loop(b"[" * (OFF_LOOP_JSON + 1))
