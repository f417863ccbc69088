"""WCF-compatible SOAP 1.1 twin of the REST API: services ``un`` (un.svc) and ``cdr`` (cdr.svc)."""
from .... import spyne_compat  # noqa: F401  (before any spyne import: Python 3.12/3.13)
