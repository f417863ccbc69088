"""Builds ../openapi.yaml: the paths as the document writes them, the schemas from the provider's
pydantic models (which mirror the document's entities). Run: .venv/bin/python contracts/mts-vpbx/tools/build_openapi.py

Fields whose document examples are swagger placeholders ("string") but whose values the document
lists (call state, callDirection) are plain strings with the values in ``x-values``; contract
tests check simulator output against those values too.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))


from simulator.providers.mts_vpbx import models as m  # noqa: E402

OUT = ROOT / "contracts" / "mts-vpbx" / "openapi.yaml"
REF = "#/components/schemas/"

OUTPUT_MODELS = [m.Abonent, m.Group, m.CallHistoryRecord, m.CallHistoryPage, m.Subscription, m.Event, m.EventPayload,
                 m.CallSummary, m.CallDetails, m.RuleNumber, m.SequentialRuleNumber, m.ParallelRule, m.SequentialRule,
                 m.RedirectRule, m.FindMe, m.Schedule, m.ErrorBody]
INPUT_MODELS = {"ServiceActivation": m.ServiceActivation, "SubscriptionRequest": m.SubscriptionRequest,
                "ParallelRuleIn": m.ParallelRuleIn, "SequentialRuleIn": m.SequentialRuleIn,
                "RedirectRuleIn": m.RedirectRuleIn, "ScheduleIn": m.ScheduleIn}
PLACEHOLDER_ENUMS = {("EventPayload", "state"), ("EventPayload", "callDirection"), ("CallDetails", "state"),
                     ("CallDetails", "callDirection")}


def collect() -> dict:
    schemas: dict = {}
    for model in OUTPUT_MODELS:
        s = model.model_json_schema(mode="serialization", ref_template=REF + "{model}")
        schemas.update(s.pop("$defs", {}))
        schemas[model.__name__] = s
    for name, model in INPUT_MODELS.items():
        s = model.model_json_schema(mode="validation", ref_template=REF + "{model}")
        for dname, d in s.pop("$defs", {}).items():
            schemas.setdefault(dname, d)
        s["title"] = name
        schemas[name] = s
    for (model, field) in PLACEHOLDER_ENUMS:
        prop = schemas[model]["properties"][field]
        values = prop.pop("enum", None)
        if values is None and "$ref" in prop:
            values = schemas[prop.pop("$ref")[len(REF):]]["enum"]
        prop.update({"type": "string", "x-values": values})
    # the redirect rule's request example writes "schedudyId"
    schemas["RedirectRuleIn"]["properties"]["schedudyId"] = {"anyOf": [{"type": "integer"}, {"type": "null"}],
                                                             "description": "the document's spelling in 4.11.2"}
    # request examples send "" for unset numbers (4.11.2): accepted as null
    blank = {"type": "string", "pattern": "^\\s*[0-9]*\\s*$"}
    for model, field in (("RedirectRuleIn", "ifNoAnswerTimeout"), ("RedirectRuleIn", "scheduleId"),
                         ("RedirectRuleIn", "schedudyId"), ("ParallelRuleIn", "scheduleId"),
                         ("SequentialRuleIn", "scheduleId"), ("SequentialRuleNumberIn", "timeout")):
        prop = schemas[model]["properties"].get(field)
        if prop is not None:
            prop["anyOf"] = [*prop.pop("anyOf", [{k: prop.pop(k) for k in list(prop) if k in ("type", "minimum", "maximum")}]), blank]
    # 4.1/4.2: callbackUrl is "обязательный параметр" in both; clientApiKey is required for API CRM
    # (4.1) only. Numbers are accepted as the key's text, as the portal's JSON binding does.
    activation = schemas["ServiceActivation"]
    activation["properties"]["callbackUrl"] = {"type": "string", "pattern": "^https?://\\S+$", "maxLength": 2048,
                                               "title": "Callbackurl"}
    activation["required"] = ["callbackUrl"]
    crm = copy.deepcopy(activation)
    crm["title"] = "ServiceActivationApiCrm"
    crm["properties"]["clientApiKey"] = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}],
                                         "title": "Clientapikey"}
    crm["required"] = ["callbackUrl", "clientApiKey"]
    schemas["ServiceActivationApiCrm"] = crm
    # 4.12.4/4.12.5: an update names its schedule by recordId in the body (a recordId query
    # parameter is accepted too, see docs/decisions.md); POST ignores recordId
    update = copy.deepcopy(schemas["ScheduleIn"])
    update["title"] = "ScheduleUpdate"
    update["properties"]["recordId"] = {"type": "integer", "title": "Recordid"}
    update["required"] = ["recordId", "name"]
    schemas["ScheduleUpdate"] = update
    # the value forms the server reads (validators.py): times HH:MM or HH-MM, dates dd-mm-yyyy
    # (dd.mm.yyyy, dd/mm/yyyy and yyyy-mm-dd accepted)
    time_form = {"type": "string", "pattern": "^\\s*([0-9]{1,2}[:.-][0-9]{2})?\\s*$"}
    date_form = {"type": "string",
                 "pattern": "^\\s*([0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})\\s*$"}
    for model in ("WorkDaysRule", "ExcludedDayRule"):
        for field in ("startTime", "endTime"):
            schemas[model]["properties"][field] = {"anyOf": [time_form, {"type": "null"}], "default": None,
                                                   "title": field[0].upper() + field[1:].lower()}
    for model in ("HolidayRule", "ExcludedDayRule"):
        schemas[model]["properties"]["startDate"] = {**date_form, "title": "Startdate"}
    # the document's first findMe example shows only parallelRules; all three lists are always sent
    schemas["FindMe"].pop("required", None)
    schemas["Abonent"]["description"] = "4.4 — note the field is `lastname` (the description says lastName)"
    return schemas


def ref(name: str) -> dict:
    return {"$ref": REF + name}


def arr(name: str) -> dict:
    return {"type": "array", "items": ref(name)}


def js(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERR = {"description": "error (Spring Boot error attributes)", "content": {"application/json": {"schema": ref("ErrorBody")}}}
AUTH_ERRORS = {"401": ERR}


def op(summary: str, responses: dict, *, params=None, body=None, section: str, errors=("400", "404")) -> dict:
    out = {"summary": summary, "x-section": section, "responses": {**responses, **{e: ERR for e in errors},
                                                                  **AUTH_ERRORS}}
    if params:
        out["parameters"] = params
    if body:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return out


def path_param(name: str, typ: str = "integer") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": typ}}


def query(name: str, schema: dict, desc: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": desc}


# Spring binds an empty enum parameter as null (no filter) and its pageable binding reads a
# negative page as 0 and a size below 1 as the default 20 (above the maximum: the maximum)
HISTORY_PARAMS = [
    query("direction", {"type": "string", "enum": ["ORIGINATING", "TERMINATING", ""]}, "empty: no filter"),
    query("status", {"type": "string", "enum": ["PLACED", "MISSED", ""]}, "empty: no filter"),
    query("calledNumber", {"type": "string"}), query("callingNumber", {"type": "string"}),
    query("dateFrom", {"type": "integer"}, "Unix time, ms (seconds accepted)"),
    query("dateTo", {"type": "integer"}, "Unix time, ms (seconds accepted)"),
    query("page", {"type": "integer"}, "0-based; negative: 0"),
    query("size", {"type": "integer"}, "below 1: 20; above the maximum page size: the maximum"),
]
EMPTY_OK = {"200": {"description": "OK (empty body)"}}


def paths() -> dict:
    p: dict = {}
    p["/api/service/apicrm"] = {"post": op("Activate API CRM, reset delivery errors", EMPTY_OK,
                                           body=ref("ServiceActivationApiCrm"), section="4.1", errors=("400",))}
    p["/api/service/webhook"] = {"post": op("Activate Webhook, reset delivery errors", EMPTY_OK,
                                            body=ref("ServiceActivation"), section="4.2", errors=("400",))}
    p["/api/abonents"] = {"get": op("Abonents of the enterprise", {"200": js(arr("Abonent"))}, section="4.4",
                                    params=[query("phoneNumber", {"type": "string"}),
                                            query("extension", {"type": "string"})], errors=())}
    for scope, param in (("user/{userId}", "userId"), ("group/{groupId}", "groupId"), ("enterprise", None)):
        params = ([path_param(param)] if param else []) + HISTORY_PARAMS
        p[f"/api/v1/callHistory/{scope}"] = {"get": op("Call history", {"200": js(ref("CallHistoryPage"))},
                                                       params=params, section="4.5")}
    p["/api/callHistory"] = {"get": {**op("Older history method with a JSON body (not in the document)",
                                          {"200": js(arr("CallHistoryRecord"))}, section="wire-facts 5"),
                                     "x-not-in-document": True}}
    sub_ops = {}
    for method, summary, section, resp in (
            ("post", "Subscribe to an abonent's call events", "4.6.1", {"200": js(ref("Subscription"))}),
            ("get", "Seconds left of a subscription (JSON body on GET)", "4.6.2", {"200": js(ref("Subscription"))}),
            ("put", "Renew a subscription for a full hour", "4.6.3", {"200": js(ref("Subscription"))}),
            ("delete", "Stop a subscription", "4.6.4", EMPTY_OK)):
        sub_ops[method] = op(summary, resp, body=ref("SubscriptionRequest"), section=section)
    p["/api/subscription"] = sub_ops
    uid = path_param("id")
    cid = path_param("callId", "string")
    address = {"name": "address", "in": "query", "required": True, "schema": {"type": "string"},
               "description": "tel:+79101234567, +79101234567, 8800200500 or an extension"}
    p["/api/user/{id}/calls"] = {
        "get": op("Active calls of the abonent", {"200": js(arr("CallSummary"))}, params=[uid], section="4.8.1"),
        "post": op("Click-to-dial", {"201": {"description": "Created (empty body)"}}, params=[uid, address],
                   section="4.8.2")}
    p["/api/user/{id}/calls/{callId}"] = {
        "get": op("Call details", {"200": js(ref("CallDetails"))}, params=[uid, cid], section="4.8.3"),
        "delete": op("Hang up", EMPTY_OK, params=[uid, cid], section="4.8.4")}
    p["/api/user/{id}/calls/{callId}/BlindTransfer"] = {
        "put": op("Blind transfer (Alerting, Held, Remote Held, Active)", EMPTY_OK,
                  params=[uid, cid, {**address, "description": "8+10 digits or any form of 4.8.2"}], section="4.8.5")}
    p["/api/user/{id}/calls/{callId}/ConsultTransfer/{callId2}"] = {
        "put": op("Consult transfer: join two calls", EMPTY_OK, params=[uid, cid, path_param("callId2", "string")],
                  section="4.8.6")}
    p["/api/user/{id}/calls/CallReturn"] = {
        "post": op("Call back the last received or missed call", {"200": js(ref("CallSummary"))}, params=[uid],
                   section="4.8.7")}
    p["/api/user/{id}/calls/LastNumberRedial"] = {
        "post": op("Redial the last dialled number", {"200": js(ref("CallSummary"))}, params=[uid],
                   section="4.8.8")}
    ext = path_param("extTrackingId", "string")
    p["/api/callRecording/{extTrackingId}"] = {"get": op(
        "Recording in the stored format (WAV)",
        {"200": {"description": "the file", "content": {"audio/wav": {"schema": {"type": "string",
                                                                                 "contentMediaType": "audio/wav"}}}},
         "429": ERR, "503": ERR}, params=[ext], section="4.9", errors=("404",))}
    p["/api/callRecording/mp3/{extTrackingId}"] = {"get": op(
        "Recording as MP3",
        {"200": {"description": "the file", "content": {"audio/mpeg": {"schema": {"type": "string",
                                                                                  "contentMediaType": "audio/mpeg"}}}},
         "429": ERR, "503": ERR}, params=[ext], section="4.9", errors=("404",))}
    p["/api/groups"] = {"get": op("Groups and departments", {"200": js(arr("Group"))}, section="4.10", errors=())}
    user = path_param("userId")
    p["/api/findMe/{userId}"] = {"get": op("Find-me rules", {"200": js(ref("FindMe"))}, params=[user],
                                           section="4.11.1")}
    for kind, inp, outp in (("parallel", "ParallelRuleIn", "ParallelRule"),
                            ("sequential", "SequentialRuleIn", "SequentialRule"),
                            ("redirect", "RedirectRuleIn", "RedirectRule")):
        p[f"/api/findMe/{{userId}}/{kind}"] = {"post": op(f"Add a {kind} rule (ids assigned by the server)",
                                                          {"200": js(ref(outp))}, params=[user], body=ref(inp),
                                                          section="4.11.2")}
        p[f"/api/findMe/{{userId}}/{kind}/{{id}}"] = {
            "put": op(f"Update a {kind} rule", {"200": js(ref(outp))}, params=[user, path_param("id")],
                      body=ref(inp), section="4.11.3"),
            "delete": op(f"Delete a {kind} rule", EMPTY_OK, params=[user, path_param("id")], section="4.11.4")}
    record = query("recordId", {"type": "integer"}, "which schedule (or recordId in a JSON body)")
    p["/api/schedules/abonent/{abonentId}"] = {
        "get": op("Schedules available to the abonent (own and its groups')", {"200": js(arr("Schedule"))},
                  params=[path_param("abonentId")], section="4.12.1"),
        "post": op("Add a personal schedule", {"200": js(ref("Schedule"))}, params=[path_param("abonentId")],
                   body=ref("ScheduleIn"), section="4.12.3"),
        "put": op("Update a personal schedule (recordId in the body)", {"200": js(ref("Schedule"))},
                  params=[path_param("abonentId")], body=ref("ScheduleUpdate"), section="4.12.5"),
        "delete": op("Delete a personal schedule", EMPTY_OK, params=[path_param("abonentId"), record],
                     section="4.12.7")}
    p["/api/schedules/group/{groupId}"] = {
        "post": op("Add a group schedule", {"200": js(ref("Schedule"))}, params=[path_param("groupId")],
                   body=ref("ScheduleIn"), section="4.12.2"),
        "put": op("Update a group schedule (recordId in the body)", {"200": js(ref("Schedule"))},
                  params=[path_param("groupId")], body=ref("ScheduleUpdate"), section="4.12.4"),
        "delete": op("Delete a group schedule (notBeRemoved ones refuse)", EMPTY_OK,
                     params=[path_param("groupId"), record], section="4.12.6")}
    return p


def webhooks() -> dict:
    hooks = {}
    for name, desc, payload in (
            ("CHECK_ALIVE", "4.3 — reachability probe; only HTTP 404 is a failure in the transition period", False),
            ("CALL_ORIGINATED", "the abonent placed a call (Alerting)", True),
            ("CALL_RECEIVED", "the abonent receives a call (Alerting)", True),
            ("CALL_ANSWERED", "the call was answered (Active)", True),
            ("CALL_RELEASED", "the call ended (Released; Detached after a transfer)", True),
            ("SUBSCRIPTION_TERMINATION", "the subscription expired; no payload", False)):
        schema = copy.deepcopy(ref("Event"))
        body = {"allOf": [schema, {"type": "object", "properties": {"eventType": {"const": name}},
                                   **({"required": ["payload"]} if payload else {})}]}
        hooks[name] = {"post": {
            "summary": desc, "x-section": "4.7" if name not in ("CHECK_ALIVE",) else "4.3",
            "parameters": [{"name": "X-AUTH-TOKEN", "in": "header", "required": False, "schema": {"type": "string"},
                            "description": "the client's callback key (clientApiKey) when one is set"}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "received; retries (5, 10, 15 ... s, then geometric) on failure"}}}}
    return hooks


def build() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "MTS virtual PBX — API CRM (simulated)", "version": "1.0",
                 "description": "From mts-vpbx-api-crm.txt. Every request carries X-AUTH-TOKEN (header; the "
                                "query parameter of the same name is accepted too)."},
        "servers": [{"url": "https://vpbx.mts.ru"}],
        "security": [{"token": []}],
        "paths": paths(),
        "webhooks": webhooks(),
        "components": {"schemas": collect(),
                       "securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "X-AUTH-TOKEN"}}},
    }


class NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


if __name__ == "__main__":
    OUT.write_text("# Generated by tools/build_openapi.py from the provider's models; edit those, then rebuild.\n"
                   + yaml.dump(build(), Dumper=NoAliases, allow_unicode=True, sort_keys=False, width=110),
                   encoding="utf-8")
    print(OUT)
