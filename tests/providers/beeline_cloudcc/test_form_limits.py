"""The offline form under limits: part count (413.1 before any parsing) and large forms
parsed off the event loop."""

import asyncio
import json

from simulator import http as core_http
from simulator.providers.beeline_cloudcc import multipart, wav

from .helpers import AUTH, SLUG, send

CT = "multipart/form-data; boundary=XyZ"


def form(n_parts: int, file_bytes: int = 0) -> bytes:
    """api_form (LVFILES), ``n_parts - 1`` small extra fields, optionally a vfile."""
    out = b'--XyZ\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n{"Command":"LVFILES"}\r\n'
    out += b"".join(b'--XyZ\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i
                    for i in range(n_parts - 1))
    if file_bytes:
        out += (b'--XyZ\r\nContent-Disposition: form-data; name="vfile"; filename="big.wav"\r\n'
                b"Content-Type: application/octet-stream\r\n\r\n" + b"\x00" * file_bytes + b"\r\n")
    return out + b"--XyZ--\r\n"


async def lag_while(coro) -> tuple[object, float]:
    """(the coroutine's result, the longest the event loop was kept from a 10 ms ticker)."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    done = False

    async def ticker():
        nonlocal worst
        last = loop.time()
        while not done:
            await asyncio.sleep(0.01)
            now = loop.time()
            worst = max(worst, now - last - 0.01)
            last = now

    task = asyncio.ensure_future(ticker())
    try:
        result = await coro
    finally:
        done = True
        await task
    return result, worst


async def post_raw(simulator, body):
    return await send(simulator, SLUG, "POST", "/api/request", data=body, headers={**AUTH, "Content-Type": CT})


async def test_twenty_thousand_parts_are_refused_413_1_without_parsing(simulator):
    body = form(20_000)  # ~1.3 MB of tiny parts: 10 s of the old parser
    r, lag = await lag_while(post_raw(simulator, body))
    assert r.status == 413 and r.json()["ERR_CODE"] == "413.1"
    assert lag < 0.5


async def test_the_part_limit_is_the_providers(simulator):
    r = await post_raw(simulator, form(multipart.MAX_PARTS))
    assert r.status == 200 and "ERR_CODE" not in r.json()
    r = await post_raw(simulator, form(multipart.MAX_PARTS + 1))
    assert r.status == 413 and r.json()["ERR_CODE"] == "413.1"


async def test_a_large_form_is_parsed_in_a_worker_thread(simulator, monkeypatch):
    threaded = []
    real = asyncio.to_thread

    async def spy(func, *args):
        threaded.append(func.__name__)
        return await real(func, *args)

    monkeypatch.setattr(core_http.asyncio, "to_thread", spy)
    body = json.dumps({"Command": "VFILE", "Comment": "big", "RequestID": "r1"}).encode()
    data = (b'--XyZ\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n' + body + b"\r\n"
            b'--XyZ\r\nContent-Disposition: form-data; name="vfile"; filename="big.wav"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + wav.make(10.0) + b"\r\n--XyZ--\r\n")
    assert len(data) > core_http.MULTIPART_OFF_LOOP
    r = await post_raw(simulator, data)
    assert r.status == 200 and r.json() == {"STATUS": "OK", "COMMAND": "VFILE"}
    assert threaded == ["parse_multipart"]
    small = await post_raw(simulator, form(3))
    assert small.status == 200 and threaded == ["parse_multipart"]  # small forms stay on the loop
