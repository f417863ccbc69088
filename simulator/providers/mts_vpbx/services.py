"""API CRM and Webhook mechanisms (4.1-4.3): activation, the delivery-error counter of section 3,
the CHECK_ALIVE rule and the administrator's notices when a mechanism is switched off."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Optional

from . import errors as E
from .errors import VpbxError
from .validators import is_callback_url
from .world import EnterpriseConfig

ServiceKind = Literal["apicrm", "webhook"]
SERVICE_KINDS: tuple[ServiceKind, ...] = ("apicrm", "webhook")

ERROR_LIMIT = 2000              # section 3: delivery errors after which a mechanism switches off
CHECK_ALIVE_INTERVAL = 300.0    # 4.3: 5 minutes between the attempts of one check
CHECK_ALIVE_MAX_FAILURES = 3    # 4.3: failed attempts that switch the service off

EMAIL_NOTICE = (
    "Здравствуйте!\n\nВ соответствии с настройками в Личном кабинете Виртуальной АТС ({enterprise}) была "
    "предпринята попытка доступа на URL, указанный в разделе Методы API или Web hooks. Запросы на указанный URL "
    "возвращены с ошибкой, предпринято 3 попыток. Сервис API CRM или Webhook, где указан данный URL, отключен. "
    "Вы можете включить сервис на портале или через API."
)
SMS_NOTICE = "ВАТС: после 3 неудачных попыток доступа на URL, указанный при настройке API/Web hooks, сервис отключен."


def check_alive_failed(status: int | None, mode: str) -> bool:
    """Whether a CHECK_ALIVE answer counts as a failed attempt (4.3).

    mode "transition" (the document's rule in force): of the HTTP answers only 404 fails;
    mode "strict": anything but 200 fails. No HTTP answer at all (``status`` None: refused,
    dropped, timed out) fails in both modes: the address is not reachable, which is what the
    check is for; the transition rule spares clients that answer the unfamiliar event badly.
    """
    if status is None:
        return True
    if mode == "strict":
        return status != 200
    return status == 404


@dataclass
class ServiceState:
    kind: ServiceKind
    active: bool = False
    callbackUrl: Optional[str] = None
    clientApiKey: Optional[str] = None
    errorCount: int = 0
    checkAliveFailures: int = 0
    disabledReason: Optional[str] = None
    generation: int = 0   # bumps on every (re)activation; timers of an older generation are stale

    def view(self) -> dict:
        return {"active": self.active, "callbackUrl": self.callbackUrl, "clientApiKey": self.clientApiKey,
                "errorCount": self.errorCount, "checkAliveFailures": self.checkAliveFailures,
                "disabledReason": self.disabledReason}



class Services:
    """Mixin of :class:`~.backend.Enterprise`: its two event mechanisms."""

    cfg: EnterpriseConfig

    def _init_services(self, cfg: EnterpriseConfig) -> None:
        self.services: dict[str, ServiceState] = {
            "apicrm": ServiceState("apicrm", **cfg.apicrm.model_dump()),
            "webhook": ServiceState("webhook", **cfg.webhook.model_dump()),
        }
        self.notices: list[dict] = []

    def activate(self, kind: ServiceKind, callback_url: Any, client_api_key: Any) -> ServiceState:
        if callback_url is None or (isinstance(callback_url, str) and not callback_url.strip()):
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="callbackUrl"))
        if not is_callback_url(callback_url):
            raise VpbxError(400, E.BAD_URL)
        if client_api_key is not None and not isinstance(client_api_key, str):
            client_api_key = str(client_api_key)
        if kind == "apicrm" and (client_api_key is None or client_api_key == ""):
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="clientApiKey"))
        svc = self.services[kind]
        svc.active = True
        svc.callbackUrl = callback_url
        svc.clientApiKey = client_api_key or None
        svc.errorCount = 0
        svc.checkAliveFailures = 0
        svc.disabledReason = None
        svc.generation += 1
        return svc

    def delivery_failed(self, kind: ServiceKind) -> bool:
        """Counts one delivery error; returns True when the mechanism has just been switched off."""
        svc = self.services[kind]
        svc.errorCount += 1
        if svc.active and svc.errorCount >= ERROR_LIMIT:
            svc.active = False
            svc.disabledReason = f"{ERROR_LIMIT} delivery errors"
            svc.generation += 1
            return True
        return False

    def check_alive_result(self, kind: ServiceKind, failed: bool, now: float) -> bool:
        """Records a CHECK_ALIVE outcome; returns True when the service has just been switched off."""
        svc = self.services[kind]
        if not failed:
            svc.checkAliveFailures = 0
            return False
        svc.checkAliveFailures += 1
        if svc.active and svc.checkAliveFailures >= CHECK_ALIVE_MAX_FAILURES:
            svc.active = False
            svc.disabledReason = f"CHECK_ALIVE failed {CHECK_ALIVE_MAX_FAILURES} times"
            svc.generation += 1
            enterprise = self.cfg.bwksId  # "(номер предприятия)" of the template
            self.notices.append({"kind": "email", "to": self.cfg.adminEmail, "service": kind, "time": now,
                                 "text": EMAIL_NOTICE.format(enterprise=enterprise)})
            self.notices.append({"kind": "sms", "to": self.cfg.adminPhone, "service": kind, "time": now,
                                 "text": SMS_NOTICE})
            return True
        return False
