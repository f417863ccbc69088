"""telsim serve's access log: the lines logging printed, written in batches by a thread."""
import asyncio
import io
import logging
import re
import time
from unittest import mock

import aiohttp
from aiohttp import http_parser, web
from hypothesis import given, settings, strategies as st

from simulator.accesslog import BufferedAccessLog, LoggingAccessLog, request_target
from simulator.app import create_app
from simulator.settings import Settings
from simulator.sim import Simulator
from simulator.testing.sink import serve_on_loopback
from simulator.transport import TransportRunner

LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} simulator\.access (.*)\n")


def logging_line(*args) -> str:
    """What the logging path printed with telsim serve's formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logger = logging.getLogger("simulator.access")
    logger.addHandler(handler)
    old, logger.level = logger.level, logging.INFO
    try:
        LoggingAccessLog().write(*args)
    finally:
        logger.removeHandler(handler)
        logger.level = old
    return stream.getvalue()


async def test_lines_are_the_logging_lines_written_in_one_batch():
    stream = io.StringIO()
    log = BufferedAccessLog(stream, interval=0.01)
    requests = [("mts-vpbx", "X214", "GET", "/mts-vpbx/api/abonents?x=1", 200, 0.2345),
                ("mts-vpbx", None, "GET", "/nope", 404, 12.0),
                ("mtt-telecom", "t", "POST", "/mtt-telecom/index.php", None, 1.0)]
    for r in requests:
        log.write(*r)
    assert stream.getvalue() == ""  # nothing written on the loop
    log.close()
    lines = stream.getvalue().splitlines(keepends=True)
    assert len(lines) == 3
    for line, r in zip(lines, requests):
        expected = LINE.fullmatch(logging_line(*r)).group(1)
        assert LINE.fullmatch(line).group(1) == expected
    assert lines[1].endswith("mts-vpbx - GET /nope 404 12.0ms\n")
    assert lines[2].endswith(" POST /mtt-telecom/index.php dropped 1.0ms\n")


async def test_batches_are_flushed_by_the_loop_timer():
    stream = io.StringIO()
    log = BufferedAccessLog(stream, interval=0)
    log.write("p", "t", "GET", "/p/x", 200, 1.0)
    for _ in range(50):  # the thread writes soon after the timer: bounded wait on the loop
        await asyncio.sleep(0)
        if stream.getvalue():
            break
        await asyncio.to_thread(lambda: None)
    log.close()
    assert stream.getvalue().count("\n") == 1


def test_a_slow_output_drops_lines_and_says_how_many():
    stream = io.StringIO()
    log = BufferedAccessLog(stream, max_backlog=150)
    log._backlog = 100  # the writer is behind by 100 characters
    log.write("p", "t", "GET", "/p/x", 200, 1.0)  # no loop: flushed at once, over the backlog
    assert log._dropped == 1
    log._backlog = 0
    log.write("p", "t", "GET", "/p/y", 200, 1.0)
    log.close()
    out = stream.getvalue()
    assert "/p/y" in out and "/p/x" not in out and "1 access log lines dropped" in out


def test_a_closed_output_does_not_break_the_writer():
    stream = io.StringIO()
    log = BufferedAccessLog(stream)
    stream.close()
    log.write("p", "t", "GET", "/p/x", 200, 1.0)
    log.close()  # returns: the thread ended on the error


# --- the request target without yarl's str(URL) ------------------------------------------

_PARSERS = [http_parser.HttpRequestParserPy]
if hasattr(http_parser, "HttpRequestParserC"):
    _PARSERS.append(http_parser.HttpRequestParserC)

_TARGET_CHARS = st.sampled_from(["/", "//", "?", "#", ":", "%", "%20", "%2F", "%D0%BF", "a", "Z",
                                 "0", "-", ".", "..", "~", "=", "&", "+", "@", "!", "$", "'",
                                 "(", ")", "*", ",", ";", "[", "]", "п", "ü", "\\", "^", "|"])
_TARGETS = st.one_of(
    st.lists(_TARGET_CHARS, max_size=12).map(lambda parts: "/" + "".join(parts)),
    st.lists(_TARGET_CHARS, max_size=8).map(lambda parts: "http://h.example/" + "".join(parts)),
    st.sampled_from(["*", "/", "//", "/?", "/#", "/?#", "/a?b?c", "/a#b?c", "//a/b?x"]),
)


def _parsed_requests(target: str, method: str = "GET"):
    """The requests aiohttp's parsers make of ``<method> <target>`` (none: a target they
    refuse)."""
    loop = asyncio.new_event_loop()
    try:
        for parser_class in _PARSERS:
            protocol = mock.Mock()
            parser = parser_class(protocol, loop, 2 ** 16, max_line_size=8190,
                                  max_field_size=8190)
            head = f"{method} {target} HTTP/1.1\r\nHost: h.example\r\n\r\n".encode()
            try:
                messages, _, _ = parser.feed_data(head)
            except Exception:  # a refused target: answered 400 before any handler
                continue
            for message, payload in messages:
                yield parser_class.__module__, web.BaseRequest(
                    message, payload, protocol, mock.Mock(), mock.Mock(), loop)
    finally:
        loop.close()


@settings(max_examples=400, deadline=None)
@given(_TARGETS)
def test_the_request_target_is_path_qs(target):
    for parser, request in _parsed_requests(target):
        assert request_target(request) == request.path_qs, parser
        other = request.clone(rel_url="/other?x=1")
        assert request_target(other) == other.path_qs == "/other?x=1"


def test_the_request_target_of_the_other_forms_is_path_qs():
    for method, target in [("OPTIONS", "*"), ("CONNECT", "h.example:443"),
                           ("GET", "http://h.example/a?b"), ("GET", "http://h.example")]:
        requests = list(_parsed_requests(target, method))
        assert len(requests) == len(_PARSERS)
        for _, request in requests:
            assert request_target(request) == request.path_qs


def test_the_request_target_is_the_received_text_where_it_can_be():
    for target, shown in [("/mts-vpbx/api/abonents?x=%D0%BF&y=1", None), ("/a:b/c", None),
                          ("/p?", "/p"), ("//p", None), ("/p#f", None)]:
        for _, request in _parsed_requests(target):
            assert request_target(request) == (shown or request.path_qs)
            if shown is None and "#" not in target and not target.startswith("//"):
                assert request_target(request) is request.raw_path  # no URL built


async def test_a_batch_on_the_loop_is_one_write_of_every_line_in_order():
    stream = io.StringIO()
    log = BufferedAccessLog(stream, interval=0)
    ended = time.perf_counter()
    for i in range(1500):  # more distinct milliseconds than one second has
        log.write("mts-vpbx", None if i % 3 else "X214", "GET", f"/mts-vpbx/api/{i}",
                  None if i % 7 == 0 else 200, i / 8, ended + i * 0.0007)
    assert stream.getvalue() == ""
    log.close()
    lines = stream.getvalue().splitlines(keepends=True)
    assert len(lines) == 1500
    stamps = []
    for i, line in enumerate(lines):
        expected = LINE.fullmatch(logging_line("mts-vpbx", None if i % 3 else "X214", "GET",
                                               f"/mts-vpbx/api/{i}",
                                               None if i % 7 == 0 else 200, i / 8))
        assert LINE.fullmatch(line).group(1) == expected.group(1)
        stamps.append(line[:23])
    assert stamps == sorted(stamps)  # the end times in order, as the requests ended
    first = time.mktime(time.strptime(stamps[0][:19], "%Y-%m-%d %H:%M:%S"))
    last = time.mktime(time.strptime(stamps[-1][:19], "%Y-%m-%d %H:%M:%S"))
    assert last - first in (1, 2)  # 1,049 ms after the first


def test_a_line_is_timed_by_its_end_not_by_the_flush():
    stream = io.StringIO()
    log = BufferedAccessLog(stream)
    wall, perf = time.time(), time.perf_counter()
    log.write("p", "t", "GET", "/p/x", 200, 1.0, perf - 3600)  # ended an hour ago
    log.close()
    hour_ago = time.strftime("%Y-%m-%d %H:", time.localtime(wall - 3600))
    assert stream.getvalue().startswith(hour_ago)


def test_values_that_are_not_text_are_written_as_text():
    stream = io.StringIO()
    log = BufferedAccessLog(stream)
    log.write("p", 42, "GET", "/p/x", 201, 3)  # an int tenant and latency
    log.close()
    assert stream.getvalue().endswith(" simulator.access p 42 GET /p/x 201 3.0ms\n")


async def test_telsim_serve_writes_the_line_the_logger_would():
    """The app as `telsim serve` runs it, over loopback HTTP: the same lines as the logger."""
    stream = io.StringIO()
    log = BufferedAccessLog(stream, interval=0.01)
    sim = Simulator(Settings(manual_clock=True))
    app = create_app(sim, access_log=log)
    runner, base = await serve_on_loopback(app, TransportRunner(app, sim, shutdown_timeout=1.0))
    key = "215ef687-e898-419d-810c-2864efc0b1d0"  # the VPBX document's own API key (tenant X214)
    try:
        async with aiohttp.ClientSession() as session:
            for path, headers in [("/mts-vpbx/api/abonents?x=%D0%BF&y", {"X-AUTH-TOKEN": key}),
                                  ("/nope?", {"Host": "vpbx.mts.ru"})]:
                async with session.get(base + path, headers=headers) as resp:
                    await resp.read()
    finally:
        await runner.cleanup()
        log.close()
    lines = stream.getvalue().splitlines()
    assert [LINE.fullmatch(line + "\n").group(1).rsplit(" ", 1)[0] for line in lines] == [
        "mts-vpbx X214 GET /mts-vpbx/api/abonents?x=%D0%BF&y 200", "mts-vpbx - GET /nope 404"]
