"""The cheaper request paths of mtt-business (docs/performance.md, "Provider routes (MTT)")
answer exactly what the plain ones did: the fixed-window 5 RPS limit, the structure answers
kept as text per customer and dropped with a world change, and parameters given back as
they are when no key needs trimming."""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from simulator.providers.mtt_business.models import (ExternalNumberInfo, TerminalInfo, WorkplaceInfo, _trimmed,
                                                     trim_keys)
from simulator.providers.mtt_business.ratelimit import RateLimiter

from .conftest import ROMASHKA, SLUG


plain_trim_keys = _trimmed  # trim_keys as it was before the fast path (always rebuilt)


KEYS = st.sampled_from(["id", " id", "id ", " calleid ", "calleid", "numbers", "\tx", "x"]) | st.text(max_size=6)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                    max_leaves=20)


def outcome(fn, value):
    try:
        return "ok", fn(value)
    except ValueError as exc:
        return "error", str(exc)


@settings(max_examples=400, deadline=None)
@given(JSON)
def test_trim_keys_gives_what_the_plain_walk_gives(value):
    assert outcome(trim_keys, value) == outcome(plain_trim_keys, value)


def test_parameters_without_spaced_keys_are_not_copied():
    params = {"numbers": ["880023213"], "isParking": True, "nested": [{"a": 1}]}
    assert trim_keys(params) is params
    spaced = {"call": {" id": "a"}}
    assert trim_keys(spaced) == {"call": {"id": "a"}} and spaced == {"call": {" id": "a"}}


# ------------------------------------------------------------------ the limit
def test_the_limit_counts_a_fixed_window_per_key():
    now = [100.0]
    limiter = RateLimiter(lambda: now[0])
    assert [limiter.check("a", 3) for _ in range(3)] == [None, None, None]
    assert limiter.check("a", 3) == 1.0           # the window opened at 100.0 ends at 101.0
    now[0] = 100.75
    assert limiter.check("a", 3) == 0.25
    assert limiter.check("b", 3) is None, "per integration"
    now[0] = 101.0
    assert limiter.check("a", 3) is None          # a new window opens with this request
    assert limiter.check("a", 1) == 1.0, "a lowered limit applies at once"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 0.7), min_size=1, max_size=60), st.integers(1, 6))
def test_the_limit_never_admits_more_than_it_allows_in_a_window(gaps, limit):
    now = [0.0]
    limiter = RateLimiter(lambda: now[0])
    admitted, window_start, in_window = [], None, 0
    for gap in gaps:
        now[0] += gap
        wait = limiter.check("k", limit)
        if window_start is None or now[0] - window_start >= 1.0:
            window_start, in_window = now[0], 0
            assert wait is None, "the first request of a window always goes through"
        if wait is None:
            in_window += 1
            admitted.append(now[0])
        else:
            assert in_window == limit and 0.0 < wait <= 1.0
            assert abs(wait - (window_start + 1.0 - now[0])) < 1e-9
        assert in_window <= limit
    assert len(limiter._windows) == 1, "two numbers per key, whatever the traffic"


# ------------------------------------------------------ structure answers
def plain_answers(world) -> dict[str, dict]:
    """The three structure answers built as the handlers did before they were kept."""
    cfg = world.tenants[ROMASHKA]
    numbers = [ExternalNumberInfo(number=n, type=e.type).model_dump() for n, e in cfg.numbers.items()]
    places = [WorkplaceInfo(workplace=w, name=wp.name).model_dump() for w, wp in cfg.workplaces.items()]
    terms = [TerminalInfo(terminal=t, workplace=w).model_dump()
             for w, wp in cfg.workplaces.items() for t in wp.terminals]
    return {"/externalNumbersInfo": {"result": {"total": len(numbers), "numbersList": numbers}},
            "/workplacesInfo": {"result": {"total": len(places), "workplacesList": places}},
            "/terminalsinfo": {"result": {"total": len(terms), "terminals_list": terms}}}


async def raw_answer(simulator, path):
    from .conftest import TOKEN
    async with simulator.request("GET", simulator.url(SLUG, path), headers={"Authorization": f"Bearer {TOKEN}"}) as r:
        return r.status, r.headers["Content-Type"], await r.read()


async def test_structure_answers_are_the_bytes_the_models_make_and_follow_world_changes(simulator):
    for round_ in range(2):
        expected = plain_answers(simulator.sim.world_section(SLUG))
        for path, body in expected.items():
            for _ in range(2):   # built once, then the kept text
                status, ctype, raw = await raw_answer(simulator, path)
                assert (status, ctype) == (200, "application/json; charset=utf-8")
                assert raw == json.dumps(body, ensure_ascii=False).encode()
        if round_ == 0:
            simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {
                "numbers": {"74950000001": {"name": "Новая линия", "type": "mobile"}},
                "workplaces": {"88314077716581": {"name": "Админ «Ромашки»"}}}}}}})
    numbers = json.loads((await raw_answer(simulator, "/externalNumbersInfo"))[2])["result"]["numbersList"]
    assert {"number": "74950000001", "type": "mobile"} in numbers
