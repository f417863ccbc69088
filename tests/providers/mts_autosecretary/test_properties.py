"""Property tests for the small parsers/renderers: MEX detection, WCF JSON, the call log."""
import json
from datetime import datetime

from hypothesis import given, strategies as st

from simulator.providers.mts_autosecretary.calllog import render_log
from simulator.providers.mts_autosecretary.errors import ApiError
from simulator.providers.mts_autosecretary.operations import resolve_interval
from simulator.providers.mts_autosecretary.links import wcf_json_dumps
from simulator.providers.mts_autosecretary.soap import mex

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_wcf_json_is_json(value):
    text = wcf_json_dumps(value)
    assert json.loads(text) == value
    assert "/" not in text.replace("\\/", "")


@given(st.binary(max_size=300), st.one_of(st.none(), st.text(max_size=40)))
def test_mex_detection_never_crashes(body, action):
    assert mex.is_mex_request(body, action) in (True, False)
    status, ctype, payload = mex.respond(body, b"<wsdl:definitions xmlns:wsdl='http://schemas.xmlsoap.org/wsdl/'/>",
                                         "http://tempuri.org/")
    assert status in (200, 500) and payload.startswith(b"<?xml")


@given(st.text(alphabet="0123456789", min_size=1, max_size=12), st.text(alphabet="0123456789", min_size=10, max_size=10),
       st.lists(st.sampled_from(["Conn", "NoAnswer", "NO_DNS", "TryToCall:89161000232", "Busy(89161000232)"]), max_size=6))
def test_log_shape(an, un, tokens):
    log = render_log(an, un, tokens)
    assert log.startswith(f"SIP:ANI({an}@mdd-mg1-1ld-msk2:5061)-DNIS({un}@11.241.37.199:5061)-")
    assert log.endswith("".join(f"-{t}" for t in tokens))


bounds = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.strftime("%d.%m.") + f"{d.year:04d}",
                                   f"{d.year:04d}-{d.month}-{d.day}T{d:%H:%M:%S}"]))
)


@given(bounds, bounds)
def test_cdr_interval_is_total(begin, end):
    """Any begin/end query values: an interval [begin, end) or a 400, never another exception."""
    try:
        low, high = resolve_interval(begin, end, datetime(2026, 11, 23, 9, 0))
    except ApiError as exc:
        assert exc.status_code == 400 and exc.status_msg
    else:
        assert low <= high
