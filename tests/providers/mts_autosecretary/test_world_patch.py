"""PATCH /_sim/world acts like a change in the personal cabinet."""
from .helpers import basic, call


async def test_portal_change_keeps_api_changes_elsewhere(simulator):
    status, _, _, _ = await call(simulator, "PUT", "/api/v1/un", body={"phone": "4954071111", "description": "via API"})
    assert status == 200
    simulator.patch_world({"providers": {"mts-autosecretary": {"accounts": {
        "user": {"uns": {"9854079998": {"description": "via portal"}, "9854070000": {"dn_list": [{"phone": "89160000100"}]},
                         "9854071111": None}},
        "new@mts.ru": {"password": "pw"},
    }}}})
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/un")
    assert payload["value"] == ["4954071111", "9854079998", "9854070000"]
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/un?phone=4954071111")
    assert payload["value"]["description"] == "via API"
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/un?phone=9854079998")
    assert payload["value"]["description"] == "via portal"
    status, _, _, _ = await call(simulator, "GET", "/api/v1/un?phone=9854071111")
    assert status == 403
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/un", basic("new@mts.ru", "pw"))
    assert status == 200 and payload["value"] == []
    # the history of a removed UN stays in the CDR store; a new UN takes calls at once
    await simulator.start_call("mts-autosecretary", "+79161000932", "9854070000",
                               caller={"answer_after": 0, "hangup_after": 30},
                               script={"89160000100": {"answer_after": 1, "hangup_after": 10}})
    await simulator.advance(60)
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=9854070000")
    assert payload["value"][0]["log"].endswith("--TryToCall:89160000100-Conn")


async def test_password_change(simulator):
    simulator.patch_world({"providers": {"mts-autosecretary": {"accounts": {"user": {"password": "new"}}}}})
    status, _, _, _ = await call(simulator, "GET", "/api/v1/un")
    assert status == 401
    status, _, _, _ = await call(simulator, "GET", "/api/v1/un", basic("user", "new"))
    assert status == 200


async def test_bad_patch_is_refused(simulator):
    import pytest
    from simulator.world import WorldError
    with pytest.raises(WorldError) as info:
        simulator.patch_world({"providers": {"mts-autosecretary": {"accounts": {"user": {"uns": {
            "4954071111": {"dn_list": [{"phone": "89161000232", "day": 9}]}}}}}}})
    assert "dn_list[0].day" in str(info.value)
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/un?phone=4954071111")
    assert payload["value"]["dn_list"][0]["day"] == 0


async def test_un_moves_between_accounts(simulator):
    simulator.patch_world({"providers": {"mts-autosecretary": {"accounts": {
        "user": {"uns": {"9854079998": None}},
        "other@mts.ru": {"uns": {"9854079998": {"description": "moved", "dn_list": [{"phone": "89161000234"}]}}},
    }}}})
    _, mine, _, _ = await call(simulator, "GET", "/api/v1/un")
    _, theirs, _, _ = await call(simulator, "GET", "/api/v1/un", basic("other@mts.ru", "other-password"))
    assert "9854079998" not in mine["value"]
    assert theirs["value"] == ["4954072222", "9854079998"]
