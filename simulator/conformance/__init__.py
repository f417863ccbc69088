"""The contract checker: the documented formats under contracts/<slug>/ as validators of the
requests, responses and callbacks in the journal, one validator per transport.

    from simulator.conformance import Contract, check_journal
    Contract.from_files("beeline-cloudcc").check_journal(entries)
    check_journal("mts-vpbx", simulator.journal())    # by the provider's declared contract

Transports (:data:`TRANSPORTS`, open to more): ``rest`` OpenAPI (openapi.py), ``xml`` XSD
(xsd.py), ``soap`` WSDL schemas (soap.py), ``multipart`` JSON Schema (schemas.py),
``jsonrpc`` OpenRPC (openrpc.py).
Documented examples: :mod:`simulator.conformance.examples`.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:
    from .contract import Contract

#: what the package exports from its modules, each imported on first use: start-up imports the
#: package for strict mode (strict.py), which needs none of them before a request is checked
_EXPORTS = {"TRANSPORTS": "contract", "Contract": "contract", "Validator": "contract",
            "register_transport": "contract", "sniff_transport": "contract",
            "ContractViolation": "openapi", "OpenApiContract": "openapi", "OpenApiValidator": "openapi",
            "OpenRpcValidator": "openrpc", "JsonSchemaValidator": "schemas", "SoapValidator": "soap",
            "XsdValidator": "xsd"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .contract import register_builtin_transports

    register_builtin_transports()
    globals()[name] = value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return value


def discover_validators(directory: Path, options: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """One validator per registered transport whose contract files ``directory`` holds."""
    from .contract import TRANSPORTS, register_builtin_transports

    register_builtin_transports()
    options = options or {}
    out = {}
    for transport, cls in TRANSPORTS.items():
        discover = getattr(cls, "discover", None)
        if discover is not None and directory.is_dir():
            validator = discover(directory, **options.get(transport, {}))
            if validator is not None:
                out[transport] = validator
    return out


def contract_for(slug: str) -> Contract | None:
    """The contract the provider ``slug`` declares (``Provider.contract()``), made once."""
    from ..providers.registry import listings, provider_class

    if slug not in listings():
        return None
    cls = provider_class(slug)  # this provider only
    if slug not in _CONTRACTS:
        _CONTRACTS[slug] = cls.contract()
    return _CONTRACTS[slug]


_CONTRACTS: dict[str, Contract | None] = {}


def check_journal(provider_slug: str, entries: Iterable[Any]) -> int:
    """Check every journal entry of ``provider_slug`` against its declared contract; the
    number of entries checked (0 when the provider declares none). Raises
    :class:`ContractViolation` on the first entry that breaks the contract."""
    contract = contract_for(provider_slug)
    if contract is None:
        return 0
    return contract.check_journal(e for e in entries if e.provider == provider_slug)


__all__ = ["TRANSPORTS", "Contract", "Validator", "register_transport", "sniff_transport",
           "ContractViolation", "OpenApiContract", "OpenApiValidator", "JsonSchemaValidator",
           "SoapValidator", "XsdValidator", "OpenRpcValidator", "discover_validators", "contract_for", "check_journal"]
