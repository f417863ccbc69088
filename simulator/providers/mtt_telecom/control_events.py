"""The call events of call control ("Events уведомления о ходе вызова"), POSTed as JSON to
the event_URL of the client's getControlCallFollowMe answer: o, s, h always; sp, ep, t only
with "event_extended": "Y". ``date_time`` is Unix time, ``data`` carries Moscow time."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Optional

from ...delivery import Callback, RetryPolicy
from ...jsonrpc import split_userinfo

if TYPE_CHECKING:
    from .callcontrol import ControlAnswer

MSK = timezone(timedelta(hours=3))
EXTENDED_ONLY = ("sp", "ep", "t")
KIND = "call control event"


class ControlEvents:
    """A redirect.Listener that renders each step of the call as the document's event."""

    def __init__(self, provider, *, tenant: str, call_id: str, sip_id: str, number_a: str, h323_conf_id: str,
                 answer: "ControlAnswer", url_allowed):
        self.p = provider
        self.tenant, self.call_id = tenant, call_id
        self.sip_id, self.number_a, self.h323 = sip_id, number_a, h323_conf_id
        self.answer = answer
        self.url_allowed = url_allowed
        self.redirect_number: Optional[str] = None  # the last number dialled
        self.sent_h = False

    # ------------------------------------------------------------- Listener
    def premedia(self, phase: str, side: str, number: str) -> None:
        self._send(phase, number, {"type": phase, "side": side},
                   redirect_number=number if side == "B" else None)

    def originate(self, number: str) -> None:
        self.redirect_number = number
        self._send("o", number, {"type": "o"}, redirect_number=number)

    def answered(self, number: str) -> None:
        self._send("s", number, {"type": "s"}, redirect_number=number, cause=16)

    def talk(self, number: str) -> None:
        self._send("t", number, {"type": "t"}, redirect_number=number)

    def hangup(self, side: str, cause: int, extension: str) -> None:
        if self.sent_h:
            return
        self.sent_h = True
        number = self.redirect_number or self.number_a
        self._send("h", number, {"type": "h", "cause": str(cause), "side": side},
                   redirect_number=self.redirect_number, cause=cause, extension=extension)

    # ------------------------------------------------------------- internals
    def _send(self, kind: str, number: str, event: dict, *, redirect_number: Optional[str] = None,
              cause: Optional[int] = None, extension: Optional[str] = None) -> None:
        url = self.answer.event_url
        if not url or (kind in EXTENDED_ONLY and not self.answer.event_extended):
            return
        now = self.p.sim.clock.now()
        data = f"event={kind}_{number}_{datetime.fromtimestamp(now, MSK).strftime('%Y-%m-%d-%H-%M-%S')}"
        if cause is not None:
            data += f"&cause={cause}"
        body: dict[str, Any] = {"date_time": int(now), "data": data, "event": event}
        if redirect_number:
            body["redirect_number"] = redirect_number
        body.update({"h323_conf_id": self.h323, "numberA": self.number_a, "sip_id": self.sip_id})
        if self.answer.client_id is not None:
            body["client_id"] = self.answer.client_id
        if extension is not None:
            body["extension"] = extension
        target, auth = split_userinfo(url)
        if not self.url_allowed(url):
            self.p.sim.journal.add("out", KIND, self.p.slug, self.tenant, call_id=self.call_id, method="POST",
                                   url=target, attempt=1, status=None, error="refused",
                                   detail="event_URL port: only 80 and 443 are open towards the client")
            return
        self.p.sim.delivery.send(Callback(provider=self.p.slug, url=target, kind=KIND,
                                          body=json.dumps(body, ensure_ascii=False), content_type="application/json",
                                          auth=auth, tenant=self.tenant, call_id=self.call_id,
                                          policy=RetryPolicy(), meta={"event": kind}))
