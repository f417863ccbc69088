"""The live state of the provider: a deep copy of the world section (what the API changes:
follow-me, balances, CallBack structures, control URLs...) with the indexes every request
uses (credentials per host, customers by name or alias, accounts by sip_id or number,
records by h323_conf_id). Rebuilt from the world on reset."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .world import Account, Customer, MttTelecomWorld, Tenant

#: the credential sets of a tenant, by the host they open (world.Tenant fields)
HOSTS = ("webapicommon", "rc", "gapi", "sb_api")


@dataclass
class CustomerRef:
    tenant_id: str
    name: str            # the key in the world (the main spelling of customer_name)
    customer: Customer


@dataclass
class AccountRef:
    tenant_id: str
    customer_name: str
    sip_id: str
    account: Account


@dataclass
class State:
    world: MttTelecomWorld
    #: host -> login -> tenant id
    logins: dict[str, dict[str, str]] = field(default_factory=dict)
    customers: dict[str, CustomerRef] = field(default_factory=dict)   # by customer_name and aliases
    accounts: dict[str, AccountRef] = field(default_factory=dict)     # by sip_id
    numbers: dict[str, AccountRef] = field(default_factory=dict)      # by the phone number of a sip_id
    #: anything a module keeps besides the world's data, by module name (callback calls, uploads...)
    extra: dict[str, Any] = field(default_factory=dict)
    #: (host, Authorization value) -> tenant id, for values that logged in (auth.py)
    accepted: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, section: Optional[MttTelecomWorld]) -> "State":
        world = (section or MttTelecomWorld()).model_copy(deep=True)
        state = cls(world)
        for tid, tenant in world.tenants.items():
            for host in HOSTS:
                cred = getattr(tenant, host)
                if cred is not None:
                    state.logins.setdefault(host, {})[cred.login] = tid
            for cname, customer in tenant.customers.items():
                ref = CustomerRef(tid, cname, customer)
                for name in (cname, *customer.aliases):
                    state.customers[name] = ref
                for sip_id, account in customer.accounts.items():
                    state.index_account(tid, cname, sip_id, account)
        return state

    def index_account(self, tenant_id: str, customer_name: str, sip_id: str, account: Account) -> AccountRef:
        ref = AccountRef(tenant_id, customer_name, sip_id, account)
        self.accounts[sip_id] = ref
        self.numbers[number_of(sip_id, account)] = ref
        return ref

    # ------------------------------------------------------------- lookups
    def tenant(self, tenant_id: str) -> Tenant:
        return self.world.tenants[tenant_id]

    def login(self, host: str, login: str, password: str) -> Optional[str]:
        tid = self.logins.get(host, {}).get(login)
        if tid is None:
            return None
        cred = getattr(self.world.tenants[tid], host)
        return tid if cred is not None and cred.password == password else None

    def customer(self, name: Any) -> Optional[CustomerRef]:
        return self.customers.get(name) if isinstance(name, str) else None

    def account(self, sip_id: Any, *, by_number: bool = False) -> Optional[AccountRef]:
        """The account of a sip_id; with ``by_number`` also the sip_id whose phone number it is
        (getFollowme finds 883140776011039 by 74951345987)."""
        if not isinstance(sip_id, str):
            return None
        key = sip_id.strip().lstrip("+")
        ref = self.accounts.get(key)
        if ref is None and by_number:
            ref = self.numbers.get(key)
        return ref

    def account_for_number(self, number: str) -> Optional[AccountRef]:
        """The account an inbound call to ``number`` reaches (sip_id or its phone number)."""
        key = number.strip().lstrip("+")
        if len(key) == 11 and key.startswith("8"):
            key = "7" + key[1:]
        return self.accounts.get(key) or self.numbers.get(key)


def number_of(sip_id: str, account: Account) -> str:
    """The phone number of a sip_id: its own ``number``, or the 883140 ↔ 7958 rule of real
    clients (wire-facts 4.1: 88314058xxxxxxx is 7958xxxxxxx), or the sip_id itself."""
    if account.number:
        return account.number.lstrip("+")
    if sip_id.startswith("88314058") and len(sip_id) == 15:
        return "79" + sip_id[6:]
    return sip_id
