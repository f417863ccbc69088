"""Every operation and callback of "API CRM. Базовые методы" (mts-vpbx-api-crm.txt), named as the
document and contracts/mts-vpbx/openapi.yaml write them. The routes are mounted from this list
(routes.py maps each name to its handler)."""
from __future__ import annotations

from ...catalogue import CallbackSpec, Catalogue, Operation
from . import models as m

SECTIONS = {
    "4.1": "Активация API в настройках предприятия",
    "4.2": "Активация Webhook в настройках предприятия",
    "4.3": "Проверка доступности адреса указанного для обратного вызова",
    "4.4": "Список абонентов предприятия",
    "4.5": "История вызовов",
    "4.6": "Подписка на события",
    "4.7": "Формат оповещений о событиях с портала vpbx",
    "4.8": "Методы работы с вызовами",
    "4.9": "Методы для работы с записями разговоров",
    "4.10": "Метод получения списка групп и департаментов",
    "4.11": "Методы для работы с \"Найди меня\"",
    "4.12": "Методы для работы с расписаниями",
}

RULE_IN = {"parallel": m.ParallelRuleIn, "sequential": m.SequentialRuleIn, "redirect": m.RedirectRuleIn}
RULE_OUT = {"parallel": m.ParallelRule, "sequential": m.SequentialRule, "redirect": m.RedirectRule}


def rest(method: str, path: str, section: str, request=None, response=None, summary: str = "") -> Operation:
    return Operation(name=f"{method} {path}", section=section, transport="rest", method=method, path=path,
                     request=request, response=response, host="vpbx.mts.ru", summary=summary)


def _findme() -> list[Operation]:
    out = [rest("GET", "/api/findMe/{userId}", "4.11.1", response=m.FindMe)]
    for kind in ("parallel", "sequential", "redirect"):
        out += [rest("POST", f"/api/findMe/{{userId}}/{kind}", "4.11.2", RULE_IN[kind], RULE_OUT[kind]),
                rest("PUT", f"/api/findMe/{{userId}}/{kind}/{{id}}", "4.11.3", RULE_IN[kind], RULE_OUT[kind]),
                rest("DELETE", f"/api/findMe/{{userId}}/{kind}/{{id}}", "4.11.4")]
    return out


OPERATIONS = (
    rest("POST", "/api/service/apicrm", "4.1", m.ServiceActivation),
    rest("POST", "/api/service/webhook", "4.2", m.ServiceActivation),
    rest("GET", "/api/abonents", "4.4", response=list[m.Abonent]),
    rest("GET", "/api/groups", "4.10", response=list[m.Group]),
    rest("GET", "/api/v1/callHistory/enterprise", "4.5", m.CallHistoryQuery, m.CallHistoryPage),
    rest("GET", "/api/v1/callHistory/user/{userId}", "4.5", m.CallHistoryQuery, m.CallHistoryPage),
    rest("GET", "/api/v1/callHistory/group/{groupId}", "4.5", m.CallHistoryQuery, m.CallHistoryPage),
    rest("GET", "/api/callHistory", "4.5", response=list[m.CallHistoryRecord],
         summary="not in the document: the older form with a JSON body that real clients send (wire-facts.md)"),
    rest("POST", "/api/subscription", "4.6.1", m.SubscriptionRequest, m.Subscription),
    rest("GET", "/api/subscription", "4.6.2", m.SubscriptionRequest, m.Subscription),
    rest("PUT", "/api/subscription", "4.6.3", m.SubscriptionRequest, m.Subscription),
    rest("DELETE", "/api/subscription", "4.6.4", m.SubscriptionRequest),
    rest("GET", "/api/user/{id}/calls", "4.8.1", response=list[m.CallSummary]),
    rest("POST", "/api/user/{id}/calls", "4.8.2"),
    rest("POST", "/api/user/{id}/calls/CallReturn", "4.8.7", response=m.CallSummary),
    rest("POST", "/api/user/{id}/calls/LastNumberRedial", "4.8.8", response=m.CallSummary),
    rest("GET", "/api/user/{id}/calls/{callId}", "4.8.3", response=m.CallDetails),
    rest("DELETE", "/api/user/{id}/calls/{callId}", "4.8.4"),
    rest("PUT", "/api/user/{id}/calls/{callId}/BlindTransfer", "4.8.5"),
    rest("PUT", "/api/user/{id}/calls/{callId}/ConsultTransfer/{callId2}", "4.8.6"),
    rest("GET", "/api/callRecording/mp3/{extTrackingId}", "4.9", summary="audio/mpeg"),
    rest("GET", "/api/callRecording/{extTrackingId}", "4.9", summary="audio/wav"),
    *_findme(),
    rest("GET", "/api/schedules/abonent/{abonentId}", "4.12.1", response=list[m.Schedule]),
    rest("POST", "/api/schedules/group/{groupId}", "4.12.2", m.ScheduleIn, m.Schedule),
    rest("POST", "/api/schedules/abonent/{abonentId}", "4.12.3", m.ScheduleIn, m.Schedule),
    rest("PUT", "/api/schedules/group/{groupId}", "4.12.4", m.ScheduleIn, m.Schedule),
    rest("PUT", "/api/schedules/abonent/{abonentId}", "4.12.5", m.ScheduleIn, m.Schedule),
    rest("DELETE", "/api/schedules/group/{groupId}", "4.12.6"),
    rest("DELETE", "/api/schedules/abonent/{abonentId}", "4.12.7"),
)

#: call events of 4.7 (eventType), sent to the API CRM callbackUrl of a subscribed abonent and to the
#: Webhook callbackUrl; the journal entry's ``service`` says which mechanism carried it
EVENT_TYPES = ("CALL_ORIGINATED", "CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED")
TARGET = "API CRM / Webhook callbackUrl (X-AUTH-TOKEN: clientApiKey)"

CALLBACKS = (
    CallbackSpec("CHECK_ALIVE", "4.3", "rest", TARGET, body=m.Event,
                 summary="probe of the callback address; three failed attempts switch the service off"),
    CallbackSpec("SUBSCRIPTION_TERMINATION", "4.6", "rest", "API CRM callbackUrl", body=m.Event,
                 summary="a subscription expired"),
    *(CallbackSpec(name, "4.7", "rest", TARGET, body=m.Event) for name in EVENT_TYPES),
    CallbackSpec("admin-email", "4.3", "email", "the enterprise administrator's e-mail (adminEmail)",
                 direction="notice", summary="Е-mail уведомление для администратора предприятия"),
    CallbackSpec("admin-sms", "4.3", "sms", "the enterprise administrator's phone (adminPhone)",
                 direction="notice", summary="SMS уведомление для администратора предприятия"),
    CallbackSpec("service-disabled", "3", "email", "the portal's own log", direction="notice",
                 summary="a mechanism switched off after the section 3 limit of delivery errors"),
)

CATALOGUE = Catalogue(provider="mts-vpbx", document="mts-vpbx-api-crm.txt", operations=OPERATIONS,
                      callbacks=CALLBACKS, sections=SECTIONS)
