"""Parsing and rendering of the online XML messages (part 1)."""

from __future__ import annotations

from typing import TypeVar

from lxml import etree
from pydantic import BaseModel

from .models import AgentInfo, AgentRequest, AnnCall, CallStatus, InitCall, Info

M = TypeVar("M", bound=BaseModel)

# Root element -> model, for messages SPN receives and messages CS receives.
INBOUND = {"InitCall": InitCall, "AnnCall": AnnCall, "AgentInfo": AgentInfo}
OUTBOUND = {"Info": Info, "callStatus": CallStatus, "AgentRequest": AgentRequest}
ALL = {**INBOUND, **OUTBOUND}

MAX_XML = 64 * 1024


class XmlError(ValueError):
    """Unparseable or unsupported XML; answered with status ``status``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def parse_element(body: bytes) -> tuple[str, dict[str, str]]:
    """Root element name (namespace stripped) and its attributes."""
    if not body or not body.strip():
        raise XmlError("empty body")
    if len(body) > MAX_XML:
        raise XmlError("body too large", 413)
    try:
        root = etree.fromstring(body, parser=_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise XmlError(f"malformed XML: {exc}") from None
    if not isinstance(root.tag, str):
        raise XmlError("no root element")
    tag = etree.QName(root).localname
    attrs = {etree.QName(k).localname: str(v) for k, v in root.attrib.items()}
    return tag, attrs


def _lookup(attrs: dict[str, str], name: str) -> str | None:
    if name in attrs:
        return attrs[name]
    lowered = name.lower()
    for key, value in attrs.items():
        if key.lower() == lowered:
            return value
    return None


def to_model(model: type[M], attrs: dict[str, str]) -> M:
    """Pick the model's attributes by name (1.10); others are ignored."""
    values: dict[str, object] = {}
    for name in model.model_fields:
        value = _lookup(attrs, name)
        if value is not None:
            values[name] = value.strip() if name != "AddPar" else value
    return model.model_validate(values)


def parse(body: bytes, allowed: dict[str, type[BaseModel]] = INBOUND) -> BaseModel:
    tag, attrs = parse_element(body)
    model = allowed.get(tag)
    if model is None:
        raise XmlError(f"unsupported element <{tag}>")
    try:
        return to_model(model, attrs)
    except ValueError as exc:
        raise XmlError(f"bad attributes of <{tag}>: {exc}") from None


def root_name(model: BaseModel) -> str:
    return "callStatus" if isinstance(model, CallStatus) else type(model).__name__


def render(model: BaseModel, *, skip_none: bool = True) -> bytes:
    """One empty element with the model's fields as attributes, in document order."""
    element = etree.Element(root_name(model))
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None and skip_none:
            continue
        element.set(name, "" if value is None else str(value))
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def error_info(message: str, request_id: str = "", addpar: str = "") -> bytes:
    """Answer to a request SPN could not accept: an Info without ScriptID/HostID (2.1.4) plus the reason."""
    element = etree.Element("Info")
    for name, value in (
        ("request_id", request_id),
        ("ScriptID", ""),
        ("HostID", ""),
        ("SysID", ""),
        ("AddPar", addpar),
        ("Error", message),
    ):
        element.set(name, value)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")
