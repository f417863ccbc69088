"""Shared test data: the document's example values."""
from pathlib import Path
from datetime import datetime

ROOT = Path(__file__).resolve().parents[3]
CONTRACTS = ROOT / "contracts" / "mts-autosecretary"

DN_EXAMPLE = {
    "begin": "00:00:00",
    "channels": 1,
    "day": 0,
    "end": "23:59:59",
    "locked": False,
    "phone": "89161000232",
    "priority": 0,
    "record": False,
}

UN_EXAMPLE = {
    "ab_ext_enabled": False,
    "conf_email": "user@mts.ru",
    "description": "test",
    "dn_list": [DN_EXAMPLE],
    "menu_allowed": True,
    "make_call_time": 30,
    "need_begin_ivr": True,
    "enabled": True,
    "ext_queue": True,
    "fax_email": "user@mts.ru",
    "max_queue_time": 20,
    "need_advert": False,
    "need_record": False,
    "op_ext_enabled": False,
    "phone": "4954071111",
    "say_ani": False,
    "say_tone": False,
    "time_zone": 0,
    "updated_by": "user",
    "updated_on": "2012-10-1T11:25:06",
    "voice_email": "user@mts.ru",
}

UN_CONFIG = {k: v for k, v in UN_EXAMPLE.items() if k != "phone"}

SECTION = {
    "accounts": {
        "user": {
            "password": "password",
            "api_key": "aa-test-api-key",
            "uns": {
                "4954071111": UN_CONFIG,
                "9854071111": {"description": "sales", "dn_list": [dict(DN_EXAMPLE, phone="89161000233")]},
                "9854079998": {"description": "support", "dn_list": [dict(DN_EXAMPLE, phone="89161000234")]},
            },
        },
        "other": {
            "password": "other-password",
            "uns": {"4954072222": {"dn_list": [dict(DN_EXAMPLE, phone="89161000299")]}},
        },
    },
    "cdrs": {
        "34460583": {
            "seqid": 315001021,
            "un": "4954071111",
            "an": "9161000932",
            "start_time": "2012-10-2T09:46:12",
            "duration": 1,
            "talk_duration": 0,
            "log": "SIP:ANI(9161000932@mdd-mg1-1ld-msk2:5061)-DNIS(4954071111@11.241.37.199:5061)--NO_DNS",
        }
    },
    "history": {"days": 2, "calls_per_day": 10},
}

NOW = datetime(2026, 11, 23, 9, 0, 0)  # Moscow time


