"""What SPN sends the client's CS URL: AgentRequest (2.4), a routing question answered by an AgentInfo,
and callStatus (2.3) on every state change, retried three times 5 s apart."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from simulator.delivery import Callback, FixedRetry

from . import xmlmsg
from .models import AgentInfo, AgentRequest
from .numbers import canonical

if TYPE_CHECKING:
    from simulator.engine.calls import Call

    from .flows import CallContext
    from .provider import BeelineCloudccProvider

SLUG = "beeline-cloudcc"
XML_CT = "text/xml; charset=utf-8"


class Notifier:
    def __init__(self, provider: "BeelineCloudccProvider") -> None:
        self.p = provider

    @property
    def engine(self):
        return self.p.sim.engine

    async def ask_agent(self, call: "Call", ctx: CallContext, caller: str, called: str) -> Optional[AgentInfo]:
        tenant = ctx.tenant
        if not tenant.client_url:
            return None
        backend = self.p.backend
        body = xmlmsg.render(AgentRequest(ScriptID=ctx.script_id, HostID=backend.host_id, SysID=backend.sys_id,
                                          A1=caller, B1=tenant.display(canonical(called)), AddPar=""))
        result = await self.p.sim.delivery.request(Callback(
            provider=SLUG, url=tenant.client_url, kind="AgentRequest", body=body, content_type=XML_CT,
            tenant=tenant.tenant_id, call_id=call.id, timeout=tenant.limits.agent_answer_timeout))
        if not result.ok:
            return None
        try:
            info = xmlmsg.parse(result.body, {"AgentInfo": AgentInfo})
        except xmlmsg.XmlError:
            return None  # wire-facts 1.1: an unusable answer rejects the call
        return info if isinstance(info, AgentInfo) else None


    def send_status(self, call: "Call", ctx: CallContext, status) -> None:
        tenant = ctx.tenant
        if not tenant.client_url:
            return
        self.p.sim.delivery.send(Callback(
            provider=SLUG, url=tenant.client_url, kind="callStatus", body=xmlmsg.render(status),
            content_type=XML_CT, tenant=tenant.tenant_id, call_id=call.id,
            policy=FixedRetry(max_attempts=3, delay=5.0)))
