"""WS-MetadataExchange on the services (what WCF's mex endpoint answers).

Accepts SOAP 1.1 or 1.2 envelopes carrying either a WS-MEX ``GetMetadata`` request or a WS-Transfer
``Get`` (the form svcutil sends), and answers in the same SOAP version with a ``wsx:Metadata`` holding
the service's WSDL (schemas inline).
"""

from __future__ import annotations

import uuid
from typing import Optional

from lxml import etree

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA10 = "http://www.w3.org/2005/08/addressing"
WSA04 = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
MEX = "http://schemas.xmlsoap.org/ws/2004/09/mex"
TRANSFER_GET = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
TRANSFER_GET_RESPONSE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse"
MEX_REQUEST = f"{MEX}/GetMetadata/Request"
MEX_RESPONSE = f"{MEX}/GetMetadata/Response"
WSDL_DIALECT = "http://schemas.xmlsoap.org/wsdl/"

MEX_ACTIONS = (TRANSFER_GET, MEX_REQUEST)

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _content_type(soap_ns: str) -> str:
    return "application/soap+xml; charset=utf-8" if soap_ns == SOAP12 else "text/xml; charset=utf-8"


def is_mex_request(body: bytes, soap_action: Optional[str]) -> bool:
    action = (soap_action or "").strip().strip('"')
    if action in MEX_ACTIONS:
        return True
    if b"ws/2004/09/mex" not in body and b"ws/2004/09/transfer" not in body:
        return False
    return parse_request(body) is not None


def parse_request(body: bytes) -> Optional[tuple[str, str, str, Optional[str]]]:
    """(soap ns, wsa ns, response action, message id) or None when this is not a MEX request."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None
    soap_ns = etree.QName(root).namespace
    if soap_ns not in (SOAP11, SOAP12) or etree.QName(root).localname != "Envelope":
        return None
    header = root.find(f"{{{soap_ns}}}Header")
    body_el = root.find(f"{{{soap_ns}}}Body")
    wsa_ns, action, message_id = WSA10, None, None
    if header is not None:
        for ns in (WSA10, WSA04):
            act = header.find(f"{{{ns}}}Action")
            if act is not None:
                wsa_ns, action = ns, (act.text or "").strip()
                mid = header.find(f"{{{ns}}}MessageID")
                message_id = mid.text.strip() if mid is not None and mid.text else None
                break
    first = body_el[0] if body_el is not None and len(body_el) else None
    if first is not None and first.tag == f"{{{MEX}}}GetMetadata":
        return soap_ns, wsa_ns, MEX_RESPONSE, message_id
    if action == MEX_REQUEST:
        return soap_ns, wsa_ns, MEX_RESPONSE, message_id
    if action == TRANSFER_GET:
        return soap_ns, wsa_ns, TRANSFER_GET_RESPONSE, message_id
    return None


def fault(soap_ns: str, text: str) -> tuple[int, str, bytes]:
    env = etree.Element(f"{{{soap_ns}}}Envelope", nsmap={"s": soap_ns})
    body = etree.SubElement(env, f"{{{soap_ns}}}Body")
    f = etree.SubElement(body, f"{{{soap_ns}}}Fault")
    if soap_ns == SOAP12:
        code = etree.SubElement(f, f"{{{soap_ns}}}Code")
        etree.SubElement(code, f"{{{soap_ns}}}Value").text = "s:Sender"
        reason = etree.SubElement(f, f"{{{soap_ns}}}Reason")
        etree.SubElement(reason, f"{{{soap_ns}}}Text").text = text
    else:
        etree.SubElement(f, "faultcode").text = "s:Client"
        etree.SubElement(f, "faultstring").text = text
    return 500, _content_type(soap_ns), etree.tostring(env, xml_declaration=True, encoding="utf-8")


def respond(body: bytes, wsdl: bytes, target_namespace: str) -> tuple[int, str, bytes]:
    """(HTTP status, content type, envelope) for a MEX request body."""
    parsed = parse_request(body)
    if parsed is None:
        return fault(SOAP11, "The message is not a WS-MetadataExchange request")
    soap_ns, wsa_ns, action, message_id = parsed
    env = etree.Element(f"{{{soap_ns}}}Envelope", nsmap={"s": soap_ns, "a": wsa_ns})
    header = etree.SubElement(env, f"{{{soap_ns}}}Header")
    act = etree.SubElement(header, f"{{{wsa_ns}}}Action")
    act.set(f"{{{soap_ns}}}mustUnderstand", "1")
    act.text = action
    if message_id:
        etree.SubElement(header, f"{{{wsa_ns}}}RelatesTo").text = message_id
    etree.SubElement(header, f"{{{wsa_ns}}}MessageID").text = f"urn:uuid:{uuid.uuid4()}"
    body_el = etree.SubElement(env, f"{{{soap_ns}}}Body")
    metadata = etree.SubElement(body_el, f"{{{MEX}}}Metadata", nsmap={"wsx": MEX})
    section = etree.SubElement(
        metadata, f"{{{MEX}}}MetadataSection", Dialect=WSDL_DIALECT, Identifier=target_namespace
    )
    section.append(etree.fromstring(wsdl, _PARSER))
    return 200, _content_type(soap_ns), etree.tostring(env, xml_declaration=True, encoding="utf-8")
