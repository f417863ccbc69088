"""The follow-me rows setFollowme stores are built without validating again (followme.py
``_entry``, FollowmeEntry.model_construct): for every row it accepts, the stored model is the
one full validation of the same values gives, with the same fields set; every row it refuses
is still refused with the document's error."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from simulator.jsonrpc import JsonRpcError
from simulator.providers.mtt_telecom.followme import _entry
from simulator.providers.mtt_telecom.world import FollowmeEntry

NUMBERS = st.from_regex(r"\A\+?[0-9]{10,15}\Z") | st.integers(min_value=10 ** 9, max_value=10 ** 15)
YES_NO = st.sampled_from(["Y", "N", "y", "n", "I", "i", ""]) | st.none()
TEXT = st.none() | st.just("") | st.text(max_size=12)
PERIODS = st.sampled_from(["always", "Always", "never", "wd1-5", "hr9-18", "wd1-5 hr9-18, wd6", ""]) | st.none()
ROWS = st.fixed_dictionaries({"redirect_number": NUMBERS}, optional={
    "name": TEXT | st.integers(), "timeout": st.none() | st.integers(1, 600) | st.sampled_from(["15", " 30 ", 15.0]),
    "active": YES_NO, "period": PERIODS, "period_description": TEXT, "domain": TEXT,
    "use_tcp": YES_NO, "keep_original_cli": YES_NO, "keep_original_cld": YES_NO})
#: and rows with anything anywhere, mostly refused
ANY_ROWS = st.dictionaries(st.sampled_from(["redirect_number", "name", "timeout", "active", "period",
                                            "period_description", "domain", "use_tcp", "keep_original_cli",
                                            "keep_original_cld"]),
                           st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) |
                           NUMBERS | YES_NO, max_size=10)


@settings(max_examples=400, deadline=None)
@given(ROWS | ANY_ROWS)
def test_stored_rows_are_the_validated_models(item):
    try:
        entry = _entry(item)
    except JsonRpcError as exc:
        assert exc.code == -32602
        return
    validated = FollowmeEntry.model_validate(entry.model_dump(exclude_unset=True))
    assert entry == validated
    assert entry.model_fields_set == validated.model_fields_set
    assert entry.model_dump() == validated.model_dump()
    assert all(type(v) is type(getattr(validated, k)) for k, v in entry)
