"""addNumbers on gapi.mtt.ru /v1/api: numbers of a region the customer has, paid from its balance."""
from .rest_client import API, rpc

EXAMPLE = {"region_code": "MOW", "quantity": 2, "dial_code": 495}


async def test_the_example_succeeds_once_then_funds_run_out(simulator):
    status, answer = await rpc(simulator, "/v1/api", "addNumbers", EXAMPLE)
    assert status == 200
    assert answer["result"] == [{"number_list": [{"number": 74950000131, "result": {"status": "Success"}},
                                                 {"number": 74950000132, "result": {"status": "Success"}}]}]
    status, answer = await rpc(simulator, "/v1/api", "addNumbers", EXAMPLE)
    assert answer["error"]["code"] == -32602 and answer["error"]["message"] == "Invalid params"
    assert answer["error"]["data"] == [{"code": "B_INSUFFICIENT_FUNDS_FOR_NUMBERS", "attribute": "quantity",
                                        "message": "Insufficient funds to connect 2 numbers",
                                        "tpl": "Insufficient funds to connect {value} numbers",
                                        "tplParams": {"value": 2, "attribute": "quantity"}}]
    # the customer paid 2 x 500
    status, answer = await rpc(simulator, "/index.php", "getCustomerBalance", {"customer_name": "110000777"}, auth=API)
    assert answer["result"]["balance"] == 500


async def test_new_numbers_are_sip_ids(simulator):
    await rpc(simulator, "/v1/api", "addNumbers", {"region_code": "MOW", "quantity": "1", "dial_code": "499"})
    status, answer = await rpc(simulator, "/index.php", "updateCallControlURL",
                               {"sip_id": "74990000211", "url": "https://crm.example.ru/mtt"}, auth=API)
    assert answer["result"] == {"success": 1}
    status, answer = await rpc(simulator, "/v1/api", "getPremediaAccountSettings", {"sip_id": "74990000211"})
    assert answer["error"]["code"] == -32001  # exists, but has no premedia settings


async def test_refusals(simulator):
    cases = [({"region_code": "SPE", "quantity": 1}, "V_VALUE_NOT_IN_LIST", "region_code"),
             ({"region_code": "MOW", "quantity": 0}, "V_VALUE_INVALID", "quantity"),
             ({"region_code": "MOW", "quantity": "two"}, "V_VALUE_INVALID", "quantity"),
             ({"region_code": "MOW", "quantity": 1, "dial_code": 812}, "V_VALUE_NOT_IN_LIST", "dial_code"),
             ({"region_code": "MOW", "quantity": 6, "dial_code": 495}, "B_NOT_ENOUGH_NUMBERS", "quantity")]
    for params, code, attribute in cases:
        status, answer = await rpc(simulator, "/v1/api", "addNumbers", params)
        assert answer["error"]["code"] == -32602, params
        assert (answer["error"]["data"][0]["code"], answer["error"]["data"][0]["attribute"]) == (code, attribute)
    status, answer = await rpc(simulator, "/v1/api", "addNumbers", {"quantity": 1})
    assert answer["error"]["code"] == -32602
