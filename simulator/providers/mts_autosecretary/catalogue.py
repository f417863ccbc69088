"""Every operation of "@втосекретарь API" (mts-autosecretary-api.txt): the REST methods named as
``METHOD /path`` the document writes, the SOAP operations as ``<service>.svc <Operation>`` of the WSDL,
and the notices (e-mails) the service sends. The document's sections have no numbers; they are
numbered here in the order of its table of contents.

All operations share one catch-all route: the real service runs on IIS/WCF, where paths are
case-insensitive, so routes.py matches the lower-cased path itself and names the operation."""
from __future__ import annotations

from ...catalogue import CallbackSpec, Catalogue, Operation
from . import models as m

HOST = "aa.mts.ru"
ROUTE = "* /{tail:.*}"

SECTIONS = {
    "1": "Введение",
    "2": "Общие свойства методов API",
    "3": "Получение параметров универсального номера",
    "4": "Изменение параметров универсального номера",
    "5": "Получение CDR записей за интервал времени",
    "6": "Получение CDR записей по идентификатору записи",
    "7": "Получения списка UN номеров доступных для управления",
}


def _op(name: str, section: str, transport, request=None, response=None, summary: str = "") -> Operation:
    return Operation(name=name, section=section, transport=transport, method="*", path="/{tail:.*}",
                     selector=name, request=request, response=response, host=HOST, summary=summary)


def rest(method: str, path: str, section: str, request=None, response=None, summary: str = "") -> Operation:
    return _op(f"{method} {path}", section, "rest", request, response, summary)


def soap(service: str, operation: str, section: str, summary: str = "") -> Operation:
    return _op(f"{service}.svc {operation}", section, "soap",
               f"wsdl/{service}.svc.singleWsdl.wsdl#{operation}", f"wsdl/{service}.svc.singleWsdl.wsdl#{operation}",
               summary)


UN_GET = "GET /api/v1/un?phone={phone}"
UN_LIST = "GET /api/v1/un"

OPERATIONS = (
    rest("GET", "/api/v1/un?phone={phone}", "3", response=m.UN),
    rest("PUT", "/api/v1/un", "4", m.UN, m.UN),
    rest("GET", "/api/v1/cdr/bytime", "5", response=list[m.CDR]),
    rest("GET", "/api/v1/cdr/byid", "6", response=list[m.CDR]),
    rest("GET", "/api/v1/un", "7", response=list[str]),
    rest("GET", "/api/v4/record", "wire-facts 2.3", summary="not in the document: the v4 recording download "
                                                            "real clients use (audio/mpeg)"),
    soap("un", "GetUN", "3"),
    soap("un", "UpdateUN", "4"),
    soap("cdr", "GetCdrByTime", "5"),
    soap("cdr", "GetCdrById", "6"),
    soap("un", "GetUNList", "7"),
    _op("GET /api/v1/un.svc", "2", "soap", summary="WSDL (?wsdl, ?singleWsdl), its XSDs (?xsd=xsdN), the WCF help page"),
    _op("GET /api/v1/cdr.svc", "2", "soap", summary="WSDL (?wsdl, ?singleWsdl), its XSDs (?xsd=xsdN), the WCF help page"),
    _op("POST /api/v1/un.svc/mex", "2", "soap", summary="WS-MetadataExchange GetMetadata"),
    _op("POST /api/v1/cdr.svc/mex", "2", "soap", summary="WS-MetadataExchange GetMetadata"),
)

CALLBACKS = (
    CallbackSpec("voice_email", "3", "email", "the UN's voice_email", direction="notice",
                 summary="a caller's voice-mail message, e-mailed when no DN took the call"),
    CallbackSpec("conf_email", "3", "email", "the UN's conf_email", direction="notice",
                 summary="the recording of a conversation with a DN whose record flag is on"),
)

CATALOGUE = Catalogue(provider="mts-autosecretary", document="mts-autosecretary-api.txt", operations=OPERATIONS,
                      callbacks=CALLBACKS, sections=SECTIONS)
