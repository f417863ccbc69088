"""Metadata documents laid out the way a WCF basicHttpBinding service serves them.

Spyne generates the WSDL; this module renames it to WCF conventions (port type ``I<service>``,
binding/port ``BasicHttpBinding_I<service>``, SOAPAction ``http://tempuri.org/I<service>/<op>``,
messages ``I<service>_<op>_InputMessage`` with part ``parameters``) and produces:

* ``?wsdl``: schemas imported from ``?xsd=xsd0``, ``?xsd=xsd1`` ... (as WCF does);
* ``?xsd=xsdN``: each schema, its imports pointing at the sibling ``?xsd=`` documents;
* ``?singleWsdl``: one document with the schemas inline.

Documents are built once per service with a placeholder address and specialised per address.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree
from spyne import Application
from spyne.interface.wsdl import Wsdl11

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XS_NS = "http://www.w3.org/2001/XMLSchema"
TNS = "http://tempuri.org/"
PLACEHOLDER = "urn:telsim:service-address"

_W = f"{{{WSDL_NS}}}"
_S = f"{{{SOAP_NS}}}"
_X = f"{{{XS_NS}}}"

_KEEP_PREFIXES = ["xs", "tns", "s0", "s1", "s2", "s3"]


@dataclass
class MetadataSet:
    """The texts of one service's metadata with ``PLACEHOLDER`` standing for its address."""

    wsdl: str
    single_wsdl: str
    xsds: list[str]
    namespaces: list[str]  # target namespace of xsd0, xsd1, ...
    _cache: dict = field(default_factory=dict, repr=False)

    def render(self, kind: str, address: str, index: int = 0) -> bytes:
        key = (kind, address, index)
        hit = self._cache.get(key)
        if hit is None:
            if kind == "wsdl":
                text = self.wsdl
            elif kind == "singleWsdl":
                text = self.single_wsdl
            else:
                text = self.xsds[index]
            hit = text.replace(PLACEHOLDER, address).encode("utf-8")
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = hit
        return hit


def _wcf_names(root: etree._Element, service: str) -> None:
    contract = f"I{service}"
    binding_name = f"BasicHttpBinding_{contract}"
    root.set("name", service)

    renames: dict[str, str] = {}
    port_type = root.find(f"{_W}portType")
    port_type.set("name", contract)
    for op in port_type.findall(f"{_W}operation"):
        op.attrib.pop("parameterOrder", None)
        name = op.get("name")
        for tag, suffix in (("input", "InputMessage"), ("output", "OutputMessage")):
            io = op.find(f"{_W}{tag}")
            old = io.get("message").split(":", 1)[1]
            new = f"{contract}_{name}_{suffix}"
            renames[old] = new
            io.set("message", f"tns:{new}")
            io.attrib.pop("name", None)

    for message in root.findall(f"{_W}message"):
        message.set("name", renames.get(message.get("name"), message.get("name")))
        for part in message.findall(f"{_W}part"):
            part.set("name", "parameters")

    binding = root.find(f"{_W}binding")
    binding.set("name", binding_name)
    binding.set("type", f"tns:{contract}")
    binding.find(f"{_S}binding").set("transport", "http://schemas.xmlsoap.org/soap/http")
    for op in binding.findall(f"{_W}operation"):
        op.find(f"{_S}operation").set("soapAction", f"{TNS}{contract}/{op.get('name')}")
        for tag in ("input", "output"):
            io = op.find(f"{_W}{tag}")
            if io is not None:
                io.attrib.pop("name", None)

    svc = root.find(f"{_W}service")
    svc.set("name", service)
    port = svc.find(f"{_W}port")
    port.set("name", binding_name)
    port.set("binding", f"tns:{binding_name}")
    port.find(f"{_S}address").set("location", PLACEHOLDER)

    # WCF order: types, messages, portType, binding, service.
    for child in [port_type, binding, svc]:
        root.remove(child)
        root.append(child)


def _tostring(element: etree._Element) -> str:
    etree.cleanup_namespaces(element, keep_ns_prefixes=_KEEP_PREFIXES)
    return etree.tostring(element, encoding="unicode", pretty_print=True)


def _schema_document(schema: etree._Element, nsmap: dict) -> etree._Element:
    nsmap = {k: v for k, v in nsmap.items() if v not in (WSDL_NS, SOAP_NS)}
    doc = etree.Element(schema.tag, nsmap=nsmap)
    for key, value in schema.attrib.items():
        doc.set(key, value)
    for child in schema:
        doc.append(copy.deepcopy(child))
    return doc


def _canonical_schema(schema: etree._Element) -> None:
    """Spyne emits imports in set order; sort schema children so the documents are stable."""
    rank = {f"{_X}import": 0, f"{_X}simpleType": 1, f"{_X}complexType": 1, f"{_X}element": 2}
    children = list(schema)
    for child in children:
        schema.remove(child)
    children.sort(key=lambda c: (rank.get(c.tag, 3), c.get("namespace") or c.get("name") or ""))
    for child in children:
        schema.append(child)


def build_metadata(app: Application, service: str) -> MetadataSet:
    wsdl = Wsdl11(app.interface)
    wsdl.build_interface_document(PLACEHOLDER)
    root = etree.fromstring(wsdl.get_interface_document())
    _wcf_names(root, service)
    nsmap = dict(root.nsmap)

    types = root.find(f"{_W}types")
    schemas = list(types.findall(f"{_X}schema"))
    for schema in schemas:
        types.remove(schema)
        _canonical_schema(schema)
    schemas.sort(key=lambda sch: (sch.get("targetNamespace") != TNS, sch.get("targetNamespace")))
    for schema in schemas:
        types.append(schema)
    namespaces = [s.get("targetNamespace") for s in schemas]
    index = {ns: i for i, ns in enumerate(namespaces)}

    single_root = copy.deepcopy(root)
    single_wsdl = '<?xml version="1.0" encoding="utf-8"?>\n' + _tostring(single_root)

    xsds: list[str] = []
    for schema in schemas:
        doc = _schema_document(schema, nsmap)
        for imp in doc.findall(f"{_X}import"):
            target = index.get(imp.get("namespace"))
            if target is not None:
                imp.set("schemaLocation", f"{PLACEHOLDER}?xsd=xsd{target}")
        xsds.append('<?xml version="1.0" encoding="utf-8"?>\n' + _tostring(doc))

    for schema in schemas:
        types.remove(schema)
    imports = etree.SubElement(types, f"{_X}schema", targetNamespace=f"{TNS}Imports")
    for i, ns in enumerate(namespaces):
        etree.SubElement(imports, f"{_X}import", schemaLocation=f"{PLACEHOLDER}?xsd=xsd{i}", namespace=ns)
    wsdl_text = '<?xml version="1.0" encoding="utf-8"?>\n' + _tostring(root)
    return MetadataSet(wsdl=wsdl_text, single_wsdl=single_wsdl, xsds=xsds, namespaces=namespaces)
