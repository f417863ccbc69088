"""Pure parsers: multipart, XML, dates, numbers, WAV, HLRTZ (with hypothesis properties)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.providers.beeline_cloudcc import dates, hlrtz, multipart, wav, xmlmsg
from simulator.providers.beeline_cloudcc.errors import ERROR_TABLE, BeelineError, http_status
from simulator.providers.beeline_cloudcc.models import AgentInfo, CallStatus, InitCall
from simulator.providers.beeline_cloudcc.numbers import canonical, is_phone

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ error table


def test_error_table_statuses():
    assert {http_status(c) for c in ERROR_TABLE} == {400, 401, 404, 409, 413, 415, 500, 501}
    err = BeelineError("404.106", command="STATCDR")
    assert err.status == 404
    assert err.body("aux") == {"STATUS": "ERROR", "AUXCODE": "aux", "COMMAND": "STATCDR",
                               "ERR_CODE": "404.106", "ERR_DESCRIPTION": "Invalid CDRID"}
    with pytest.raises(ValueError):
        BeelineError("999.9")


# ------------------------------------------------------------------ multipart (core parser, 4.19 mapping)

CT = "multipart/form-data; boundary=b"


def build(parts, boundary="XyZ123", crlf=b"\r\n"):
    out = b""
    for name, data, filename in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += b"--" + boundary.encode() + crlf + f"Content-Disposition: {disp}".encode() + crlf + crlf + data + crlf
    return out + b"--" + boundary.encode() + b"--" + crlf


def test_boundary_of():
    assert multipart.boundary_of("multipart/form-data; boundary=abc") == "abc"
    assert multipart.boundary_of('Multipart/Form-Data;boundary="a b"') == "a b"
    for bad in (None, "", "application/json", "multipart/form-data", "multipart/mixed; boundary=x",
                "multipart/form-data; boundary=", "multipart/form-data; boundary=\u0436"):
        with pytest.raises(BeelineError) as e:
            multipart.boundary_of(bad)
        assert e.value.err_code == "400.7"


def test_read_form_and_document_quirks():
    body = build([("api_form", b'{"Command":"VFILE"}', None), ("vfile", b"RIFF\r\n--Xy", "a.wav")])
    parts = multipart.read_form("multipart/form-data; boundary=XyZ123", b"preamble\r\n" + body)
    assert [(p.name, p.data, p.filename) for p in parts] == [
        ("api_form", b'{"Command":"VFILE"}', None), ("vfile", b"RIFF\r\n--Xy", "a.wav")]
    # the document's 4.15.2 separates filename with a comma and writes "api form"
    raw = (b'--b\r\nContent-Disposition: form-data; name="api form"\r\n\r\n{}\r\n'
           b'--b\r\nContent-Disposition: form-data; name="vfile",filename="x.wav"\r\n'
           b'Content-Type: application/octet-stream\r\n\r\nDATA\r\n--b--\r\n')
    parts = multipart.read_form(CT, raw)
    assert multipart.find(parts, "api_form").data == b"{}"
    assert parts[1].filename == "x.wav" and parts[1].content_type == "application/octet-stream"
    # LF-only line ends
    assert multipart.read_form("multipart/form-data; boundary=XyZ123",
                               build([("api_form", b"{}", None)], crlf=b"\n"))[0].data == b"{}"


@pytest.mark.parametrize("body,desc", [
    (b"", "Bad Content (No Form part)"),
    (b"just text", "Bad Content (No Form part)"),
    (b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end', "Bad Content (Incorrect Form)"),
    (b"--b\r\nX-Other: 1\r\n\r\ndata\r\n--b--", "Bad Content (Incorrect Form)"),
    (b"--b\r\nContent-Disposition: attachment\r\n\r\ndata\r\n--b--", "Bad Content (Incorrect Form)"),
    (b"--b\r\nno header line\r\n\r\ndata\r\n--b--", "Bad Content (Incorrect Form)"),
    (b"--bXdata", "Bad Content (Incorrect Form)"),
])
def test_read_form_errors(body, desc):
    with pytest.raises(BeelineError) as e:
        multipart.read_form(CT, body)
    assert (e.value.err_code, e.value.description) == ("400.8", desc)


names = st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122, blacklist_characters='"\\;,='),
                min_size=1, max_size=12)


@FAST
@given(st.lists(st.tuples(names, st.binary(max_size=200), st.one_of(st.none(), names)), min_size=1, max_size=4))
def test_multipart_round_trip(parts):
    boundary = "----telsimBoundary7MA4YWxk"
    parsed = multipart.read_form("multipart/form-data; boundary=" + boundary, build(parts, boundary))
    assert [(p.name, p.data, p.filename) for p in parsed] == parts


@FAST
@given(st.binary(max_size=400), st.sampled_from(["b", "XyZ123", "----x"]))
def test_multipart_only_400_8(body, boundary):
    for candidate in (body, b"--" + boundary.encode() + b"\r\n" + body):
        try:
            multipart.read_form("multipart/form-data; boundary=" + boundary, candidate)
        except BeelineError as exc:
            assert exc.err_code == "400.8"


@FAST
@given(st.text(max_size=80))
def test_boundary_only_400_7(header):
    try:
        multipart.boundary_of(header)
    except BeelineError as exc:
        assert exc.err_code == "400.7"


# ------------------------------------------------------------------ XML


def test_xml_parse_by_name_and_ignore_extra():
    msg = xmlmsg.parse(b'<InitCall request_id = "r1" B0="7903" B1="7926" F0="hello.wav" REC="1" NewPar="z"/>')
    assert isinstance(msg, InitCall)
    assert (msg.request_id, msg.B0, msg.F0, msg.F1, msg.REC, msg.A0) == ("r1", "7903", "hello.wav", "", "1", "")
    info = xmlmsg.parse(b'<?xml version="1.0" encoding="windows-1251"?><AgentInfo request_id="" A0="" B0="" '
                        b'ScriptID="1" HostID="h"/>')
    assert isinstance(info, AgentInfo) and info.wants_wait and info.F0 is None and info.REC is None
    reject = xmlmsg.parse(b'<AgentInfo request_id="x" A0="" B0="" ScriptID="1" HostID="h"/>')
    assert reject.rejects and not reject.wants_wait


@pytest.mark.parametrize("body,status", [
    (b"", 400), (b"<InitCall", 400), (b"<Foo/>", 400), (b"plain", 400),
    (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><InitCall request_id="&e;"/>', 400),
    (b"<a>" * 10 + b"x" * 70000, 413),
])
def test_xml_errors(body, status):
    with pytest.raises(xmlmsg.XmlError) as e:
        xmlmsg.parse(body)
    assert e.value.status == status


def test_xml_render_round_trip():
    status = CallStatus(request_id="r", b0_state="CONNECTED", b1_state="CALLING", Reason="-1",
                        TimeStamp="20240101120000", CallDuration=0, ScriptID="1", HostID="h", SysID="119", AddPar="тест")
    raw = xmlmsg.render(status)
    assert raw.startswith(b"<?xml") and b"<callStatus " in raw
    assert xmlmsg.parse(raw, xmlmsg.OUTBOUND) == status
    err = xmlmsg.error_info("malformed", "r1")
    assert xmlmsg.parse_element(err) == ("Info", {"request_id": "r1", "ScriptID": "", "HostID": "", "SysID": "",
                                                 "AddPar": "", "Error": "malformed"})


@FAST
@given(st.binary(max_size=300))
def test_xml_never_crashes(body):
    try:
        xmlmsg.parse(body)
    except xmlmsg.XmlError:
        pass


@FAST
@given(st.dictionaries(st.sampled_from(["request_id", "A0", "B0", "A1", "B1", "F0", "F1", "REC", "AddPar", "x"]),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)))
def test_xml_attributes_round_trip(attrs):
    from lxml import etree
    element = etree.Element("InitCall")
    for k, v in attrs.items():
        element.set(k, v)
    msg = xmlmsg.parse(etree.tostring(element, encoding="UTF-8"))
    for k, v in attrs.items():
        if k != "x":
            assert getattr(msg, k) == (v if k == "AddPar" else v.strip())


# ------------------------------------------------------------------ dates, numbers


def test_dates():
    assert dates.human(dates.parse_cdr_date("20240301 10:20:30")) == "20240301 10:20:30"
    assert dates.parse_cdr_date("20240301 10:20") == dates.parse_cdr_date("20240301 10:20:00")
    assert dates.timestamp14(dates.parse_cdr_date("20240301")) == "20240301000000"
    assert dates.timestamp14(0) == "19700101030000"  # Moscow is UTC+3
    with pytest.raises(dates.DateFormatError):
        dates.parse_cdr_date("2024-03-01")
    with pytest.raises(dates.DateValueError):
        dates.parse_cdr_date("20240230")


@FAST
@given(st.text(max_size=24))
def test_dates_only_documented_errors(text):
    try:
        dates.parse_cdr_date(text)
    except (dates.DateFormatError, dates.DateValueError):
        pass


def test_numbers():
    assert canonical("+74957850000") == canonical("84957850000") == canonical("4957850000") == "74957850000"
    assert is_phone("79161234567") and is_phone("+79161234567") and not is_phone("7916-123") and not is_phone(5)


# ------------------------------------------------------------------ WAV


def test_wav_inspect():
    info = wav.inspect(wav.make(1.5))
    assert (info.sample_rate, info.channels, info.bits, info.duration) == (8000, 1, 16, 1.5)
    for bad in (b"", b"RIFF", wav.make(1, rate=44100), wav.make(1, channels=2), wav.make(1, bits=8),
                b"RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00"):
        with pytest.raises(wav.InvalidVoiceFile):
            wav.inspect(bad)


@FAST
@given(st.binary(max_size=100))
def test_wav_never_crashes(data):
    try:
        wav.inspect(b"RIFF\x00\x00\x00\x00WAVE" + data)
    except wav.InvalidVoiceFile:
        pass


# ------------------------------------------------------------------ HLRTZ


@pytest.mark.parametrize("ctn,offset", [
    ("74951234567", 0), ("74991234567", 0), ("79161234567", 0), ("78121234567", 0),
    ("74012123456", -1), ("79114512345", -1),
    ("78462123456", 1), ("79272012345", 1),
    ("73432123456", 2), ("79126012345", 2),
    ("73832123456", 4), ("79139012345", 4),
    ("74232123456", 7), ("79147012345", 7),
    ("74152123456", 9), ("79147812345", 9),
    ("73812123456", 3), ("73952123456", 5), ("74112123456", 6), ("74132123456", 8),
    ("+77012345678", 2),
])
def test_hlrtz_offsets(ctn, offset):
    assert hlrtz.offset(ctn) == offset


@pytest.mark.parametrize("bad", ["", "8495", "84951234567", "74951234567890", "+1 202", "7495123456x", None, 7])
def test_hlrtz_invalid(bad):
    with pytest.raises(hlrtz.InvalidCtn):
        hlrtz.offset(bad)


@FAST
@given(st.from_regex(r"\A\+?7[0-9]{10}\Z"))
def test_hlrtz_total_for_valid_numbers(ctn):
    assert -1 <= hlrtz.offset(ctn) <= 9


# ------------------------------------------------------------------ callStatus sequence


def test_callstatus_sequence_success():
    from simulator.providers.beeline_cloudcc.callstatus import Tracker
    t = [1_710_000_000.0]
    tr = Tracker("r1", "100", "spn", "119", "ap", now=lambda: t[0])
    seq = [tr.calling(0), tr.connected(0), tr.calling(1), tr.connected(1)]
    assert [(s.b0_state, s.b1_state, s.Reason) for s in seq] == [
        ("CALLING", "", "-1"), ("CONNECTED", "", "-1"), ("CONNECTED", "CALLING", "-1"), ("CONNECTED", "CONNECTED", "-1")]
    assert tr.connected(1) is None
    t[0] += 65
    end = tr.ended(1)
    assert (end.b0_state, end.b1_state, end.Reason, end.CallDuration) == ("SUCCESS", "SUCCESS", "1", 65)
    assert end.TimeStamp == "20240309190105"
    assert tr.failed(0, 17) is None


def test_callstatus_sequence_failure():
    from simulator.providers.beeline_cloudcc.callstatus import Tracker
    tr = Tracker("r1", "100", "spn", "119", "", now=lambda: 0.0)
    tr.calling(0)
    tr.connected(0)
    tr.calling(1)
    fail = tr.failed(1, 17)
    assert (fail.b0_state, fail.b1_state, fail.Reason, fail.CallDuration) == ("CONNECTED", "FAILED", "17", 0)
    tr2 = Tracker("r2", "101", "spn", "119", "", now=lambda: 0.0)
    tr2.calling(0)
    assert (tr2.failed(0, 19).b0_state, tr2.states[1]) == ("FAILED", "")
