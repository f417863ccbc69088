"""The OpenAPI 3.1 description of /_sim, built from the same pydantic models the routes use.
A copy lives in contracts/control/openapi.json; a test keeps the two equal."""
from __future__ import annotations

from functools import lru_cache

from ..journal import DIRECTIONS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


REF = "#/components/schemas/{model}"
ERROR = _json(_ref("Error"), "error")


def _journal_entry_schema() -> dict:
    text = {"type": ["string", "null"]}
    headers = {"type": ["object", "null"], "additionalProperties": {"type": "string"}}
    number = {"type": ["number", "null"]}
    return {
        "type": "object", "description": "one journal record (simulator/journal.py JournalEntry); "
                                         "notices may carry more provider fields (to, text ...)",
        "required": ["id", "direction", "operation", "kind", "provider", "tenant", "sim_time", "wall_time"],
        "properties": {
            "id": {"type": "integer"},
            "direction": {"enum": list(DIRECTIONS), "description": "in: a request to the simulator; "
                          "out: a callback attempt; notice: an e-mail or SMS no test can receive"},
            "operation": {"type": "string", "description": "the catalogue name"},
            "kind": {"type": "string", "description": "the same as operation (older name)"},
            "provider": text, "tenant": text, "call_id": text,
            "sim_time": {"type": "number"}, "wall_time": {"type": "number"},
            "method": text, "path": text, "query": text, "host": text,
            "url": {"type": ["string", "null"], "description": "the callback's target (out)"},
            "params": {"type": ["object", "null"]},
            "request_headers": headers, "request_body": text,
            "status": {"type": ["integer", "null"]}, "response_headers": headers, "response_body": text,
            "attempt": {"type": ["integer", "null"], "description": "callback attempt, from 1"},
            "error": text, "detail": text, "latency_ms": number,
            "flags": {"type": "array", "description": "strict mode: how the request breaks the document",
                      "items": {"type": "object", "required": ["rule", "message", "where", "section", "title"],
                                "properties": {"rule": {"type": "string"}, "message": {"type": "string"},
                                               "where": {"type": "string"}, "section": text, "title": text}}}}}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    from ..fault_rule import FaultRule
    from ..providers.call_request import CallRequest
    from .models import ClockCommand

    schemas = {
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"type": "string"}}},
        "Clock": {"type": "object", "required": ["mode", "speed", "now", "epoch"],
                  "properties": {"mode": {"enum": ["real", "accelerated", "manual"]},
                                 "speed": {"type": "number"}, "now": {"type": "string", "format": "date-time"},
                                 "epoch": {"type": "number"}, "start": {"type": "string"},
                                 "pending_timers": {"type": "integer"}, "fired": {"type": "integer"},
                                 "next_due": {"type": ["number", "null"]}}},
        "Call": {"type": "object", "required": ["id", "provider", "state", "legs"],
                 "properties": {"id": {"type": "string"}, "provider": {"type": ["string", "null"]},
                                "tenant": {"type": ["string", "null"]}, "direction": {"type": "string"},
                                "from": {"type": "string"}, "to": {"type": "string"},
                                "state": {"enum": ["setup", "active", "ended"]},
                                "legs": {"type": "array", "items": {"type": "object"}},
                                "timeline": {"type": "array", "items": {"type": "object"}}}},
        "JournalEntry": _journal_entry_schema(),
        "Operations": {
            "type": "object", "required": ["provider", "catalogued", "operations", "callbacks", "unlisted"],
            "properties": {
                "provider": {"type": "string"}, "document": {"type": ["string", "null"]},
                "catalogued": {"type": "boolean", "description": "false: the provider has no catalogue yet"},
                "operations": {"type": "array", "items": {
                    "type": "object", "required": ["name", "section", "transport", "calls"],
                    "properties": {"name": {"type": "string"}, "section": {"type": "string"},
                                   "transport": {"type": "string"}, "method": {"type": "string"},
                                   "path": {"type": "string"}, "selector": {"type": ["string", "null"]},
                                   "host": {"type": ["string", "null"]}, "summary": {"type": "string"},
                                   "calls": {"type": "integer", "description": "since reset"}}}},
                "callbacks": {"type": "array", "items": {
                    "type": "object", "required": ["name", "section", "transport", "direction", "sent"],
                    "properties": {"name": {"type": "string"}, "section": {"type": "string"},
                                   "transport": {"type": "string"}, "target": {"type": "string"},
                                   "method": {"type": "string"}, "direction": {"enum": list(DIRECTIONS[1:])},
                                   "summary": {"type": "string"},
                                   "sent": {"type": "integer", "description": "messages since reset "
                                                                              "(retries not counted)"}}}},
                "unlisted": {"type": "object", "additionalProperties": {"type": "integer"},
                             "description": "counted names the catalogue does not list"}}},
        "Provider": {"type": "object", "properties": {"slug": {"type": "string"}, "title": {"type": "string"},
                                                      "hosts": {"type": "array", "items": {"type": "string"}},
                                                      "base_url": {"type": "string"}}},
        "World": {"type": "object", "description": "the live world; see contracts/world.schema.json"},
    }
    for name, model in (("ClockCommand", ClockCommand), ("CallRequest", CallRequest),
                        ("FaultRule", FaultRule)):
        schema = model.model_json_schema(by_alias=True, ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
    q = lambda name, desc, typ="string": {"name": name, "in": "query", "required": False,  # noqa: E731
                                          "description": desc, "schema": {"type": typ}}
    dashboard = {"get": {"summary": "the dashboard (HTML)", "responses": {"200": {
        "description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}}}
    paths = {
        "/_sim": dashboard,
        "/_sim/": dashboard,
        "/_sim/health": {"get": {"summary": "liveness", "responses": {"200": _json({"type": "object"})}}},
        "/_sim/providers": {"get": {"summary": "providers with base URLs and hosts",
                                    "responses": {"200": _json({"type": "array", "items": _ref("Provider")})}}},
        "/_sim/providers/{slug}": {"get": {
            "summary": "a provider's live state (counters, subscriptions ...)",
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json({"type": "object", "required": ["slug", "state"],
                                        "properties": {"slug": {"type": "string"}, "state": {}}}),
                          "404": ERROR}}},
        "/_sim/providers/{slug}/actions/{action}": {"post": {
            "summary": "run a provider's control action (its control_actions), e.g. mint an OAuth code",
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "action", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": _json({}), "400": ERROR, "404": ERROR, "422": ERROR}}},
        "/_sim/providers/{slug}/operations": {"get": {
            "summary": "the provider's operation catalogue with call counts since reset",
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json(_ref("Operations")), "404": ERROR}}},
        "/_sim/world": {
            "get": {"summary": "the live world, credentials included",
                    "responses": {"200": _json(_ref("World"))}},
            "patch": {"summary": "change the running world (JSON merge patch, RFC 7396)",
                      "requestBody": {"required": True, "content": {
                          "application/merge-patch+json": {"schema": {"type": "object"}},
                          "application/json": {"schema": {"type": "object"}}}},
                      "responses": {"200": _json(_ref("World")), "400": ERROR, "422": ERROR}}},
        "/_sim/reset": {"post": {"summary": "restore the initial world, clear calls, journal and faults, "
                                            "reset the clock", "responses": {"200": _json({"type": "object"})}}},
        "/_sim/clock": {
            "get": {"summary": "mode, speed and simulated time", "responses": {"200": _json(_ref("Clock"))}},
            "post": {"summary": "advance time, or change mode or speed",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ClockCommand")}}},
                     "responses": {"200": _json(_ref("Clock")), "400": ERROR, "422": ERROR}}},
        "/_sim/calls": {
            "get": {"summary": "live calls", "parameters": [q("provider", "only this provider"),
                                                            q("finished", "also finished calls (1)")],
                    "responses": {"200": _json({"type": "array", "items": _ref("Call")})}},
            "post": {"summary": "start a call", "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("CallRequest")}}},
                "responses": {"201": _json(_ref("Call")), "400": ERROR, "404": ERROR, "422": ERROR}}},
        "/_sim/calls/{id}": {"get": {
            "summary": "a call's state and timeline",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json(_ref("Call")), "404": ERROR}}},
        "/_sim/calls/{id}/hangup": {"post": {
            "summary": "hang up every leg of a call",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json(_ref("Call")), "404": ERROR}}},
        "/_sim/recordings/{id}.{ext}": {"get": {
            "summary": "a recording as <id>.wav or <id>.mp3",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "ext", "in": "path", "required": True,
                            "schema": {"enum": ["wav", "mp3"]}}],
            "responses": {"200": {"description": "audio", "content": {
                "audio/wav": {"schema": {"type": "string", "format": "binary"}},
                "audio/mpeg": {"schema": {"type": "string", "format": "binary"}}}}, "404": ERROR}}},
        "/_sim/journal": {"get": {
            "summary": "inbound requests, outbound callback attempts and notices, oldest first",
            "parameters": [q("provider", "provider slug"),
                           {"name": "direction", "in": "query", "required": False,
                            "description": "in (requests), out (callback attempts) or notice (e-mail, SMS)",
                            "schema": {"enum": list(DIRECTIONS)}},
                           q("operation", "the operation's catalogue name"),
                           q("kind", "the older name of operation"), q("tenant", "tenant id"),
                           q("call_id", "engine call id"), q("since", "entries after this id", "integer"),
                           {**q("limit", "at most this many (the newest)", "integer"),
                            "schema": {"type": "integer", "minimum": 0}},
                           {"name": "flagged", "in": "query", "required": False,
                            "description": "1: only requests strict mode flagged; 0: only those it did not",
                            "schema": {"enum": ["0", "1"]}}],
            "responses": {"200": _json({"type": "array", "items": _ref("JournalEntry")}), "400": ERROR}}},
        "/_sim/faults": {
            "get": {"summary": "fault rules", "responses": {"200": _json({"type": "array", "items": _ref("FaultRule")})}},
            "post": {"summary": "add a fault rule", "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("FaultRule")}}},
                "responses": {"201": _json(_ref("FaultRule")), "400": ERROR, "404": ERROR, "422": ERROR}},
            "delete": {"summary": "remove every fault rule", "responses": {"200": _json({"type": "array"})}}},
        "/_sim/faults/{id}": {"delete": {
            "summary": "remove one fault rule",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": _json({"type": "object"}), "404": ERROR}}},
        "/_sim/events": {"get": {"summary": "server-sent events: engine events and journal entries",
                                 "responses": {"200": {"description": "event stream",
                                                       "content": {"text/event-stream": {"schema": {"type": "string"}}}}}}},
        "/_sim/openapi.json": {"get": {"summary": "this document", "responses": {"200": _json({"type": "object"})}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "telsim control API", "version": "1",
                 "description": "Control the telephony provider simulator: world, clock, calls, "
                                "journal, faults. Numbers and booleans in bodies are strict: a JSON "
                                "number where a number is meant (true, false and \"30\" are 422), a "
                                "JSON boolean where a flag is meant; integers in query strings and "
                                "paths are ASCII digits."},
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
