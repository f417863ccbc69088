"""A CDR page's answer from each record's kept JSON: the bytes of the whole envelope written at once."""
from datetime import datetime

from hypothesis import given, settings, strategies as st

from simulator.providers.mts_autosecretary.backend import Backend
from simulator.providers.mts_autosecretary.cdr import CdrRecord
from simulator.providers.mts_autosecretary.links import links_member, wcf_json_bytes
from simulator.providers.mts_autosecretary.operations import CdrResult
from simulator.providers.mts_autosecretary.routes import Api, envelope

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
records = st.lists(st.builds(CdrRecord, id=st.integers(1, 10 ** 9), seqid=st.integers(0, 10 ** 9),
                             un=st.just("4954071111"), an=text, start=st.datetimes(datetime(2000, 1, 1)),
                             duration=st.integers(0, 10 ** 6), talk_duration=st.integers(0, 10 ** 6), log=text),
                   max_size=5, unique_by=lambda r: r.id)
urls = st.none() | st.sampled_from(["https://aa.mts.ru/api/v1/cdr/byid?phone=4954071111&start_id=7&limit=2",
                                    "http://127.0.0.1:8080/mts-autosecretary/api/v1/cdr/bytime?phone=1&begin=a/b"])


@settings(max_examples=100, deadline=None)
@given(records, urls)
def test_the_page_has_the_bytes_of_the_whole_envelope(page, url):
    backend = Backend()
    api = Api(lambda: backend, datetime.now)
    result = CdrResult(page, url)
    expected = wcf_json_bytes(envelope([r.to_json() for r in page], links=links_member(url)))
    for _ in range(2):  # the second from the kept records
        response = api._cdr_page(result)
        assert response.body == expected
        assert response.content_type == "application/json" and response.charset == "utf-8"
