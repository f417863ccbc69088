"""Every number and flag in a control body is strict (issue 14): a JSON boolean or a numeric
string where a number is meant is a mistake (422), as `{"advance": false}` already was; integers
in the control API's query strings and paths are ASCII digits."""
CALL = {"provider": "mtt-telecom", "from": "+74950000001", "to": "+79161234567", "allow_unknown": True}


RULES = [
    {"action": "delay", "delay": False}, {"action": "delay", "delay": "5"},
    {"action": "respond", "status": "503"}, {"action": "respond", "status": 503.0},
    {"action": "respond", "status": True}, {"action": "drop", "times": "1"},
    {"action": "drop", "times": True}, {"action": "drop", "probability": True},
    {"action": "drop", "probability": "0.5"}]


async def test_fault_numbers_are_numbers(simulator):
    for rule in RULES:
        async with simulator.request("POST", "/_sim/faults", json=rule) as resp:
            assert resp.status == 422, (rule, await resp.text())
            assert (await resp.json())["error"]
    assert simulator.sim.faults.list() == []


async def test_fault_numbers_still_take_json_numbers(simulator):
    async with simulator.request("POST", "/_sim/faults", json={"action": "delay", "delay": 2,
                                                               "times": 1, "probability": 1}) as resp:
        assert resp.status == 201
        assert (await resp.json())["delay"] == 2


CHANGES = [
    {"timeout": False}, {"timeout": "5"}, {"record": "yes"}, {"allow_unknown": 1},
    {"script": {"+79161234567": {"answer_after": True}}},
    {"script": {"+79161234567": {"hangup_after": "10"}}},
    {"script": {"+79161234567": {"busy": "true"}}},
    {"script": {"+79161234567": {"hold": [{"at": False, "duration": 2}]}}},
    {"caller": {"give_up_after": "3"}}]


async def test_call_numbers_and_flags_are_strict(simulator):
    for change in CHANGES:
        async with simulator.request("POST", "/_sim/calls", json={**CALL, **change}) as resp:
            assert resp.status == 422, (change, await resp.text())
    assert simulator.sim.engine.calls == {}


PATCHES = [{"seed": True}, {"seed": "7"}, {"clock": {"speed": True}}, {"callbacks": {"timeout": "2"}},
           {"history": {"days": "3"}}, {"conformance": {"strict": 1}}]


async def test_world_patch_numbers_are_strict(simulator):
    async with simulator.request("GET", "/_sim/world") as resp:
        before = await resp.json()
    for patch in PATCHES:
        async with simulator.request("PATCH", "/_sim/world", json=patch) as resp:
            assert resp.status in (400, 422), (patch, await resp.text())
    async with simulator.request("GET", "/_sim/world") as resp:
        assert await resp.json() == before


async def test_journal_integers_are_ascii_digits(simulator):
    for query in ["limit=1_0", "limit=%201", "limit=%D9%A1", "since=%EF%BC%91", "since=" + "9" * 5000]:
        async with simulator.request("GET", f"/_sim/journal?{query}") as resp:
            assert resp.status == 400 and "integers" in (await resp.json())["error"], query


async def test_a_fault_id_is_ascii_digits(simulator):
    async with simulator.request("POST", "/_sim/faults", json={"action": "drop"}) as resp:
        rule_id = (await resp.json())["id"]
    for raw in (f"%20{rule_id}", f"{rule_id}_", "%D9%A1" if rule_id == 1 else f"0_{rule_id}"):
        async with simulator.request("DELETE", f"/_sim/faults/{raw}") as resp:
            assert resp.status == 404
    assert len(simulator.sim.faults.list()) == 1
