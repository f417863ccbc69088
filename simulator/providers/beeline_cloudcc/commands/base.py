"""What every offline command shares: the tenant, the clock, B- and A-number validation."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..backend import TenantState
from ..errors import BeelineError
from ..numbers import canonical, is_phone
from .form import MISSING, _as_list, _dedupe, _get


class CommandBase:
    def __init__(self, tenant: TenantState, *, now: Callable[[], float], new_cdrid: Callable[[], str],
                 base_url: str) -> None:
        self.t = tenant
        self.now = now
        self.new_cdrid = new_cdrid
        self.base_url = base_url.rstrip("/")

    # ------------------------------------------------------------------ validation
    def _bnumbers(self, value: Any, *, allow_missing: bool = False) -> Optional[list[str]]:
        """Tenant B-numbers -> canonical keys; 404.110 malformed/missing, 404.100 not the tenant's."""
        if value is MISSING and allow_missing:
            return None
        value = _as_list(value)
        if not isinstance(value, list) or not value:
            raise BeelineError("404.110")
        keys: list[str] = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not is_phone(item):
                raise BeelineError("404.110")
            key = canonical(item)
            if key not in self.t.numbers:
                raise BeelineError("404.100")
            if key not in keys:
                keys.append(key)
        return keys

    @staticmethod
    def _anumbers(value: Any, *, missing_code: str, bad_code: str) -> list[str]:
        value = _as_list(value)
        if value is MISSING or not isinstance(value, list) or not value:
            raise BeelineError(missing_code)
        out: list[str] = []
        for item in _dedupe(value):
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not is_phone(item):
                raise BeelineError(bad_code)
            out.append(item.strip())
        return out

    def _ok(self, name: str) -> dict[str, Any]:
        return {"STATUS": "OK", "COMMAND": name}

    def _named_or(self, form: dict[str, Any], every: Callable[[], list[str]]) -> list[str]:
        """The B-numbers ConfData names, or ``every()`` when it names none."""
        conf = _get(form, "ConfData")
        if conf is None or conf is MISSING:
            return every()
        if not isinstance(conf, (list, str, int)) or isinstance(conf, bool):
            raise BeelineError("400.1")
        return self._bnumbers(conf)

