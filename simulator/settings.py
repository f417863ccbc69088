"""Settings from CLI flags and SIM_* environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Settings:
    world: Path | None = None  # None: scenarios/worlds/default.yaml
    world_data: dict | None = None  # an in-memory world (tests); wins over ``world``
    host: str = "127.0.0.1"
    port: int = 8080
    speed: float | None = None  # overrides the world's clock
    manual_clock: bool = False
    seed: int | None = None
    journal_size: int = 20_000
    access_log: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> "Settings":
        env = os.environ
        s = cls()
        if env.get("SIM_WORLD"):
            s.world = Path(env["SIM_WORLD"])
        s.host = env.get("SIM_HOST", s.host)
        s.port = int(env.get("SIM_PORT", s.port))
        if env.get("SIM_SPEED"):
            s.speed = float(env["SIM_SPEED"])
        s.manual_clock = env.get("SIM_MANUAL_CLOCK", "") in ("1", "true", "yes")
        if env.get("SIM_SEED"):
            s.seed = int(env["SIM_SEED"])
        if env.get("SIM_JOURNAL_SIZE"):
            s.journal_size = int(env["SIM_JOURNAL_SIZE"])
        s.access_log = env.get("SIM_ACCESS_LOG", "1") not in ("0", "false", "no")
        for key, value in overrides.items():
            if value is not None:
                setattr(s, key, value)
        return s
