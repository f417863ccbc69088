"""Errors of the @втосекретарь API: one exception type rendered as the REST envelope or a SOAP fault."""

from __future__ import annotations


class ApiError(Exception):
    """A failed request. ``status_code`` is the HTTP status and the envelope's status_code."""

    def __init__(self, status_code: int, status_msg: str):
        super().__init__(status_msg)
        self.status_code = status_code
        self.status_msg = status_msg

    @property
    def is_client_error(self) -> bool:
        return 400 <= self.status_code < 500


def bad_request(msg: str) -> ApiError:
    return ApiError(400, msg)


def unauthorized(msg: str = "Unauthorized: HTTP Basic credentials of an API user are required") -> ApiError:
    return ApiError(401, msg)


def forbidden_un(phone: str) -> ApiError:
    # Same answer for an unknown UN and another account's UN: existence is not disclosed.
    return ApiError(403, f"UN {phone} is not available for management via API")


def not_found(msg: str = "Not found") -> ApiError:
    return ApiError(404, msg)


def method_not_allowed(method: str) -> ApiError:
    return ApiError(405, f"Method {method} is not allowed")
