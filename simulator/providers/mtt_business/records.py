"""Record files (§10.1.3): named ``9B58D12A_EC9D5E37_56485D37_0EE913E5.mp3`` under
``/records/<centrexId>/<yyyy>/<mm>/<dd>/``, kept ``record_retention_days`` of simulated time."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from simulator.engine import audio
from simulator.world import rng_for

from .directory import Directory
from .timefmt import MSK, msk

if TYPE_CHECKING:
    from .provider import MttBusinessProvider


@dataclass
class RecordFile:
    centrex_id: str
    date: dt.date
    name: str                 # without .mp3
    duration: float
    created_at: float         # simulated time the file was made (retention counts from here)
    account_id: str
    call_id: str
    recording_id: Optional[str] = None   # the engine's recording, for a call made in this run

    @property
    def path(self) -> str:
        return f"{self.centrex_id}/{self.date:%Y/%m/%d}/{self.name}.mp3"

    def view(self) -> dict:
        return {"path": self.path, "date": self.date.isoformat(), "duration": self.duration,
                "accountId": self.account_id, "callId": self.call_id}


class Records:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider
        self.by_path: dict[str, RecordFile] = {}
        self.rng = random.Random(0)
        self._made = 0

    def reset(self, directory: Directory, seed: int, start: float) -> None:
        self.by_path = {}
        self.rng = random.Random(f"mtt-business-records-{seed}")
        for cid, pbx in directory.pbx.items():
            for name, cfg in pbx.cfg.records.items():
                # a record of the world file counts as made when the simulated time starts
                self._add(RecordFile(cid, cfg.date, name, cfg.duration, start, cfg.account_id, cfg.call_id))
            self._history(cid, pbx, seed, start)

    def _history(self, cid: str, pbx, seed: int, start: float) -> None:
        """Records of the calls before start (the world's ``history``): same seed, same files."""
        recorded = [w for w, wp in pbx.cfg.workplaces.items() if wp.record]
        if not recorded:
            return
        rng = rng_for(seed, "mtt-business", cid)
        day0 = msk(start).replace(hour=0, minute=0, second=0, microsecond=0)
        for back in range(pbx.cfg.history.days, 0, -1):
            day = day0 - dt.timedelta(days=back)
            for _ in range(pbx.cfg.history.calls_per_day):
                at = day + dt.timedelta(seconds=rng.randrange(9 * 3600, 19 * 3600))
                wid = rng.choice(recorded)
                call_id = f"SD{rng.randrange(16 ** 6):06x}01-{rng.randrange(16 ** 32):032x}100@127.0.0.1"
                name = "_".join(f"{rng.randrange(16 ** 8):08X}" for _ in range(4))
                self._add(RecordFile(cid, at.date(), name, float(rng.randrange(15, 600)), at.timestamp(),
                                     wid, call_id))

    def _add(self, rec: RecordFile) -> RecordFile:
        self.by_path[rec.path] = rec
        return rec

    def add_call(self, cid: str, started_at: float, duration: float, account_id: str, call_id: str,
                 recording_id: Optional[str]) -> RecordFile:
        name = "_".join(f"{self.rng.randrange(16 ** 8):08X}" for _ in range(4))
        self._made += 1
        if self._made % 1024 == 0:
            self.purge()
        return self._add(RecordFile(cid, msk(started_at).date(), name, duration, self.p.sim.clock.now(),
                                    account_id, call_id, recording_id))

    def purge(self) -> None:
        """Drop files past their retention: a long-running simulator keeps 90 days, not all."""
        keep = self.p.directory.settings.record_retention_days * 86400
        now = self.p.sim.clock.now()
        self.by_path = {k: r for k, r in self.by_path.items() if now - r.created_at <= keep}

    def url(self, rec: RecordFile) -> str:
        return f"{self.p.directory.settings.records_base_url.rstrip('/')}/{rec.path}"

    def get(self, path: str) -> Optional[RecordFile]:
        rec = self.by_path.get(path)
        if rec is None:
            return None
        keep = self.p.directory.settings.record_retention_days * 86400
        if self.p.sim.clock.now() - rec.created_at > keep:
            return None
        return rec

    async def mp3(self, rec: RecordFile) -> bytes:
        if rec.recording_id is not None:
            made = self.p.sim.engine.recordings.get(rec.recording_id)
            if made is not None:
                return await made.render("mp3")
        return await audio.render(rec.duration, "mp3")

    def __len__(self) -> int:
        return len(self.by_path)


__all__ = ["Records", "RecordFile", "MSK"]
