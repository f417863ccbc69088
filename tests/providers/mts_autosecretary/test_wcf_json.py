"""The answers' JSON: pydantic-core's serialiser gives the bytes of the WCF-style json.dumps."""
import json

from hypothesis import given, settings, strategies as st

from simulator.providers.mts_autosecretary.links import wcf_json_bytes, wcf_json_dumps

# every character but lone surrogates (no UTF-8 answer can carry them, with either encoder)
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
# floats of the range where both write the same digits (the service answers none at all)
floats = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f == 0 or abs(f) >= 1e-4)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | floats | text | st.sampled_from(["/", "a/b", "\\/", "</x>"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=10,
)


@settings(max_examples=50, deadline=None)
@given(values)
def test_the_same_bytes_as_the_json_module(value):
    assert wcf_json_bytes(value) == wcf_json_dumps(value).encode("utf-8")


def test_the_document_example_and_escapes():
    payload = {"status_code": 200, "status_msg": "OK",
               "links": {"next": "https://aa.mts.ru/api/v1/cdr/byid?phone=4954071111&start_id=1&limit=2"},
               "value": [{"description": "тест \"кавычки\" \\ \n\t\x00\x1f\x7f\u2028", "ab_ext_enabled": False,
                          "channels": 1, "ext": None}]}
    data = wcf_json_bytes(payload)
    assert data == wcf_json_dumps(payload).encode("utf-8")
    assert b'"next":"https:\\/\\/aa.mts.ru\\/api\\/v1' in data and json.loads(data) == payload


# --- one UN's answer (GET / PUT /api/v1/un): the model written by pydantic-core, kept per UN

from simulator.providers.mts_autosecretary.models import DN, UN  # noqa: E402
from simulator.providers.mts_autosecretary.routes import envelope, un_answer_bytes  # noqa: E402

dns = st.builds(DN, begin=text, channels=st.integers(), day=st.integers(), end=text,
                ext=st.none() | text, locked=st.booleans(), phone=text, priority=st.integers(),
                record=st.booleans())
uns = st.builds(UN, ab_ext_enabled=st.booleans(), conf_email=text, description=text,
                dn_list=st.lists(dns, max_size=3), make_call_time=st.integers(), phone=text,
                time_zone=st.integers(), updated_by=text, updated_on=text, voice_email=text)


@settings(max_examples=300, deadline=None)
@given(uns)
def test_a_un_answer_has_the_bytes_of_its_dump(un):
    assert un_answer_bytes(un) == wcf_json_dumps(envelope(un.model_dump())).encode("utf-8")


def test_the_default_world_uns_answer_the_bytes_of_their_dump():
    from simulator.world import DEFAULT_WORLD, read_world_file
    from simulator.providers.mts_autosecretary.world import AutosecretarySection, build_backend
    from simulator.providers.mts_autosecretary.timefmt import to_msk
    from datetime import datetime, timezone

    section = AutosecretarySection.model_validate(read_world_file(DEFAULT_WORLD)["providers"]["mts-autosecretary"])
    backend = build_backend(section, to_msk(datetime(2026, 1, 1, tzinfo=timezone.utc)))
    assert backend.uns
    for un in backend.uns.values():
        assert un_answer_bytes(un) == wcf_json_dumps(envelope(un.model_dump())).encode("utf-8")
