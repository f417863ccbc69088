"""The error objects of gapi.mtt.ru (premedia, numbers, Global Black List): a JSON-RPC error
whose ``data`` is a list of validation entries ``{code, attribute, message, tpl, tplParams}``,
the message being ``tpl`` filled from ``tplParams`` as the document's examples show."""
from __future__ import annotations

from typing import Any

from ...jsonrpc import JsonRpcError

DATA_NOT_FOUND = -32001
PERMISSION_DENIED = -32002
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

MESSAGES = {DATA_NOT_FOUND: "Data not found", PERMISSION_DENIED: "Permission denied",
            INVALID_PARAMS: "Invalid params", INTERNAL_ERROR: "Internal error", -32601: "Data not found"}


def entry(code: str, attribute: str, tpl: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "attribute": attribute, "message": tpl.format(**params), "tpl": tpl,
            "tplParams": params}


def error(rpc_code: int, *entries: dict[str, Any]) -> JsonRpcError:
    return JsonRpcError(rpc_code, MESSAGES[rpc_code], list(entries))


def not_found(param: str, value: Any, *, attribute: str | None = None, rpc_code: int = DATA_NOT_FOUND) -> JsonRpcError:
    """V_VALUE_NOT_FOUND; ``attribute`` is what the entry names (the document shows
    customer_id / i_customer for a customer_name)."""
    return error(rpc_code, entry("V_VALUE_NOT_FOUND", attribute or param, "{attribute} «{value}» not found.",
                                 {"value": value, "attribute": param}))


def already_exists(param: str, value: Any) -> JsonRpcError:
    return error(INVALID_PARAMS, entry("V_VALUE_ALREADY_EXISTS", param, "{attribute} «{value}» already exists.",
                                       {"value": value, "attribute": param}))


def not_in_list(param: str, current: Any, valid: str) -> JsonRpcError:
    return error(INVALID_PARAMS, entry("V_VALUE_NOT_IN_LIST", param,
                                       "{attribute} {currentvalue} must be one of those valid values {value}.",
                                       {"attribute": param, "currentvalue": str(current), "value": valid}))


def regex_mismatch(param: str, pattern: str) -> JsonRpcError:
    """V_REGEX_DO_NOT_MATCH; ``pattern`` as the document writes it in tplParams (``^7\\d{10}$/``)."""
    return error(INVALID_PARAMS, {
        "code": "V_REGEX_DO_NOT_MATCH", "attribute": param,
        "message": f"The {param} property must match regular expression /{pattern.rstrip('/')}/.",
        "tpl": "The {attribute} property must match regular expression {pattern}.",
        "tplParams": {"attribute": param, "pattern": pattern}})


def invalid_value(param: str, value: Any, expected: str) -> JsonRpcError:
    """A value of the wrong type or form (the document shows no example: same entry form)."""
    return error(INVALID_PARAMS, entry("V_VALUE_INVALID", param, "{attribute} «{value}» is invalid: {expected}.",
                                       {"attribute": param, "value": value, "expected": expected}))


def permission_denied(model: str, value: Any) -> JsonRpcError:
    return error(PERMISSION_DENIED, entry("C_PERMISSION_DENIED", model,
                                          "You don't have access to this {attribute} «{value}».",
                                          {"value": value, "attribute": model}))


def internal(code: str, attribute: str, tpl: str, params: dict[str, Any]) -> JsonRpcError:
    return error(INTERNAL_ERROR, entry(code, attribute, tpl, params))
