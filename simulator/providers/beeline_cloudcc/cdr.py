"""A finished call as a row of the statistics file (4.13, 4.14)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .backend import CallRecord

if TYPE_CHECKING:
    from .flows import CallContext


def cdr_row(ctx: "CallContext", record, sys_id: str) -> CallRecord:
    """The statistics file's row (downloads.CDR_COLUMNS) of a finished call."""
    by_side = {leg.meta.get("side"): leg for leg in record.legs}
    side0, side1 = by_side.get(0), by_side.get(1)
    inbound = record.direction == "inbound"
    a_leg, b_leg = (side1, side0) if inbound else (side0, side1)
    if inbound:
        anumber, target = record.from_, side0.number if side0 else ""
    else:
        anumber, target = (side0.number if side0 else record.from_), (side1.number if side1 else "")
    talk = round(record.ended_at - record.answered_at) if record.answered_at is not None else 0
    recorded = record.recording_id is not None
    return CallRecord(
        call_id=ctx.script_id,
        direction="IN" if inbound else "OUT",
        bnumber=ctx.bnumber,
        anumber=anumber,
        target=target,
        dt_begin=record.started_at,
        dt_end=record.ended_at,
        duration=round(record.ended_at - record.started_at),
        talk_duration=talk,
        a_release=int(a_leg.cause) if a_leg and a_leg.cause is not None else int(record.cause or 16),
        b_release=int(b_leg.cause) if b_leg and b_leg.cause is not None else 0,
        record_file=f"{sys_id}_{ctx.script_id}.wav" if recorded else None,
        recording_id=record.recording_id,
    )
