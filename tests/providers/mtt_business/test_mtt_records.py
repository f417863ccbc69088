"""§10.1.3 records, §9.4/§9.5 structure notifications, and how notifications are delivered."""
import json
from urllib.parse import urlsplit

from .conftest import ROMASHKA, SEVER, SLUG, SOKOLOV, TOKEN, call_infos, notifications

DOC_RECORD = "/records/34380859/2020/12/18/9B58D12A_EC9D5E37_56485D37_0EE913E5.mp3"   # §10.1.3


def is_mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


async def get(simulator, path, **kw):
    async with simulator.request("GET", simulator.url(SLUG, path), **kw) as r:
        return r.status, r.headers.get("Content-Type", ""), await r.read()


async def test_record_of_a_call_is_a_real_mp3_kept_90_days(simulator, hooks):
    await simulator.start_call(SLUG, "78124241500", "74993807700",
                               script={"883140777446532": {"answer_after": 1, "hangup_after": 12}})
    await simulator.advance(30)
    rec = [i for i in call_infos(hooks, SOKOLOV) if i["state"] == "recorded"][0]
    url = urlsplit(rec["urlRecord"])
    assert url.netloc == "openapi-stage.mtt.ru"
    status, ctype, data = await get(simulator, url.path)
    assert status == 200 and ctype == "audio/mpeg" and is_mp3(data) and len(data) > 12 * 1000
    async with simulator.request("GET", url.path, headers={"Host": url.netloc}) as r:
        assert r.status == 200 and r.content_type == "audio/mpeg"
    await simulator.advance(90 * 86400)
    status, _, body = await get(simulator, url.path)
    assert status == 404


async def test_the_documents_record_link_works(simulator):
    status, ctype, data = await get(simulator, DOC_RECORD)
    assert status == 200 and ctype == "audio/mpeg" and is_mp3(data)
    assert (await get(simulator, DOC_RECORD.replace("9B58", "0000")))[0] == 404
    assert (await get(simulator, "/records/34380859/2020/12/18"))[0] == 404


async def test_records_may_need_the_token(simulator):
    simulator.patch_world({"providers": {SLUG: {"settings": {"records_need_token": True}}}})
    assert (await get(simulator, DOC_RECORD))[0] == 401
    # TOKEN is 48212857's: a record of 34380859 is not found for it
    assert (await get(simulator, DOC_RECORD, headers={"Authorization": f"Bearer {TOKEN}"}))[0] == 404
    async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/token",
                                 json={"client_id": "9e3d4c21-7a8b-4f5e-b0c1-3438085900a1"}) as r:
        own = (await r.json())["access_token"]
    assert (await get(simulator, DOC_RECORD, headers={"Authorization": f"Bearer {own}"}))[0] == 200


async def test_history_records_are_generated_from_the_seed(simulator):
    provider = simulator.sim.providers[SLUG]
    snap = provider.snapshot()
    assert len(snap[ROMASHKA]) == 7 * 15 and len(snap[SOKOLOV]) == 7 * 5 + 1
    path = snap[ROMASHKA][0]["path"]
    assert (await get(simulator, "/records/" + path))[0] == 200
    await simulator.reset()
    assert simulator.sim.providers[SLUG].snapshot() == snap


async def test_structure_changes_are_notified(simulator, hooks):
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"numbers": {"74950001122": {}}}}}}})
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"workplaces": {"88314077716581": {
        "name": "Старший администратор"}}}}}}})
    simulator.patch_world({"providers": {SLUG: {"settings": {"ring_timeout": 25}}}})
    await simulator.advance(0)
    assert notifications(hooks, ROMASHKA) == [
        {"event": "vpbxNotifications", "result": {"eventType": "numbersChanged"}},
        {"event": "vpbxNotifications", "result": {"eventType": "workplacesChanged"}}]
    assert notifications(hooks, SEVER) == []


async def test_parking_set_through_the_api_survives_an_unrelated_patch(simulator, api):
    await api("POST", "/setParkingNumbers", json={"params": {"numbers": ["880023213"], "isParking": True}})
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"numbers": {"880034344": {"name": "x"}}}}}}})
    assert simulator.sim.providers[SLUG].directory.pbx[ROMASHKA].parking["880023213"] is True


async def test_failed_deliveries_are_retried(simulator, hooks):
    hooks.respond(f"/n/{SEVER}", status=500, times=2)
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    await simulator.advance(5)
    attempts = [e for e in simulator.journal(provider=SLUG, direction="out", kind="callNotifications")
                if '"trying"' in e["request_body"]]
    assert [e["status"] for e in attempts] == [500, 500, 200] and [e["attempt"] for e in attempts] == [1, 2, 3]
    assert attempts[2]["sim_time"] - attempts[0]["sim_time"] == 4


async def test_notifications_go_to_every_enabled_integration(simulator, hooks, callback_sink):
    simulator.patch_world({"providers": {SLUG: {"tenants": {SEVER: {"integrations": {"second-crm": {
        "name": "Вторая CRM", "client_secret": "s", "redirect_uri": callback_sink.url("/second")}}}}}}})
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    assert len(callback_sink.received("/second")) == 1 and len(call_infos(hooks, SEVER)) == 1
    simulator.patch_world({"providers": {SLUG: {"tenants": {SEVER: {"open_api": False}}}}})
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    assert len(callback_sink.received("/second")) == 1, "the Open API slider is off (§3)"


async def test_expired_codes_tokens_and_records_are_forgotten(simulator, hooks):
    provider = simulator.sim.providers[SLUG]
    code = provider.tokens.new_code("ccb350cc-6218-40b0-b134-3d290f00b9e7", None, "x", 600)
    await simulator.advance(100 * 86400)
    provider.tokens.purge()
    provider.records.purge()
    assert code not in provider.tokens.codes and TOKEN not in provider.tokens.access
    assert len(provider.records) == 0


async def test_recorded_follows_finished_when_the_file_is_made(simulator, hooks):
    await simulator.start_call(SLUG, "78124241500", "74993807700",
                               script={"883140777446532": {"answer_after": 1, "hangup_after": 5}})
    await simulator.advance(30)
    sent = {json.loads(e["request_body"])["result"]["callInfo"]["state"]: e["sim_time"]
            for e in simulator.journal(provider=SLUG, direction="out", tenant=SOKOLOV)}
    assert sent["recorded"] - sent["finished"] == 3
