"""The hostile-input corpus (corpus.py) replayed against every route of every provider's
catalogue and the control API: never a 5xx, never aiohttp's plain-text page, every answer
in the provider's documented format (the core's autouse contract check reads the journal
at teardown), and the provider's state as it was (describe(), snapshot(), the engine's calls)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from yarl import URL

from simulator.catalogue import Operation

from .conftest import AUTH, basic
from .corpus import CORPUS, QUERY_KEYS, Hostile

PARAM = re.compile(r"\{([A-Za-z_0-9]+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}")
#: aiohttp's own error pages ("404: Not Found") that no provider's document shows
FRAMEWORK_PAGE = re.compile(rb"^\d{3}: [A-Z][A-Za-z ]+$")
SOAP_ACTION = "http://tempuri.org/I{service}Service/{operation}"
#: credentials by the real host a route is served on, where a provider has several
HOST_AUTH = {"rc.mtt.ru": {"Authorization": basic("romashka-rc", "Gnezdo-Rc-2026")},
             "gapi.mtt.ru": {"Authorization": basic("romashka-gapi", "Gnezdo-Gapi-2026")}}


@dataclass(frozen=True)
class Target:
    label: str          # the catalogue route or operation it stands for
    method: str
    path: str           # the template with {params}
    soap: bool = False
    headers: tuple[tuple[str, str], ...] = ()


def targets(slug: str, operations: tuple[Operation, ...]) -> list[Target]:
    """Concrete requests for every route of a catalogue. A route serving every method ("*") is
    sent POST and GET; the one catch-all route of @втосекретарь stands for each operation, whose
    name is its method and path (REST) or its service and action (SOAP)."""
    out: list[Target] = []
    for op in operations:
        if op.path == "/{tail:.*}":
            out.append(_named_target(op))
    routes: dict[str, Operation] = {}
    for op in operations:
        routes.setdefault(op.route, op)
    for route, op in routes.items():
        if op.path == "/{tail:.*}":
            continue
        for method in (("POST", "GET") if op.method == "*" else (op.method,)):
            out.append(Target(route, method, op.path, headers=tuple(HOST_AUTH.get(op.host or "", {}).items())))
    return out


def _named_target(op: Operation) -> Target:
    if op.transport == "soap" and " " in op.name and op.name.split(" ", 1)[0].endswith(".svc"):
        service, action = op.name.split(" ", 1)
        service = service[: -len(".svc")]
        header = SOAP_ACTION.format(service=service.upper() if service == "un" else service.capitalize(),
                                    operation=action)
        return Target(op.name, "POST", f"/api/v1/{service}.svc", soap=True,
                      headers=(("SOAPAction", f'"{header}"'),))
    method, path = op.name.split(" ", 1)
    return Target(op.name, method, path.split("?", 1)[0], soap=op.transport == "soap")


def concrete(target: Target, item: Hostile) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        return item.ident if name != "tail" else "/" + item.ident
    path = PARAM.sub(fill, target.path)
    if item.query is not None:
        path += "?" + "&".join(f"{key}={item.query}" for key in QUERY_KEYS)
    return path


def state(simulator, slug: str) -> str:
    """The provider's live state as GET /_sim/providers/{slug} shows it, and the engine's calls."""
    provider = simulator.sim.providers[slug]
    return json.dumps({"describe": provider.describe(), "calls": sorted(simulator.sim.engine.calls)},
                      sort_keys=True, default=str)


def generated(simulator, slug: str) -> str:
    return json.dumps(simulator.sim.providers[slug].snapshot(), sort_keys=True, default=str)


async def send(simulator, slug: str, target: Target, item: Hostile) -> tuple[int, str, bytes]:
    headers = {**AUTH.get(slug, {}), **dict(target.headers), **item.headers}
    if item.content_type is not None:
        headers["Content-Type"] = item.content_type
    url = URL(simulator.url(slug, concrete(target, item)), encoded=True)
    assert simulator.session is not None
    async with simulator.session.request(target.method, url, data=item.body, headers=headers,
                                 allow_redirects=False) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


SLUGS = ("mts-vpbx", "beeline-cloudcc", "mts-autosecretary", "mtt-business", "mtt-telecom")


@pytest.mark.parametrize("slug", SLUGS)
async def test_every_route_answers_hostile_input_in_its_documented_format(simulator, slug):
    provider = simulator.sim.providers[slug]
    routes = targets(slug, provider.catalogue.operations)
    assert {t.label for t in routes} >= {r for r in provider.catalogue.routes() if r != "* /{tail:.*}"}
    history = generated(simulator, slug)
    for item in CORPUS:
        for target in routes:
            if target.soap and not item.soap:
                continue
            before = state(simulator, slug)
            status, content_type, body = await send(simulator, slug, target, item)
            await simulator.settle()
            where = f"{item.name} -> {target.method} {concrete(target, item)}"
            # a SOAP 1.1 fault travels with HTTP 500 (SOAP 1.1 6.2, as WCF sends it): documented
            soap_fault = target.soap and status == 500 and b"Fault>" in body and "xml" in content_type
            assert status < 500 or soap_fault, (where, status, body[:300])
            if status >= 400:
                assert not (content_type.startswith("text/plain") and FRAMEWORK_PAGE.match(body.strip())), \
                    (where, status, body[:200])
                # a refused request leaves no trace but its journal entry (an accepted one, e.g. a
                # command whose route reads no body, may act)
                assert state(simulator, slug) == before, f"{where} ({status}) changed {slug}'s state"
    assert generated(simulator, slug) == history


def control_state(simulator) -> tuple:
    """The world (a patch replaces the validated model), faults, clock, calls, providers' state."""
    sim = simulator.sim
    return (id(sim.world), [f.model_dump() for f in sim.faults.list()], sim.clock.mode, sim.clock.now(),
            sorted(sim.engine.calls), json.dumps({slug: p.describe() for slug, p in sim.providers.items()},
                                                 sort_keys=True, default=str))


def control_targets() -> list[Target]:
    from simulator.control.openapi import openapi_document

    out = []
    for path, item in openapi_document()["paths"].items():
        if path == "/_sim/events":  # an endless stream; tests/core/test_control.py reads it
            continue
        out += [Target(f"{method.upper()} {path}", method.upper(), path.replace("{slug}", "{id}"))
                for method in item]
    return out


async def test_every_control_route_answers_hostile_input_as_json(simulator):
    for item in CORPUS:
        for target in control_targets():
            before = control_state(simulator)
            url = URL(simulator.base_url + concrete(target, item), encoded=True)
            headers = {"Content-Type": item.content_type} if item.content_type else {}
            async with simulator.session.request(target.method, url, data=item.body, headers=headers) as resp:
                status, body = resp.status, await resp.read()
            where = f"{item.name} -> {target.method} {concrete(target, item)}"
            assert status < 500, (where, status, body[:300])
            if status >= 400:
                assert set(json.loads(body)) == {"error"}, (where, body[:200])
                assert control_state(simulator) == before, f"{where} ({status}) changed the simulator"
