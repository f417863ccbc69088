"""JSON-RPC 2.0 error objects (https://www.jsonrpc.org/specification#error_object)."""
from __future__ import annotations

from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

STANDARD_MESSAGES = {
    PARSE_ERROR: "Parse error",
    INVALID_REQUEST: "Invalid Request",
    METHOD_NOT_FOUND: "Method not found",
    INVALID_PARAMS: "Invalid params",
    INTERNAL_ERROR: "Internal error",
}

#: "no data member" (data may legitimately be null)
UNSET: Any = object()
_UNSET = UNSET


class JsonRpcError(Exception):
    """An error answer. ``data`` is left out of the object when not given; ``status`` asks
    for an HTTP status other than the service's choice for this code."""

    def __init__(self, code: int, message: str | None = None, data: Any = _UNSET,
                 *, status: int | None = None):
        self.code = int(code)
        self.message = message if message is not None else STANDARD_MESSAGES.get(self.code, "Server error")
        self.data = data
        self.status = status
        super().__init__(f"{self.code} {self.message}" + ("" if data is _UNSET else f": {data!r}"))

    @property
    def has_data(self) -> bool:
        return self.data is not _UNSET

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.has_data:
            out["data"] = self.data
        return out


def parse_error(data: Any = _UNSET) -> JsonRpcError:
    return JsonRpcError(PARSE_ERROR, data=data)


def invalid_request(data: Any = _UNSET) -> JsonRpcError:
    return JsonRpcError(INVALID_REQUEST, data=data)


def method_not_found(data: Any = _UNSET) -> JsonRpcError:
    return JsonRpcError(METHOD_NOT_FOUND, data=data)


def invalid_params(data: Any = _UNSET) -> JsonRpcError:
    return JsonRpcError(INVALID_PARAMS, data=data)


def internal_error(data: Any = _UNSET) -> JsonRpcError:
    return JsonRpcError(INTERNAL_ERROR, data=data)
