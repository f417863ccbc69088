"""State of the @втосекретарь provider (accounts, UNs, CDRs, id counters), separate from rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .cdr import CdrRecord, CdrStore
from .models import UN


@dataclass
class Account:
    """An API user: personal-cabinet login + password (HTTP Basic), optionally an Api-Key."""

    login: str
    password: str
    api_key: Optional[str] = None
    uns: list[str] = field(default_factory=list)


class Backend:
    """Everything the provider remembers. Lookups are dict/bisect based."""

    def __init__(self, first_call_id: int = 35_000_000, first_seqid: int = 316_000_000) -> None:
        self.accounts: dict[str, Account] = {}
        self._by_api_key: dict[str, Account] = {}
        self.uns: dict[str, UN] = {}
        self.owner: dict[str, str] = {}
        self.cdrs = CdrStore()
        self.recordings: dict[int, str] = {}  # CDR id -> engine recording id
        # Authorization values that logged in -> their account (auth.py); emptied on every change
        # of the accounts or their credentials, so a kept value is always one that would log in now
        self.logged_in: dict[str, Account] = {}
        self._next_call_id = first_call_id
        self._next_seqid = first_seqid

    # accounts and UNs

    def add_account(self, account: Account) -> None:
        if account.login in self.accounts:
            raise ValueError(f"duplicate login {account.login}")
        self.logged_in.clear()
        self.accounts[account.login] = account
        if account.api_key:
            self._by_api_key[account.api_key] = account

    def add_un(self, login: str, un: UN) -> None:
        if un.phone in self.uns:
            raise ValueError(f"UN {un.phone} belongs to {self.owner[un.phone]} already")
        account = self.accounts[login]
        self.uns[un.phone] = un
        self.owner[un.phone] = login
        account.uns.append(un.phone)

    def set_credentials(self, login: str, password: str, api_key: Optional[str]) -> None:
        account = self.accounts[login]
        self.logged_in.clear()
        if account.api_key:
            self._by_api_key.pop(account.api_key, None)
        account.password, account.api_key = password, api_key
        if api_key:
            self._by_api_key[api_key] = account

    def remove_un(self, phone: str) -> None:
        """The UN leaves its account; its CDRs stay."""
        login = self.owner.pop(phone, None)
        self.uns.pop(phone, None)
        account = self.accounts.get(login) if login else None
        if account is not None and phone in account.uns:
            account.uns.remove(phone)

    def remove_account(self, login: str) -> None:
        account = self.accounts.pop(login)
        self.logged_in.clear()
        if account.api_key:
            self._by_api_key.pop(account.api_key, None)
        for phone in list(account.uns):
            self.remove_un(phone)

    def account_by_login(self, login: str) -> Optional[Account]:
        return self.accounts.get(login)

    def account_by_api_key(self, key: str) -> Optional[Account]:
        return self._by_api_key.get(key)

    def un_of(self, account: Account, phone: str) -> Optional[UN]:
        if self.owner.get(phone) != account.login:
            return None
        return self.uns.get(phone)

    def replace_un(self, un: UN) -> None:
        self.uns[un.phone] = un

    # ids: the call id is taken when a call arrives, the seqid when its record is written

    def take_call_id(self) -> int:
        value = self._next_call_id
        self._next_call_id += 1
        return value

    def peek_call_id(self) -> int:
        return self._next_call_id

    def take_seqid(self) -> int:
        value = self._next_seqid
        self._next_seqid += 1
        return value

    def reserve_ids(self, call_id: int, seqid: int) -> None:
        """Make sure live ids come after ids already used (e.g. by generated history)."""
        self._next_call_id = max(self._next_call_id, call_id + 1)
        self._next_seqid = max(self._next_seqid, seqid + 1)

    def add_cdr(self, record: CdrRecord) -> None:
        self.cdrs.add(record)
        self.reserve_ids(record.id, record.seqid)
