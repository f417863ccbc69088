"""Error table and the error body of the portal.

The document shows no error body. The portal is a Spring Boot service (swagger-style "string"/0
examples, Spring's default 200/201 answers), so errors use Spring Boot's default error attributes:
``{"timestamp", "status", "error", "message", "path"}`` (see docs/decisions.md).
"""
from __future__ import annotations

from datetime import datetime, timezone
from http import HTTPStatus

from .models import ErrorBody


class VpbxError(Exception):
    """Raised by the backend; rendered by the routes as the portal's error body."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# Messages used by the simulator, one place so tests and docs agree.
UNAUTHORIZED = "Full authentication is required to access this resource"
BAD_TOKEN = "Invalid X-AUTH-TOKEN"
ABONENT_NOT_FOUND = "Abonent not found: {id}"
GROUP_NOT_FOUND = "Group not found: {id}"
SUBSCRIPTION_NOT_FOUND = "Subscription not found: {id}"
CALL_NOT_FOUND = "Call not found: {id}"
RULE_NOT_FOUND = "Rule not found: {id}"
SCHEDULE_NOT_FOUND = "Schedule not found: {id}"
SCHEDULE_NOT_REMOVABLE = "Schedule {id} can not be removed"
RECORD_NOT_FOUND = "Call recording not found: {id}"
NO_CALL_TO_RETURN = "No received or missed call to return"
NO_NUMBER_TO_REDIAL = "No dialed number to redial"
TRANSFER_BAD_STATE = "Call {id} in state {state} can not be transferred"
BAD_ADDRESS = "Invalid address: {value}"
FIELD_REQUIRED = "{field}: must not be null"
BAD_URL = "callbackUrl: must be a valid URL"
BAD_JSON = "JSON parse error: {detail}"
TOO_MANY_RULES = "Maximum {n} rules of type {type}"


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def iso_timestamp(epoch_seconds: float) -> str:
    dt = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+00:00"


def error_body(status: int, message: str, path: str, epoch_seconds: float) -> dict:
    return ErrorBody(timestamp=iso_timestamp(epoch_seconds), status=status, error=reason(status),
                     message=message, path=path).model_dump()


def pydantic_message(exc) -> str:
    """A field message from a pydantic ValidationError, Spring-like: ``field: message``."""
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__") or "body"
        msg = err.get("msg", "invalid value")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err.get("type") == "missing":
            msg = "must not be null"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)
