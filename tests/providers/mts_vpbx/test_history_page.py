"""4.5 call history: the page written from each record's kept JSON has the bytes of the page model."""
import json

from hypothesis import given, settings, strategies as st
from pydantic_core import to_json

from simulator.providers.mts_vpbx.backend import Backend
from simulator.providers.mts_vpbx.models import CallHistoryQuery
from simulator.providers.mts_vpbx.world import MtsVpbxWorld
from simulator.world import DEFAULT_WORLD, read_world_file

KEY = "215ef687-e898-419d-810c-2864efc0b1d0"  # the document's key (tenant X214)
_WORLD = MtsVpbxWorld.model_validate(read_world_file(DEFAULT_WORLD)["providers"]["mts-vpbx"])
_ENT = Backend(_WORLD, seed=7, now=1_795_413_600.0).enterprise_for_token(KEY)
_TIMES = sorted(e.callTime for e in _ENT.history.enterprise.entries)

queries = st.fixed_dictionaries({}, optional={
    "direction": st.sampled_from(["ORIGINATING", "TERMINATING"]),
    "status": st.sampled_from(["PLACED", "MISSED"]),
    "calledNumber": st.sampled_from(["", "74996480000", "+7 (499) 648-00-00"]),
    "dateFrom": st.sampled_from([0, *_TIMES[:5], _TIMES[len(_TIMES) // 2]]) | st.none(),
    "dateTo": st.sampled_from([4_102_444_800_000, *_TIMES[-5:], _TIMES[len(_TIMES) // 2]]) | st.none(),
    "page": st.integers(0, 4), "size": st.integers(1, 30)})
owners = st.sampled_from([{}]) | st.builds(lambda uid: {"user_id": uid}, st.sampled_from(sorted(_ENT.abonents))) | \
    st.builds(lambda gid: {"group_id": gid}, st.sampled_from(sorted(_ENT.groups)))


@settings(max_examples=200, deadline=None)
@given(queries, owners)
def test_the_page_has_the_bytes_of_the_model(data, owner):
    q = CallHistoryQuery.model_validate(data)
    expected = to_json(_ENT.history.query(q, **owner))
    assert _ENT.history.page_json(q, **owner) == expected
    assert _ENT.history.page_json(q, **owner) == expected  # from the kept JSON


def test_the_default_world_has_history_to_page():
    assert len(_TIMES) > 20
    page = _ENT.history.page_json(CallHistoryQuery(size=20))
    assert page == to_json(_ENT.history.query(CallHistoryQuery(size=20)))
    assert page.count(b'"extTrackingId"') == 20


async def test_a_new_call_shows_on_the_page(simulator):
    url = "/mts-vpbx/api/v1/callHistory/enterprise?dateFrom=0&dateTo=4102444800000&size=5"
    headers = {"X-AUTH-TOKEN": KEY}
    async with simulator.request("GET", url, headers=headers) as resp:
        assert resp.status == 200
        before = await resp.json()
    ent = simulator.sim.providers["mts-vpbx"].backend.enterprise_for_token(KEY)
    entries = ent.history.enterprise.entries
    newest = entries[-1].record.model_copy(update={"callTime": entries[-1].callTime + 1000,
                                                   "extTrackingId": "999:1callhalf-1:0"})
    ent.record_call(newest)
    async with simulator.request("GET", url, headers=headers) as resp:
        after = await resp.read()
    assert after == to_json(ent.history.query(CallHistoryQuery(dateFrom=0, dateTo=4_102_444_800_000, size=5)))
    assert json.loads(after)["totalElements"] == before["totalElements"] + 1
    url = f"/mts-vpbx/api/v1/callHistory/enterprise?dateFrom={newest.callTime}&dateTo=4102444800000"
    async with simulator.request("GET", url, headers=headers) as resp:
        assert json.loads(await resp.read())["content"] == [newest.model_dump(mode="json")]
