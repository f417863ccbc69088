"""A callback as a provider hands it to the deliverer, and the result of one attempt."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Callable

from .policy import RetryPolicy


@dataclass(slots=True)
class Callback:
    provider: str
    url: str
    kind: str
    method: str = "POST"
    body: bytes | str | None = None
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] | None = None
    auth: tuple[str, str] | None = None
    tenant: str | None = None
    call_id: str | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float | None = None  # network timeout, wall seconds; None = world default
    on_result: Callable[["DeliveryResult"], Any] | None = None
    #: checked before every attempt (the first included); False drops the message
    still_wanted: Callable[[], bool] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def typed_headers(self) -> dict[str, str]:
        """``headers`` with the body's Content-Type where it has a body and they name none
        (``headers`` itself when nothing is added)."""
        headers = self.headers
        if self.content_type and self.body is not None and "Content-Type" not in headers:
            headers = {**headers, "Content-Type": self.content_type}
        return headers

    def authorized(self, headers: dict[str, str]) -> dict[str, str]:
        """``headers`` with the Basic Authorization of ``auth`` where they have none."""
        if self.auth and "Authorization" not in headers:
            headers = {**headers, "Authorization": basic_auth(*self.auth)}
        return headers


@dataclass
class DeliveryResult:
    ok: bool
    attempt: int
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    final: bool = True  # no more attempts will follow

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def basic_auth(login: str, password: str) -> str:
    """The Authorization header of a callback's ``auth``."""
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()
