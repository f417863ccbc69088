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
    strict: bool = False  # flag requests that break the documented format (simulator/conformance/strict.py)

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
        s.strict = env.get("SIM_STRICT", "") in ("1", "true", "yes")
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
