"""The SMS API's entities (the message as the history shows it, the send request) and an
account's message store with the indexes the history filters use."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Optional

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from .world import MsApi

GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")
#: messages kept per account (the oldest go first)
MAX_MESSAGES = 20_000


class SmsError(Exception):
    def __init__(self, status: int, error: str):
        super().__init__(error)
        self.status, self.error = status, error


class SendMessage(BaseModel):
    """The body of POST .../messages."""

    model_config = ConfigDict(extra="ignore")
    from_: str = ""
    to: str = ""
    text: str = ""
    tag: Optional[str] = None


class Message(BaseModel):
    """A message object as the history returns it (the document's table and examples)."""

    account_sid: str
    message_sid: str
    text: str
    created_at: int
    direction: Literal["inbound", "outbound"]
    number: str
    external_number: str
    status: str
    segment_count: int
    tag: Optional[str] = None

    def view(self) -> dict:
        return self.model_dump(exclude_none=True)


def segment_count(text: str) -> int:
    """Parts of a concatenated SMS: GSM-7 160/153 characters, otherwise UCS-2 70/67."""
    single, part = (160, 153) if set(text) <= GSM7 else (70, 67)
    n = len(text)
    return 1 if n <= single else -(-n // part)


def number_sid(number: str) -> str:
    return "num" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"msapi:{number}"))


@dataclass
class SmsAccount:
    """An account's messages with the indexes the history filters use (insertion-ordered dicts
    keyed by message_sid, so a status change moves one entry)."""

    sid: str
    tenant: str
    cfg: "MsApi"
    messages: dict[str, Message] = field(default_factory=dict)  # in creation order
    by_number: dict[str, dict[str, Message]] = field(default_factory=dict)
    by_external: dict[str, dict[str, Message]] = field(default_factory=dict)
    by_direction: dict[str, dict[str, Message]] = field(default_factory=dict)
    by_status: dict[str, dict[str, Message]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)  # message_sid -> creation sequence
    _seq: int = 0

    def add(self, msg: Message) -> None:
        self.messages[msg.message_sid] = msg
        self._seq += 1
        self.order[msg.message_sid] = self._seq
        for index, key in self._keys(msg):
            index.setdefault(key, {})[msg.message_sid] = msg
        while len(self.messages) > MAX_MESSAGES:
            self.drop(next(iter(self.messages.values())))

    def drop(self, msg: Message) -> None:
        self.messages.pop(msg.message_sid, None)
        self.order.pop(msg.message_sid, None)
        for index, key in self._keys(msg):
            index.get(key, {}).pop(msg.message_sid, None)

    def set_status(self, msg: Message, status: str) -> None:
        if msg.message_sid not in self.messages:
            return  # dropped from a full history
        self.by_status.get(msg.status, {}).pop(msg.message_sid, None)
        msg.status = status
        self.by_status.setdefault(status, {})[msg.message_sid] = msg

    def _keys(self, msg: Message):
        return ((self.by_number, msg.number), (self.by_external, msg.external_number),
                (self.by_direction, msg.direction), (self.by_status, msg.status))
