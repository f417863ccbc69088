import json, os, yaml
base = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
os.makedirs(base, exist_ok=True)
TOKEN = "215ef687-e898-419d-810c-2864efc0b1d0"
index = []

def js(name, obj, section, kind, method, path, status=None, note=None, query=None, headers=None):
    fn = f"{name}.json"
    with open(os.path.join(base, fn), "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    e = {"file": fn, "section": section, "kind": kind, "method": method, "path": path}
    if status is not None: e["status"] = status
    if query: e["query"] = query
    if headers: e["headers"] = headers
    if note: e["note"] = note
    index.append(e)

def raw(name, ext, text, section, kind, method, path, status=None, note=None, query=None, headers=None, content_type=None):
    fn = f"{name}.{ext}"
    if ext == "http":
        from urllib.parse import urlencode
        target = path + ("?" + urlencode(query, safe=":+") if query else "")
        lines = [f"{method} {target} HTTP/1.1", "Host: vpbx.mts.ru"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
        text = "\r\n".join(lines) + "\r\n\r\n"
    with open(os.path.join(base, fn), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    e = {"file": fn, "section": section, "kind": kind, "method": method, "path": path}
    if status is not None: e["status"] = status
    if query: e["query"] = query
    if headers: e["headers"] = headers
    if content_type: e["content_type"] = content_type
    if note: e["note"] = note
    index.append(e)

H = {"X-AUTH-TOKEN": TOKEN, "cache-control": "no-cache"}
HJ = {"Content-Type": "application/json", **H}
TOKNOTE = "the document's placeholder token is replaced by the document's example API key"

svc = {"callbackUrl": "http://test117.hopto.org:7771/api/subscription", "clientApiKey": "123"}
js("4.1-service-apicrm.request", svc, "4.1", "request", "POST", "/api/service/apicrm", headers=HJ)
js("4.2-service-webhook.request", svc, "4.2", "request", "POST", "/api/service/webhook", headers=HJ)
js("4.3-check-alive.event", {"eventType": "CHECK_ALIVE", "abonentId": 0}, "4.3", "event", "POST", "{callbackUrl}",
   headers={"X-AUTH-TOKEN": "123", "Content-Type": "application/json"},
   note="the document names the event but shows no body; the envelope of 4.7 without payload is used")

raw("4.4-abonents.request", "http", "", "4.4", "request", "GET", "/api/abonents", headers=H, note=TOKNOTE)
js("4.4-abonents.response", [{
    "callingLineIdPhoneNumber": "string", "department": "string", "email": "string", "extension": "string",
    "firstName": "string", "groupId": 0, "lastname": "string", "phoneNumber": "string",
    "serviceProviderId": 0, "userId": 0}], "4.4", "response", "GET", "/api/abonents", status=200)

hist_q = {"direction": "ORIGINATING", "status": "PLACED", "dateFrom": "1586250115000",
          "dateTo": "1586253915000", "page": "0", "size": "10"}
raw("4.5-callHistory-enterprise.request", "http", "", "4.5", "request", "GET", "/api/v1/callHistory/enterprise",
    query=hist_q, headers=HJ, note=TOKNOTE)

def rec(ct, dur, ans, cg, ext):
    return {"enterpriseBwksId": "X214", "groupBwksId": "X214G1", "departmentBwksId": "",
            "userId": "X214G1A2I@nvg.ru", "callTime": ct, "callingNumber": "202", "calledNumber": "201",
            "duration": dur, "direction": "TERMINATING", "status": "PLACED", "answerDuration": ans,
            "terminationCause": "NORMAL", "redirectingNumber": "", "redirectingReason": None,
            "callGroupId": cg, "recordAbonentId": None, "abonentName": None, "timeZone": "GMT+03:00",
            "extTrackingId": ext}
js("4.5-callHistory-enterprise.response", {"content": [
    rec(1558971019000, 7, 2, "148625", "21289855:1"),
    rec(1558971666000, 22, 4, "148649", "21289875:1"),
    rec(1558972471000, 16, 2, "148677", "21289355:1")], "totalElements": 42, "totalPages": 42},
   "4.5", "response", "GET", "/api/v1/callHistory/enterprise", status=200,
   note="the document splits this example over three code blocks; joined here")

def r451(user, ct, calling, called, dur, status, ans, cause, rnum, rreason, cg, ext):
    return {"enterpriseBwksId": "E30770", "groupBwksId": "E30770G1", "departmentBwksId": "", "userId": user,
            "callTime": ct, "callingNumber": calling, "calledNumber": called, "duration": dur,
            "direction": "TERMINATING", "status": status, "answerDuration": ans, "terminationCause": cause,
            "redirectingNumber": rnum, "redirectingReason": rreason, "callGroupId": cg,
            "recordAbonentId": None, "abonentName": None, "timeZone": "GMT+03:00", "extTrackingId": ext}
js("4.5.1-1-ivr.record", r451("E30770AutoAttendant1@inside.mts.ru", 1603880170000, "+79121112233", "+79165817777", 96,
   "PLACED", 0, "NORMAL", "", None, "3659097569", "20105616:1callhalf-3659097569:0"),
   "4.5.1", "response", "GET", "/api/v1/callHistory/enterprise", status=200, note="one element of content[]")
js("4.5.1-2-queue.record", r451("E30770G1CallCenter2@inside.mts.ru", 1603880185000, "+79121112233", "718", 81,
   "PLACED", 0, "NORMAL", "+79165817777", "DEFLECTION", "3659097569", "20105616:1callhalf-3659100347:0"),
   "4.5.1", "response", "GET", "/api/v1/callHistory/enterprise", status=200, note="one element of content[]")
js("4.5.1-3-agent-busy.record", r451("79165819999@vpbx.mts.ru", 1603880185000, "+79121112233", "+79165819999", 0,
   "MISSED", 0, "USER_BUSY", "+79165817777", "CALL_CENTER", "3659100347", "20105616:1callhalf-3659100355:0"),
   "4.5.1", "response", "GET", "/api/v1/callHistory/enterprise", status=200, note="one element of content[]")
js("4.5.1-4-agent-answered.record", r451("9165818888@vpbx.mts.ru", 1603880246000, "718", "+79165818888", 12,
   "PLACED", 8, "NORMAL", "+79165819999", "CALL_CENTER", "3659100347", "20105616:1callhalf-3659110915:0"),
   "4.5.1", "response", "GET", "/api/v1/callHistory/enterprise", status=200, note="one element of content[]")

js("4.6.1-subscription-post.request.schema-example", {"abonentId": 0}, "4.6.1", "request", "POST", "/api/subscription", headers=HJ)
js("4.6.1-subscription-post.request", {"abonentId": 1735}, "4.6.1", "request", "POST", "/api/subscription", headers=HJ, note=TOKNOTE)
sub_resp = {"expires": 0, "subscriptionId": "string"}
js("4.6.1-subscription-post.response", sub_resp, "4.6.1", "response", "POST", "/api/subscription", status=200)
js("4.6.2-subscription-get.request.schema-example", {"abonentId": 0, "subscriptionId": "string"}, "4.6.2", "request", "GET", "/api/subscription", headers=HJ)
js("4.6.2-subscription-get.request", {"abonentId": 1735, "subscriptionId": "1s9s000w"}, "4.6.2", "request", "GET", "/api/subscription", headers=HJ, note=TOKNOTE)
js("4.6.2-subscription-get.response", sub_resp, "4.6.2", "response", "GET", "/api/subscription", status=200)
js("4.6.3-subscription-put.request.schema-example", {"abonentId": 0, "subscriptionId": "string"}, "4.6.3", "request", "PUT", "/api/subscription", headers=HJ)
js("4.6.3-subscription-put.request", {"abonentId": 1735, "subscriptionId": "1s9s000w"}, "4.6.3", "request", "PUT", "/api/subscription",
   headers={**HJ, "Postman-Token": "550ee575-0c1f-43d5-a032-bacb6b0d641f"}, note=TOKNOTE)
js("4.6.3-subscription-put.response", sub_resp, "4.6.3", "response", "PUT", "/api/subscription", status=200)
js("4.6.4-subscription-delete.request.schema-example", {"abonentId": 0, "subscriptionId": "string"}, "4.6.4", "request", "DELETE", "/api/subscription", headers=HJ)
js("4.6.4-subscription-delete.request", {"abonentId": 1735, "subscriptionId": "1s9s000w"}, "4.6.4", "request", "DELETE", "/api/subscription", headers=HJ, note=TOKNOTE)
raw("4.6.4-subscription-delete.response", "txt", "", "4.6.4", "response", "DELETE", "/api/subscription", status=200,
    note="the document shows only '200 OK'; the body is empty")

js("4.7-event.event", {"eventType": "CALL_ORIGINATED", "abonentId": 0, "payload": {
    "callId": "string", "extTrackingId": "", "state": "string", "remotePartyName": "string",
    "remotePartyAddress": "string", "callDirection": "string", "startTime": 0, "answerTime": 0, "endTime": 0}},
   "4.7", "event", "POST", "{callbackUrl}", headers={"X-AUTH-TOKEN": "123", "Content-Type": "application/json"},
   note="the document writes CALL_ORIGINATED without quotes (invalid JSON); quoted here")
js("4.7-subscription-termination.event", {"eventType": "SUBSCRIPTION_TERMINATION", "abonentId": 1735}, "4.7", "event", "POST",
   "{callbackUrl}", headers={"X-AUTH-TOKEN": "123", "Content-Type": "application/json"},
   note="documented in prose: the envelope without payload")

raw("4.8.1-calls-list.request", "http", "", "4.8.1", "request", "GET", "/api/user/1233/calls", headers=H, note=TOKNOTE)
js("4.8.1-calls-list.response", [{"callId": "string", "inConference": True}], "4.8.1", "response", "GET", "/api/user/{id}/calls", status=200)
raw("4.8.2-calls-create.request", "http", "", "4.8.2", "request", "POST", "/api/user/1234/calls",
    query={"address": "tel:+78002500990"}, headers=H, note=TOKNOTE)
raw("4.8.2-calls-create.response", "txt", "", "4.8.2", "response", "POST", "/api/user/{id}/calls", status=201,
    note="the document shows only '201 Created'")
raw("4.8.3-call-get.request", "http", "", "4.8.3", "request", "GET", "/api/user/{id}/calls/{callId}", headers=H)
js("4.8.3-call-get.response", {"answerTime": 0, "callDirection": "string", "callId": "string", "endTime": 0,
   "remotePartyAddress": "string", "remotePartyName": "string", "startTime": 0, "state": "string"},
   "4.8.3", "response", "GET", "/api/user/{id}/calls/{callId}", status=200)
raw("4.8.4-call-delete.request", "http", "", "4.8.4", "request", "DELETE", "/api/user/{id}/calls/{callId}", headers=H)
raw("4.8.4-call-delete.response", "txt", "", "4.8.4", "response", "DELETE", "/api/user/{id}/calls/{callId}", status=200)
raw("4.8.5-blind-transfer.request", "http", "", "4.8.5", "request", "PUT", "/api/user/1234/calls/1234/BlindTransfer",
    query={"address": "8800200500"}, headers=H, note=TOKNOTE)
raw("4.8.5-blind-transfer.response", "txt", "", "4.8.5", "response", "PUT", "/api/user/{id}/calls/{callId}/BlindTransfer", status=200)
raw("4.8.6-consult-transfer.request", "http", "", "4.8.6", "request", "PUT", "/api/user/1234/calls/5678/ConsultTransfer/9825", headers=H, note=TOKNOTE)
raw("4.8.6-consult-transfer.response", "txt", "", "4.8.6", "response", "PUT", "/api/user/{id}/calls/{callId}/ConsultTransfer/{callId2}", status=200)
raw("4.8.7-call-return.request", "http", "", "4.8.7", "request", "POST", "/api/user/1234/calls/CallReturn", headers=H, note=TOKNOTE)
js("4.8.7-call-return.response", {"callId": "string", "inConference": True}, "4.8.7", "response", "POST", "/api/user/{id}/calls/CallReturn", status=200)
raw("4.8.8-last-number-redial.request", "http", "", "4.8.8", "request", "POST", "/api/user/1234/calls/LastNumberRedial", headers=H, note=TOKNOTE)
js("4.8.8-last-number-redial.response", {"callId": "string", "inConference": True}, "4.8.8", "response", "POST", "/api/user/{id}/calls/LastNumberRedial", status=200)

raw("4.9-call-recording.request", "http", "", "4.9", "request", "GET", "/api/callRecording/11122233:1", headers=H, note=TOKNOTE)
raw("4.9-call-recording.response", "txt", "", "4.9", "response", "GET", "/api/callRecording/{extTrackingId}", status=200,
    content_type="audio/wav", note="body is the recording file")
raw("4.9-call-recording-mp3.request", "http", "", "4.9", "request", "GET", "/api/callRecording/mp3/11122233:1", headers=H, note=TOKNOTE)
raw("4.9-call-recording-mp3.response", "txt", "", "4.9", "response", "GET", "/api/callRecording/mp3/{extTrackingId}", status=200,
    content_type="audio/mpeg", note="body is the mp3 file; 404, 429 or 503 when the record is not found")

raw("4.10-groups.request", "http", "", "4.10", "request", "GET", "/api/groups", headers=H, note=TOKNOTE)
js("4.10-groups.response", [{"id": 0, "name": "string", "parentId": 0}], "4.10", "response", "GET", "/api/groups", status=200)

raw("4.11.1-findMe.request", "http", "", "4.11.1", "request", "GET", "/api/findMe/1233", headers=H,
    note="the document writes {userId}; the default world keeps the example rules on abonent 1233")
js("4.11.1-findMe.response", {"parallelRules": [{"id": 1066, "ruleName": "параллельный", "calledNumber": None, "ruleNumbers": [
    {"ruleId": 1069, "number": "003", "status": True, "name": "Основной"},
    {"ruleId": 1070, "number": "500", "status": False, "name": "Основной"}]}]},
   "4.11.1", "response", "GET", "/api/findMe/{userId}", status=200, note="first code block, verbatim")
js("4.11.1-findMe-full.response", {
    "parallelRules": [{"id": 1066, "ruleName": "параллельный", "calledNumber": None, "ruleNumbers": [
        {"ruleId": 1069, "number": "003", "status": True, "name": "Основной"},
        {"ruleId": 1070, "number": "500", "status": False, "name": "Дополнительный"}]}],
    "sequentialRules": [{"id": 1093, "ruleName": "Последовательный", "calledNumber": None, "continueSearchIfBusy": True,
        "ruleNumbers": [
            {"ruleId": 1102, "number": "003", "status": True, "name": "Основной", "timeout": 3},
            {"ruleId": 1103, "number": "500", "status": False, "name": "Дополнительный", "timeout": 5}]}],
    "redirectRules": [{"id": 1256, "ruleName": "Переадресация", "calledNumber": None, "alwaysRedirect": "650",
        "ifBusyRedirect": None, "ifNoAnswerRedirect": None, "ifNoAnswerTimeout": None, "ifNoAccessRedirect": None,
        "conditional": "", "scheduleId": None}]},
   "4.11.1", "response", "GET", "/api/findMe/{userId}", status=200,
   note="the second, fragmentary code block joined with the first; '...' elisions removed")

par = {"ruleName": "параллельный", "calledNumber": None, "ruleNumbers": [{"number": "003", "status": True, "name": "Основной"}]}
seq = {"ruleName": "Последовательный", "calledNumber": None, "continueSearchIfBusy": True,
       "ruleNumbers": [{"number": "003", "status": True, "name": "Основной", "timeout": 3}]}
red = {"ruleName": "Переадресация", "calledNumber": None, "alwaysRedirect": "650", "ifBusyRedirect": "",
       "ifNoAnswerRedirect": "", "ifNoAnswerTimeout": "", "ifNoAccessRedirect": "", "conditional": "", "schedudyId": None}
js("4.11.2-findMe-parallel.request", par, "4.11.2", "request", "POST", "/api/findMe/1233/parallel", headers=HJ)
js("4.11.2-findMe-sequential.request", seq, "4.11.2", "request", "POST", "/api/findMe/1233/sequential", headers=HJ)
js("4.11.2-findMe-redirect.request", red, "4.11.2", "request", "POST", "/api/findMe/1233/redirect", headers=HJ,
   note="'schedudyId' is the document's spelling in this example (elsewhere scheduleId); both are accepted")
js("4.11.3-findMe-parallel-put.request", par, "4.11.3", "request", "PUT", "/api/findMe/1233/parallel/1066", headers=HJ)
js("4.11.3-findMe-sequential-put.request", {"id": 1234, "ruleName": "параллельный", "calledNumber": None,
   "continueSearchIfBusy": True, "ruleNumbers": [{"ruleId": 12345, "number": "003", "status": True, "name": "Основной", "timeout": 3}]},
   "4.11.3", "request", "PUT", "/api/findMe/1233/sequential/1093", headers=HJ,
   note="the body's id 1234 is the document's; the path id decides which rule is updated")
js("4.11.3-findMe-redirect-put.request", {"id": 1234, "ruleName": "Переадресация", "calledNumber": None, "alwaysRedirect": "650",
   "ifBusyRedirect": "", "ifNoAnswerRedirect": "", "ifNoAnswerTimeout": "", "ifNoAccessRedirect": "", "conditional": "",
   "scheduleId": None}, "4.11.3", "request", "PUT", "/api/findMe/1233/redirect/1256", headers=HJ)
for kind, rid in (("parallel", 1066), ("sequential", 1093), ("redirect", 1256)):
    raw(f"4.11.4-findMe-{kind}-delete.request", "http", "", "4.11.4", "request", "DELETE", f"/api/findMe/1233/{kind}/{rid}", headers=H)

js("4.12.1-schedules-abonent.response", {"recordId": 1348, "name": "Расписание", "notBeRemoved": False, "type": "abonent",
   "workDaysRules": [{"startTime": "08:00", "endTime": "17:00", "allDayEvent": False, "sunday": False, "monday": False,
       "tuesday": False, "wednesday": True, "thursday": True, "friday": False, "saturday": False}],
   "holidaysRules": [{"startDate": "08-03-2020"}],
   "excludedDaysRules": [{"startDate": "11-04-2020", "startTime": "08:00", "endTime": "17:00"}]},
   "4.12.1", "response", "GET", "/api/schedules/abonent/{abonentId}", status=200,
   note="one schedule object as the document shows it; the simulator answers with a JSON array of such objects")
raw("4.12.1-schedules-abonent.request", "http", "", "4.12.1", "request", "GET", "/api/schedules/abonent/1735", headers=H)
wd = {"name": "workdays", "workDaysRules": [{"startTime": "00-00", "endTime": None, "allDayEvent": False, "sunday": False,
      "monday": True, "tuesday": True, "wednesday": True, "thursday": True, "friday": True, "saturday": False}],
      "excludedDaysRules": [{"startDate": "01-01-2019", "startTime": "00-00", "endTime": "23-59"}],
      "holidaysRules": [{"startDate": "01-01-2019"}]}
NOTE_ELL = "'...' elisions removed and the missing comma before holidaysRules added"
js("4.12.2-schedules-group-post.request", wd, "4.12.2", "request", "POST", "/api/schedules/group/1", headers=HJ, note=NOTE_ELL)
js("4.12.3-schedules-abonent-post.request", wd, "4.12.3", "request", "POST", "/api/schedules/abonent/1735", headers=HJ, note=NOTE_ELL)
js("4.12.5-schedules-abonent-put.request", {"recordId": 215695, **wd}, "4.12.5", "request", "PUT", "/api/schedules/abonent/1735",
   headers=HJ, note=NOTE_ELL)
raw("4.12.6-schedules-group-delete.request", "http", "", "4.12.6", "request", "DELETE", "/api/schedules/group/1",
    query={"recordId": "1350"}, headers=H, note="the document gives no way to name the schedule; recordId as query parameter (or JSON body) is the simulator's choice")
raw("4.12.7-schedules-abonent-delete.request", "http", "", "4.12.7", "request", "DELETE", "/api/schedules/abonent/1735",
    query={"recordId": "215695"}, headers=H, note="see 4.12.6")

with open(os.path.join(base, "index.yaml"), "w", encoding="utf-8") as f:
    f.write("# Every example of mts-vpbx-api-crm.txt as a fixture. kind: request|response|event|error.\n")
    f.write("# Body-less requests are .http files with an empty body; their query and headers are given here.\n")
    class D(yaml.SafeDumper):
        def ignore_aliases(self, data): return True
    yaml.dump({"provider": "mts-vpbx", "document": "mts-vpbx-api-crm.txt", "examples": index}, f, allow_unicode=True, sort_keys=False, Dumper=D)
print(len(index))
