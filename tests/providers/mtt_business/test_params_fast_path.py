"""read_params validates the common body by pydantic-core from its bytes (routes/common.py):
every body, good or bad, gives the params or the error the general way (loads_json, the
key trim, validate_python) gives."""
from __future__ import annotations

import asyncio
import json
from contextlib import contextmanager

from hypothesis import example, given, settings, strategies as st

from simulator.providers.mtt_business.errors import ApiError
from simulator.providers.mtt_business.models import (MakeCallParams, SetParkingNumbersParams,
                                                     TerminateCallParams, TransferCallParams)
from simulator.providers.mtt_business.routes import common


class _Request:
    def __init__(self, raw: bytes):
        self.raw = raw

    async def read(self) -> bytes:
        return self.raw


@contextmanager
def general_way_only():
    kept = common.FAST_BODY
    common.FAST_BODY = -1
    try:
        yield
    finally:
        common.FAST_BODY = kept


def outcome(model, raw: bytes):
    try:
        params = asyncio.run(common.read_params(_Request(raw), model))
    except ApiError as exc:
        return "error", exc.status, exc.message
    return "ok", params, repr(params), params.model_fields_set


def same_both_ways(model, raw: bytes) -> None:
    fast = outcome(model, raw)
    with general_way_only():
        assert fast == outcome(model, raw)


ANY = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6) | \
    st.sampled_from([0, 1, 1.0, 0.0, 2, "true", "no", "on", "1", "  ", "+7495", "74951234567", "\ud83d\ude00"])
SOME = st.recursive(ANY, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                      max_size=3), max_leaves=6)
CALL = st.fixed_dictionaries({}, optional={"id": SOME | st.just("c1"), "tag": SOME | st.just("t1"),
                                           " id ": st.just("c1")})
KEYS = {
    SetParkingNumbersParams: {"numbers": st.lists(st.sampled_from(["880023213", " 880034344 ", "", " "]) | ANY,
                                                  max_size=3) | SOME, "isParking": ANY},
    MakeCallParams: {"calleid": st.sampled_from(["74951234567", "+7", "x"]) | ANY, "calleeId": st.just("74951234567"),
                     "callerId": st.sampled_from(["1001", ""]) | ANY},
    TerminateCallParams: {"call": CALL | SOME, "transportId": st.sampled_from(["tr-1", ""]) | ANY},
    TransferCallParams: {"call": CALL | SOME, "calleid": st.just("74951234567") | ANY,
                         " calleid ": st.just("74951234567"), "transportId": st.just("tr-1") | ANY},
}


@st.composite
def bodies(draw):
    model = draw(st.sampled_from(list(KEYS)))
    params = draw(st.fixed_dictionaries({}, optional={**KEYS[model], "extra": SOME}))
    body = draw(st.sampled_from(["params", "params+other", "not-params", "list"]))
    value = {"params": params} if body == "params" else {"params": params, "other": 1} \
        if body == "params+other" else {"param": params} if body == "not-params" else [params]
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    return model, text.encode("utf-8", "surrogatepass")


@settings(max_examples=600, deadline=None)
@given(bodies())
def test_every_body_gives_what_the_general_way_gives(case):
    same_both_ways(*case)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(KEYS)), st.binary(max_size=80))
@example(SetParkingNumbersParams, b'{"params": {"numbers": ["880023213"], "isParking": true, "isParking": false}}')
@example(SetParkingNumbersParams, b'{"params": {"numbers": ["1"], "isParking": true}, "params": {"numbers": ["2"], '
                                  b'"isParking": false}}')
@example(SetParkingNumbersParams, b'\xef\xbb\xbf{"params": {"numbers": ["880023213"], "isParking": true}}')
@example(SetParkingNumbersParams, b'{"params": {"numbers": ["\\ud800"], "isParking": true}}')
@example(SetParkingNumbersParams, b'{"params": {"numbers": ["880023213"], "isParking": 1.0}}')
@example(SetParkingNumbersParams, b'{"params": {"numbers": ["880023213"], "isParking": NaN}}')
@example(SetParkingNumbersParams, b'{"params": {"numbers": [], "isParking": true}}')
@example(SetParkingNumbersParams, b'  ')
@example(TransferCallParams, b'{"params": {"call": {"id": "c"}, " calleid ": "74951234567", "transportId": "t"}}')
def test_raw_bytes_and_the_edges(model, raw):
    same_both_ways(model, raw)


def test_the_bench_body_takes_the_fast_path():
    raw = b'{"params": {"numbers": ["880023213", "880034344"], "isParking": true}}'
    params = common._body_validator(SetParkingNumbersParams).validate_json(raw).params
    assert params == SetParkingNumbersParams(numbers=["880023213", "880034344"], isParking=True)
    same_both_ways(SetParkingNumbersParams, raw)
