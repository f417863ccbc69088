"""telsim serve's access log: the lines logging printed, written in batches by a thread."""
import asyncio
import io
import logging
import re

from simulator.accesslog import BufferedAccessLog, LoggingAccessLog

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
