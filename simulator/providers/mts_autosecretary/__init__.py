"""MTS "@втосекретарь" API v1 (aa.mts.ru): REST with a {value,status_code,status_msg} envelope and a
WCF-compatible SOAP twin (un.svc, cdr.svc); universal numbers distribute simulated calls to DNs."""

from .provider import MtsAutosecretaryProvider

__all__ = ["MtsAutosecretaryProvider"]
