"""The typed journal record, its flat JSON form, the operation filter and the operation
counts behind GET /_sim/providers/{slug}/operations."""
import json

import pytest
from hypothesis import given, strategies as st
from multidict import CIMultiDict

from simulator.catalogue import CallbackSpec, Catalogue, Operation, describe_operations
from simulator.delivery import Callback, FixedRetry
from simulator.journal import DIRECTIONS, HttpRequest, Journal, JournalEntry

FLAT_KEYS = {"id", "direction", "kind", "operation", "provider", "tenant", "call_id", "sim_time",
             "wall_time", "method", "path", "query", "host", "url", "params", "request_headers",
             "request_body", "status", "response_headers", "response_body", "attempt", "error",
             "detail", "latency_ms"}


def test_an_entry_is_typed_and_reads_as_its_flat_json():
    journal = Journal(lambda: 5.0)
    entry = journal.add("in", "GET /api/x", "p", "t", method="GET", path="/api/x",
                        request_headers=CIMultiDict({"A": "1"}), request_body=b"\xff\x00",
                        status=200, response_body=b'{"ok": true}', latency_ms=1.5)
    assert isinstance(entry, JournalEntry) and isinstance(entry.request, HttpRequest)
    assert entry.request.method == "GET" and entry.response.status == 200 and entry.status == 200
    assert entry.kind == entry.operation == "GET /api/x" and entry.sim_time == 5.0
    data = entry.to_json()
    assert set(data) == FLAT_KEYS and json.loads(json.dumps(data)) == data
    assert entry["request_headers"] == {"A": "1"} and entry["request_body"] == "<2 bytes of binary data>"
    assert entry["response_body"] == '{"ok": true}' and entry.get("call_id") is None
    assert dict(entry) == data and entry == data and "status" in entry


def test_notice_fields_are_kept_as_extra_keys():
    journal = Journal(lambda: 0.0)
    entry = journal.add("notice", "admin-email", "p", "t", to="a@b.c", text="down")
    assert entry.extra == {"to": "a@b.c", "text": "down"} and entry["to"] == "a@b.c"
    assert journal.query(direction="notice", operation="admin-email") == [entry]


def test_counts_since_reset_count_callbacks_once():
    journal = Journal(lambda: 0.0)
    journal.add("in", "op", "p")
    journal.add("in", "op", "p")
    journal.add("out", "EVT", "p", attempt=1)
    journal.add("out", "EVT", "p", attempt=2)
    journal.add("out", "EVT", "p", attempt=1, error="dropped")
    journal.add("notice", "mail", "p")
    journal.add("in", "op", "q")
    assert journal.counts("p") == {"op": 2, "EVT": 1, "mail": 1} and journal.counts("q") == {"op": 1}
    journal.clear()
    assert journal.counts("p") == {} and len(journal) == 0


def test_query_filters_by_operation_or_kind():
    journal = Journal(lambda: 0.0)
    a = journal.add("in", "A", "p")
    b = journal.add("in", "B", "p")
    assert journal.query(operation="B") == [b] and journal.query(kind="A") == [a]
    assert journal.query(since=a.id) == [b] and journal.query(limit=1) == [b]
    assert DIRECTIONS == ("in", "out", "notice")


@pytest.mark.telsim_no_contract  # a core test: a provider stands in with made-up operation names
async def test_journal_api_filters_by_operation_and_direction(simulator):
    for path in ("/mtt-telecom/a", "/mtt-telecom/b"):
        async with simulator.request("GET", path):
            pass
    simulator.sim.journal.add("notice", "sms", "mtt-telecom", to="+7900")
    async with simulator.request("GET", "/_sim/journal?operation=sms") as resp:
        [notice] = await resp.json()
    assert notice["direction"] == "notice" and notice["to"] == "+7900"
    async with simulator.request("GET", "/_sim/journal?direction=notice") as resp:
        assert [e["operation"] for e in await resp.json()] == ["sms"]
    async with simulator.request("GET", "/_sim/journal?operation=request&provider=mtt-telecom") as resp:
        assert [e["path"] for e in await resp.json()] == ["/a", "/b"]


CATALOGUE = Catalogue(
    provider="mtt-telecom", document="test document",
    operations=(Operation("GET /a", "1.1", "rest", "GET", "/a"),
                Operation("GET /b", "1.2", "rest", "GET", "/b")),
    callbacks=(CallbackSpec("EVT", "2", "rest", "the application's URL"),),
    sections={"1.1": "A", "1.2": "B", "2": "Events"})


@pytest.mark.telsim_no_contract  # a core test: a provider stands in with made-up operation names
async def test_operations_lists_the_catalogue_with_counts(simulator, callback_sink, monkeypatch):
    provider = simulator.sim.providers["mtt-telecom"]
    monkeypatch.setattr(provider, "catalogue", None, raising=False)  # as a provider without one
    async with simulator.request("GET", "/_sim/providers/mtt-telecom/operations") as resp:
        uncatalogued = await resp.json()
    assert uncatalogued["catalogued"] is False and uncatalogued["operations"] == []
    monkeypatch.setattr(provider, "catalogue", CATALOGUE, raising=False)
    async with simulator.request("GET", "/mtt-telecom/zzz"):  # no handler names it: "request"
        pass
    for _ in range(2):  # what the middleware writes for a request a handler named "GET /a"
        simulator.sim.journal.add("in", "GET /a", "mtt-telecom", method="GET", path="/a", status=200)
    callback_sink.respond("/h", status=500, times=1)
    simulator.sim.delivery.send(Callback(provider="mtt-telecom", url=callback_sink.url("/h"), kind="EVT",
                                         body="{}", policy=FixedRetry(delay=1, max_attempts=3)))
    await simulator.advance(5)
    assert len(simulator.journal(operation="EVT")) == 2
    async with simulator.request("GET", "/_sim/providers/mtt-telecom/operations") as resp:
        data = await resp.json()
    assert data["catalogued"] is True and data["document"] == "test document"
    assert [(o["name"], o["calls"]) for o in data["operations"]] == [("GET /a", 2), ("GET /b", 0)]
    assert [(c["name"], c["sent"]) for c in data["callbacks"]] == [("EVT", 1)]
    assert data["unlisted"] == {"request": 1}
    assert describe_operations(provider, {}) == {**CATALOGUE.describe({}), "catalogued": True, "unlisted": {}}
    async with simulator.request("GET", "/_sim/providers/nope/operations") as resp:
        assert resp.status == 404 and "error" in await resp.json()
    await simulator.reset()
    async with simulator.request("GET", "/_sim/providers/mtt-telecom/operations") as resp:
        assert all(o["calls"] == 0 for o in (await resp.json())["operations"])


@pytest.mark.parametrize("direction", DIRECTIONS)
async def test_every_direction_is_a_valid_filter(simulator, direction):
    async with simulator.request("GET", f"/_sim/journal?direction={direction}") as resp:
        assert resp.status == 200


@pytest.mark.telsim_no_contract  # a core test: a provider stands in with made-up operation names
async def test_journal_and_operations_answers_fit_the_control_contract(simulator, callback_sink, monkeypatch):
    from pathlib import Path

    from jsonschema import Draft202012Validator

    doc = json.loads((Path(__file__).resolve().parents[2] / "contracts" / "control" / "openapi.json")
                     .read_text(encoding="utf-8"))

    def valid(name, instance):
        Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                              "components": doc["components"]}).validate(instance)

    async with simulator.request("GET", "/mtt-telecom/a"):
        pass
    simulator.sim.journal.add("notice", "sms", "mtt-telecom", to="+7900", text="hi")
    simulator.sim.delivery.send(Callback(provider="mtt-telecom", url=callback_sink.url("/h"), kind="EVT", body="{}"))
    await simulator.settle()
    async with simulator.request("GET", "/_sim/journal") as resp:
        entries = await resp.json()
    assert sorted(e["direction"] for e in entries) == ["in", "notice", "out"]
    for e in entries:
        valid("JournalEntry", e)
    monkeypatch.setattr(simulator.sim.providers["mtt-telecom"], "catalogue", CATALOGUE, raising=False)
    async with simulator.request("GET", "/_sim/providers/mtt-telecom/operations") as resp:
        valid("Operations", await resp.json())


def test_call_id_queries_go_through_an_index_that_follows_eviction():
    """``?call_id=`` reads one call's entries, not the whole journal; entries that age out of
    the journal (by count or by bytes) leave the index too."""
    journal = Journal(lambda: 0.0, maxlen=50)
    for i in range(200):
        journal.add("out", "EVT", "p", call_id=f"c{i % 7}" if i % 3 else None, status=200)
    kept = journal.query()
    assert len(kept) == 50
    for c in [f"c{n}" for n in range(7)] + ["nobody"]:
        scanned = [e for e in kept if e.call_id == c]
        assert journal.query(call_id=c) == scanned
        assert journal.query(call_id=c, since=175, limit=2) == [e for e in scanned if e.id > 175][-2:]
    assert sum(len(q) for q in journal._by_call.values()) == sum(1 for e in kept if e.call_id)
    small = Journal(lambda: 0.0, max_bytes=5_000)
    for i in range(40):
        small.add("in", "GET /x", "p", call_id="only", request_body=b"x" * 500)
    assert [e.id for e in small.query(call_id="only")] == [e.id for e in small.query()]
    journal.clear()
    assert journal.query(call_id="c1") == [] and journal._by_call == {}


@given(st.lists(st.tuples(st.sampled_from(["in", "out", "notice"]), st.sampled_from(["p", "q"]),
                          st.sampled_from(["A", "B"]), st.sampled_from([None, "t1", "t2"]),
                          st.sampled_from([None, "c1", "c2"])), max_size=40),
       st.sampled_from([None, "in", "out"]), st.sampled_from([None, "p", "q"]),
       st.sampled_from([None, "A", "B"]), st.sampled_from([None, "t1"]),
       st.sampled_from([None, "c1"]), st.one_of(st.none(), st.integers(0, 45)),
       st.one_of(st.none(), st.integers(0, 45)), st.integers(5, 50))
def test_query_is_the_filter_of_every_kept_entry(rows, direction, provider, operation, tenant,
                                                 call_id, since, limit, maxlen):
    """Whatever the index or the walk (back from the newest when a limit is given), a query
    answers what filtering every kept entry in order would."""
    journal = Journal(lambda: 0.0, maxlen=maxlen)
    for d, p, op, t, c in rows:
        journal.add(d, op, p, t, call_id=c)
    kept = list(journal.query())
    want = [e for e in kept
            if (direction is None or e.direction == direction) and (provider is None or e.provider == provider)
            and (operation is None or e.operation == operation) and (tenant is None or e.tenant == tenant)
            and (call_id is None or e.call_id == call_id) and (since is None or e.id > since)]
    if limit is not None:
        want = want[len(want) - limit:] if limit < len(want) else want
    got = journal.query(direction=direction, provider=provider, operation=operation, tenant=tenant,
                        call_id=call_id, since=since, limit=limit)
    assert [e.id for e in got] == [e.id for e in want]
