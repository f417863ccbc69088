"""Every operation and notification of mtt-business-open-api.txt, by the document's names."""
from __future__ import annotations

from simulator.catalogue import CallbackSpec, Catalogue, Operation

from . import models as m

OAUTH = "oauth.mtt.ru"
API = "openapi.mtt.ru"


def _ref(schema: str) -> str:
    return f"contracts/mtt-business/openapi.yaml#/components/schemas/{schema}"


OPERATIONS = (
    Operation("GET /oauth/authorize", "8.1", "html", "GET", "/oauth/authorize", host=OAUTH,
              summary="Первичная регистрация: the ЛК login page of the authorization code flow"),
    Operation("POST /oauth/authorize", "8.1", "form", "POST", "/oauth/authorize", host=OAUTH,
              summary="the login form (login, password); success redirects to redirect_uri?code=&state="),
    Operation("POST /oauth/token grant_type=authorization_code", "8.2", "form", "POST", "/oauth/token",
              selector="authorization_code", response=m.TokenResponse, host=OAUTH,
              summary="Запрос токена доступа: code -> access_token + refresh_token"),
    Operation("POST /oauth/token grant_type=refresh_token", "8.3", "form", "POST", "/oauth/token",
              selector="refresh_token", response=m.TokenResponse, host=OAUTH,
              summary="Обновление токена доступа"),
    Operation("POST /oauth/token", "8.2", "form", "POST", "/oauth/token", selector="*", host=OAUTH,
              summary="a token request without a grant_type the server knows (RFC 6749 errors)"),
    Operation("GET externalNumbersInfo", "9.1", "rest", "GET", "/externalNumbersInfo", host=API,
              response=_ref("ExternalNumbersInfo"), summary="внешняя нумерация"),
    Operation("GET workplacesInfo", "9.2", "rest", "GET", "/workplacesInfo", host=API,
              response=_ref("WorkplacesInfo"), summary="рабочие места (РМ)"),
    Operation("GET terminalsinfo", "9.3", "rest", "GET", "/terminalsinfo", host=API,
              response=_ref("TerminalsInfo"), summary="терминалы с привязкой к РМ"),
    Operation("POST setParkingNumbers", "10.2", "rest", "POST", "/setParkingNumbers", host=API,
              request=m.SetParkingNumbersParams, response=_ref("Success"),
              summary="парковка входящих вызовов на внешних номерах"),
    Operation("POST makeCall", "10.3.1", "rest", "POST", "/makeCall", host=API,
              request=m.MakeCallParams, response=_ref("MakeCallResponse"),
              summary="click2call: first leg to the workplace, then calleid"),
    Operation("POST terminateCall", "10.3.2", "rest", "POST", "/terminateCall", host=API,
              request=m.TerminateCallParams, response=_ref("ResultSuccess"),
              summary="end a leg; a parked call goes on by the scheme"),
    Operation("POST transferCall", "10.3.3", "rest", "POST", "/transferCall", host=API,
              request=m.TransferCallParams, response=_ref("ResultSuccess"),
              summary="transfer a call (leg) to a SIP ID"),
    Operation("GET records", "10.1.3", "download", "GET", "/records/{centrexId}/{yyyy}/{mm}/{dd}/{file}",
              host="openapi-stage.mtt.ru", summary="the MP3 a recorded notification links (kept 90 days)"),
)

CALLBACKS = (
    CallbackSpec("callNotifications", "10.1", "rest", "the integration's notification URL (its Redirect URI, §7.3)",
                 body=_ref("CallNotification"),
                 summary="callInfo with state trying (10.1.1 incoming, 10.1.2 outgoing), recorded (10.1.3), "
                         "showing (10.1.4), connected (10.1.5), hiding (10.1.6), finished (10.1.7)"),
    CallbackSpec("vpbxNotifications", "9.4", "rest", "the integration's notification URL (its Redirect URI, §7.3)",
                 body=_ref("VpbxNotification"),
                 summary="eventType numbersChanged (9.4) / workplacesChanged (9.5)"),
)

SECTIONS = {
    "8.1": "Первичная регистрация", "8.2": "Запрос токена доступа", "8.3": "Обновление токена доступа",
    "9.1": "Получение информации о структуре внешней нумерации", "9.2": "Получение списка рабочих мест",
    "9.3": "Получение списка терминалов", "9.4": "Нотификация об изменении структуры РМ",
    "9.5": "Нотификация об изменении настроек", "10.1": "Нотификация о вызовах",
    "10.1.1": "поступление входящего вызова", "10.1.2": "начало исходящего вызова",
    "10.1.3": "готовность записи разговора", "10.1.4": "поступление вызова на РМ оператора",
    "10.1.5": "соединение вызова с РМ оператора", "10.1.6": "окончание вызова на РМ оператора",
    "10.1.7": "окончание вызова", "10.2": "Установка/снятие парковки вызова",
    "10.3.1": "Инициализация (оригинация) вызова", "10.3.2": "Команда завершения плеча вызова",
    "10.3.3": "Команда перевода вызова",
}

CATALOGUE = Catalogue("mtt-business", "mtt-business-open-api.txt", OPERATIONS, CALLBACKS, SECTIONS)
