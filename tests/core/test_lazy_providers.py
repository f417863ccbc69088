"""Providers built on first use (simulator/providers/lazy.py, registry listings, provider_apps.py):
a provider built late holds and answers exactly what one built at start does, a bad world still
fails at start, and nothing of a provider is imported before it is needed."""
import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.providers import registry
from simulator.providers.mts_vpbx.listing import reset_timers
from simulator.settings import Settings
from simulator.sim import Simulator
from simulator.testing.harness import SimulatorHarness
from simulator.world import DEFAULT_WORLD, WorldError, read_world_file

ROOT = Path(__file__).resolve().parents[2]
LISTED = ("beeline-cloudcc", "mts-autosecretary", "mts-vpbx", "mtt-business", "mtt-telecom")


def basic(login: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


AA = basic("user", "password")
TELECOM = basic("romashka-api", "Gnezdo-Api-2026")
BEELINE = basic("cloudcc-demo", "cloudcc-demo-pass")
VPBX = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"}
MTT_BUSINESS = {"Authorization": "Bearer MMRLZJU5NTETMTNHZIOZNIYLWJHOTGTNJY1M2ZMM2YZNMYX"}
RLIST = (b'--b\r\nContent-Disposition: form-data; name="api_form"\r\nContent-Type: application/json\r\n\r\n'
         b'{"Command": "RLIST"}\r\n--b--\r\n')

#: (method, path, headers, body): reads, writes, Host-header routing, unknown paths, bad auth
REQUESTS = [
    ("GET", "/mts-autosecretary/api/v1/un?phone=4954071111", AA, None),
    ("PUT", "/mts-autosecretary/api/v1/un", {**AA, "Content-Type": "application/json"},
     b'{"phone": "4954071111", "description": "lazy"}'),
    ("GET", "/api/v1/un?phone=4954071111", {**AA, "Host": "aa.mts.ru"}, None),
    ("GET", "/mts-vpbx/api/abonents", VPBX, None),
    ("GET", "/mts-vpbx/api/abonents", {}, None),
    ("POST", "/beeline-cloudcc/api/request", {**BEELINE, "Content-Type": "multipart/form-data; boundary=b"}, RLIST),
    ("POST", "/api/request", {"Host": "cloudcc.beeline.ru:443", "Content-Type": "multipart/form-data; boundary=b"},
     RLIST),
    ("GET", "/mtt-business/externalNumbersInfo", MTT_BUSINESS, None),
    ("GET", "/mtt-business/no/such/path", MTT_BUSINESS, None),
    ("POST", "/mtt-telecom/index.php", {**TELECOM, "Content-Type": "application/json"},
     b'{"id": "3", "jsonrpc": "2.0", "method": "getCallHistory", "params": {"sip_id": "74996480000", '
     b'"date_from": "01.02.2018 00:00:00", "date_to": "30.10.2019 22:23:35"}}'),
    ("POST", "/index.php", {**TELECOM, "Host": "rc.mtt.ru", "Content-Type": "application/json"},
     b'{"id": "1", "jsonrpc": "2.0", "method": "getSipList", "params": {}}'),
    ("DELETE", "/mtt-telecom/index.php", TELECOM, None),
]


async def answers(harness: SimulatorHarness) -> list:
    out = []
    for method, path, headers, body in REQUESTS:
        async with harness.session.request(method, harness.base_url + path, headers=headers, data=body) as resp:
            out.append((method, path, resp.status, resp.headers.get("Content-Type"), await resp.read()))
    return out


WALL = {"latency_ms", "wall_time", "host", "Host", "Date"}  # the wall clock, the harness's port


def scrub(value):
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in WALL}
    return [scrub(v) for v in value] if isinstance(value, list) else value


def state(sim: Simulator) -> dict:
    """Everything a test can see of the providers, the world and the clock, as JSON text."""
    show = lambda value: json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)  # noqa: E731
    journal = scrub(sim.journal.query())
    return {"world": show(sim.world_store.dump()), "clock": show(sim.clock.describe()), "journal": show(journal),
            **{slug: show([p.snapshot(), p.describe()]) for slug, p in sim.providers.items()}}


async def started(world=None) -> SimulatorHarness:
    return await SimulatorHarness(world, manual_clock=True).start()


def test_the_listings_say_what_the_provider_classes_say():
    listings = registry.listings()
    assert tuple(listings) == LISTED
    for slug, listing in listings.items():
        cls = registry.provider_class(slug)
        assert (cls.slug, tuple(cls.hosts), cls.title) == (listing.slug, listing.hosts, listing.title)
        assert cls.section_model is registry.section_model(slug)


def test_the_default_world_imports_only_what_start_up_needs():
    code = ("import sys; from simulator.sim import Simulator; from simulator.app import create_app; "
            "sim = Simulator(); create_app(sim); "
            "print(sorted(m for m in sys.modules if m.startswith('simulator.providers.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    modules = out.stdout
    for package in ("beeline_cloudcc", "mts_autosecretary", "mtt_business", "mtt_telecom"):
        assert f"simulator.providers.{package}.provider'" not in modules
        assert f"simulator.providers.{package}.world'" not in modules  # validated on first use
    # VPBX's subscription expiry is a stand-in timer until it is due (or VPBX is used)


async def test_the_provider_list_of_the_control_api_builds_none_and_answers_as_built_ones():
    lazy = await started()
    eager = await started(read_world_file(DEFAULT_WORLD))
    try:
        eager.sim.providers.build_all()
        lists = []
        for harness in (lazy, eager):
            async with harness.request("GET", "/_sim/providers") as resp:
                assert resp.status == 200
                lists.append(await resp.json())
        assert set(lazy.sim.providers.built()) == set()  # listing them built none (not even VPBX)
        for answer, harness in zip(lists, (lazy, eager)):  # each server names its own port
            for item in answer:
                assert item.pop("base_url") == f"{harness.base_url}/{item['slug']}/"
        assert lists[0] == lists[1]
        assert [p["slug"] for p in lists[1]] == list(eager.sim.providers)
        for item, provider in zip(lists[1], eager.sim.providers.values()):
            assert (item["title"], item["hosts"]) == (provider.title, list(provider.hosts))
    finally:
        await lazy.stop()
        await eager.stop()


async def test_providers_built_on_first_use_answer_and_hold_what_eager_ones_do():
    lazy = await started()  # the default world: sections validated, providers built on first use
    eager = await started(read_world_file(DEFAULT_WORLD))
    try:
        assert set(lazy.sim.providers.built()) == set()
        assert lazy.sim.world_store.deferred
        eager.sim.providers.build_all()
        for harness in (lazy, eager):
            await harness.advance(95)  # a provider built now resets as of the start all the same
        assert state(lazy.sim)["clock"] == state(eager.sim)["clock"]
        assert await answers(lazy) == await answers(eager)
        assert state(lazy.sim) == state(eager.sim)
        await lazy.reset()
        await eager.reset()
        assert await answers(lazy) == await answers(eager)
        assert state(lazy.sim) == state(eager.sim)
    finally:
        await lazy.stop()
        await eager.stop()


async def test_a_patch_of_a_provider_never_used_acts_as_on_one_built_at_start():
    lazy = await started()
    eager = await started(read_world_file(DEFAULT_WORLD))
    try:
        eager.sim.providers.build_all()
        patch = {"providers": {"mtt-business": {"settings": {"rps_limit": 7}}}, "seed": 99}
        for harness in (lazy, eager):
            await harness.advance(30)
            harness.patch_world(patch)
        assert set(lazy.sim.providers.built()) == set(LISTED)
        assert await answers(lazy) == await answers(eager)
        assert state(lazy.sim) == state(eager.sim)
    finally:
        await lazy.stop()
        await eager.stop()


async def test_a_provider_built_after_the_start_takes_its_calls_events():
    lazy = await started()
    try:
        assert "beeline-cloudcc" not in lazy.sim.providers.built()
        async with lazy.request("POST", "/_sim/calls", json={
                "provider": "beeline-cloudcc", "from": "+79161112233", "to": "74957850000"}) as resp:
            assert resp.status in (200, 201), await resp.text()
        await lazy.advance(120)
        described = lazy.sim.providers["beeline-cloudcc"].describe()
        eager = Simulator(Settings(world_data=read_world_file(DEFAULT_WORLD), manual_clock=True, access_log=False))
        eager.providers.build_all()
        await eager.start()
        try:
            from simulator.providers.base import CallRequest
            await eager.start_call(CallRequest(provider="beeline-cloudcc", **{"from": "+79161112233"},
                                               to="74957850000"))
            await eager.clock.advance(120)
            assert json.dumps(described, sort_keys=True, default=str) == \
                json.dumps(eager.providers["beeline-cloudcc"].describe(), sort_keys=True, default=str)
        finally:
            await eager.stop()
    finally:
        await lazy.stop()


def test_a_bad_world_still_fails_at_start_with_the_same_error(tmp_path):
    world = read_world_file(DEFAULT_WORLD)
    world["providers"]["mtt-telecom"]["tenants"] = "not a mapping"
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(world), encoding="utf-8")  # JSON is YAML
    with pytest.raises(WorldError) as from_file:
        Simulator(Settings(world=path))
    assert str(from_file.value).startswith(f"{path}: providers.mtt-telecom.tenants")
    with pytest.raises(WorldError) as from_data:
        Simulator(Settings(world_data=world))
    assert str(from_data.value) == str(from_file.value).replace(str(path), "<world data>")


def test_a_copy_of_the_default_world_elsewhere_is_validated_whole_at_start(tmp_path):
    path = tmp_path / "default.yaml"
    path.write_bytes(DEFAULT_WORLD.read_bytes())
    sim = Simulator(Settings(world=path))
    assert not sim.world_store.deferred
    assert set(sim.providers.built()) == set()  # the providers are still built on first use


def test_a_provider_looked_up_from_beside_a_threaded_simulator_starts_on_its_loop():
    from simulator.testing.threaded import ThreadedSimulator

    with ThreadedSimulator() as running:
        sim = running.harness.sim
        assert "mtt-telecom" not in sim.providers.built()
        provider = sim.providers["mtt-telecom"]  # from this thread, not the simulator's loop
        assert provider._unsubscribe is not None  # its startup ran (on the loop): it sees calls


@pytest.fixture
def patched_from_a_plain_fixture(simulator):
    # the first patch builds every provider; this fixture runs on the loop's thread between
    # its runs, where waiting for the loop to start a provider would wait forever
    simulator.patch_world({"providers": {}})
    return simulator


async def test_providers_built_from_a_plain_fixture_are_started(patched_from_a_plain_fixture):
    sim = patched_from_a_plain_fixture.sim
    assert set(sim.providers.built()) == set(sim.providers)
    async with patched_from_a_plain_fixture.request("GET", "/mts-vpbx/api/abonents",
                                                    headers={"X-AUTH-TOKEN": "nope"}) as resp:
        assert resp.status in (401, 403)


def _vpbx_world(**services) -> dict:
    world = read_world_file(DEFAULT_WORLD)
    ent = next(iter(world["providers"]["mts-vpbx"]["enterprises"].values()))
    ent.update(services)
    return world


@pytest.mark.parametrize("services", [
    {},  # the default world: one subscription, its expiry an hour after the reset
    {"apicrm": {"active": True, "callbackUrl": "http://127.0.0.1:9/crm", "clientApiKey": "k"},
     "webhook": {"active": True, "callbackUrl": "http://127.0.0.1:9/hook", "clientApiKey": "k"}},
])
@pytest.mark.parametrize("use_first", [False, True])
async def test_stand_in_timers_fire_as_the_timers_of_a_portal_built_at_start(services, use_first):
    """VPBX is not built at start: stand-ins hold its reset's timers (the clock shows and fires
    the same), whether VPBX is first used before they are due or built by the first of them."""
    world = _vpbx_world(**services)
    lazy = await started(world)
    listing = registry.listings()["mts-vpbx"]
    object.__setattr__(listing, "reset_timers", None)  # as before: built at start
    try:
        eager = await started(world)
    finally:
        object.__setattr__(listing, "reset_timers", reset_timers)
    try:
        assert "mts-vpbx" in eager.sim.providers.built()
        # a CHECK_ALIVE probe is due at the reset: its stand-in built the portal at the start
        assert ("mts-vpbx" in lazy.sim.providers.built()) == bool(services)
        for harness in (lazy, eager):
            await harness.sim.clock.settle()
        assert lazy.sim.clock.describe() == eager.sim.clock.describe()
        assert lazy.sim.clock.describe()["pending_timers"] >= 1
        if use_first:
            await lazy.sim.clock.advance(10)
            await eager.sim.clock.advance(10)
            assert await answers(lazy) == await answers(eager)
        for harness in (lazy, eager):
            await harness.sim.clock.advance(3700)
        assert "mts-vpbx" in lazy.sim.providers.built()
        assert state(lazy.sim) == state(eager.sim)
        for harness in (lazy, eager):
            await harness.reset()
            await harness.sim.clock.settle()
        assert lazy.sim.clock.describe() == eager.sim.clock.describe()
        for harness in (lazy, eager):
            await harness.sim.clock.advance(3700)
        assert state(lazy.sim) == state(eager.sim)
    finally:
        await lazy.stop()
        await eager.stop()


def test_the_portal_is_built_at_start_when_its_listing_cannot_name_its_timers():
    world = _vpbx_world(apicrm={"active": "yes", "callbackUrl": "http://127.0.0.1:9/crm"})
    assert reset_timers(world["providers"]["mts-vpbx"]) is None
    assert reset_timers(read_world_file(DEFAULT_WORLD)["providers"]["mts-vpbx"]) == [3600.0]
    assert reset_timers(None) == []
