"""The journal's byte budget: large bodies are kept clipped with their size and digest, the
oldest entries go when the kept bytes exceed the budget, memory stays bounded."""
import gc
import hashlib
import tracemalloc

import pytest
from hypothesis import given, settings, strategies as st

from simulator.cli import build_parser
from simulator.journal import ENTRY_OVERHEAD, MAX_BODY, ClippedBody, Journal, body_text, clip
from simulator.settings import Settings, parse_byte_size


def test_a_large_body_is_kept_clipped_with_its_size_and_sha256():
    journal = Journal(lambda: 0.0)
    big = "я".encode() * MAX_BODY  # 128 KiB of two-byte characters
    entry = journal.add("in", "op", "p", method="POST", request_body=big, response_body=b'{"ok":1}')
    assert isinstance(entry.request.body, ClippedBody) and len(entry.request.body.head) == MAX_BODY
    data = entry.to_json()
    assert data["request_body"] == "я" * (MAX_BODY // 2) + "…"
    assert data["request_body_size"] == len(big)
    assert data["request_body_sha256"] == hashlib.sha256(big).hexdigest()
    assert data["response_body"] == '{"ok":1}' and "response_body_size" not in data
    assert journal.bytes == ENTRY_OVERHEAD + MAX_BODY + 8


def test_a_cut_through_a_character_or_binary_data_reads_as_before():
    cut = clip(b"a" + "я".encode() * MAX_BODY)  # the cut falls inside a character
    assert body_text(cut) == "a" + "я" * ((MAX_BODY - 1) // 2) + "…"
    binary = clip(b"\xff" * (MAX_BODY + 1))
    assert body_text(binary) == f"<{MAX_BODY + 1} bytes of binary data>"
    text = "x" * (MAX_BODY + 5)  # a str answer is measured in UTF-8 bytes
    assert clip(text).size == MAX_BODY + 5 and clip("short") == "short"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 3 * MAX_BODY), min_size=1, max_size=30), st.integers(1, 8))
def test_the_kept_bytes_stay_within_the_budget(sizes, entries_cap):
    budget = 200_000
    journal = Journal(lambda: 0.0, maxlen=entries_cap, max_bytes=budget)
    for n in sizes:
        last = journal.add("in", "op", "p", request_body=b"x" * n)
    kept = journal.query()
    assert kept[-1] is last and len(kept) <= entries_cap
    assert journal.bytes == sum(e._cost for e in kept)
    assert journal.bytes <= budget or len(kept) == 1  # the newest entry is always kept
    assert [e.id for e in kept] == list(range(kept[0].id, last.id + 1))  # oldest dropped first
    journal.clear()
    assert journal.bytes == 0


async def test_memory_stays_bounded_under_large_rejected_requests(simulator):
    """12 requests of 2 MiB each: the journal keeps 64 KiB of each (not 24 MiB)."""
    body = b"{" + b" " * (2 * 2 ** 20)  # not JSON: the provider rejects it
    url = "/mts-vpbx/api/subscription"
    for _ in range(2):  # warm-up: imports, caches, first allocations
        async with simulator.request("POST", url, data=body, headers={"Content-Type": "application/json"}):
            pass
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(12):
            async with simulator.request("POST", url, data=body,
                                         headers={"Content-Type": "application/json"}) as resp:
                assert resp.status >= 400
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 6 * 2 ** 20, grown
    [entry] = simulator.sim.journal.query(limit=1)
    assert entry["request_body_size"] == len(body)


def test_the_budget_is_a_cli_and_environment_setting():
    assert Settings().journal_bytes == 64 * 2 ** 20
    assert Settings.from_env().journal_bytes == 64 * 2 ** 20
    args = build_parser().parse_args(["serve", "--journal-bytes", "16M"])
    assert args.journal_bytes == 16 * 2 ** 20
    assert [parse_byte_size(t) for t in ("65536", "64k", "64KiB", "2g", " 8MB ")] == \
        [65536, 65536, 65536, 2 * 2 ** 30, 8 * 2 ** 20]
    for bad in ("", "1k", "lots", "١٠٠M", "-5M", "100T"):
        with pytest.raises(ValueError):
            parse_byte_size(bad)


def test_the_environment_names_a_bad_budget(monkeypatch):
    monkeypatch.setenv("SIM_JOURNAL_BYTES", "8M")
    assert Settings.from_env().journal_bytes == 8 * 2 ** 20
    monkeypatch.setenv("SIM_JOURNAL_BYTES", "eight")
    with pytest.raises(ValueError, match="SIM_JOURNAL_BYTES"):
        Settings.from_env()
