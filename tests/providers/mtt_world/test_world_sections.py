"""The default world's MTT Business and MTT Telecom sections: they validate, they hold the
documents' own example identifiers (so a document's example request finds its data), a
merge patch changes one tenant and reset restores it, bad values name the field path."""
import copy

import pytest

from simulator.world import DEFAULT_WORLD, WorldError, read_world_file, validate_world


def _world() -> dict:
    return read_world_file(DEFAULT_WORLD)


def test_default_world_validates_with_both_mtt_sections():
    world = validate_world(_world(), "default.yaml")
    business = world.providers.mtt_business
    telecom = world.providers.mtt_telecom
    assert business is not None and telecom is not None
    assert set(business.tenants) >= {"48212857", "67821426", "34380859"}
    assert set(telecom.tenants) >= {"romashka", "other"}


async def _live_world(simulator) -> dict:
    async with simulator.request("GET", "/_sim/world") as resp:
        assert resp.status == 200
        return await resp.json()


async def test_mtt_business_document_examples_are_in_the_live_world(simulator):
    section = (await _live_world(simulator))["providers"]["mtt-business"]
    tenant = section["tenants"]["48212857"]
    # §7.3: the integration's Id клиента / Секретный ключ / Redirect URI; §8.1 redirect_uri and code
    integration = tenant["integrations"]["ccb350cc-6218-40b0-b134-3d290f00b9e7"]
    assert integration["client_secret"] == "iNmTWpDLeYkyzkUTVuCQwa"
    assert integration["name"] == "тестовая интеграция"
    assert integration["redirect_uri"] == "https://oauth.myanycrm.ru"
    assert "http://localhost:9090/callback" in integration["extra_redirect_uris"]
    assert integration["codes"]["Yzk5ZDczMzRINDEwY"]["state"] == "xyz"
    # §8.2: the example token pair
    assert integration["tokens"][0]["access_token"] == "MMRLZJU5NTETMTNHZIOZNIYLWJHOTGTNJY1M2ZMM2YZNMYX"
    assert integration["tokens"][0]["refresh_token"] == "YWFHNGFHMQTMTUYMI01ZTM0LTKZM2QTYZU2YZIWNJQ0MJE0"
    assert integration["notification_url"].startswith("http://127.0.0.1:")
    # §9.1, §10.2 numbers; §9.2 workplace; §9.3 terminal; §10.1.2/§10.3 SIP ID
    assert {"78005560251", "880023213", "880034344"} <= set(tenant["numbers"])
    assert tenant["workplaces"]["88314077716581"]["name"] == "Администратор"
    assert "883140777380595" in tenant["workplaces"]["883140777380595"]["terminals"]
    assert tenant["workplaces"]["883140582526566"]["display_number"] == "78005560251"
    # §10.1.1 / §10.1.7: the incoming example's customer
    incoming = section["tenants"]["67821426"]
    assert incoming["numbers"]["74996497803"]["routes_to"] == ["883140777828305"]
    assert incoming["numbers"]["74996497803"]["forwarders"] == [
        "an_prd100275045-3881851", "scheme_prd100275045-3885981"]
    # §10.1.3: the record example
    record = section["tenants"]["34380859"]["records"]["9B58D12A_EC9D5E37_56485D37_0EE913E5"]
    assert record["account_id"] == "883140777446532" and record["date"] == "2020-12-18"


async def test_mtt_telecom_document_examples_are_in_the_live_world(simulator):
    tenant = (await _live_world(simulator))["providers"]["mtt-telecom"]["tenants"]["romashka"]
    customers = tenant["customers"]
    # CallBack API: 883140500000000, also spelled 88314050000000
    callback = customers["883140500000000"]
    assert "88314050000000" in callback["aliases"]
    assert callback["callback"]["caller_id"] == "74951001010"
    assert "1256ffb10774226b390ad1a2bc892c9c" in callback["callback_calls"]
    assert {"for_all_sales", "01_mamita_surumi.wav", "Enchantment.wav"} <= set(callback["callback_prompts"])
    # setFollowme / getFollowme
    accounts = customers["110000000"]["accounts"]
    assert [f["redirect_number"] for f in accounts["74951345897"]["followme"]] == ["79684881033", "79636793312"]
    assert accounts["883140776011039"]["number"] == "74951345987"
    assert accounts["883140776011039"]["i_account"] == 44635974
    assert customers["110000000"]["balance"] == 121.54 and customers["110000000"]["real_balance"] == 711.54
    # getPersonalAccountList
    assert {"74951373222", "74951374017", "74951340438", "74951374095", "74951374096"} <= set(
        customers["110011111"]["accounts"])
    # getServiceHistoryByCustomer / getCallHistory / rc.mtt.ru
    history = customers["110011256"]
    assert {"74951349387", "883140584982783", "883140587615452", "74996480000"} <= set(history["accounts"])
    assert "0000B3A4_55F311E4_A2420025_9062EDC4" in history["records"]
    assert history["i_customer"] == 29132333
    # IPCR: updateCallControlURL / setReserveCallControlNumber / getAccountCustomFields
    assert accounts["73432143178"]["reserve_number"] == "79991112233"
    assert accounts["79584630000"]["i_account"] == 113408082
    assert accounts["79584630000"]["reserve_number"] == "79307084160"
    # premedia (gapi)
    media = customers["110000777"]
    assert media["accounts"]["74951348579"]["premedia"]["scenario_id"] == 3
    assert media["prompts"]["116.mp3"]["file_id"] == "c20ed66245ae695fc35f846ef3f35e94"
    assert {p["file_id"] for p in media["prompts"].values()} >= {
        "47f51cac1b50fd136334697b11aa406a", "3806efe36d0f1bfccb45ffae8e152c7c", "3d221eb1aadf4d035bd87891abc82de7"}
    assert "79586488002" in media["accounts"]
    assert tenant["gapi"]["customer_name"] == "110000777"
    assert tenant["gbl_rules"] == ["79663089363", "79266966166"]
    # sb-api and SMS
    assert set(tenant["sb_api"]["methods"]) == {"metod", "ivr-api"}
    assert {"79580000000", "74996489150"} <= set(tenant["sb_api"]["sip_ids"])  # 11-digit (issue 12)
    assert "accefd5c385-f2aa-3dd4-9c0b-01abf00ccfe" in tenant["msapi"]
    # every URL the platform calls is on loopback
    for customer in customers.values():
        for account in customer["accounts"].values():
            assert account["control_url"] in ("",) or "@127.0.0.1:" in account["control_url"] \
                or account["control_url"].startswith("http://127.0.0.1:")
    assert tenant["sb_api"]["event_url"].startswith("http://127.0.0.1:")


async def test_patching_one_mtt_business_tenant_callback_url_and_reset(simulator):
    client = "ccb350cc-6218-40b0-b134-3d290f00b9e7"
    patch = {"providers": {"mtt-business": {"tenants": {"48212857": {"integrations": {client: {
        "notification_url": "http://127.0.0.1:9/changed"}}}}}}}
    async with simulator.request("PATCH", "/_sim/world", json=patch) as resp:
        assert resp.status == 200
        body = await resp.json()
    tenants = body["providers"]["mtt-business"]["tenants"]
    assert tenants["48212857"]["integrations"][client]["notification_url"] == "http://127.0.0.1:9/changed"
    assert tenants["48212857"]["integrations"][client]["client_secret"] == "iNmTWpDLeYkyzkUTVuCQwa"
    assert set(tenants["48212857"]["workplaces"]) >= {"88314077716581", "883140582526566"}
    assert "67821426" in tenants   # the other tenants are untouched
    async with simulator.request("POST", "/_sim/reset") as resp:
        assert resp.status == 200
    live = await _live_world(simulator)
    restored = live["providers"]["mtt-business"]["tenants"]["48212857"]["integrations"][client]
    assert restored["notification_url"] == "http://127.0.0.1:9000/mtt-business/notify"


async def test_patching_one_mtt_telecom_control_url_and_reset(simulator):
    patch = {"providers": {"mtt-telecom": {"tenants": {"romashka": {"customers": {"110000777": {"accounts": {
        "79586488002": {"control_url": "http://u:p@127.0.0.1:9/ctl"}}}}}}}}}
    body = simulator.patch_world(patch)
    account = body["providers"]["mtt-telecom"]["tenants"]["romashka"]["customers"]["110000777"]["accounts"]["79586488002"]
    assert account["control_url"] == "http://u:p@127.0.0.1:9/ctl"
    assert account["reserve_number"] == "79684881033"
    await simulator.reset()
    live = await _live_world(simulator)
    account = live["providers"]["mtt-telecom"]["tenants"]["romashka"]["customers"]["110000777"]["accounts"]["79586488002"]
    assert account["control_url"] == "http://mtt_user:mtt_password@127.0.0.1:9000/mtt-telecom/control"


async def test_bad_patch_is_refused_with_the_field_path(simulator):
    patch = {"providers": {"mtt-business": {"tenants": {"48212857": {"integrations": {
        "ccb350cc-6218-40b0-b134-3d290f00b9e7": {"notification_url": "not a url"}}}}}}}
    async with simulator.request("PATCH", "/_sim/world", json=patch) as resp:
        assert resp.status == 422
        text = await resp.text()
    assert "providers.mtt-business.tenants.48212857.integrations.ccb350cc-6218-40b0-b134-3d290f00b9e7" \
           ".notification_url" in text
    # the live world is unchanged
    live = await _live_world(simulator)
    integration = live["providers"]["mtt-business"]["tenants"]["48212857"]["integrations"][
        "ccb350cc-6218-40b0-b134-3d290f00b9e7"]
    assert integration["notification_url"] == "http://127.0.0.1:9000/mtt-business/notify"


def _set(raw: dict, path: list, value) -> dict:
    raw = copy.deepcopy(raw)
    node = raw
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return raw


@pytest.mark.parametrize("path,value,needle", [
    (["mtt-business", "tenants", "48212857", "workplaces", "883140582526566", "party", "answer_after"], -1,
     "providers.mtt-business.tenants.48212857.workplaces.883140582526566.party.answer_after"),
    (["mtt-business", "tenants", "48212857", "numbers", "78005560251", "routes_to"], ["999"],
     "providers.mtt-business.tenants.48212857"),
    (["mtt-business", "tenants", "48212857", "login"], "",
     "providers.mtt-business.tenants.48212857.login"),
    (["mtt-business", "tenants", "48212857", "colour"], "red",
     "providers.mtt-business.tenants.48212857.colour: Extra inputs are not permitted"),
    (["mtt-telecom", "tenants", "romashka", "customers", "110000000", "accounts", "74951345897", "followme", 0,
      "active"], "maybe",
     "providers.mtt-telecom.tenants.romashka.customers.110000000.accounts.74951345897.followme.0.active"),
    (["mtt-telecom", "tenants", "romashka", "employees", "79522222222", "party", "busy"], "sometimes",
     "providers.mtt-telecom.tenants.romashka.employees.79522222222.party.busy"),
    (["mtt-telecom", "tenants", "romashka", "customers", "110000777", "accounts", "74951348579", "premedia",
      "scenario_id"], 4,
     "providers.mtt-telecom.tenants.romashka.customers.110000777.accounts.74951348579.premedia.scenario_id"),
    (["mtt-telecom", "tenants", "romashka", "gapi", "customer_name"], "110000001",
     "providers.mtt-telecom.tenants.romashka: Value error, gapi.customer_name"),
])
def test_bad_values_name_the_field_path(path, value, needle):
    raw = _world()
    raw["providers"] = _set(raw["providers"], path, value)
    with pytest.raises(WorldError) as err:
        validate_world(raw, "default.yaml")
    assert needle in str(err.value), str(err.value)
