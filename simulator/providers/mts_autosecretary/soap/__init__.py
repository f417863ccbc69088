"""WCF-compatible SOAP 1.1 twin of the REST API: services ``un`` (un.svc) and ``cdr`` (cdr.svc)."""
