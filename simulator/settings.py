"""Settings from CLI flags and SIM_* environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Settings:
    """How a Simulator is started: the world, the listener, the clock and the journal's size
    (from the command line and the ``SIM_*`` environment: :meth:`from_env`)."""

    world: Path | None = None  # None: the packaged default world (simulator/world/default.yaml)
    world_data: dict | None = None  # an in-memory world (tests); wins over ``world``
    host: str = "127.0.0.1"
    port: int = 8080
    speed: float | None = None  # overrides the world's clock
    manual_clock: bool = False
    seed: int | None = None
    journal_size: int = 20_000
    journal_bytes: int = 64 * 1024 * 1024  # kept bodies + 1 KiB an entry (simulator.journal)
    access_log: bool = True
    strict: bool = False  # flag requests that break the documented format (simulator/conformance/strict.py)
    # HTTP transport (simulator/transport.py, docs/core-api.md "Transport"); 0 turns a timeout off
    header_timeout: float = 10.0  # s from a request's first byte to the end of its headers
    body_timeout: float = 60.0  # s from the end of the headers to the end of the body
    idle_timeout: float = 75.0  # s a kept-alive connection may wait for its next request
    max_body_size: int = 32 * 1024 ** 2  # bytes; a cap over every provider's own limit

    @classmethod
    def from_env(cls, **overrides: Any) -> "Settings":
        """Settings from SIM_* variables, then ``overrides`` that are not None; a malformed
        variable raises ValueError naming it."""
        env = os.environ
        s = cls()
        if env.get("SIM_WORLD"):
            s.world = Path(env["SIM_WORLD"])
        s.host = env.get("SIM_HOST", s.host)
        s.port = _number(env, "SIM_PORT", int, s.port, 0, 65535)
        s.speed = _number(env, "SIM_SPEED", float, None, 1e-9, 1_000_000)
        s.manual_clock = env.get("SIM_MANUAL_CLOCK", "") in ("1", "true", "yes")
        s.seed = _number(env, "SIM_SEED", int, None)
        s.journal_size = _number(env, "SIM_JOURNAL_SIZE", int, s.journal_size, 1)
        if env.get("SIM_JOURNAL_BYTES"):
            try:
                s.journal_bytes = parse_byte_size(env["SIM_JOURNAL_BYTES"])
            except ValueError as exc:
                raise ValueError(f"SIM_JOURNAL_BYTES: {exc}") from None
        s.access_log = env.get("SIM_ACCESS_LOG", "1") not in ("0", "false", "no")
        s.strict = env.get("SIM_STRICT", "") in ("1", "true", "yes")
        s.header_timeout = _number(env, "SIM_HEADER_TIMEOUT", float, s.header_timeout, 0, 3600)
        s.body_timeout = _number(env, "SIM_BODY_TIMEOUT", float, s.body_timeout, 0, 3600)
        s.idle_timeout = _number(env, "SIM_IDLE_TIMEOUT", float, s.idle_timeout, 0, 86400)
        s.max_body_size = _number(env, "SIM_MAX_BODY_SIZE", int, s.max_body_size, 1, 1024 ** 3)
        for key, value in overrides.items():
            if value is not None:
                setattr(s, key, value)
        return s


_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def parse_byte_size(text: str) -> int:
    """``65536``, ``64k``, ``64M``, ``1G`` (binary units, an optional trailing ``B`` or
    ``iB``) -> bytes; at least 64 KiB, at most 64 GiB."""
    t = text.strip().lower().removesuffix("ib").removesuffix("b")
    unit = t[-1:] if t[-1:] in ("k", "m", "g") else ""
    number = t[:len(t) - len(unit)]
    if not number.isascii() or not number.isdigit():
        raise ValueError(f"not a size in bytes (e.g. 64M): {text!r}")
    value = int(number) * _UNITS[unit]
    if not 64 * 1024 <= value <= 64 * 1024 ** 3:
        raise ValueError(f"must be between 64K and 64G: {text}")
    return value


def _number(env: Any, name: str, kind: type, default: Any, low: float | None = None,
            high: float | None = None) -> Any:
    text = env.get(name)
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not {'an integer' if kind is int else 'a number'}") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name}={text} is out of range")
    return value
