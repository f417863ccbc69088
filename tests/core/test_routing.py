"""Routing by /<slug>/ prefix and by Host header; unknown paths in each provider's own
error format; the access log."""
import json
import logging

import pytest
from aiohttp.test_utils import make_mocked_request
from hypothesis import given, settings, strategies as st

from simulator.providers.registry import discover

SLUGS = sorted(discover())


async def test_prefix_and_host_routing_reach_the_provider(simulator):
    async with simulator.request("GET", "/mtt-telecom/no/such/path") as resp:
        assert resp.status == 404
    async with simulator.request("GET", "/no/such/path", headers={"Host": "webapicommon.mtt.ru"}) as resp:
        assert resp.status == 404
    async with simulator.request("GET", "/x", headers={"Host": "WebApiCommon.mtt.ru:8080"}) as resp:
        assert resp.status == 404
    entries = simulator.journal(direction="in")
    assert [e["provider"] for e in entries] == ["mtt-telecom"] * 3
    assert [e["path"] for e in entries] == ["/no/such/path", "/no/such/path", "/x"]


@pytest.mark.parametrize("slug", SLUGS)
async def test_every_host_of_every_provider_routes_with_and_without_port(simulator, slug):
    provider = simulator.sim.providers[slug]
    for host in provider.hosts:
        for header in (host, f"{host}:443"):
            async with simulator.request("GET", "/telsim-probe", headers={"Host": header}):
                pass
    entries = simulator.journal(direction="in")
    assert [(e["provider"], e["path"]) for e in entries] == [(slug, "/telsim-probe")] * 2 * len(provider.hosts)


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("method,status", [("GET", 404), ("DELETE", 404)])
async def test_unknown_paths_answer_in_the_providers_own_format(simulator, slug, method, status):
    provider = simulator.sim.providers[slug]
    path = f"/{slug}/telsim/no/such/path"
    async with simulator.request(method, path) as resp:
        body, content_type = await resp.read(), resp.headers.get("Content-Type")
        assert resp.status == status
    native = provider.error_response(make_mocked_request(method, path), status, "Not Found")
    assert (native.status, native.content_type) == (status, content_type.split(";")[0])
    assert b"404: Not Found" not in body  # aiohttp's own page
    if native.content_type.endswith("json"):  # the same envelope; the message may differ
        assert json.loads(body).keys() == json.loads(native.body).keys()


async def test_paths_outside_every_provider_are_json_404(simulator):
    for path in ("/", "/api/abonents", "/_sim/nope"):
        async with simulator.request("GET", path) as resp:
            assert resp.status == 404 and "error" in await resp.json()


async def test_access_log_line_names_provider_tenant_method_path_status_latency(simulator, caplog):
    simulator.sim.settings.access_log = True
    key = "215ef687-e898-419d-810c-2864efc0b1d0"  # the VPBX document's own API key (tenant X214)
    with caplog.at_level(logging.INFO, logger="simulator.access"):
        async with simulator.request("GET", "/mts-vpbx/api/abonents?x=1", headers={"X-AUTH-TOKEN": key}):
            pass
        async with simulator.request("GET", "/nope", headers={"Host": "vpbx.mts.ru"}):
            pass
    lines = [r.getMessage() for r in caplog.records if r.name == "simulator.access"]
    assert len(lines) == 2
    provider, tenant, method, path, status, latency = lines[0].split()
    assert (provider, tenant, method, path, status) == ("mts-vpbx", "X214", "GET", "/mts-vpbx/api/abonents?x=1", "200")
    assert latency.endswith("ms") and float(latency[:-2]) >= 0
    assert lines[1].split()[:5] == ["mts-vpbx", "-", "GET", "/nope", "404"]


async def test_control_api_clock(simulator):
    async with simulator.request("GET", "/_sim/clock") as resp:
        clock = await resp.json()
    assert clock["mode"] == "manual"
    async with simulator.request("POST", "/_sim/clock", json={"advance": 90}) as resp:
        after = await resp.json()
    assert after["epoch"] - clock["epoch"] == 90


async def test_a_providers_host_wins_over_another_providers_prefix(simulator):
    # the request handler resolves /<slug>/... in the sub-app directly only without a Host rule
    async with simulator.request("GET", "/mts-vpbx/api/abonents",
                                 headers={"Host": "webapicommon.mtt.ru"}) as resp:
        assert resp.status == 404
    entry = simulator.journal(direction="in")[-1]
    assert (entry["provider"], entry["path"]) == ("mtt-telecom", "/mts-vpbx/api/abonents")


@pytest.mark.parametrize("path", ["/mts-vpbx", "/mts-vpbx/", "/mts-vpbx/api/abonents",
                                  "/mts-vpbx//api/abonents", "/mts-vpbxx/api/abonents",
                                  "/mts-vpbx/api/abonents/", "/mts-vpbx/api/a%2Fb", "/_sim/clock"])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_the_prefix_shortcut_resolves_as_the_router_does(simulator, path, method):
    from simulator.app import _prefix_shortcut

    app = simulator.app
    prefixed = _prefix_shortcut(app)
    assert prefixed is not None and set(prefixed) == set(simulator.sim.providers)
    request = make_mocked_request(method, path, headers={"Host": "127.0.0.1"}, app=app)
    by_router = await app.router.resolve(request)  # builds the sub-app on its first request
    resource = prefixed.get(request.rel_url.path_safe[1:].partition("/")[0])
    if resource is None:
        assert not path.startswith(("/mts-vpbx/", "/mts-vpbx?")) and path != "/mts-vpbx"
        return
    sub = resource.mounted
    assert sub is not None
    direct = await sub.router.resolve(request)
    direct.add_app(sub)
    assert direct.apps == by_router.apps and dict(direct) == dict(by_router)
    if by_router.http_exception is None:
        assert direct.route is by_router.route
    else:  # an error match makes a new SystemRoute each time
        assert direct.http_exception.status == by_router.http_exception.status
        assert direct.http_exception.headers.get("Allow") == by_router.http_exception.headers.get("Allow")


async def test_a_remembered_match_answers_as_the_router_did(simulator):
    # the request handler remembers what a provider's sub-app matched for a method and path
    # (app._Resolved): every later request of the same path gets the same route and values,
    # another path or method is matched afresh, and errors are never remembered
    key = "215ef687-e898-419d-810c-2864efc0b1d0"  # the VPBX document's own API key
    paths = ["/mts-vpbx/api/abonents", "/mts-vpbx/api/abonents", "/mts-vpbx/api/abonents/1735",
             "/mts-vpbx/api/abonents/1736", "/mts-vpbx/api/abonents/1735", "/mts-vpbx/telsim/nope",
             "/mts-vpbx/telsim/nope"]
    statuses = []
    for path in paths:
        async with simulator.request("GET", path, headers={"X-AUTH-TOKEN": key}) as resp:
            statuses.append(resp.status)
    async with simulator.request("DELETE", "/mts-vpbx/api/abonents",
                                 headers={"X-AUTH-TOKEN": key}) as resp:
        statuses.append(resp.status)
    assert statuses[0] == statuses[1] == 200 and statuses[2] == statuses[4]
    assert statuses[5] == statuses[6] == 404 and statuses[7] == 405
    entries = simulator.journal(direction="in")
    assert [e["path"] for e in entries] == [p[len("/mts-vpbx"):] for p in paths] + ["/api/abonents"]
    assert entries[0]["operation"] == entries[1]["operation"] != entries[2]["operation"]
    assert entries[2]["operation"] == entries[3]["operation"] == entries[4]["operation"]
    assert entries[2]["response_body"] == entries[4]["response_body"] != entries[3]["response_body"]


def test_remembered_matches_are_bounded_and_only_of_routes():
    from aiohttp import web
    from aiohttp.web_urldispatcher import MatchInfoError

    from simulator.app import _Resolved

    async def handler(request):
        return web.Response()

    app = web.Application()
    route = app.router.add_get("/api/abonents/{id}", handler)
    resolved = _Resolved()
    for i in range(_Resolved.MAX + 10):
        match = web.UrlMappingMatchInfo({"id": str(i)}, route)
        resolved.remember(("GET", f"/api/abonents/{i}"), match, None)
        assert len(resolved) <= _Resolved.MAX
    assert resolved[("GET", f"/api/abonents/{_Resolved.MAX + 9}")][0] == {"id": str(_Resolved.MAX + 9)}
    resolved.clear()
    resolved.remember(("GET", "/x"), MatchInfoError(web.HTTPNotFound()), None)
    resolved.remember(("GET", "/api/abonents/" + "1" * _Resolved.MAX_PATH),
                      web.UrlMappingMatchInfo({"id": "1"}, route), None)
    assert not resolved


_PATH_CHARS = "abz/.-_~!$&'()*+,;=:@%2F5AaéЖ?# "


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_PATH_CHARS, max_size=24)
       | st.lists(st.sampled_from(["%2F", "%25", "%41", "%2f", "%D0%96", "%", "%zz", "a", "/", ".."]),
                  max_size=8).map("".join))
def test_a_routed_path_without_percent_is_the_decoded_path(tail):
    # the journal's path comes from the path_safe the request handler routed by when it has no
    # "%" (app.py observe): then it must be request.path, whatever the request line carried
    try:
        request = make_mocked_request("GET", "/mtt-telecom/" + tail)
    except ValueError:  # not a request target aiohttp takes at all
        return
    routed = request.rel_url.path_safe
    if "%" not in routed:
        assert routed == request.path
