"""A new user's first mistakes get an answer that says what to do."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.sim import UnknownNumber, UnknownProvider
from simulator.world import DEFAULT_WORLD

TELSIM = [sys.executable, "-m", "simulator.cli"]
KNOWN = "known: beeline-cloudcc, mts-autosecretary, mts-vpbx"  # and the providers added since


# ------------------------------------------------------ calls nobody would see
@pytest.mark.parametrize("provider,direction,number,works", [
    ("mts-vpbx", "inbound", "+79160009999", "X214: +74950001122"),
    ("mts-vpbx", "outbound", "+79160009999", "X214: +79160001735"),
    ("beeline-cloudcc", "inbound", "74950009999", "demo: 74957850000"),
    ("beeline-cloudcc", "outbound", "74950009999", "demo: 74957850000"),
    ("mts-autosecretary", "inbound", "4950009999", "user: 4954071111"),
])
async def test_a_call_for_a_number_no_tenant_owns_is_422(simulator, provider, direction, number, works):
    inbound = direction == "inbound"
    body = {"provider": provider, "direction": direction,
            "from": "+79161234567" if inbound else number, "to": number if inbound else "+79161234567"}
    async with simulator.request("POST", "/_sim/calls", json=body) as resp:
        assert resp.status == 422
        message = (await resp.json())["error"]
    assert message.startswith(f"{provider}: no tenant owns {number}")
    assert works in message and '"allow_unknown": true' in message
    assert simulator.sim.engine.calls == {}


async def test_allow_unknown_places_a_call_into_nowhere(simulator):
    async with simulator.request("POST", "/_sim/calls", json={
            "provider": "beeline-cloudcc", "from": "79161234567", "to": "74950009999",
            "allow_unknown": True}) as resp:
        assert resp.status == 201
        call_id = (await resp.json())["id"]
    await simulator.advance(5)
    assert simulator.engine.get(call_id).cause == 1  # unassigned number, as the network answers


async def test_owned_numbers_still_work_and_the_harness_says_the_same(simulator):
    call = await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    assert call.tenant == "X214"
    with pytest.raises(UnknownNumber, match="no tenant owns"):
        await simulator.start_call("mts-vpbx", "+79161234567", "+79160009999")


# ----------------------------------------------------------- wrong slugs
async def test_a_wrong_provider_slug_names_the_known_ones(simulator):
    with pytest.raises(UnknownProvider) as info:
        await simulator.start_call("mts_vpbx", "+79161234567", "+79160001735")
    assert str(info.value).startswith(f"unknown provider 'mts_vpbx'; {KNOWN}")
    assert isinstance(info.value, KeyError)
    with pytest.raises(KeyError, match=KNOWN):
        simulator.url("mts_vpbx", "/api/abonents")
    for lookup in (simulator.journal, simulator.callbacks):
        with pytest.raises(UnknownProvider, match=KNOWN):
            lookup(provider="mts_vpbx")
    with pytest.raises(UnknownProvider, match=KNOWN):
        await simulator.wait_for_callback(provider="mts_vpbx", timeout=1)
    for method, path, body in [("POST", "/_sim/calls", {"provider": "mts_vpbx", "from": "1", "to": "2"}),
                               ("POST", "/_sim/faults", {"provider": "mts_vpbx", "action": "drop"}),
                               ("GET", "/_sim/providers/mts_vpbx", None)]:
        async with simulator.request(method, path, json=body) as resp:
            assert resp.status == 404 and KNOWN in (await resp.json())["error"], path


# ------------------------------------------------------ waiting in vain
async def test_wait_for_callback_names_the_predicate_and_what_came(simulator, callback_sink):
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "webhook": {"active": True, "callbackUrl": callback_sink.url("/hook")}}}}}})
    callback_sink.respond("/hook", status=503)
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    with pytest.raises(TimeoutError) as info:
        await simulator.wait_for_callback(lambda e: e["kind"] == "webhook:NOPE", timeout=30)
    message = str(info.value)
    assert "predicate a lambda at test_first_mistakes.py:" in message
    assert 'e["kind"] == "webhook:NOPE"' in message and "within 30 simulated s" in message
    assert f"CALL_RECEIVED POST {callback_sink.url('/hook')} -> 503" in message
    with pytest.raises(TimeoutError, match=r"no callback matching kind='x' within 1 simulated s; callbacks sent"):
        await simulator.wait_for_callback(kind="x", timeout=1)


async def test_wait_for_callback_with_nothing_sent(simulator):
    with pytest.raises(TimeoutError, match="no callback matching anything .* no callback was sent at all"):
        await simulator.wait_for_callback(timeout=1)


# ---------------------------------------------------------- files
def test_replay_checks_the_whole_file_before_running(tmp_path, capsys):
    scenario = tmp_path / "typo.yaml"
    scenario.write_text("steps:\n  - advance: 1\n  - cal: {provider: mts-vpbx, from: '1', to: '2'}\n"
                        "  - call: {provider: mts_vpbx, from: '1', to: '2'}\n  - advance: soon\n")
    assert main(["replay", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s), nothing was run" in err
    assert "step 2: unknown step 'cal'; valid steps: advance, call, expect, patch, request" in err
    assert f"step 3 (call): unknown provider 'mts_vpbx'; {KNOWN}" in err
    assert "step 4 (advance): give simulated seconds" in err


def test_replay_of_a_world_file_says_it_is_one(capsys):
    assert main(["replay", str(DEFAULT_WORLD)]) == 2
    err = capsys.readouterr().err
    assert "this is a world file" in err and "telsim serve --world" in err


def test_an_empty_world_file_is_refused(tmp_path, capsys):
    for text in ("", "# only a comment\n"):
        empty = tmp_path / "empty.yaml"
        empty.write_text(text)
        assert main(["world", "validate", str(empty)]) == 2
        assert "the file is empty" in capsys.readouterr().err
        assert main(["serve", "--world", str(empty), "--port", "0"]) == 2
        assert "the file is empty" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("telsim 0.")


@pytest.mark.parametrize("args", [["world", "schema"], ["--help"], ["replay", "--json", "SCENARIO"]])
def test_output_piped_into_head_ends_quietly(args):
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "mts-vpbx" / "4.5.1-ivr-queue.yaml"
    args = [str(scenario) if a == "SCENARIO" else a for a in args]
    # `| head -c 1`: the reader takes one byte and goes away while telsim still writes
    proc = subprocess.Popen(TELSIM + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err
