"""CallBack prompts: setCallBackPrompt hands out an upload request (uploadURL / statusURL on
fuds1.mtt.ru), the client POSTs the raw file bytes, the status moves wait_client_upload ->
wait_upload -> ok on the virtual clock (or error_timeout when nothing comes), and
getCallBackPromptInfo lists the customer's prompts."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from aiohttp import web

from ...catalogue import Operation
from ...engine.audio import wav_info
from ...jsonrpc import MethodSet, Param
from . import errors as E
from .callback_struct import SECTION
from .models import CallBackPromptUpload
from .params import as_str
from .timefmt import date_msk
from .world import CallBackPrompt

if TYPE_CHECKING:
    from .provider import MttTelecomProvider

RPC = MethodSet()
#: file extensions accepted and their MIME types (accepted_formats)
FORMATS = {"aif": ["audio/x-aiff", "audio/aiff"], "aiff": ["audio/x-aiff", "audio/aiff"],
           "wav": ["audio/wav", "audio/x-wav"], "mp3": ["audio/mpeg", "audio/mp3"], "ogg": ["audio/ogg"]}
#: virtual seconds the platform takes to load an accepted file; to wait for the client's upload
PROCESS_SECONDS = 5.0
UPLOAD_TIMEOUT = 600.0
MAX_UPLOADS = 10_000
OPERATIONS = tuple(
    Operation(f"{method} /{kind}/{{upload_id}}", SECTION, "rest", method, f"/{kind}/{{upload_id}}", host="fuds1.mtt.ru",
              summary=summary)
    for method, kind, summary in (
        ("POST", "upload", "the raw bytes of the prompt file (uploadURL)"),
        ("GET", "status", "the state of the upload (statusURL)"),
        ("POST", "status", "the state of the upload (the document's table says POST)")))


@dataclass
class Upload:
    id: str
    tenant_id: str
    customer_name: str
    file_name: str
    status: str = "wait_client_upload"
    seconds: float = 0.0


def _uploads(p: "MttTelecomProvider") -> dict[str, Upload]:
    return p.state.extra.setdefault("uploads", {})


@RPC.method("setCallBackPrompt", [Param("customer_name"), Param("file_name", description="up to 255 characters")],
            returns="object", section=SECTION)
async def set_callback_prompt(ctx, customer_name, file_name):
    """Where to upload a CallBack prompt file and where to see how the upload goes."""
    ref = ctx.customer(as_str(customer_name, "customer_name"))
    name = as_str(file_name, "file_name")
    if len(name) > 255 or "/" in name or _ext(name) not in FORMATS:
        raise E.unknown_value("file_name")
    p = ctx.provider
    uploads = _uploads(p)
    p.state.extra["upload_seq"] = seq = p.state.extra.get("upload_seq", 0) + 1
    upload_id = hashlib.md5(f"{getattr(p.sim.world, 'seed', 0)}:upload:{seq}:{name}".encode()).hexdigest()
    upload = uploads[upload_id] = Upload(upload_id, ctx.tenant_id, ref.name, name)
    while len(uploads) > MAX_UPLOADS:   # the oldest requests are forgotten (error_not_found)
        del uploads[next(iter(uploads))]
    p.sim.clock.call_later(UPLOAD_TIMEOUT, _expire, p, upload)
    settings = ctx.state.world.settings
    return CallBackPromptUpload(uploadURL=f"https://{settings.upload_host}/upload/{upload_id}",
                                statusURL=f"https://{settings.upload_host}/status/{upload_id}",
                                maxsize=settings.upload_maxsize, accepted_formats=FORMATS).model_dump()


@RPC.method("getCallBackPromptInfo", [Param("customer_name")], returns="array", section=SECTION)
async def get_callback_prompt_info(ctx, customer_name):
    """The prompts the customer has uploaded."""
    ref = ctx.customer(as_str(customer_name, "customer_name"), unknown=E.data_not_found(E.PROMPT_INFO))
    prompts = ref.customer.callback_prompts
    if not prompts:
        raise E.data_not_found(E.PROMPT_INFO)
    return [{"file_name": name, "date_upload": prompt.date_upload} for name, prompt in prompts.items()]


def _ext(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(ext: str, data: bytes) -> bool:
    """Do the bytes look like a file of that format?"""
    if ext == "wav":
        return data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    if ext in ("aif", "aiff"):
        return data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC")
    if ext == "mp3":
        return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    if ext == "ogg":
        return data[:4] == b"OggS"
    return False


def _seconds(ext: str, data: bytes) -> Optional[float]:
    """The prompt's length; None when the file cannot be loaded (error_upload)."""
    if ext == "wav":
        try:
            seconds = wav_info(data)[3]
        except ValueError:
            return None
        return seconds if seconds > 0 else None
    return max(len(data) / 16_000, 0.5)   # compressed formats: about 128 kbit/s


def _expire(p: "MttTelecomProvider", upload: Upload) -> None:
    if _uploads(p).get(upload.id) is upload and upload.status == "wait_client_upload":
        upload.status = "error_timeout"


def _loaded(p: "MttTelecomProvider", upload: Upload, seconds: Optional[float]) -> None:
    if _uploads(p).get(upload.id) is not upload or upload.status != "wait_upload":
        return
    ref = p.state.customer(upload.customer_name)
    if seconds is None or ref is None:
        upload.status = "error_upload"
        return
    upload.status, upload.seconds = "ok", seconds
    ref.customer.callback_prompts[upload.file_name] = CallBackPrompt(
        date_upload=date_msk(p.sim.clock.now()).strftime("%d.%m.%Y"), seconds=seconds)


def handlers(p: "MttTelecomProvider") -> dict:
    async def upload(request: web.Request) -> web.StreamResponse:
        item = _uploads(p).get(request.match_info["upload_id"])
        if item is None:
            return web.json_response({"status": "error_not_found"}, status=404)
        if item.status != "wait_client_upload":
            return web.json_response({"status": "error_invalid_state"})
        data = await request.read()
        ext = _ext(item.file_name)
        if len(data) > p.state.world.settings.upload_maxsize:
            item.status = "error_maxfilesize"
        elif not sniff(ext, data):
            item.status = "error_fileformat"
        else:
            item.status = "wait_upload"
            p.sim.clock.call_later(PROCESS_SECONDS, _loaded, p, item, _seconds(ext, data))
            return web.json_response({"status": "wait_porta_upload"})
        return web.json_response({"status": item.status})

    async def status(request: web.Request) -> web.StreamResponse:
        item = _uploads(p).get(request.match_info["upload_id"])
        if item is None:
            return web.json_response({"status": "error_not_found"}, status=404)
        return web.json_response({"status": item.status})

    return {OPERATIONS[0].name: upload, OPERATIONS[1].name: status, OPERATIONS[2].name: status}
