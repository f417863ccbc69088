"""Answers of part 1 as pydantic models named after the document's entities (the world's
models in world.py hold what is stored; these are what the methods answer)."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel


class FollowmeStruct(BaseModel):
    """getFollowme's followmeStruct row (upper-case keys, numbers as strings)."""

    I_FOLLOW_ORDER: str
    ACTIVE: Literal["Y", "N"]
    NAME: str
    REDIRECT_NUMBER: str
    PERIOD: str
    PERIOD_DESCRIPTION: str
    TIMEOUT: str


class DownloadURL(BaseModel):
    downloadURL: str


class CallBackFollowmeCallInfo(BaseModel):
    """callBackFollowmeCallInfoStruct of getCallBackFollowmeCallInfo: lengths as strings."""

    destination_A: str
    destination_B: str
    waiting_period_A: str
    waiting_period_B: str
    call_back_charged_length_A: str
    call_back_real_length_A: str
    call_back_charged_length_B: str
    call_back_real_length_B: str
    call_back_cost: float
    call_back_currency: str
    call_back_status: str
    call_back_record_URL_A: Optional[DownloadURL] = None
    call_back_record_URL_B: Optional[DownloadURL] = None
    callDescription: str = ""

    def answer(self) -> dict:
        """The JSON of the answer: record links left out when there are none."""
        return self.model_dump(exclude_none=True)


class CallBackPromptUpload(BaseModel):
    """setCallBackPrompt's answer."""

    uploadURL: str
    statusURL: str
    maxsize: int
    accepted_formats: dict[str, list[str]]
