"""The numbered error table of section 4.19 and the offline error body."""

from __future__ import annotations

import json

# err_code -> err_description, exactly as table 4.19 spells them.
ERROR_TABLE: dict[str, str] = {
    "400.1": "Bad [ConfData] Field",
    "400.2": "Invalid JSON",
    "400.3": "Invalid Date Format",
    "400.4": "Invalid Date Value",
    "400.5": "Incorrect [COMMENT] Field",
    "400.6": "No [COMMAND] field",
    "400.7": "Bad Content-Type (No Line for multipart/form-data;boundary=)",
    "400.8": "Bad Content (No Form part)",
    "400.9": "Invalid [CTN] Field",
    "400.10": "Invalid [ATOMICITY] Field",
    "400.11": "Invalid [OrderID] value",
    "401.1": "Unknown UserName or Password",
    "404.100": "Invalid BNumber(s)",
    "404.101": "Missing RNumber(s)",
    "404.102": "Invalid ANumber(s)",
    "404.103": "Reserved",
    "404.104": "Voice File(s) not Found",
    "404.105": "Invalid ListID",
    "404.106": "Invalid CDRID",
    "404.107": "Missing or Incorrect ListID",
    "404.108": "Missing or Incorrect ANumber(s)",
    "404.109": "Missing Voice File(s)",
    "404.110": "Missing or Incorrect BNumber(s)",
    "404.111": "Missing CDRID",
    "404.112": "Invalid URL",
    "404.113": "Requested File Not Found",
    "404.114": "Missing CTN",
    "404.115": "Reservation Not Found",
    "409.1": "All Voice Files in use",
    "409.2": "Multiple Reservations Not Allowed",
    "413.1": "Data size too big",
    "413.2": "Too many records in Black List",
    "415.1": "Invalid Voice File Format",
    "500.1": "Execution Error",
    "500.2": "Server Exception Error",
    "500.3": "DB Connection Error",
    "501.1": "Command Not Found",
}

# 400.8 has two descriptions in the table.
NO_FORM_PART = "Bad Content (No Form part)"
INCORRECT_FORM = "Bad Content (Incorrect Form)"


def http_status(err_code: str) -> int:
    """The HTTP status of an error is the integer part of its code (404.106 -> 404)."""
    return int(err_code.split(".", 1)[0])


class BeelineError(Exception):
    """An offline API failure rendered as the 4.19 error structure."""

    def __init__(self, err_code: str, description: str | None = None, *, command: str = "") -> None:
        if err_code not in ERROR_TABLE:
            raise ValueError(f"unknown Beeline error code {err_code}")
        self.err_code = err_code
        self.description = description or ERROR_TABLE[err_code]
        self.command = command
        super().__init__(f"{err_code} {self.description}")

    @property
    def status(self) -> int:
        return http_status(self.err_code)

    def body(self, auxcode: str = "") -> dict[str, str]:
        return {
            "STATUS": "ERROR",
            "AUXCODE": auxcode,
            "COMMAND": self.command,
            "ERR_CODE": self.err_code,
            "ERR_DESCRIPTION": self.description,
        }

    def to_json(self, auxcode: str = "") -> str:
        return json.dumps(self.body(auxcode), ensure_ascii=False)
