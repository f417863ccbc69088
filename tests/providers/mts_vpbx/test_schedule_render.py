"""4.12 schedules: the view built without validating again gives the bytes of the validated
model, and the kept time/date forms answer as the uncached parsers do."""
from hypothesis import given, settings, strategies as st
from pydantic_core import to_json

from simulator.providers.mts_vpbx import validators as v
from simulator.providers.mts_vpbx.models import Schedule, ScheduleIn
from simulator.providers.mts_vpbx.schedule import ScheduleState

from .helpers import DOC_SCHEDULE

VPBX_SCHEDULE = DOC_SCHEDULE  # the body bench/http_targets.py sends
KEY = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"}  # the document's key (tenant X214)

times = st.sampled_from(["08:00", "8:00", "00-00", "23.59", " 17:00 ", "", None])
dates = st.sampled_from(["08-03-2020", "8.3.2020", "2020-03-08", "29-02-2024"])
rules = st.fixed_dictionaries({"startTime": times, "endTime": times, "allDayEvent": st.booleans(),
                               "monday": st.booleans(), "sunday": st.booleans()})
bodies = st.fixed_dictionaries({
    "recordId": st.integers(1, 10 ** 9), "name": st.text(min_size=1, max_size=20),
    "workDaysRules": st.lists(rules, max_size=3),
    "holidaysRules": st.lists(st.fixed_dictionaries({"startDate": dates}), max_size=3),
    "excludedDaysRules": st.lists(st.fixed_dictionaries({"startDate": dates, "startTime": times,
                                                         "endTime": times}), max_size=3)})


def validated_view(state: ScheduleState) -> Schedule:
    body = state.body
    return Schedule(recordId=body.recordId, name=body.name, notBeRemoved=state.notBeRemoved, type=state.type,
                    workDaysRules=body.workDaysRules, holidaysRules=body.holidaysRules,
                    excludedDaysRules=body.excludedDaysRules)


@settings(max_examples=50, deadline=None)
@given(bodies, st.sampled_from(["abonent", "group"]), st.booleans())
def test_the_view_has_the_bytes_of_the_validated_model(data, kind, fixed):
    state = ScheduleState(body=ScheduleIn.model_validate(data), type=kind, ownerId=1735, notBeRemoved=fixed)
    view = state.view()
    assert to_json(view) == to_json(validated_view(state))
    assert view == validated_view(state)


def test_the_bench_schedule_answers_the_same_bytes():
    state = ScheduleState(body=ScheduleIn.model_validate(VPBX_SCHEDULE), type="abonent", ownerId=1735)
    assert to_json(state.view()) == to_json(validated_view(state))


@given(st.text(max_size=20) | st.none() | st.integers())
def test_kept_times_and_dates_answer_as_the_parsers(value):
    for cached, plain in ((v.normalize_time, v._time_text.__wrapped__), (v.normalize_date, v._date_text.__wrapped__)):
        for _ in range(2):  # the second call may come from the cache
            try:
                expected = ("ok", plain(value)) if isinstance(value, str) else None
            except ValueError as exc:
                expected = ("error", str(exc))
            try:
                got = ("ok", cached(value))
            except ValueError as exc:
                got = ("error", str(exc))
            if expected is not None:
                assert got == expected


async def test_put_then_get_answer_the_schedule(simulator):
    url = "/mts-vpbx/api/schedules/abonent/1735"
    async with simulator.request("PUT", url, headers=KEY, json=VPBX_SCHEDULE) as resp:
        assert resp.status == 200, await resp.text()
        put = await resp.json()
    async with simulator.request("GET", url, headers=KEY) as resp:
        listed = await resp.json()
    assert put in listed and put["name"] == VPBX_SCHEDULE["name"] and put["type"] == "abonent"


@settings(max_examples=50, deadline=None)
@given(bodies, st.sampled_from(["abonent", "group"]), st.booleans())
def test_the_kept_answer_is_the_json_of_the_view(data, kind, fixed):
    state = ScheduleState(body=ScheduleIn.model_validate(data), type=kind, ownerId=1735, notBeRemoved=fixed)
    assert state.answer() == to_json(state.view()) == to_json(validated_view(state))
    assert state.answer() is state.answer()  # kept
    state.notBeRemoved = not fixed
    assert state.answer() == to_json(validated_view(state))
    state.body = ScheduleIn.model_validate({**data, "name": data["name"] + "x"})
    assert state.answer() == to_json(validated_view(state))


async def test_the_abonents_schedules_answer_the_json_of_their_views(simulator):
    ent = simulator.sim.providers["mts-vpbx"].backend.enterprise_for_token(KEY["X-AUTH-TOKEN"])
    assert ent.schedules_answer(1735) == to_json(ent.schedules_for_abonent(1735))
    assert len(ent.schedules_for_abonent(1735)) >= 2


async def test_a_schedule_put_again_keeps_its_body_told_by_its_bytes(simulator):
    import json
    url = "/mts-vpbx/api/schedules/abonent/1735"
    ent = simulator.sim.providers["mts-vpbx"].backend.enterprise_for_token(KEY["X-AUTH-TOKEN"])
    state = ent.schedules[VPBX_SCHEDULE["recordId"]]
    answers = []
    for body, kept in ((json.dumps(VPBX_SCHEDULE), False), (json.dumps(VPBX_SCHEDULE), True),
                       (json.dumps(VPBX_SCHEDULE, indent=2), False),  # the same schedule in other bytes
                       (json.dumps({**VPBX_SCHEDULE, "name": "другое"}), False)):
        before = state.body
        async with simulator.request("PUT", url, headers={**KEY, "Content-Type": "application/json"},
                                     data=body.encode()) as resp:
            assert resp.status == 200, await resp.text()
            answers.append(await resp.read())
        assert (state.body is before) is kept and state.raw == body.encode()
        assert state.answer() == to_json(validated_view(state)) == answers[-1]
    assert answers[0] == answers[1] == answers[2] != answers[3]


def test_without_bytes_a_schedule_is_compared_as_a_model():
    from simulator.providers.mts_vpbx.backend import Backend
    from simulator.providers.mts_vpbx.world import MtsVpbxWorld
    from simulator.world import DEFAULT_WORLD, read_world_file

    world = MtsVpbxWorld.model_validate(read_world_file(DEFAULT_WORLD)["providers"]["mts-vpbx"])
    ent = Backend(world).enterprise_for_token(KEY["X-AUTH-TOKEN"])
    body = ScheduleIn.model_validate(VPBX_SCHEDULE)
    state = ent.replace_schedule("abonent", 1735, body, b"{}")
    assert state.body is body and state.raw == b"{}"
    state = ent.replace_schedule("abonent", 1735, ScheduleIn.model_validate(VPBX_SCHEDULE))
    assert state.body is body and state.raw == b"{}"  # equal: kept
    renamed = ScheduleIn.model_validate({**VPBX_SCHEDULE, "name": "x"})
    state = ent.replace_schedule("abonent", 1735, renamed)
    assert state.body is renamed and state.raw is None
