"""What an application's request does differently from the document: :class:`Deviation`.

The request checks of the validators (``check_request`` of each transport's validator) return
a list of deviations; ``telsim validate``, strict mode (``serve --strict``) and
``simulator.assert_clean()`` report them. Each names its rule (:data:`RULES`), where in the
request it is, and the document section that defines the operation.

:func:`schema_deviations` turns a JSON Schema check into deviations. A field the schema does
not name is a deviation even where the schema leaves objects open (no
``additionalProperties``): the real service ignores it, so the application believes it set
something it did not.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

#: rule -> what it means (text and junit output list them)
RULES: dict[str, str] = {
    "unknown-operation": "the request names no operation of the provider's document",
    "unknown-field": "a field, parameter, part or element the document does not define",
    "missing-field": "a required field, parameter, part or element is missing",
    "wrong-type": "a value of the wrong type",
    "wrong-format": "a value outside the documented format, pattern, range or value list",
    "content-type": "the Content-Type is not the documented one",
    "not-parseable": "the body cannot be read as the documented format (JSON, XML, form)",
    "multipart-layout": "the multipart/form-data body is not laid out as documented",
    "jsonrpc-envelope": "the JSON-RPC 2.0 envelope is broken (jsonrpc, method, id, params)",
    "xml-schema": "the XML does not match the document's schema",
    "soap-envelope": "the SOAP envelope is broken (root, namespace, Body)",
    "soap-action": "the SOAPAction is missing or names another operation",
}

_TYPE_KEYWORDS = {"type"}
_FORMAT_KEYWORDS = {"format", "pattern", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
                    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "multipleOf",
                    "uniqueItems", "minProperties", "maxProperties", "not"}


@dataclass(frozen=True)
class Deviation:
    rule: str
    message: str
    #: where in the request: ``body/ConfData/0/BNumber``, ``query phone``, ``header SOAPAction``
    where: str = ""
    #: the document section defining the operation (catalogue), and its title
    section: str | None = None
    title: str | None = None

    def at(self, section: str | None, title: str | None) -> "Deviation":
        return replace(self, section=self.section or section, title=self.title or title)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "message": self.message, "where": self.where,
                "section": self.section, "title": self.title}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Deviation":
        return cls(data["rule"], data["message"], data.get("where", ""), data.get("section"), data.get("title"))

    def __str__(self) -> str:
        where = f" at {self.where}" if self.where else ""
        section = f" (section {self.section}{': ' + self.title if self.title else ''})" if self.section else ""
        return f"{self.rule}{where}: {self.message}{section}"


def pointer(base: str, path: Any) -> str:
    parts = [str(p) for p in path]
    return "/".join([base, *parts]) if parts else base


_VALIDATORS: dict[tuple[int, int, int], tuple[Any, Any, Any]] = {}


def _validator(schema: dict, components: dict | None, registry: Any) -> Any:
    """One jsonschema validator per schema of a contract document (building one crawls the
    document's components: most of the cost of a check)."""
    from jsonschema import Draft202012Validator, FormatChecker

    key = (id(schema), id(components), id(registry))
    found = _VALIDATORS.get(key)
    if found is not None and found[0] is schema and found[1] is components:
        return found[2]
    if len(_VALIDATORS) >= 2048:
        _VALIDATORS.clear()
    root = {**schema, "components": components} if components is not None else schema
    kw = {"registry": registry} if registry is not None else {}
    validator = Draft202012Validator(root, format_checker=FormatChecker(), **kw)
    _VALIDATORS[key] = (schema, components, validator)  # the objects kept: their ids stay theirs
    return validator


def schema_deviations(schema: dict, instance: Any, where: str = "body", *,
                      resolve: Callable[[Any], Any] | None = None, registry: Any = None,
                      components: dict | None = None, limit: int = 20) -> list[Deviation]:
    """``instance`` against ``schema`` (draft 2020-12, formats checked), as deviations;
    ``components``: the document's, for its ``#/components/...`` references; ``resolve``
    follows the document's local ``$ref`` for the undocumented-field walk."""
    from jsonschema.exceptions import best_match

    validator = _validator(schema, components, registry)
    out: list[Deviation] = []
    try:
        for error in validator.iter_errors(instance):
            if error.validator in ("anyOf", "oneOf") and error.context:
                error = best_match(error.context)
            out.append(_from_error(error, where))
            if len(out) >= limit:
                return out
    except RecursionError:
        return [Deviation("not-parseable", "the value is nested too deeply to check", where)]
    known = {(d.rule, d.where) for d in out}
    for path, name in undocumented_fields(schema, instance, resolve or (lambda node: node)):
        place = pointer(where, [*path, name])
        if ("unknown-field", place) not in known and ("unknown-field", pointer(where, path)) not in known:
            out.append(Deviation("unknown-field", f"{name!r} is not a field the document defines", place))
    return out[:limit]


def _from_error(error: Any, where: str) -> Deviation:
    keyword = error.validator
    place = pointer(where, error.absolute_path)
    if keyword == "required":
        return Deviation("missing-field", error.message, place)
    if keyword in ("additionalProperties", "unevaluatedProperties", "propertyNames"):
        return Deviation("unknown-field", error.message, place)
    if keyword in _TYPE_KEYWORDS:
        return Deviation("wrong-type", error.message, place)
    if keyword in _FORMAT_KEYWORDS:
        return Deviation("wrong-format", error.message, place)
    return Deviation("wrong-type", error.message, place)


def undocumented_fields(schema: Any, instance: Any, resolve: Callable[[Any], Any],
                        path: tuple = (), depth: int = 0) -> list[tuple[tuple, str]]:
    """(path, name) of each object member no ``properties`` of the schema names, in objects
    whose schema leaves additional members unspecified (closed ones are jsonschema's job)."""
    if depth > 32:
        return []
    out: list[tuple[tuple, str]] = []
    if isinstance(instance, dict):
        props, open_ = _object_shape(schema, resolve, 0)
        if props is None:
            return out
        for name, value in instance.items():
            if name in props:
                for sub in props[name]:
                    out.extend(undocumented_fields(sub, value, resolve, (*path, name), depth + 1))
            elif not open_:
                out.append((path, name))
    elif isinstance(instance, list):
        items = _items(schema, resolve)
        if items:
            for i, value in enumerate(instance[:1000]):
                for sub in items:
                    out.extend(undocumented_fields(sub, value, resolve, (*path, i), depth + 1))
    return list(dict.fromkeys(out))


def _branches(schema: Any, resolve: Callable[[Any], Any], depth: int) -> list[dict]:
    """The schema and every allOf / anyOf / oneOf / $ref branch it is made of."""
    schema = resolve(schema)
    if not isinstance(schema, dict) or depth > 16:
        return []
    out = [schema]
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, ()):
            out.extend(_branches(sub, resolve, depth + 1))
    return out


def _object_shape(schema: Any, resolve: Callable[[Any], Any], depth: int) -> tuple[dict | None, bool]:
    """({member: [schemas]}, open): None when no branch describes members (nothing to say);
    open when any branch allows members it does not name (additionalProperties given,
    patternProperties)."""
    props: dict[str, list] = {}
    described = open_ = False
    for branch in _branches(schema, resolve, depth):
        if "properties" in branch:
            described = True
            for name, sub in branch["properties"].items():
                props.setdefault(name, []).append(sub)
        if "additionalProperties" in branch or "patternProperties" in branch or "unevaluatedProperties" in branch:
            open_ = True
    return (props if described else None), open_


def _items(schema: Any, resolve: Callable[[Any], Any]) -> list:
    return [b["items"] for b in _branches(schema, resolve, 0) if isinstance(b.get("items"), dict)]
