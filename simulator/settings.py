"""Settings from CLI flags and SIM_* environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Settings:
    world: Path | None = None  # None: the packaged default world (simulator/world/default.yaml)
    world_data: dict | None = None  # an in-memory world (tests); wins over ``world``
    host: str = "127.0.0.1"
    port: int = 8080
    speed: float | None = None  # overrides the world's clock
    manual_clock: bool = False
    seed: int | None = None
    journal_size: int = 20_000
    access_log: bool = True
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
        s.access_log = env.get("SIM_ACCESS_LOG", "1") not in ("0", "false", "no")
        s.header_timeout = _number(env, "SIM_HEADER_TIMEOUT", float, s.header_timeout, 0, 3600)
        s.body_timeout = _number(env, "SIM_BODY_TIMEOUT", float, s.body_timeout, 0, 3600)
        s.idle_timeout = _number(env, "SIM_IDLE_TIMEOUT", float, s.idle_timeout, 0, 86400)
        s.max_body_size = _number(env, "SIM_MAX_BODY_SIZE", int, s.max_body_size, 1, 1024 ** 3)
        for key, value in overrides.items():
            if value is not None:
                setattr(s, key, value)
        return s


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
