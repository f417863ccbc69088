"""Which hosts callbacks may reach: loopback and the world's ``callbacks.allow_hosts``."""
from __future__ import annotations

import fnmatch
from functools import lru_cache
import ipaddress

from yarl import URL


@lru_cache(maxsize=1024)
def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_allowed(url: str, allow_hosts: list[str]) -> bool:
    # parsed by yarl, as aiohttp's client will parse it when sending: a check with another
    # parser can be fooled by URLs the two read differently (``http://10.0.0.1\\@127.0.0.1/``)
    try:
        parts = URL(url)
        host = parts.host
    except (ValueError, TypeError):
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    return is_loopback(host) or any(fnmatch.fnmatchcase(host.lower(), p.lower()) for p in allow_hosts)
