"""§7–§8: the authorization code flow, token lives on the virtual clock, RFC 6749 errors."""
import asyncio
import base64
from urllib.parse import urlencode

import pytest
from authlib.integrations.requests_client import OAuth2Session

from .browser import LoginForm, log_in
from .conftest import CALLBACK, CLIENT, REFRESH, SCOPE, SECRET, SLUG, query_of

LOGIN, PASSWORD = "romashka", "Romashka-LK-2026"


def authorize_url(simulator, **params) -> str:
    base = {"client_id": CLIENT, "redirect_uri": CALLBACK, "scope": SCOPE, "response_type": "code", "state": "xyz"}
    base.update(params)
    return simulator.url(SLUG, "/oauth/authorize?" + urlencode({k: v for k, v in base.items() if v is not None}))


async def token(simulator, data=None, *, params=None, auth=None):
    headers = {"Authorization": "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()} if auth else {}
    async with simulator.request("POST", simulator.url(SLUG, "/oauth/token"), data=data, params=params,
                                 headers=headers) as r:
        return r.status, await r.json(), r.headers


async def code_for(simulator, **params) -> str:
    status, location = await log_in(simulator, authorize_url(simulator, **params), LOGIN, PASSWORD)
    assert status == 302, location
    return query_of(location)["code"]


async def test_authlib_client_completes_the_whole_flow(simulator, monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")   # the simulator listens on http://127.0.0.1
    client = OAuth2Session(CLIENT, SECRET, scope=SCOPE, redirect_uri=CALLBACK)
    url, state = client.create_authorization_url(simulator.url(SLUG, "/oauth/authorize"))
    status, location = await log_in(simulator, url, LOGIN, PASSWORD)
    assert status == 302 and location.startswith(CALLBACK + "?")
    assert query_of(location)["state"] == state
    tok = await asyncio.to_thread(client.fetch_token, simulator.url(SLUG, "/oauth/token"),
                                  authorization_response=location)
    assert tok["token_type"] == "Bearer" and tok["expires_in"] == 7200 and tok["scope"] == SCOPE
    r = await asyncio.to_thread(client.get, simulator.url(SLUG, "/workplacesInfo"))
    assert r.status_code == 200 and r.json()["result"]["total"] == 3
    new = await asyncio.to_thread(client.refresh_token, simulator.url(SLUG, "/oauth/token"))
    assert new["access_token"] != tok["access_token"] and new["refresh_token"] != tok["refresh_token"]
    r = await asyncio.to_thread(client.get, simulator.url(SLUG, "/terminalsinfo"))
    assert r.status_code == 200 and r.json()["result"]["terminals_list"]


async def test_login_page_has_the_fields_real_clients_fill(simulator):
    async with simulator.request("GET", authorize_url(simulator)) as r:
        assert r.status == 200 and r.content_type == "text/html"
        form = LoginForm(await r.text())
    assert {"login", "password"} <= set(form.names) and "button" in form.button_classes
    assert form.fields["client_id"] == CLIENT and form.fields["state"] == "xyz"


async def test_wrong_password_shows_the_page_again(simulator):
    status, page = await log_in(simulator, authorize_url(simulator), LOGIN, "wrong")
    assert status == 200 and "Неверный логин или пароль" in page
    assert LoginForm(page).fields["redirect_uri"] == CALLBACK
    status, page = await log_in(simulator, authorize_url(simulator), "sever-veter", "Sever-LK-2026")
    assert status == 200, "another customer's ЛК does not own this integration"


@pytest.mark.parametrize("params", [{"client_id": "nobody"}, {"redirect_uri": "https://evil.example/cb"},
                                    {"client_id": None}])
async def test_unknown_client_or_foreign_redirect_uri_get_an_error_page_not_a_redirect(simulator, params):
    async with simulator.request("GET", authorize_url(simulator, **params), allow_redirects=False) as r:
        assert r.status == 400 and r.content_type == "text/html" and "Location" not in r.headers


@pytest.mark.parametrize("params,error", [({"response_type": "token"}, "unsupported_response_type"),
                                          ({"scope": "https://mtt.ru/other"}, "invalid_scope"),
                                          ({"scope": None}, "invalid_scope")])
async def test_other_bad_parameters_redirect_with_error_and_state(simulator, params, error):
    async with simulator.request("GET", authorize_url(simulator, **params), allow_redirects=False) as r:
        assert r.status == 302
        q = query_of(r.headers["Location"])
    assert q["error"] == error and q["state"] == "xyz" and r.headers["Location"].startswith(CALLBACK)


async def test_registered_redirect_uri_is_used_when_none_is_given(simulator):
    status, location = await log_in(simulator, authorize_url(simulator, redirect_uri=None), LOGIN, PASSWORD)
    assert status == 302 and location.startswith("https://oauth.myanycrm.ru/?code=")


async def test_code_exchange_with_form_fields_query_string_and_basic(simulator):
    code = await code_for(simulator)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "scope": f" {SCOPE} "}
    # the MBO client: Content-Type form, parameters in the query string (wire-facts 3)
    status, body, headers = await token(simulator, params={**form, "client_id": CLIENT, "client_secret": SECRET})
    assert status == 200 and set(body) == {"access_token", "expires_in", "refresh_token", "scope", "token_type"}
    assert headers["Cache-Control"] == "no-store"
    code = await code_for(simulator)
    status, body, _ = await token(simulator, {**form, "code": code}, auth=(CLIENT, SECRET))
    assert status == 200 and len(body["access_token"]) == 48


async def test_code_is_single_use_and_its_reuse_revokes_the_pair(simulator, api):
    code = await code_for(simulator)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "client_id": CLIENT, "client_secret": SECRET}
    status, pair, _ = await token(simulator, form)
    assert status == 200
    assert (await api("GET", "/externalNumbersInfo", token=pair["access_token"]))[0] == 200
    status, body, _ = await token(simulator, form)
    assert status == 400 and body["error"] == "invalid_grant"
    assert (await api("GET", "/externalNumbersInfo", token=pair["access_token"]))[0] == 401


async def test_code_is_short_lived_and_bound_to_its_redirect_uri(simulator):
    code = await code_for(simulator)
    form = {"grant_type": "authorization_code", "code": code, "client_id": CLIENT, "client_secret": SECRET}
    status, body, _ = await token(simulator, {**form, "redirect_uri": "http://127.0.0.1:9000/mtt-business/oauth"})
    assert status == 400 and body["error"] == "invalid_grant"
    await simulator.advance(601)
    status, body, _ = await token(simulator, {**form, "redirect_uri": CALLBACK})
    assert status == 400 and body["error"] == "invalid_grant" and "expired" in body["error_description"]


@pytest.mark.parametrize("form,auth,status,error", [
    ({"grant_type": "authorization_code", "code": "x", "client_id": CLIENT, "client_secret": "bad"}, None, 401,
     "invalid_client"),
    ({"grant_type": "authorization_code", "code": "x"}, ("nobody", "x"), 401, "invalid_client"),
    ({"grant_type": "authorization_code", "code": "x"}, None, 401, "invalid_client"),
    ({"grant_type": "password", "client_id": CLIENT, "client_secret": SECRET}, None, 400, "unsupported_grant_type"),
    ({"client_id": CLIENT, "client_secret": SECRET}, None, 400, "invalid_request"),
    ({"grant_type": "authorization_code", "client_id": CLIENT, "client_secret": SECRET}, None, 400, "invalid_request"),
    ({"grant_type": "authorization_code", "code": "nope", "client_id": CLIENT, "client_secret": SECRET}, None, 400,
     "invalid_grant"),
    ({"grant_type": "refresh_token", "refresh_token": "nope", "client_id": CLIENT, "client_secret": SECRET}, None,
     400, "invalid_grant"),
    ({"grant_type": "authorization_code", "code": "x", "scope": "bad", "client_id": CLIENT, "client_secret": SECRET},
     None, 400, "invalid_scope"),
])
async def test_token_errors_are_rfc_6749(simulator, form, auth, status, error):
    got, body, headers = await token(simulator, form, auth=auth)
    assert (got, body["error"]) == (status, error)
    if status == 401:
        assert headers["WWW-Authenticate"].startswith("Basic")


async def test_document_code_and_pair_work_before_any_login(simulator, api):
    status, body, _ = await token(simulator, {"grant_type": "authorization_code", "code": "Yzk5ZDczMzRINDEwY",
                                              "redirect_uri": CALLBACK, "client_id": CLIENT, "client_secret": SECRET,
                                              "scope": SCOPE})
    assert status == 200
    status, body, _ = await token(simulator, {"grant_type": "refresh_token", "refresh_token": REFRESH,
                                              "client_id": CLIENT, "client_secret": SECRET})
    assert status == 200 and body["scope"] == "https://mtt.ru/auth/openapi.readwrite"


async def test_refresh_without_refresh_token_uses_the_latest_pair(simulator):
    status, first, _ = await token(simulator, {"grant_type": "refresh_token", "client_id": CLIENT, "client_secret": SECRET})
    assert status == 200
    status, second, _ = await token(simulator, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                                "client_id": CLIENT, "client_secret": SECRET})
    assert status == 200
    status, body, _ = await token(simulator, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                              "client_id": CLIENT, "client_secret": SECRET})
    assert status == 400 and body["error"] == "invalid_grant", "a refresh token is spent once used"


async def test_access_token_lives_two_hours_refresh_token_three_days(simulator, api):
    code = await code_for(simulator)
    _, pair, _ = await token(simulator, {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                                         "client_id": CLIENT, "client_secret": SECRET})
    await simulator.advance(7199)
    assert (await api("GET", "/workplacesInfo", token=pair["access_token"]))[0] == 200
    await simulator.advance(2)
    status, body, headers = await api("GET", "/workplacesInfo", token=pair["access_token"])
    assert status == 401 and body["error"]["code"] == "invalid_token" and "invalid_token" in headers["WWW-Authenticate"]
    assert (await api("GET", "/workplacesInfo"))[0] == 401, "the pre-issued pair also lives 2 hours from start"
    await simulator.advance(3 * 86400 - 7201 + 1)
    status, body, _ = await token(simulator, {"grant_type": "refresh_token", "refresh_token": pair["refresh_token"],
                                              "client_id": CLIENT, "client_secret": SECRET})
    assert status == 400 and body["error"] == "invalid_grant"


async def test_control_api_mints_a_code_and_a_token(simulator, api):
    async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/authorization-code",
                                 json={"client_id": CLIENT, "redirect_uri": CALLBACK, "state": "s1"}) as r:
        assert r.status == 200
        minted = await r.json()
    status, pair, _ = await token(simulator, {"grant_type": "authorization_code", "code": minted["code"],
                                              "redirect_uri": CALLBACK, "client_id": CLIENT, "client_secret": SECRET})
    assert status == 200
    async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/token", json={"client_id": CLIENT}) as r:
        assert r.status == 200
        direct = await r.json()
    assert (await api("GET", "/terminalsinfo", token=direct["access_token"]))[0] == 200
    for action, body, status in [("token", {"client_id": "nobody"}, 404), ("token", {"client": 1}, 422),
                                 ("authorization-code", {"client_id": CLIENT, "redirect_uri": "https://x.example"}, 422),
                                 ("explode", {}, 404)]:
        async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/{action}", json=body) as r:
            assert r.status == status and "error" in await r.json()
