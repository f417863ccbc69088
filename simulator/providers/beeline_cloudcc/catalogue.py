"""Every operation and callback of the Beeline cloudcc document (beeline-cloudcc-api.txt), named as
the document writes them: part 1's XML messages by their root element, part 2's commands by their
``Command``. routes.py serves the shared routes and names the operation it recognised."""
from __future__ import annotations

from ...catalogue import CallbackSpec, Catalogue, Operation
from . import models as m

HOST = "cloudcc.beeline.ru"
ONLINE_ROUTE = "* /"
OFFLINE_ROUTE = "* /api/request"
DOWNLOAD = "GET /api/download"

SECTIONS = {
    "2.1": "InitCall", "2.2": "AnnCall", "2.3": "Call Status Response", "2.4": "Agent Request",
    "2.5": "Agent Info Response",
    "3.3": "Запросы на скачивание файлов (GET /api/download)",
    "4.1": "Установка номера для переадресации",
    "4.2": "Получение списка настроек переадресации",
    "4.3": "Отмена переадресации",
    "4.4": "Установка/отмена Pre-Media",
    "4.5": "Получение списка установленных Pre-Media",
    "4.6": "Загрузка данных в черный список",
    "4.7": "Удаление данных из черного списка",
    "4.8": "Установка/получение номера активного черного списка",
    "4.9": "Получение данных из черного списка",
    "4.10": "Включение записи разговоров",
    "4.11": "Отключение записи разговоров",
    "4.12": "Получение статуса записи разговоров",
    "4.13": "Заказ статистики (CDR)",
    "4.14": "Получение статуса запроса на выдачу статистики (CDR)",
    "4.15": "Загрузка голосового файла на сервер для использования в функции PREMEDIA",
    "4.16": "Удаление голосового файла, загруженного на сервер ранее",
    "4.17": "Получение списка голосовых файлов, загруженных на сервер",
    "4.18": "Определение часового пояса по телефонному номеру",
}


def online(name: str, section: str, request, response=None, summary: str = "") -> Operation:
    """A part 1 message: POST of an XML element to the SPN root; the root element names it."""
    return Operation(name=name, section=section, transport="xml", method="*", path="/", selector=name,
                     request=request, response=response, host=HOST, summary=summary)


def command(name: str, section: str, summary: str) -> Operation:
    """A part 2 command: multipart/form-data with the api_form JSON part, told apart by ``Command``."""
    return Operation(name=name, section=section, transport="multipart", method="*", path="/api/request",
                     selector=name, request=f"schemas/{name}.request.schema.json",
                     response=f"schemas/{name}.response.schema.json", host=HOST, summary=summary)


OPERATIONS = (
    online("InitCall", "2.1", m.InitCall, m.Info, "call side 0, then side 1, and join them"),
    online("AnnCall", "2.2", m.AnnCall, m.Info, "call B0, speak AddPar, wait for a key, then call B1"),
    online("AgentInfo", "2.5", m.AgentInfo, summary="where a parked inbound call goes (no answer body)"),
    command("REDIRECT", "4.1", "set redirection numbers"),
    command("RLIST", "4.2", "list redirection settings"),
    command("RCANCEL", "4.3", "cancel redirection"),
    command("PREMEDIA", "4.4", "set or cancel pre-media"),
    command("MLIST", "4.5", "list pre-media settings"),
    command("SETBLIST", "4.6", "load numbers into a black list"),
    command("DELBLIST", "4.7", "delete numbers from black lists"),
    command("ABLIST", "4.8", "set or get the active black list"),
    command("LBLIST", "4.9", "get black list contents"),
    command("ARECORD", "4.10", "switch call recording on"),
    command("CRECORD", "4.11", "switch call recording off"),
    command("LRECORD", "4.12", "call recording status"),
    command("REQCDR", "4.13", "order statistics (CDR)"),
    command("STATCDR", "4.14", "status of a statistics order"),
    command("VFILE", "4.15", "upload a voice file for PREMEDIA"),
    command("DELFILE", "4.16", "delete voice files"),
    command("LVFILES", "4.17", "list voice files"),
    command("HLRTZ", "4.18", "time zone of a phone number"),
    Operation(name=DOWNLOAD, section="3.3", transport="download", method="*", path="/api/download{tail:(?:/.*)?}",
              host=HOST, summary="statistics files (4.14), call records, voice files (4.15.4)"),
)

CALLBACKS = (
    CallbackSpec("callStatus", "2.3", "xml", "the tenant's CS URL (client_url)", body=m.CallStatus,
                 summary="every state change of an InitCall/AnnCall/inbound call"),
    CallbackSpec("AgentRequest", "2.4", "xml", "the tenant's CS URL (client_url)", body=m.AgentRequest,
                 summary="where an inbound call goes; the answer is an AgentInfo (2.4.1)"),
)

CATALOGUE = Catalogue(provider="beeline-cloudcc", document="beeline-cloudcc-api.txt", operations=OPERATIONS,
                      callbacks=CALLBACKS, sections=SECTIONS)
