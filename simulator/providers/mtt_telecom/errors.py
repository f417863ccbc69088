"""The document's errors: JSON-RPC error objects with its codes, messages and data texts,
and the HTTP status each one travels with (-32001 with 404: wire-facts 4.1)."""
from __future__ import annotations

from typing import Any

from ...jsonrpc import JsonRpcError, invalid_params
from ...jsonrpc.errors import UNSET

DATA_NOT_FOUND = -32001
PERMISSION_DENIED = -32002

# data texts as the document writes them
NO_SIP_ACCESS = "You can not access to this sip_id"
NO_CUSTOMER_ACCESS = "agent does not have access to this customer"
NO_DATA = "No data found"
NO_FOLLOWME = "No followMe on this account"
NO_ACCOUNT = "This account does not exist"
INVALID_BEGIN = "Invalid begin date"
INVALID_END = "Invalid end date"
FOLLOWME_NOT_FOUND = "Followme not found"
PROMPT_INFO = "Error on get CallBack Prompt Info"
INVALID_TYPE = "Invalid type"

_UNSET = UNSET


def data_not_found(data: Any = _UNSET) -> JsonRpcError:
    return JsonRpcError(DATA_NOT_FOUND, "Data not found", data)


def permission_denied(data: str) -> JsonRpcError:
    return JsonRpcError(PERMISSION_DENIED, "Permission denied", data)


def bad_param(data: str) -> JsonRpcError:
    return invalid_params(data)


def unknown_value(name: str) -> JsonRpcError:
    """The document's "Unknown param 'limit' value"."""
    return invalid_params(f"Unknown param '{name}' value")


def http_status(error: JsonRpcError) -> int:
    """-32001 "Data not found" is answered with HTTP 404 (wire-facts 4.1); everything else 200."""
    return 404 if error.code == DATA_NOT_FOUND else 200
