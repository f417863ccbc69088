"""Engine events -> provider state: channels freed when a DN leg ends, a CDR (and the e-mails the
service sends) when a call finishes. The service has no online callbacks in API v1."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ...engine import LEG_ENDED, EventHandlers, EventType, on
from . import calllog
from .cdr import CdrRecord

if TYPE_CHECKING:
    from ...engine.bus import Event
    from .provider import MtsAutosecretaryProvider

log = logging.getLogger(__name__)

class EventAdapter(EventHandlers):
    def __init__(self, provider: "MtsAutosecretaryProvider"):
        self.provider = provider

    @on(*LEG_ENDED)
    def _leg_ended(self, event: "Event") -> None:
        try:
            call = self.provider.sim.engine.get(event.call_id)
        except KeyError:
            return
        leg = call.legs.get(event.leg_id)
        if leg is None or not leg.meta.get("aa_channel"):
            return
        leg.meta["aa_channel"] = False  # release once
        self.provider.channels.release(leg.meta["un"], leg.meta["dn"])

    @on(EventType.CALL_FINISHED)
    def _call_finished(self, event: "Event") -> None:
        provider = self.provider
        state = provider.flows.get(event.call_id)  # the core drops it after call.finished
        if state is None:
            return
        record = event.data["record"]
        if state.phase == "dialing" or state.phase == "queue" or state.phase == "greeting":
            state.log.add(calllog.HANGUP_DURING_MAKE_CALL)
        elif state.phase == "voicemail" and state.voicemail and state.log.tokens[-1] != calllog.REC_STOP:
            state.log.add(calllog.REC_STOP)
        backend = provider.backend
        cdr = CdrRecord(
            id=state.cdr_id,
            seqid=backend.take_seqid(),
            un=state.un,
            an=state.an,
            start=state.start,
            duration=int(round(record.duration)),
            talk_duration=int(round(record.talk_duration)),
            log=state.log.render(),
        )
        try:
            backend.add_cdr(cdr)
        except ValueError:
            # only a fixed CDR patched into the world with a later id and an earlier start can clash
            log.exception("CDR of call %s could not be stored", event.call_id)
            return
        if record.recording_id:
            backend.recordings[cdr.id] = record.recording_id
        un = backend.uns.get(state.un)
        journal = provider.sim.journal
        if state.voicemail and un is not None:
            journal.add("notice", "voice_email", provider.slug, state.tenant, call_id=event.call_id,
                        to=un.voice_email, un=state.un, an=state.an, cdr_id=cdr.id,
                        recording_id=record.recording_id)
        if state.recorded_dn is not None and un is not None:
            journal.add("notice", "conf_email", provider.slug, state.tenant, call_id=event.call_id,
                        to=un.conf_email, un=state.un, an=state.an, dn=state.recorded_dn, cdr_id=cdr.id,
                        recording_id=record.recording_id)
