"""JSON-RPC 2.0 (https://www.jsonrpc.org/specification) for providers that speak it: method
declarations (methods.py), the server side (server.py: parse, dispatch, batches,
notifications, errors, HTTP status per error), the Zend_Json_Server service description
(smd.py) and the client side through sim.delivery (client.py). See docs/core-api.md §8."""
from .client import CallResult, build_request, call, parse_response, split_userinfo
from .errors import (INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR,
                     JsonRpcError, internal_error, invalid_params, invalid_request, method_not_found,
                     parse_error, UNSET)
from .methods import Method, MethodSet, Param
from .server import BATCH, INVALID, Reply, Server, error_object, loads, response, result_object
from .smd import describe

__all__ = [
    "CallResult", "build_request", "call", "parse_response", "split_userinfo",
    "INTERNAL_ERROR", "INVALID_PARAMS", "INVALID_REQUEST", "METHOD_NOT_FOUND", "PARSE_ERROR",
    "JsonRpcError", "internal_error", "invalid_params", "invalid_request", "method_not_found", "parse_error",
    "UNSET", "Method", "MethodSet", "Param", "BATCH", "INVALID", "Reply", "Server", "error_object", "loads",
    "response", "result_object", "describe",
]
