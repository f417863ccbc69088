from dataclasses import asdict
from datetime import datetime

import pytest
from pydantic import ValidationError

from .data import NOW, SECTION
from simulator.providers.mts_autosecretary import history
from simulator.providers.mts_autosecretary.world import AutosecretarySection, build_backend
from simulator.world.fake import rng_for


def test_document_values_in_world(backend):
    un = backend.uns["4954071111"]
    assert un.description == "test" and un.updated_on == "2012-10-1T11:25:06"
    assert backend.accounts["user"].uns == ["4954071111", "9854071111", "9854079998"]
    page = backend.cdrs.by_time("4954071111", datetime(2012, 10, 1), datetime(2012, 10, 3), 0, 1000)
    assert [r.id for r in page.records] == [34460583]


def test_bad_world_names_the_field():
    import copy
    bad = copy.deepcopy(SECTION)
    bad["accounts"]["user"]["uns"]["4954071111"]["dn_list"][0]["channels"] = 0
    with pytest.raises(ValidationError) as info:
        AutosecretarySection.model_validate(bad)
    assert "uns.4954071111: Invalid value of field 'dn_list[0].channels'" in str(info.value)
    bad = copy.deepcopy(SECTION)
    bad["accounts"]["other"]["uns"]["4954071111"] = {}
    with pytest.raises(ValidationError) as info:
        AutosecretarySection.model_validate(bad)
    assert "declared by user already" in str(info.value)
    bad = copy.deepcopy(SECTION)
    bad["accounts"]["other"]["uns"]["495407"] = {}
    with pytest.raises(ValidationError) as info:
        AutosecretarySection.model_validate(bad)
    assert "uns.495407: a UN number has 10 digits" in str(info.value)


def generated(section):
    backend = build_backend(section)
    n = history.generate(backend, NOW, 3, 15, rng_for, 1)
    return backend, n


def test_history_is_reproducible_and_ordered(section):
    b1, n1 = generated(section)
    b2, n2 = generated(section)
    assert n1 == n2 > 0
    for un in b1.uns:
        r1 = b1.cdrs.by_id(un, 0, 10**6).records
        r2 = b2.cdrs.by_id(un, 0, 10**6).records
        assert [r.to_json() for r in r1] == [r.to_json() for r in r2]
        starts = [r.start for r in r1]
        assert starts == sorted(starts)
        assert all(r.start < NOW for r in r1)
    # live ids continue after history
    last = max(r.id for un in b1.uns for r in b1.cdrs.by_id(un, 0, 10**6).records)
    assert b1.take_call_id() > last


def test_history_logs_use_the_document_style(section):
    backend, _ = generated(section)
    for record in backend.cdrs.by_id("4954071111", 35_000_000, 1000).records:
        assert record.log.startswith(f"SIP:ANI({record.an}@mdd-mg1-1ld-msk2:5061)-DNIS(4954071111@11.241.37.199:5061)--")
        assert record.talk_duration <= record.duration


def test_fixed_cdr_with_a_late_id_does_not_break_history(section):
    data = section.model_dump()
    data["cdrs"]["99000000"] = {"seqid": 999000000, "un": "4954071111", "an": "9160000000",
                                "start_time": "2026-11-20T12:00:00", "duration": 5}
    backend = build_backend(AutosecretarySection.model_validate(data))
    history.generate(backend, NOW, 5, 30, rng_for, 1)
    records = backend.cdrs.by_id("4954071111", 0, 10**6).records
    assert [r.id for r in records] == sorted(r.id for r in records)
    assert [r.start for r in records] == sorted(r.start for r in records)
    assert backend.cdrs.get(99000000) is not None


def test_history_outcome_follows_the_un_like_live_calls():
    import random

    from simulator.providers.mts_autosecretary.models import DN, UN

    night = datetime(2026, 11, 23, 3, 0, 0)
    office = [DN(phone="89160000001", begin="09:00:00", end="18:00:00")]
    rng = random.Random(1)
    _, _, log = history.simulate_outcome(UN(phone="4954071111", dn_list=office), "9160000000", night, rng)
    assert log.endswith("--NO_DNS")
    duration, talk, log = history.simulate_outcome(UN(phone="4954071111", dn_list=office, need_record=True),
                                                   "9160000000", night, rng)
    assert log.endswith("--NO_DNS-Rec_Start-Rec_Stop") and duration > 4 and talk == 0
    _, _, log = history.simulate_outcome(UN(phone="4954071111", dn_list=office, enabled=False), "9160000000",
                                         night, rng)
    assert log.endswith("--UN_Disabled")


async def test_the_backend_built_on_first_use_is_the_one_reset_would_have_built(simulator):
    """reset() leaves the backend to its first use: the clock moving and the world being patched
    in between change nothing in the generated history, ids or accounts it starts from."""
    provider = simulator.sim.providers["mts-autosecretary"]
    await simulator.reset()
    eager = provider._build_backend(*provider._pending)
    expected = [asdict(r) for r in eager.cdrs.all()], eager.peek_call_id(), sorted(eager.accounts)
    assert len(expected[0]) > 100  # the default world's generated week
    await simulator.reset()
    assert provider._backend is None  # nothing built yet
    await simulator.advance(3 * 3600)
    simulator.patch_world({"seed": 99})
    built = provider.backend
    assert ([asdict(r) for r in built.cdrs.all()], built.peek_call_id(), sorted(built.accounts)) == expected
    assert provider.first_live_id == expected[1] and provider.backend is built
