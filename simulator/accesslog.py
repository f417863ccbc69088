"""The access log: one line per provider request.

``telsim serve`` writes it with :class:`BufferedAccessLog`: a request appends its raw values
to a list on the event loop (no formatting, no clock call, no ``logging.LogRecord``); every
``interval`` seconds the batch is formatted at once and handed to a writer thread, so a slow
terminal never stalls the loop. In-process (tests, the pytest plugin)
:class:`LoggingAccessLog` sends the same message to the ``simulator.access`` logger.

The line is what ``logging`` printed before (``%(asctime)s %(name)s %(message)s``)::

    2026-12-01 13:15:51,644 simulator.access mts-vpbx X214 GET /mts-vpbx/api/abonents 200 0.3ms
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from functools import partial
from itertools import repeat
from operator import mul
from typing import TextIO

LOGGER = "simulator.access"
access_logger = logging.getLogger(LOGGER)

# a request's values in BufferedAccessLog._rows, the line's separators among them:
# end time (-> time stamp and logger), provider, tenant, method, target, status, latency, "ms\n"
_FIELDS = 11
_TIME, _STATUS, _LATENCY = 0, 8, 9
_MILLIS = [f",{ms:03d} {LOGGER} " for ms in range(1000)]
_to_ms = partial(mul, 1000.0)


class _Statuses(dict):
    """200 -> " 200 " (a line's status between its spaces)."""

    def __missing__(self, status) -> str:
        text = self[status] = f" {status} "
        return text


_statuses = _Statuses()


def request_target(request) -> str:
    """``request.path_qs`` for the access line, without building it from the URL where it is
    the request line's target as received (yarl's ``str(URL)`` costs as much as the rest of
    the line). That holds for the URL aiohttp's parser split the target into (not replaced:
    absolute and authority forms are made relative, ``clone`` makes another) unless the
    target starts ``//`` (shown with an empty authority), ends ``?`` (an empty query, not
    shown) or has a fragment; tests/core/test_accesslog.py checks it with both parsers."""
    message = request._message
    raw = message.path
    if request._rel_url is message.url and raw[1:2] != "/" and raw[-1] != "?" and "#" not in raw:
        return raw
    return request.path_qs


class LoggingAccessLog:
    """Access lines as INFO records of the ``simulator.access`` logger."""

    def write(self, provider: str, tenant: str | None, method: str, path_qs: str,
              status: int | None, latency_ms: float, ended: float | None = None) -> None:
        access_logger.info("%s %s %s %s %s %.1fms", provider, tenant or "-", method, path_qs,
                           status or "dropped", latency_ms)

    def close(self) -> None:
        pass


class _Stamps(dict):
    """``perf_counter`` milliseconds -> ``2026-12-01 13:15:51,644 simulator.access `` for one
    batch (the wall clock's offset is read once a batch, not once a line)."""

    def __init__(self, log: "BufferedAccessLog"):
        super().__init__()
        self._log = log
        self._offset = round((time.time() - time.perf_counter()) * 1000)

    def __missing__(self, perf_ms: int) -> str:
        second, ms = divmod(perf_ms + self._offset, 1000)
        log = self._log
        if second != log._second:  # the date and time part once a second
            log._second = second
            log._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        stamp = self[perf_ms] = log._stamp + _MILLIS[ms]
        return stamp


class BufferedAccessLog:
    """Access lines formatted a batch at a time and written by a thread.

    At most ``max_backlog`` characters wait for the writer; lines beyond that are counted
    and the count is written once the writer catches up (memory stays bounded when the
    output is slower than the traffic)."""

    def __init__(self, stream: TextIO, interval: float = 0.05, max_backlog: int = 8 * 2 ** 20):
        self._stream = stream
        self._interval = interval
        self._max_backlog = max_backlog
        self._rows: list = []  # _FIELDS values a request, flat: one list.extend per request
        self._extend = self._rows.extend
        self._flush_handle: asyncio.TimerHandle | None = None
        self._backlog = 0  # characters handed to the thread and not yet written
        self._dropped = 0
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._second = -1
        self._stamp = ""

    def write(self, provider: str, tenant: str | None, method: str, path_qs: str,
              status: int | None, latency_ms: float, ended: float | None = None) -> None:
        """``ended``: the answer's ``time.perf_counter()`` (None: now), the line's time."""
        self._extend((time.perf_counter() if ended is None else ended, provider, " ",
                      tenant or "-", " ", method, " ", path_qs, status or "dropped", latency_ms,
                      "ms\n"))
        if self._flush_handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on a loop: write at once
                self.flush()
                return
            self._flush_handle = loop.call_later(self._interval, self.flush)

    def flush(self) -> None:
        """Format the collected lines and hand them to the writer thread."""
        self._flush_handle = None
        rows = self._rows
        if not rows:
            return
        lines = len(rows) // _FIELDS
        # the values that are not text become their text column by column, then one join
        # makes every line: per line only C calls, no Python frame (an f-string a line took
        # 1.7x the instructions, a %-format of the whole batch 1.3x)
        rows[_TIME::_FIELDS] = map(_Stamps(self).__getitem__,
                                   map(int, map(_to_ms, rows[_TIME::_FIELDS])))
        rows[_STATUS::_FIELDS] = map(_statuses.__getitem__, rows[_STATUS::_FIELDS])
        latencies = rows[_LATENCY::_FIELDS]
        try:
            rows[_LATENCY::_FIELDS] = map(float.__format__, latencies, repeat(".1f", lines))
        except TypeError:  # an int
            rows[_LATENCY::_FIELDS] = map(format, latencies, repeat(".1f", lines))
        try:
            data = "".join(rows)
        except TypeError:  # a value that is not a str (set_tenant is typed, not checked)
            data = "".join(map(str, rows))
        rows.clear()
        with self._lock:
            if self._backlog + len(data) > self._max_backlog:
                self._dropped += lines
                return
            self._backlog += len(data)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="telsim-access-log",
                                            daemon=True)
            self._thread.start()
        self._queue.put(data)

    def _run(self) -> None:
        while True:
            data = self._queue.get()
            if data is None:
                return
            try:
                self._stream.write(data)
                with self._lock:
                    self._backlog -= len(data)
                    dropped, self._dropped = self._dropped, 0
                if dropped:
                    self._stream.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')},000 {LOGGER} "
                                       f"{dropped} access log lines dropped: the output was "
                                       f"slower than the requests\n")
                self._stream.flush()
            except (OSError, ValueError):  # the output went away (closed pipe or file)
                with self._lock:
                    self._backlog = 0

    def close(self) -> None:
        """Write what is left and stop the thread (bounded: 5 s)."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        self.flush()
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None
