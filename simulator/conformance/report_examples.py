"""The documented examples of contracts/<slug>/examples/ as the conformance report counts them
(simulator/conformance/report.py): each request example sent through the request check as an
application would send it; each response, error and callback example against the contract
every answer and callback of the simulator keeps.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..catalogue import Catalogue, Operation
from .examples import Example, has_examples, load_examples
from .traffic import RawRequest, check_requests

_CT_BY_EXT = {".json": "application/json", ".xml": "text/xml; charset=utf-8",
              ".form": "application/x-www-form-urlencoded"}


def _raw_http(text: str) -> tuple[str, str, dict[str, str], bytes] | None:
    """A request written as HTTP (``GET /path HTTP/1.1``, headers, blank line, body)."""
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    first = lines[0].split()
    if len(first) < 2 or not first[0].isupper() or not first[1].startswith(("/", "http")):
        return None
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    return first[0], first[1], {k.strip(): v.strip() for k, v in headers.items()}, body.encode("utf-8")


def _multipart(form: bytes, files: tuple[str, ...]) -> tuple[str, bytes]:
    boundary = "telsim-example"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n'.encode() + form]
    for name in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.wav"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + b"RIFF")
    return f"multipart/form-data; boundary={boundary}", b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()


def example_request(slug: str, ex: Example, catalogue: Catalogue | None) -> RawRequest | None:
    """The request an example shows, as the application would send it (None: the file is
    not a request the simulator can be sent)."""
    data = ex.bytes()
    method, path, headers = ex.method, ex.path or "", dict(ex.headers)
    raw = _raw_http(data.decode("utf-8", "replace")) if ex.file.endswith((".http", ".txt")) else None
    if raw is not None:
        method, path, more, data = raw
        headers.update(more)
        if path.startswith("http"):
            parts = urlsplit(path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not method or not path.startswith("/") or "{" in path:
        return None  # a callback target, or a path template rather than a request
    path, _, query = path.partition("?")
    if ex.query:
        query = "&".join([query, *(f"{k}={v}" for k, v in ex.query.items())]).strip("&")
    ctype = ex.get("content_type") or _CT_BY_EXT.get(Path(ex.file).suffix)
    if ex.file.endswith(".form"):
        data = data.strip()  # the file's final newline is not part of the form
    op = catalogue.operation(ex.operation) if catalogue and ex.operation and catalogue.has_operation(ex.operation) else None
    if op is None and catalogue is not None and ex.file.endswith(".json"):
        op = _command(catalogue, data)
    if op is not None and op.transport == "multipart" and ex.file.endswith(".json"):
        ctype, data = _multipart(data, ("vfile",) if op.selector == "VFILE" else ())
    if op is not None and op.transport == "soap":
        ctype = "text/xml; charset=utf-8"
    if ctype and data.strip() and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = ctype
    return RawRequest(method, f"/{slug}{path}", query, headers=headers, body=data,
                      source=ex.file, operation=ex.operation)


def _command(catalogue: Catalogue, data: bytes) -> Operation | None:
    """The multipart command a JSON form names (``{"Command": "SETBLIST", ...}``)."""
    try:
        form = json.loads(data)
    except ValueError:
        return None
    name = form.get("Command") if isinstance(form, dict) else None
    return next((op for op in catalogue.operations if op.transport == "multipart" and op.selector == name), None)


def _raw_response(text: str) -> tuple[int, dict[str, str], str] | None:
    """An answer written as HTTP (``HTTP/1.1 302 Found``, headers, blank line, body)."""
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    first = lines[0].split()
    if len(first) < 2 or not first[0].startswith("HTTP/") or not first[1].isdigit():
        return None
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    return int(first[1]), {k.strip(): v.strip() for k, v in headers.items()}, body


def _answer_operation(slug: str, ex: Example, catalogue: Catalogue | None, cls: Any) -> Operation | None:
    """The operation an answer example belongs to: named, by its command, by its request's
    method and path, or the only operation of its section."""
    from .recognise import Recogniser

    if catalogue is None:
        return None
    for name in (ex.operation, ex.get("command")):
        if name and catalogue.has_operation(name):
            return catalogue.operation(name)
    if ex.method and ex.path and ex.path.startswith("/"):
        path, _, query = ex.path.partition("?")
        name = Recogniser({slug: cls}).operation(slug, ex.method, path, query, {}, None)
        if catalogue.has_operation(name):
            return catalogue.operation(name)
    same = [op for op in catalogue.operations if op.section == ex.section]
    return same[0] if len(same) == 1 else None


def _callback_name(ex: Example, catalogue: Catalogue | None, body: str) -> str | None:
    """The callback an event example shows: named, by the eventType it carries, by the schema
    element it names, or the only callback of its section."""
    if catalogue is None:
        return None
    candidates = [ex.operation, str(ex.schema or "").rsplit("#", 1)[-1] or None]
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        candidates.append(data.get("eventType"))
    for name in candidates:
        if isinstance(name, str) and catalogue.has_callback(name):
            return name
    same = [cb for cb in catalogue.callbacks if cb.section == ex.section and cb.direction == "out"]
    return same[0].name if len(same) == 1 else None


def _paired_request(ex: Example, index: Any) -> bytes | None:
    """The request example of the same operation (and part), for a JSON-RPC answer."""
    for same in (lambda o: o.operation == ex.operation, lambda o: o.get("name") == ex.get("name")):
        for other in index:
            if other.kind == "request" and same(other) and other.get("part") == ex.get("part"):
                return other.bytes()
    return None


def _short(exc: Exception) -> str:
    """A violation's message without the instance jsonschema prints first (it can be long)."""
    text = str(exc)
    if len(text) > 300:
        text = text[:140] + " … " + text[-150:]
    return text


def check_answer_example(slug: str, cls: Any, ex: Example, catalogue: Catalogue | None, contract: Any,
                         index: Any) -> tuple[str, str | None]:
    """A response, error or callback example against the provider's contract: ("matches", None),
    ("violates", why) or ("not checked", why)."""
    from ..journal import Journal

    if contract is None:
        return "not checked", "the provider declares no contract"
    text = ex.text()
    journal = Journal(lambda: 0.0, maxlen=1)
    ctype = ex.get("content_type") or _CT_BY_EXT.get(Path(ex.file).suffix, "")
    if ex.kind == "event":
        bodies = [text]
        if ex.file.endswith(".events.json") or ex.get("format") == "webhook":
            data = json.loads(text)
            if isinstance(data, list):
                bodies = [b if isinstance(b, str) else json.dumps(b, ensure_ascii=False) for b in data]
        for body in bodies:
            name = _callback_name(ex, catalogue, body)
            if name is None:
                return "not checked", "no catalogue callback for it"
            method = ex.method or "POST"
            fields = json.loads(body) if method == "GET" and body.startswith("{") else None
            query = method == "GET" and fields is None
            entry = journal.add("out", name, slug, method=method,
                                url="http://127.0.0.1/hook" + (f"?{body}" if query else ""), params=fields,
                                request_headers={"Content-Type": "application/x-www-form-urlencoded"
                                                 if not body.lstrip().startswith(("{", "[", "<")) else ctype},
                                request_body=None if method == "GET" else body)
            verdict = _verdict(contract, entry)
            if verdict[0] != "matches":
                return verdict
        return "matches", None
    if (ex.note or "").startswith("one element of"):
        return "not checked", "a fragment of an answer (" + ex.note + ")"
    op = _answer_operation(slug, ex, catalogue, cls)
    if op is None:
        return "not checked", "no catalogue operation for it"
    status, headers, body = ex.status or 200, {"Content-Type": ctype} if ctype else {}, text
    raw = _raw_response(text) if ex.file.endswith((".http", ".txt")) else None
    if raw is not None:
        status, headers, body = raw
    elif ex.file.endswith(".txt"):
        return "not checked", "not an HTTP answer (a fragment of the document)"
    request_body = None
    if op.transport == "jsonrpc":
        request_body = _paired_request(ex, index)
        if request_body is None:
            return "not checked", "no request example to pair the JSON-RPC answer with"
    path = (ex.path or op.path).split("?", 1)[0]
    entry = journal.add("in", op.name, slug, method=ex.method or (op.method if op.method != "*" else "POST"),
                        path=path, query=(ex.path or "").partition("?")[2], request_body=request_body,
                        request_headers={}, status=status, response_headers=headers, response_body=body)
    return _verdict(contract, entry)


def _verdict(contract: Any, entry: Any) -> tuple[str, str | None]:
    from .openapi import ContractViolation

    try:
        if not contract.check(entry):
            return "not checked", "no validator reads it"
    except (ContractViolation, ValueError) as exc:
        return "violates", _short(exc)
    return "matches", None


def check_examples(slug: str, cls: Any) -> list[dict[str, Any]]:
    """Each documented example: a request accepted (no deviation), deviating, or not a request;
    a response, error or callback matching the contract, violating it, or not checked."""
    from . import contract_for

    if not has_examples(slug):
        return []
    catalogue = getattr(cls, "catalogue", None)
    contract = contract_for(slug)
    index = load_examples(slug)
    out = []
    for ex in index:
        row: dict[str, Any] = {"file": ex.file, "section": ex.section, "kind": ex.kind, "operation": ex.operation}
        if ex.kind != "request":
            result, why = check_answer_example(slug, cls, ex, catalogue, contract, index)
            out.append({**row, "result": result, **({"why": why} if why else {}),
                        **({"note": ex.note} if ex.note and result == "violates" else {})})
            continue
        raw = example_request(slug, ex, catalogue)
        if raw is None:
            out.append({**row, "result": "not a request to the provider"})
            continue
        checked = check_requests([raw], {slug: cls})[0]
        row["operation"] = checked.operation
        if checked.deviations:
            out.append({**row, "result": "deviates", "deviations": [str(d) for d in checked.deviations[:3]]})
        else:
            out.append({**row, "result": "accepted"})
    return out
