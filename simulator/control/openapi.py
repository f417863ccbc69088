"""The OpenAPI 3.1 description of /_sim, built from the same pydantic models the routes use.
A copy lives in contracts/control/openapi.json; a test keeps the two equal."""
from __future__ import annotations

from functools import lru_cache

from ..faults import FaultRule


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


REF = "#/components/schemas/{model}"
ERROR = _json(_ref("Error"), "error")


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    from ..sim import CallRequest
    from .routes import ClockCommand

    schemas = {
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"type": "string"}}},
        "Clock": {"type": "object", "required": ["mode", "speed", "now", "epoch"],
                  "properties": {"mode": {"enum": ["real", "accelerated", "manual"]},
                                 "speed": {"type": "number"}, "now": {"type": "string", "format": "date-time"},
                                 "epoch": {"type": "number"}, "start": {"type": "string"},
                                 "pending_timers": {"type": "integer"}, "fired": {"type": "integer"}}},
        "Call": {"type": "object", "required": ["id", "provider", "state", "legs"],
                 "properties": {"id": {"type": "string"}, "provider": {"type": ["string", "null"]},
                                "tenant": {"type": ["string", "null"]}, "direction": {"type": "string"},
                                "from": {"type": "string"}, "to": {"type": "string"},
                                "state": {"enum": ["setup", "active", "ended"]},
                                "legs": {"type": "array", "items": {"type": "object"}},
                                "timeline": {"type": "array", "items": {"type": "object"}}}},
        "JournalEntry": {"type": "object", "required": ["id", "direction", "kind", "sim_time"],
                         "properties": {"id": {"type": "integer"}, "direction": {"enum": ["in", "out"]},
                                        "kind": {"type": "string"}, "provider": {"type": ["string", "null"]},
                                        "tenant": {"type": ["string", "null"]},
                                        "sim_time": {"type": "number"}, "wall_time": {"type": "number"},
                                        "status": {"type": ["integer", "null"]}}},
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
            "summary": "inbound requests and outbound callback attempts, newest last",
            "parameters": [q("provider", "provider slug"), q("direction", "in or out"),
                           q("kind", "request, or the callback kind"), q("tenant", "tenant id"),
                           q("call_id", "engine call id"), q("since", "entries after this id", "integer"),
                           q("limit", "at most this many (the newest)", "integer")],
            "responses": {"200": _json({"type": "array", "items": _ref("JournalEntry")}), "400": ERROR}}},
        "/_sim/faults": {
            "get": {"summary": "fault rules", "responses": {"200": _json({"type": "array", "items": _ref("FaultRule")})}},
            "post": {"summary": "add a fault rule", "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("FaultRule")}}},
                "responses": {"201": _json(_ref("FaultRule")), "404": ERROR, "422": ERROR}},
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
                                "journal, faults."},
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
