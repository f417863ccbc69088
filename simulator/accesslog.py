"""The access log: one line per provider request.

``telsim serve`` writes it with :class:`BufferedAccessLog`: the line is formatted on the
event loop with one f-string (no ``logging.LogRecord``), collected in a list and handed to
a writer thread as one string every ``interval`` seconds, so a request costs about a
microsecond and a slow terminal never stalls the loop. In-process (tests, the pytest plugin)
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
from typing import TextIO

LOGGER = "simulator.access"
access_logger = logging.getLogger(LOGGER)


class LoggingAccessLog:
    """Access lines as INFO records of the ``simulator.access`` logger."""

    def write(self, provider: str, tenant: str | None, method: str, path_qs: str,
              status: int | None, latency_ms: float) -> None:
        access_logger.info("%s %s %s %s %s %.1fms", provider, tenant or "-", method, path_qs,
                           status or "dropped", latency_ms)

    def close(self) -> None:
        pass


class BufferedAccessLog:
    """Pre-formatted access lines written in batches by a thread.

    At most ``max_backlog`` characters wait for the writer; lines beyond that are counted
    and the count is written once the writer catches up (memory stays bounded when the
    output is slower than the traffic)."""

    def __init__(self, stream: TextIO, interval: float = 0.05, max_backlog: int = 8 * 2 ** 20):
        self._stream = stream
        self._interval = interval
        self._max_backlog = max_backlog
        self._lines: list[str] = []
        self._flush_handle: asyncio.TimerHandle | None = None
        self._backlog = 0  # characters handed to the thread and not yet written
        self._dropped = 0
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._second = -1
        self._stamp = ""

    def write(self, provider: str, tenant: str | None, method: str, path_qs: str,
              status: int | None, latency_ms: float) -> None:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        self._lines.append(f"{self._stamp},{int((now - second) * 1000):03d} {LOGGER} {provider} "
                           f"{tenant or '-'} {method} {path_qs} {status or 'dropped'} "
                           f"{latency_ms:.1f}ms\n")
        if self._flush_handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on a loop: write at once
                self.flush()
                return
            self._flush_handle = loop.call_later(self._interval, self.flush)

    def flush(self) -> None:
        """Hand the collected lines to the writer thread."""
        self._flush_handle = None
        if not self._lines:
            return
        data = "".join(self._lines)
        lines = len(self._lines)
        self._lines.clear()
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
