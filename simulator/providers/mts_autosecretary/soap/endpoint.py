"""One .svc endpoint: metadata on GET, MEX and SOAP 1.1 calls on POST (transport-neutral)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from lxml import etree
from spyne import Application

from ..errors import ApiError
from . import mex
from .bridge import SpyneBridge
from .services import CDR_APP, UN_APP
from .wsdl import TNS, build_metadata

XML = "text/xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass
class SoapReply:
    status: int
    content_type: str
    body: bytes
    headers: Optional[dict[str, str]] = None
    operation: Optional[str] = None  # the SOAP operation called, for the journal


def client_fault(status: int, text: str) -> SoapReply:
    env = etree.Element(f"{{{mex.SOAP11}}}Envelope", nsmap={"s": mex.SOAP11})
    body = etree.SubElement(env, f"{{{mex.SOAP11}}}Body")
    fault = etree.SubElement(body, f"{{{mex.SOAP11}}}Fault")
    etree.SubElement(fault, "faultcode").text = "s:Client" if status < 500 else "s:Server"
    etree.SubElement(fault, "faultstring").text = text
    return SoapReply(status, XML, etree.tostring(env, xml_declaration=True, encoding="utf-8"))


ADDRESSING_NONE = "http://schemas.microsoft.com/ws/2005/05/addressing/none"


def action_not_supported(action: str) -> SoapReply:
    """WCF's answer to a SOAPAction no operation of the contract has (a missing one is '')."""
    return _wcf_fault(ADDRESSING_NONE, "ActionNotSupported", (
        f"The message with Action '{action}' cannot be processed at the receiver, due to a ContractFilter "
        "mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched "
        "Actions between sender and receiver) or a binding/security mismatch between the sender and the "
        "receiver.  Check that sender and receiver have the same contract and the same binding (including "
        "security requirements, e.g. Message, Transport, None)."))


def _wcf_fault(code_ns: str, code: str, text: str) -> SoapReply:
    """A WCF dispatcher fault: 500, ``a:<code>`` in ``code_ns``, an en-US faultstring."""
    env = etree.Element(f"{{{mex.SOAP11}}}Envelope", nsmap={"s": mex.SOAP11})
    fault = etree.SubElement(etree.SubElement(env, f"{{{mex.SOAP11}}}Body"), f"{{{mex.SOAP11}}}Fault")
    etree.SubElement(fault, "faultcode", nsmap={"a": code_ns}).text = f"a:{code}"
    string = etree.SubElement(fault, "faultstring")
    string.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    string.text = text
    return SoapReply(500, XML, etree.tostring(env, encoding="utf-8"))


DISPATCHER = "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher"
_BODY_CHILD = re.compile(rb"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)")


def body_operation(body: bytes) -> Optional[str]:
    """The local name of the Body's first element (None when none can be seen: the parser decides)."""
    match = _BODY_CHILD.search(body)
    return match.group(1).decode("ascii", "replace") if match else None


def wrong_body(operation: str, found: str) -> SoapReply:
    """WCF dispatches by SOAPAction: a body naming another operation fails in its formatter."""
    return _wcf_fault(DISPATCHER, "DeserializationFailed", (
        "The formatter threw an exception while trying to deserialize the message: Error in deserializing "
        f"body of request message for operation '{operation}'. OperationFormatter encountered an invalid "
        f"Message body. Expected to find node type 'Element' with name '{operation}' and namespace "
        f"'{TNS}'. Found node type 'Element' with name '{found}'."))


_HELP = """<html><head><title>{name} Service</title></head><body><h1>{name} Service</h1>
<p>You have created a service.</p><p>To test this service, you will need to create a client and use it
to call the service. You can do this using the svcutil.exe tool from the command line with the
following syntax:</p><pre>svcutil.exe {address}?wsdl</pre>
<p>You can also access the service description as a single file:</p><pre>{address}?singleWsdl</pre>
</body></html>"""


class SoapService:
    def __init__(self, app: Application, service: str):
        self.service = service
        self.bridge = SpyneBridge(app)  # sets app.transport, needed before the WSDL is built
        self.metadata = build_metadata(app, service)
        wsdl = etree.fromstring(self.metadata.render("singleWsdl", "http://localhost/"))
        # the binding's soapAction of each operation: http://tempuri.org/I<service>/<operation>
        self.actions = {el.get("soapAction"): el.getparent().get("name")
                        for el in wsdl.iter("{http://schemas.xmlsoap.org/wsdl/soap/}operation")}

    def get(self, query: Mapping[str, str], address: str) -> SoapReply:
        keys = {k.lower(): (k, v) for k, v in query.items()}
        if "singlewsdl" in keys:
            return SoapReply(200, XML, self.metadata.render("singleWsdl", address))
        if "xsd" in keys:
            name = keys["xsd"][1].strip().lower()
            if name.startswith("xsd") and name[3:].isdigit() and int(name[3:]) < len(self.metadata.xsds):
                return SoapReply(200, XML, self.metadata.render("xsd", address, int(name[3:])))
            return SoapReply(404, "text/plain; charset=utf-8", b"Unknown schema")
        if "wsdl" in keys:
            return SoapReply(200, XML, self.metadata.render("wsdl", address))
        return SoapReply(200, HTML, _HELP.format(name=self.service, address=address).encode())

    def is_mex(self, body: bytes, soap_action: Optional[str]) -> bool:
        return mex.is_mex_request(body, soap_action)

    def mex(self, body: bytes, address: str) -> SoapReply:
        status, ctype, payload = mex.respond(body, self.metadata.render("singleWsdl", address), TNS)
        return SoapReply(status, ctype, payload)

    async def post(
        self,
        body: bytes,
        content_type: str,
        soap_action: Optional[str],
        address: str,
        make_udc: Callable[[], Any],
    ) -> SoapReply:
        """``make_udc`` authenticates and builds the per-call context; it may raise ApiError."""
        if self.is_mex(body, soap_action):
            return self.mex(body, address)
        ctype = (content_type or "").split(";")[0].strip().lower()
        if ctype != "text/xml":  # basicHttpBinding's text encoder takes SOAP 1.1 only
            return SoapReply(
                415,
                "text/plain; charset=utf-8",
                (
                    f"Cannot process the message because the content type '{content_type}' was not "
                    "the expected type 'text/xml; charset=utf-8'."
                ).encode(),
            )
        try:
            udc = make_udc()
        except ApiError as exc:
            reply = client_fault(exc.status_code, exc.status_msg)
            if exc.status_code == 401:
                reply.headers = {"WWW-Authenticate": 'Basic realm="aa.mts.ru"'}
            return reply
        action = (soap_action or "").strip()
        if len(action) >= 2 and action[0] == action[-1] == '"':
            action = action[1:-1]
        if action not in self.actions:
            return action_not_supported(action)
        found = body_operation(body)
        if found is not None and found != self.actions[action]:
            return wrong_body(self.actions[action], found)
        result = await self.bridge.handle(body, udc)
        return SoapReply(result.status, XML, result.body, operation=result.operation)


_SERVICES: dict[str, SoapService] = {}


def service(name: str) -> SoapService:
    """The shared ``un`` / ``cdr`` endpoint (spyne apps are stateless; state comes in the udc)."""
    if name not in _SERVICES:
        _SERVICES[name] = SoapService(UN_APP if name == "un" else CDR_APP, name)
    return _SERVICES[name]
