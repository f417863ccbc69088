"""Offline commands (part 2) against the pure backend: variants, state, error codes."""

import copy

import pytest

from simulator.providers.beeline_cloudcc import wav
from simulator.providers.beeline_cloudcc.backend import CallRecord
from simulator.providers.beeline_cloudcc.commands import parse_api_form
from simulator.providers.beeline_cloudcc.errors import BeelineError
from simulator.providers.beeline_cloudcc.multipart import file_part as Part

B1, B2, B3, B4 = "74957850000", "74957850001", "74957850002", "74957850003"
FOREIGN = "74951111111"


def fails(api, form, code, files=None):
    with pytest.raises(BeelineError) as info:
        api.execute(form, files)
    assert info.value.err_code == code, info.value
    return info.value


def snapshot(tenant):
    keep = {k: copy.deepcopy(v) for k, v in vars(tenant).items() if k not in ("limits",)}
    keep["vfiles"] = {k: (v.comment, v.ready_at) for k, v in tenant.vfiles.items()}
    return keep


# ------------------------------------------------------------------ parsing


def test_parse_api_form_errors():
    with pytest.raises(BeelineError) as e:
        parse_api_form(b"{not json", 1000)
    assert e.value.err_code == "400.2"
    with pytest.raises(BeelineError) as e:
        parse_api_form(b"[1, 2]", 1000)
    assert e.value.err_code == "400.2"
    with pytest.raises(BeelineError) as e:
        parse_api_form(b"[" * 100000, 10**7)
    assert e.value.err_code == "400.2"
    with pytest.raises(BeelineError) as e:
        parse_api_form(b'{"Command":"RLIST"}', 5)
    assert e.value.err_code == "413.1"
    assert parse_api_form('{"Command":"RLIST","x":"тест"}'.encode("cp1251"), 100)["x"] == "тест"


def test_command_missing_and_unknown(api):
    fails(api, {"ConfData": []}, "400.6")
    fails(api, {"Command": ""}, "400.6")
    fails(api, {"Command": 5}, "400.6")
    err = fails(api, {"Command": "RCTN"}, "501.1")
    assert err.command == "RCTN"
    assert api.execute({"command": "rlist"}) == {"ConfData": []}


# ------------------------------------------------------------------ redirects


def test_redirect_rlist_rcancel_round_trip(api, tenant):
    assert api.execute({"Command": "REDIRECT", "ConfData": [
        {"BNumber": B1, "RNumber": "79161234567"},
        {"BNumber": B2, "RNumber": "79261234567", "ANumber": B2, "RuleID": 3}], "RequestID": "r"}) == {
        "STATUS": "OK", "COMMAND": "REDIRECT"}
    assert api.execute({"Command": "RLIST", "ConfData": [B1]}) == {
        "ConfData": [{"BNumber": B1, "RNumber": "79161234567"}]}
    assert api.execute({"Command": "RLIST"})["ConfData"][1] == {
        "BNumber": B2, "RNumber": "79261234567", "ANumber": B2, "RuleID": 3}
    # numbers without a redirect are left out
    assert api.execute({"Command": "RLIST", "ConfData": [B3, B1]})["ConfData"] == [
        {"BNumber": B1, "RNumber": "79161234567"}]
    api.execute({"Command": "RCANCEL", "ConfData": [B1]})
    assert api.execute({"Command": "RLIST", "ConfData": [B1]}) == {"ConfData": []}
    assert B1 in tenant.blocked
    api.execute({"Command": "RCANCEL"})
    assert api.execute({"Command": "RLIST"}) == {"ConfData": []}
    # a new redirect unblocks
    api.execute({"Command": "REDIRECT", "ConfData": [{"BNumber": B1, "RNumber": "79161234567"}]})
    assert B1 not in tenant.blocked


def test_redirect_accepts_number_forms(api):
    api.execute({"Command": "REDIRECT", "ConfData": {"bnumber": "+7" + B1[1:], "rnumber": "79161234567"}})
    assert api.execute({"Command": "RLIST", "ConfData": ["8" + B1[1:]]})["ConfData"][0]["BNumber"] == B1


@pytest.mark.parametrize("conf,code", [
    (None, "404.110"),
    ("x", "400.1"),
    ([], "400.1"),
    ([{"RNumber": "79161234567"}], "404.110"),
    ([{"BNumber": "abc", "RNumber": "79161234567"}], "404.110"),
    ([{"BNumber": FOREIGN, "RNumber": "79161234567"}], "404.100"),
    ([{"BNumber": B1}], "404.101"),
    ([{"BNumber": B1, "RNumber": ""}], "404.101"),
    ([{"BNumber": B1, "RNumber": "79161234567", "ANumber": "zz"}], "400.1"),
    ([{"BNumber": B1, "RNumber": "79161234567", "RuleID": "x"}], "400.1"),
])
def test_redirect_errors_keep_state(api, tenant, conf, code):
    api.execute({"Command": "REDIRECT", "ConfData": [{"BNumber": B2, "RNumber": "79161234567"}]})
    before = snapshot(tenant)
    form = {"Command": "REDIRECT"}
    if conf is not None:
        form["ConfData"] = conf
    err = fails(api, form, code)
    assert err.command == "REDIRECT"
    assert snapshot(tenant) == before


def test_redirect_is_atomic(api):
    fails(api, {"Command": "REDIRECT", "ConfData": [
        {"BNumber": B1, "RNumber": "79161234567"}, {"BNumber": FOREIGN, "RNumber": "79161234567"}]}, "404.100")
    assert api.execute({"Command": "RLIST"}) == {"ConfData": []}


def test_rlist_rcancel_errors(api):
    fails(api, {"Command": "RLIST", "ConfData": [FOREIGN]}, "404.100")
    fails(api, {"Command": "RLIST", "ConfData": ["1-2"]}, "404.110")
    fails(api, {"Command": "RLIST", "ConfData": []}, "404.110")
    fails(api, {"Command": "RLIST", "ConfData": {"a": 1}}, "400.1")
    fails(api, {"Command": "RCANCEL", "ConfData": [FOREIGN]}, "404.100")
    fails(api, {"Command": "RCANCEL", "ConfData": [None]}, "404.110")


# ------------------------------------------------------------------ pre-media


def test_premedia_mlist(api, ready_files):
    api.execute({"Command": "PREMEDIA", "ConfData": [
        {"BNumber": B1, "FileA": "hello.wav", "FileB": ""},
        {"BNumber": B2, "FileA": "hello.wav", "FileB": "goodbye.wav"}]})
    assert api.execute({"Command": "MLIST", "ConfData": [B1]}) == {
        "ConfData": [{"BNumber": B1, "FileA": "hello.wav", "FileB": ""}]}
    assert len(api.execute({"Command": "MLIST"})["ConfData"]) == 2
    # a requested number without pre-media comes back with empty sides
    assert api.execute({"Command": "MLIST", "ConfData": [B3]})["ConfData"] == [
        {"BNumber": B3, "FileA": "", "FileB": ""}]
    # deleting both sides removes the setting
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "", "FileB": ""}]})
    assert api.execute({"Command": "MLIST"})["ConfData"] == [
        {"BNumber": B2, "FileA": "hello.wav", "FileB": "goodbye.wav"}]
    # a missing side stays as it was
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": B2, "FileB": ""}]})
    assert api.execute({"Command": "MLIST", "ConfData": [B2]})["ConfData"] == [
        {"BNumber": B2, "FileA": "hello.wav", "FileB": ""}]


def test_premedia_errors(api, tenant, ready_files, clock):
    fails(api, {"Command": "PREMEDIA", "ConfData": [{"BNumber": B1}]}, "404.109")
    fails(api, {"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "nope.wav"}]}, "404.104")
    fails(api, {"Command": "PREMEDIA", "ConfData": [{"BNumber": FOREIGN, "FileA": "hello.wav"}]}, "404.100")
    fails(api, {"Command": "PREMEDIA", "ConfData": [{"FileA": "hello.wav"}]}, "404.110")
    fails(api, {"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": 5}]}, "400.1")
    fails(api, {"Command": "PREMEDIA"}, "404.110")
    fails(api, {"Command": "MLIST", "ConfData": [FOREIGN]}, "404.100")
    # 4.17.3: a pending file cannot be bound
    api.execute({"Command": "VFILE"}, [Part("vfile", wav.make(0.1), filename="new.wav")])
    fails(api, {"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "new.wav"}]}, "404.104")
    clock.advance(tenant.limits.vfile_pending_delay)
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "new.wav"}]})


# ------------------------------------------------------------------ black lists


def test_black_list_cycle(api, tenant):
    api.execute({"Command": "SETBLIST", "ConfData": [
        {"BNumber": [B1, B2], "ANumber": ["79031112233", "79051112233", "79031112233"], "ListID": 0},
        {"BNumber": [B3], "ANumber": ["79091112233"], "ListID": 1}]})
    assert api.execute({"Command": "LBLIST"}) == {"ConfData": [
        {"ListID": 0, "BNumber": [B1], "ANumber": ["79031112233", "79051112233"]},
        {"ListID": 0, "BNumber": [B2], "ANumber": ["79031112233", "79051112233"]},
        {"ListID": 1, "BNumber": [B3], "ANumber": ["79091112233"]}]}
    assert api.execute({"Command": "LBLIST", "ConfData": [1]})["ConfData"] == [
        {"ListID": 1, "BNumber": [B3], "ANumber": ["79091112233"]}]
    assert tenant.blacklisted(B1, "+79031112233")
    assert not tenant.blacklisted(B3, "79091112233")  # list 1 is not active
    assert api.execute({"Command": "ABLIST", "ConfData": 1}) == {"ConfData": 1}
    assert api.execute({"Command": "ABLIST"}) == {"ConfData": 1}
    assert tenant.blacklisted(B3, "79091112233")
    # 4.7.1 specific A-numbers
    api.execute({"Command": "DELBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["79031112233"], "ListID": 0}]})
    assert api.execute({"Command": "LBLIST", "ConfData": [0]})["ConfData"][0] == {
        "ListID": 0, "BNumber": [B1], "ANumber": ["79051112233"]}
    # 4.7.2 all A-numbers of B-numbers
    api.execute({"Command": "DELBLIST", "ConfData": [{"BNumber": [B1, B2], "ListID": 0}]})
    assert api.execute({"Command": "LBLIST", "ConfData": [0]})["ConfData"] == []
    # 4.7.3 whole lists
    api.execute({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["79031112233"]}]})
    api.execute({"Command": "DELBLIST", "ConfData": {"ListID": [1]}})
    assert api.execute({"Command": "LBLIST"})["ConfData"] == [
        {"ListID": 0, "BNumber": [B1], "ANumber": ["79031112233"]}]
    # 4.7.4 everything
    api.execute({"Command": "DELBLIST", "RequestID": "x"})
    assert api.execute({"Command": "LBLIST"}) == {"ConfData": []}
    assert tenant.blacklist_sizes == [0, 0, 0]


@pytest.mark.parametrize("form,code", [
    ({"Command": "SETBLIST"}, "404.110"),
    ({"Command": "SETBLIST", "ConfData": [{"ANumber": ["79031112233"]}]}, "404.110"),
    ({"Command": "SETBLIST", "ConfData": [{"BNumber": [FOREIGN], "ANumber": ["79031112233"]}]}, "404.100"),
    ({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1]}]}, "404.108"),
    ({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": []}]}, "404.108"),
    ({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["hello"]}]}, "404.102"),
    ({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["79031112233"], "ListID": 3}]}, "404.105"),
    ({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["79031112233"], "ListID": "x"}]}, "404.105"),
    ({"Command": "DELBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["bad"]}]}, "404.102"),
    ({"Command": "DELBLIST", "ConfData": [{"BNumber": [B1], "ListID": 7}]}, "404.105"),
    ({"Command": "DELBLIST", "ConfData": {"ListID": [0, 5]}}, "404.105"),
    ({"Command": "DELBLIST", "ConfData": [{"BNumber": [FOREIGN]}]}, "404.100"),
    ({"Command": "DELBLIST", "ConfData": [{"BNumber": "x1"}]}, "404.110"),
    ({"Command": "ABLIST", "ConfData": 3}, "404.105"),
    ({"Command": "ABLIST", "ConfData": -1}, "404.105"),
    ({"Command": "ABLIST", "ConfData": "one"}, "404.107"),
    ({"Command": "ABLIST", "ConfData": None}, "404.107"),
    ({"Command": "ABLIST", "ConfData": [1]}, "404.107"),
    ({"Command": "LBLIST", "ConfData": [4]}, "404.105"),
    ({"Command": "LBLIST", "ConfData": ["x"]}, "404.107"),
    ({"Command": "LBLIST", "ConfData": []}, "404.107"),
])
def test_black_list_errors_keep_state(api, tenant, form, code):
    api.execute({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["79031112233"]}]})
    before = snapshot(tenant)
    fails(api, form, code)
    assert snapshot(tenant) == before


def test_black_list_limit(api, tenant):
    tenant.limits.blacklist_limit = 3
    api.execute({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1, B2], "ANumber": ["79031112233"]}]})
    before = snapshot(tenant)
    fails(api, {"Command": "SETBLIST", "ConfData": [{"BNumber": [B1, B2], "ANumber": ["79051112233"]}]}, "413.2")
    assert snapshot(tenant) == before
    # re-adding existing entries does not count; another list has its own room
    api.execute({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1, B2], "ANumber": ["79031112233"]}]})
    api.execute({"Command": "SETBLIST", "ConfData": [
        {"BNumber": [B1, B2, B3], "ANumber": ["79051112233"], "ListID": 2}]})


# ------------------------------------------------------------------ recording


def test_recording_flags(api, tenant):
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": []}
    api.execute({"Command": "ARECORD", "ConfData": [B1, B2, B1]})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": [B1, B2]}
    api.execute({"Command": "CRECORD", "ConfData": [B1]})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": [B2]}
    api.execute({"Command": "ARECORD"})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": ["*"]}
    assert tenant.records(B4)
    # 4.10 note: a per-number ARECORD after ARECORD-for-all is ignored
    api.execute({"Command": "ARECORD", "ConfData": [B3]})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": ["*"]}
    api.execute({"Command": "CRECORD"})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": []}
    assert not tenant.records(B3)
    api.execute({"Command": "ARECORD", "ConfData": [B3]})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": [B3]}


def test_recording_errors(api):
    fails(api, {"Command": "ARECORD", "ConfData": [FOREIGN]}, "404.100")
    fails(api, {"Command": "ARECORD", "ConfData": []}, "404.110")
    fails(api, {"Command": "CRECORD", "ConfData": ["++"]}, "404.110")
    fails(api, {"Command": "CRECORD", "ConfData": [FOREIGN]}, "404.100")


# ------------------------------------------------------------------ CDR


def _call(call_id, b, end, record=None):
    return CallRecord(call_id=call_id, direction="IN", bnumber=b, anumber="79031112233", target="79161234567",
                      dt_begin=end - 60, dt_end=end, duration=60, talk_duration=50, a_release=16, b_release=16,
                      record_file=record)


def test_reqcdr_statcdr_lifecycle(api, tenant, clock):
    answer = api.execute({"Command": "REQCDR", "ConfData": {"DT_BEGIN": "20240301", "DT_END": "20240331 23:59"}})
    cdrid = answer["CDRID"]
    assert api.execute({"Command": "STATCDR", "CDRID": cdrid}) == {
        "ConfData": {"CDRID": cdrid, "STATUS": "NOT READY"}}
    clock.advance(tenant.limits.cdr_ready_delay)
    ready = api.execute({"Command": "STATCDR", "CDRID": cdrid})["ConfData"]
    assert ready["STATUS"] == "READY"
    assert ready["URL"].startswith("https://cloudcc.beeline.ru/api/download/s/" + cdrid + "_")
    clock.advance(tenant.limits.cdr_lifetime)
    assert api.execute({"Command": "STATCDR", "CDRID": cdrid}) == {
        "ConfData": {"CDRID": cdrid, "STATUS": "EXPIRED"}}


def test_reqcdr_merges_repeated_numbers(api, tenant):
    answer = api.execute({"Command": "REQCDR", "ConfData": [
        {"BNumber": [B1], "DateFrom": "20240305", "DateTo": "20240306"},
        {"BNumber": [B1, B2], "DateFrom": "20240301 10:00", "DateTo": "20240302 10:00:30"}]})
    request = tenant.cdr_requests[answer["CDRID"]]
    from simulator.providers.beeline_cloudcc.dates import parse_cdr_date as p
    assert request.intervals == {B1: (p("20240301 10:00"), p("20240306")), B2: (p("20240301 10:00"), p("20240302 10:00:30"))}


def test_cdr_selection_by_end_time(api, tenant, clock):
    from simulator.providers.beeline_cloudcc.dates import parse_cdr_date as p
    tenant.add_call(_call("c1", B1, p("20240301 12:00")))
    tenant.add_call(_call("c2", B2, p("20240301 13:00")))
    tenant.add_call(_call("c3", B1, p("20240302 12:00")))
    tenant.add_call(_call("c0", B1, p("20240301 00:00:30")))
    req = {"Command": "REQCDR", "ConfData": [{"BNumber": [B1], "DateFrom": "20240301 00:01", "DateTo": "20240302"}]}
    request = tenant.cdr_requests[api.execute(req)["CDRID"]]
    assert [r.call_id for r in tenant.cdr_rows(request)] == ["c1"]
    request = tenant.cdr_requests[api.execute(
        {"Command": "REQCDR", "ConfData": {"DT_BEGIN": "20240301", "DT_END": "20240303"}})["CDRID"]]
    assert [r.call_id for r in tenant.cdr_rows(request)] == ["c0", "c1", "c2", "c3"]


@pytest.mark.parametrize("conf,code", [
    (None, "400.1"),
    ({"DT_BEGIN": "2024-03-01", "DT_END": "20240302"}, "400.3"),
    ({"DT_BEGIN": "20240301", "DT_END": "20240302 25"}, "400.3"),
    ({"DT_BEGIN": "20240301"}, "400.3"),
    ({"DT_BEGIN": "20241301", "DT_END": "20241302"}, "400.4"),
    ({"DT_BEGIN": "20240301 24:00", "DT_END": "20240302"}, "400.4"),
    ({"DT_BEGIN": "20240305", "DT_END": "20240302"}, "400.4"),
    ([{"BNumber": [FOREIGN], "DateFrom": "20240301", "DateTo": "20240302"}], "404.100"),
    ([{"BNumber": [], "DateFrom": "20240301", "DateTo": "20240302"}], "404.110"),
    ([{"BNumber": [B1], "DateFrom": 20240301, "DateTo": "20240302"}], "400.3"),
    ("20240301", "400.1"),
])
def test_reqcdr_errors(api, tenant, conf, code):
    form = {"Command": "REQCDR"}
    if conf is not None:
        form["ConfData"] = conf
    fails(api, form, code)
    assert tenant.cdr_requests == {}


def test_statcdr_errors(api):
    fails(api, {"Command": "STATCDR"}, "404.111")
    fails(api, {"Command": "STATCDR", "CDRID": ""}, "404.111")
    fails(api, {"Command": "STATCDR", "CDRID": "1"}, "404.106")
    fails(api, {"Command": "STATCDR", "CDRID": ["x"]}, "404.111")


# ------------------------------------------------------------------ voice files


def test_voice_file_lifecycle(api, tenant, clock):
    api.execute({"Command": "VFILE", "Comment": "Приветствие"}, [Part("vfile", wav.make(1), filename="hello.wav")])
    listed = api.execute({"Command": "LVFILES"})["ConfData"]
    assert listed == [{"filename": "hello.wav", "Comment": "Приветствие", "DT": "20240309 19:00:00", "BNumber": [],
                       "PENDNIG": "YES", "PENDING": "YES",
                       "URL": "https://cloudcc.beeline.ru/api/download/v/hello.wav"}]
    clock.advance(tenant.limits.vfile_pending_delay)
    assert api.execute({"Command": "LVFILES"})["ConfData"][0]["PENDNIG"] == "NO"
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": B2, "FileA": "hello.wav"},
                                                     {"BNumber": B1, "FileB": "hello.wav"}]})
    assert api.execute({"Command": "LVFILES"})["ConfData"][0]["BNumber"] == [B1, B2]
    # overwrite: same name, pending again, still bound
    api.execute({"Command": "VFILE", "Comment": "v2"}, [Part("vfile", wav.make(2), filename="hello.wav")])
    entry = api.execute({"Command": "LVFILES"})["ConfData"][0]
    assert (entry["Comment"], entry["PENDING"], entry["BNumber"]) == ("v2", "YES", [B1, B2])
    assert len(tenant.vfiles) == 1
    # in use -> 409.1; unbound -> deletable
    fails(api, {"Command": "DELFILE", "ConfData": ["hello.wav"]}, "409.1")
    fails(api, {"Command": "DELFILE"}, "409.1")
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "", "FileB": ""},
                                                     {"BNumber": B2, "FileA": "", "FileB": ""}]})
    api.execute({"Command": "DELFILE", "ConfData": ["hello.wav"]})
    assert api.execute({"Command": "LVFILES"}) == {"ConfData": []}


def test_delfile_partial_and_all(api, tenant, ready_files):
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "hello.wav"}]})
    api.execute({"Command": "DELFILE"})  # deletes what is free, keeps the file in use
    assert list(tenant.vfiles) == ["hello.wav"]
    fails(api, {"Command": "DELFILE", "ConfData": ["nope.wav"]}, "404.104")
    fails(api, {"Command": "DELFILE", "ConfData": []}, "404.109")
    fails(api, {"Command": "DELFILE", "ConfData": [""]}, "404.109")
    tenant.files_in_calls["hello.wav"] += 1
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": ""}]})
    fails(api, {"Command": "DELFILE", "ConfData": ["hello.wav"]}, "409.1")
    tenant.files_in_calls["hello.wav"] -= 1
    api.execute({"Command": "DELFILE", "ConfData": "hello.wav"})
    assert tenant.vfiles == {}
    assert api.execute({"Command": "DELFILE"}) == {"STATUS": "OK", "COMMAND": "DELFILE"}


def test_vfile_errors(api, tenant):
    good = [Part("vfile", wav.make(0.1), filename="a.wav")]
    fails(api, {"Command": "VFILE", "Comment": 5}, "400.5", good)
    fails(api, {"Command": "VFILE", "Comment": "x" * 300}, "400.5", good)
    fails(api, {"Command": "VFILE", "Comment": "a\x01b"}, "400.5", good)
    fails(api, {"Command": "VFILE"}, "400.8", [])
    fails(api, {"Command": "VFILE"}, "400.8", [Part("vfile", wav.make(0.1))])
    fails(api, {"Command": "VFILE"}, "415.1", [Part("vfile", b"ID3 mp3 data", filename="a.wav")])
    fails(api, {"Command": "VFILE"}, "415.1", [Part("vfile", wav.make(0.1, rate=16000), filename="a.wav")])
    fails(api, {"Command": "VFILE"}, "415.1", [Part("vfile", wav.make(0.1, channels=2), filename="a.wav")])
    fails(api, {"Command": "VFILE"}, "415.1", [Part("vfile", wav.make(0.1, bits=8), filename="a.wav")])
    assert tenant.vfiles == {}
    tenant.limits.vfiles_per_number = 1  # 4 numbers -> 4 files
    for i in range(4):
        api.execute({"Command": "VFILE"}, [Part("vfile", wav.make(0.1), filename=f"{i}.wav")])
    fails(api, {"Command": "VFILE"}, "413.1", good)
    api.execute({"Command": "VFILE"}, [Part("vfile", wav.make(0.2), filename="C:\\voice\\0.wav")])  # overwrite ok
    assert len(tenant.vfiles) == 4


# ------------------------------------------------------------------ HLRTZ


def test_hlrtz(api):
    assert api.execute({"Command": "HLRTZ", "ConfData": "74152123456"}) == {"ConfData": 9}
    assert api.execute({"Command": "HLRTZ", "ConfData": "+74012123456"}) == {"ConfData": -1}
    fails(api, {"Command": "HLRTZ", "ConfData": "84952123456"}, "400.9")
    fails(api, {"Command": "HLRTZ", "ConfData": "abc"}, "400.9")
    fails(api, {"Command": "HLRTZ", "ConfData": {"x": 1}}, "400.9")
    fails(api, {"Command": "HLRTZ"}, "404.114")


def test_redirect_and_premedia_accept_number_lists(api, ready_files):
    api.execute({"Command": "REDIRECT", "ConfData": [{"BNumber": [B1, B2], "RNumber": "79161234567"}]})
    assert [r["BNumber"] for r in api.execute({"Command": "RLIST"})["ConfData"]] == [B1, B2]
    api.execute({"Command": "PREMEDIA", "ConfData": [{"BNumber": [B3, B4], "FileA": "hello.wav"}]})
    assert [r["BNumber"] for r in api.execute({"Command": "MLIST"})["ConfData"]] == [B3, B4]


def test_statistics_file_does_not_change_after_ready(api, tenant, clock):
    cdrid = api.execute({"Command": "REQCDR", "ConfData": {"DT_BEGIN": "20240301", "DT_END": "20300101"}})["CDRID"]
    request = tenant.cdr_requests[cdrid]
    tenant.add_call(_call("before", B1, clock.now() + 5))
    clock.advance(tenant.limits.cdr_ready_delay)
    assert [r.call_id for r in tenant.cdr_rows(request)] == ["before"]
    tenant.add_call(_call("after", B1, clock.now() + 1))
    clock.advance(5)
    assert [r.call_id for r in tenant.cdr_rows(request)] == ["before"]


def test_lrecord_star_round_trips(api, tenant):
    api.execute({"Command": "ARECORD", "ConfData": ["*"]})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": ["*"]} and tenant.records(B4)
    api.execute({"Command": "CRECORD", "ConfData": ["*"]})
    assert api.execute({"Command": "LRECORD"}) == {"ConfData": []} and not tenant.records(B4)
