"""Premedia API (JSON-RPC 2.0, POST gapi.mtt.ru:6443/v1/api): a customer's prompts (files and
TTS), the premedia scenario of an account (which side hears which prompt, before or after
answer) and its follow-me (the premedia ``setFollowme`` variant). An inbound call to an
account with premedia settings hears the scenario's prompts before the redirect (router
``route_inbound``)."""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import TYPE_CHECKING, Any, Optional

from ...digits import parse_int
from ...jsonrpc import MethodSet, Param
from . import gapi_errors as G
from .audio_info import mp3_seconds
from .redirect import Target, redirect
from .smartcall_flow import speech_seconds
from .world import FollowmeEntry, PremediaPrompt, PremediaSettings

if TYPE_CHECKING:
    from .endpoint import Ctx
    from .state import AccountRef, CustomerRef

SECTION = "Premedia API"
SCENARIOS = {1: ("A",), 2: ("B",), 3: ("A", "B")}
MAX_PROMPT_BYTES = 10 * 1024 * 1024
CALLER_ID = re.compile(r"^7[0-9]{10}$")
SEQUENCES = ("Order", "Random", "Simultaneous")
ACCOUNT_MODEL = "common\\models\\premedia\\api\\Account"

GAPI_RPC = MethodSet()


def _customer(ctx: "Ctx", name: Any, *, attribute: str, rpc_code: int = G.DATA_NOT_FOUND) -> "CustomerRef":
    ref = ctx.state.customer(str(name)) if isinstance(name, (str, int)) and not isinstance(name, bool) else None
    if ref is None or ref.tenant_id != ctx.tenant_id:
        raise G.not_found("customer_name", name, attribute=attribute, rpc_code=rpc_code)
    return ref


def _account(ctx: "Ctx", sip_id: Any, *, rpc_code: int = G.DATA_NOT_FOUND) -> "AccountRef":
    ref = ctx.state.account(str(sip_id)) if isinstance(sip_id, (str, int)) and not isinstance(sip_id, bool) else None
    if ref is None or ref.tenant_id != ctx.tenant_id:
        raise G.not_found("sip_id", sip_id, rpc_code=rpc_code)
    return ref


def _int(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return parse_int(value.strip(), signed=True)
    return None


# ------------------------------------------------------------------ prompts
@GAPI_RPC.method("createCustomerPrompt", [
    Param("customer_name"), Param("prompt_name"), Param("prompt_type", optional=True, default="file"),
    Param("prompt_file_contents")], returns="object", section=SECTION)
async def create_customer_prompt(ctx: "Ctx", customer_name, prompt_name, prompt_type, prompt_file_contents):
    """Creates a prompt: an MP3 file (base64) or a text spoken by TTS (listed as TTS_<name>.mp3)."""
    cust = _customer(ctx, customer_name, attribute="customer_id", rpc_code=-32601)
    if prompt_type not in ("file", "text"):
        raise G.not_in_list("prompt_type", prompt_type, "file,text")
    if not isinstance(prompt_name, str) or not prompt_name.strip():
        raise G.invalid_value("prompt_name", prompt_name, "a file name")
    if not isinstance(prompt_file_contents, str) or not prompt_file_contents.strip():
        raise G.invalid_value("prompt_file_contents", "", "the prompt's contents")
    name = prompt_name.strip()
    if prompt_type == "text":
        # "116" is listed as TTS_116.mp3, while "file12.wav" exists as TTS_file12.wav (the examples)
        name = name if name.startswith("TTS_") else f"TTS_{name}"
        if "." not in name:
            name += ".mp3"
        text, seconds = prompt_file_contents, speech_seconds(prompt_file_contents, 1.0)
    else:
        if not name.lower().endswith(".mp3"):
            raise G.regex_mismatch("prompt_name", r"\.mp3$/")
        try:
            raw = base64.b64decode(prompt_file_contents, validate=True)
        except (binascii.Error, ValueError):
            raise G.invalid_value("prompt_file_contents", prompt_name, "base64 encoded MP3 expected") from None
        if len(raw) > MAX_PROMPT_BYTES:
            raise G.invalid_value("prompt_file_contents", prompt_name, f"at most {MAX_PROMPT_BYTES} bytes")
        seconds = mp3_seconds(raw)
        if seconds is None:
            raise G.invalid_value("prompt_file_contents", prompt_name, "the file is not an MP3")
        text = None
    prompts = cust.customer.prompts
    if name in prompts:
        raise G.already_exists("prompt_name", name)
    new_id = max((p.id for p in prompts.values()), default=0) + 1
    file_id = hashlib.md5(f"{cust.name}/{new_id}/{name}".encode()).hexdigest()
    prompts[name] = PremediaPrompt(id=new_id, file_id=file_id, prompt_type=prompt_type, text=text,
                                   seconds=max(seconds, 0.1))
    return {"success": True}


@GAPI_RPC.method("getCustomerPrompts", [Param("customer_name", ("string", "integer"))], returns="object",
                 section=SECTION)
async def get_customer_prompts(ctx: "Ctx", customer_name):
    """Lists the customer's prompts with the file_id the call-control answers name."""
    cust = _customer(ctx, customer_name, attribute="i_customer")
    items = sorted(cust.customer.prompts.items(), key=lambda kv: kv[1].id)
    return {"prompts_list": [{"id": p.id, "name": n, "file_id": p.file_id} for n, p in items]}


@GAPI_RPC.method("deleteCustomerPrompt", [Param("customer_name", ("string", "integer")), Param("prompt_name")],
                 returns="object", section=SECTION)
async def delete_customer_prompt(ctx: "Ctx", customer_name, prompt_name):
    """Deletes a prompt; accounts that had it bound play nothing on that side any more."""
    cust = _customer(ctx, customer_name, attribute="i_customer")
    if not isinstance(prompt_name, str) or prompt_name not in cust.customer.prompts:
        raise G.not_found("prompt_name", prompt_name)
    del cust.customer.prompts[prompt_name]
    for account in cust.customer.accounts.values():
        if account.premedia is not None:
            for side in ("a_prompt", "b_prompt"):
                if getattr(account.premedia, side) == prompt_name:
                    setattr(account.premedia, side, None)
    return {"success": True}


# --------------------------------------------------------- account settings
@GAPI_RPC.method("updatePremediaAccountSettings", [
    Param("sip_id"), Param("scenario_id", ("integer", "string")),
    Param("answer", ("integer", "string"), optional=True, default=0)], returns="object", section=SECTION)
async def update_premedia_account_settings(ctx: "Ctx", sip_id, scenario_id, answer):
    """Sets the account's scenario (1: prompt to A, 2: to the called side, 3: both) and whether
    prompts are played after answer (1) or before it (0)."""
    ref = _account(ctx, sip_id)
    scenario = _int(scenario_id)
    if scenario not in SCENARIOS:
        raise G.not_found("scenario_id", str(scenario_id))
    flag = _int(answer)
    if flag not in (0, 1):
        raise G.not_in_list("answer", answer, "0,1")
    current = ref.account.premedia or PremediaSettings()
    ref.account.premedia = current.model_copy(update={"scenario_id": scenario, "answer": bool(flag)})
    return {"success": True}


@GAPI_RPC.method("setAccountPrompt", [Param("sip_id"), Param("prompt_name"), Param("side")], returns="object",
                 section=SECTION)
async def set_account_prompt(ctx: "Ctx", sip_id, prompt_name, side):
    """Binds a prompt of the account's customer to side A or B."""
    ref = _account(ctx, sip_id)
    if side not in ("A", "B"):
        raise G.not_in_list("side", side, "A, B")
    customer = ctx.state.customer(ref.customer_name).customer
    if not isinstance(prompt_name, str) or prompt_name not in customer.prompts:
        raise G.not_found("prompt_name", prompt_name)
    # without settings the scenario follows the side (1 for A, 2 for B) until one is set
    current = ref.account.premedia or PremediaSettings(scenario_id=1 if side == "A" else 2)
    ref.account.premedia = current.model_copy(update={f"{side.lower()}_prompt": prompt_name})
    return {"success": True}


@GAPI_RPC.method("unsetAccountPrompt", [Param("sip_id"), Param("side")], returns="object", section=SECTION)
async def unset_account_prompt(ctx: "Ctx", sip_id, side):
    """Removes the prompt bound to side A or B."""
    ref = _account(ctx, sip_id)
    if side not in ("A", "B"):
        raise G.not_in_list("side", side, "A, B")
    if ref.account.premedia is not None:
        ref.account.premedia = ref.account.premedia.model_copy(update={f"{side.lower()}_prompt": None})
    return {"success": True}


@GAPI_RPC.method("getPremediaAccountSettings", [Param("sip_id")], returns="object", section=SECTION)
async def get_premedia_account_settings(ctx: "Ctx", sip_id):
    """The account's scenario with the prompts bound to sides A and B."""
    ref = _account(ctx, sip_id)
    settings = ref.account.premedia
    if settings is None:
        raise G.not_found("scenario_id", None)
    customer = ctx.state.customer(ref.customer_name).customer

    def bound(name: Optional[str]):
        prompt = customer.prompts.get(name) if name else None
        return {"id": prompt.id, "name": name} if prompt is not None else None
    return {"sip_id": ref.sip_id, "answer": settings.answer, "diversion": settings.diversion,
            "scenario_id": settings.scenario_id, "scenario_name": f"Premedia {settings.scenario_id}",
            "prompts": {"a_prompt": bound(settings.a_prompt), "b_prompt": bound(settings.b_prompt)}}


# ----------------------------------------------------------------- follow-me
@GAPI_RPC.method("setFollowme", [
    Param("sip_id"), Param("sequence", optional=True, default="Order"), Param("caller_id", optional=True),
    Param("followmeStructure", "array")], returns="object", section=SECTION)
async def set_followme(ctx: "Ctx", sip_id, sequence, caller_id, followmeStructure):
    """The premedia variant of setFollowme: sequence Order|Random|Simultaneous, caller_id 7+10 digits."""
    ref = _account(ctx, sip_id)
    if sequence not in SEQUENCES:
        raise G.not_in_list("sequence", sequence, ",".join(SEQUENCES))
    if caller_id is not None and not (isinstance(caller_id, str) and CALLER_ID.match(caller_id)):
        raise G.regex_mismatch("caller_id", "^7\\d{10}$/")
    if not isinstance(followmeStructure, list) or not followmeStructure:
        raise G.internal("A_CAPI_SET_FOLLOWME", "followmeStructure", "Failed to set followme for {attribute}",
                         {"attribute": "followmeStructure"})
    entries = [_followme_entry(i, item) for i, item in enumerate(followmeStructure)]
    entries.sort(key=lambda pair: pair[0])
    account = ref.account
    account.followme = [e for _, e in entries]
    account.followme_sequence = sequence
    account.followme_caller_id = caller_id
    return {"success": 1}


def _followme_entry(index: int, item: Any) -> tuple[int, FollowmeEntry]:
    if not isinstance(item, dict):
        raise G.invalid_value("followmeStructure", index, "an object")
    number = item.get("redirect_number")
    if not isinstance(number, (str, int)) or isinstance(number, bool) or not re.fullmatch(r"\+?[0-9]{5,16}", str(number)):
        raise G.invalid_value("redirect_number", number, "a phone number")
    timeout = _int(item.get("timeout", 15))
    if timeout is None or not 1 <= timeout <= 600:
        raise G.invalid_value("timeout", item.get("timeout"), "seconds from 1 to 600")
    active = item.get("active", "Y")
    if active not in ("Y", "N"):
        raise G.not_in_list("active", active, "Y,N")
    order = _int(item.get("follow_order", index + 1))
    if order is None or order < 1:
        raise G.invalid_value("follow_order", item.get("follow_order"), "a positive integer")
    name = item.get("name", str(number))
    return order, FollowmeEntry(redirect_number=str(number), name=str(name), timeout=timeout, active=active)


@GAPI_RPC.method("getFollowmeAccountSettings", [Param("sip_id")], returns="object", section=SECTION)
async def get_followme_account_settings(ctx: "Ctx", sip_id):
    """The premedia follow-me of an account: sequence, caller_id, followmeStructure."""
    ref = ctx.state.account(sip_id) if isinstance(sip_id, str) else None
    if ref is None:
        raise G.not_found("sip_id", sip_id, rpc_code=G.INVALID_PARAMS)
    if ref.tenant_id != ctx.tenant_id:
        raise G.permission_denied(ACCOUNT_MODEL, "")
    account = ref.account
    return {"sip_id": ref.sip_id, "sequence": account.followme_sequence,
            "caller_id": account.followme_caller_id or ref.sip_id,
            "followmeStructure": [{"redirect_number": e.redirect_number, "name": e.name, "active": e.active,
                                   "follow_order": str(i), "timeout": str(e.timeout)}
                                  for i, e in enumerate(account.followme, 1)]}


# ------------------------------------------------------------- inbound calls
def prompts_of(provider, ref: "AccountRef") -> tuple[Optional[PremediaPrompt], Optional[PremediaPrompt], bool]:
    """(prompt to A, prompt to B, after answer) of the account's premedia scenario."""
    settings = ref.account.premedia
    if settings is None:
        return None, None, False
    customer = provider.state.customer(ref.customer_name).customer
    sides = SCENARIOS[settings.scenario_id]
    a = customer.prompts.get(settings.a_prompt) if "A" in sides and settings.a_prompt else None
    b = customer.prompts.get(settings.b_prompt) if "B" in sides and settings.b_prompt else None
    return a, b, settings.answer


async def route_inbound(provider, call, origin, ref: "AccountRef") -> bool:
    """An account with premedia settings: the scenario's prompts, then its follow-me by its sequence."""
    if ref.account.premedia is None or not ref.account.followme:
        return False
    a, b, after_answer = prompts_of(provider, ref)
    mode = {"Order": "sequential", "Random": "random", "Simultaneous": "parallel"}[ref.account.followme_sequence]
    targets = [Target(e.redirect_number, e.timeout, e.dtmf) for e in ref.account.followme if e.active == "Y"]
    await redirect(provider, call, origin, targets, mode, prompt_a=a, prompt_b=b, after_answer=after_answer,
                   caller_id=ref.account.followme_caller_id or origin.number, tenant_id=ref.tenant_id)
    return True
