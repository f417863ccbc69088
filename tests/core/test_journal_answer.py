"""GET /_sim/journal answers one JSON array, byte for byte ``json.dumps`` of the entries,
however long the journal is; past one part (~256 KiB) it is streamed part by part, and the
event loop runs between the parts instead of stalling for the whole encoding."""
import json

from hypothesis import given, settings, strategies as st

import simulator.control.routes as routes
import simulator.journal as journal_module
from simulator.journal import Journal, json_parts


def _filled(texts) -> Journal:
    journal = Journal(lambda: 1.0)
    for i, text in enumerate(texts):
        journal.add("notice", "sms", "mtt-telecom", f"t{i % 3}", to="+7900", text=text)
    return journal


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=25), st.integers(min_value=1, max_value=3000))
def test_the_parts_join_to_the_dumps_of_the_entries(texts, part):
    entries = _filled(texts).query()
    parts = list(json_parts(entries, part))
    assert "".join(parts) == json.dumps([e.to_json() for e in entries])
    assert all(len(p) >= part for p in parts[:-1])  # a part ends only once it is long enough


async def test_a_long_journal_is_streamed_and_answers_the_same_bytes(simulator, monkeypatch):
    monkeypatch.setattr(journal_module, "JSON_PART", 2000)
    turns = []

    async def counted_turn():
        turns.append(1)

    monkeypatch.setattr(routes, "next_turn", counted_turn)
    for i in range(120):
        simulator.sim.journal.add("notice", "sms", "mtt-telecom", None, to="+7900", text="сообщение %d" % i)
    entries = simulator.sim.journal.query()
    expected = json.dumps([e.to_json() for e in entries]).encode()
    parts = len(list(json_parts(entries)))
    async with simulator.request("GET", "/_sim/journal") as resp:
        body = await resp.read()
        assert resp.status == 200 and resp.headers["Content-Type"] == "application/json; charset=utf-8"
        assert resp.headers.get("Transfer-Encoding") == "chunked"
    assert body == expected and parts > 20 and len(turns) == parts - 1  # the loop ran between parts


async def test_a_short_journal_answer_is_one_response_with_its_length(simulator):
    simulator.sim.journal.add("notice", "sms", "mtt-telecom", None, to="+7900", text="hi")
    expected = json.dumps([e.to_json() for e in simulator.sim.journal.query(limit=1)]).encode()
    async with simulator.request("GET", "/_sim/journal?limit=1") as resp:
        body = await resp.read()
        assert resp.headers["Content-Length"] == str(len(expected))
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert body == expected
