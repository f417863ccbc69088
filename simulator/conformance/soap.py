"""SOAP answers against the schemas of a service's WSDL (``contracts/<slug>/wsdl/``).

The directory holds, per service ``<name>.svc``, the WSDL and its schemas
``<name>.svc.xsd0.xsd``, ``.xsd1.xsd`` ... as the service publishes them (``?xsd=xsd0``).
The schemas import each other by their published URL (``...<name>.svc?xsd=xsd1``); those
imports are resolved to the files next to them, never fetched.

* in, POST to ``.../<name>.svc``: the answer must be a SOAP envelope whose body holds a
  Fault (faultcode and faultstring, or SOAP 1.2 Code and Reason) or an element the
  service's schemas declare, valid against them. GET (``?wsdl``, ``?xsd=``) and
  metadata exchange answers (WS-MetadataExchange) are documents, not messages: only their
  envelope is checked.
"""
from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

from .openapi import ContractViolation
from .xsd import local_name, parse_xml

SOAP_NS = ("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope")
#: WS-MetadataExchange answers carry the WSDL and schemas themselves, not a service message
MEX_NS = "http://schemas.xmlsoap.org/ws/2004/09/mex"
_XSD_REF = re.compile(r"([\w.-]+\.svc)\?xsd=(xsd\d+)$")
_SERVICE = re.compile(r"/([\w.-]+\.svc)$")


class SoapValidator:
    def __init__(self, directory: Path | str):
        self.directory = Path(directory)

    @classmethod
    def discover(cls, directory: Path, **kw: Any) -> "SoapValidator | None":
        wsdl = directory / "wsdl"
        return cls(wsdl, **kw) if wsdl.is_dir() and any(wsdl.glob("*.svc.xsd0.xsd")) else None

    @cached_property
    def services(self) -> dict[str, Any]:
        """``{"un.svc": XMLSchema}``: each service's schemas as one schema."""
        from lxml import etree

        directory = self.directory

        class Local(etree.Resolver):
            def resolve(self, url, public_id, context):
                match = _XSD_REF.search(url or "")
                if match:
                    local = directory / f"{match.group(1)}.{match.group(2)}.xsd"
                    if local.is_file():
                        return self.resolve_filename(str(local), context)
                return None

        out = {}
        for main in sorted(directory.glob("*.svc.xsd0.xsd")):
            parser = etree.XMLParser(no_network=True)
            parser.resolvers.add(Local())
            out[main.name[: -len(".xsd0.xsd")]] = etree.XMLSchema(etree.parse(str(main), parser))
        return out

    def service_of(self, path: str | None) -> str | None:
        match = _SERVICE.search(path or "")
        return match.group(1) if match and match.group(1) in self.services else None

    def validate(self, service: str, body: str | bytes, where: str) -> None:
        from lxml import etree

        envelope = parse_xml(body, where)
        ns = envelope.tag[1:].split("}")[0] if envelope.tag.startswith("{") else ""
        if local_name(envelope.tag) != "Envelope" or ns not in SOAP_NS:
            raise ContractViolation(f"{where}: not a SOAP envelope (root {envelope.tag!r})")
        body_el = envelope.find(f"{{{ns}}}Body")
        if body_el is None or len(body_el) != 1:
            raise ContractViolation(f"{where}: the SOAP Body must hold exactly one element")
        message = body_el[0]
        if local_name(message.tag) == "Fault" and message.tag.startswith(f"{{{ns}}}"):
            names = {local_name(child.tag) for child in message}
            if not ({"faultcode", "faultstring"} <= names or {"Code", "Reason"} <= names):
                raise ContractViolation(f"{where}: a Fault without its code and reason: {sorted(names)}")
            return
        if message.tag.startswith(f"{{{MEX_NS}}}"):
            return
        schema = self.services[service]
        doc = etree.fromstring(etree.tostring(message))
        if not schema.validate(doc):
            raise ContractViolation(f"{where}: {service}: {schema.error_log.last_error}")

    def check_entry(self, entry: Any, spec: Any = None) -> bool:
        data = entry.to_json()
        if entry.direction != "in" or data["method"] != "POST":
            return False
        service = self.service_of(data["path"])
        body = data["response_body"]
        if service is None or not body or body.endswith("…") or not body.lstrip().startswith("<"):
            return False
        self.validate(service, body, f"{service} answer {data['status']}")
        return True
