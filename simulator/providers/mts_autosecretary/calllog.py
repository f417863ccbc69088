"""The CDR ``log`` string ("история обслуживания вызова") in the document's style.

Sample: ``SIP:ANI(9161000932@mdd-mg1-1ld-msk2:5061)-DNIS(4954071111@11.241.37.199:5061)--NO_DNS``.
Each step is appended as ``-<token>``; tokens are the ones real clients decode (wire-facts 2.3).
"""

from __future__ import annotations

ANI_HOST = "mdd-mg1-1ld-msk2:5061"
DNIS_HOST = "11.241.37.199:5061"

CONN = "Conn"
NO_ANSWER = "NoAnswer"
NO_DNS = "NO_DNS"
NO_AV_DNS = "No_AvDNS"
NO_CHANNELS = "NoChannels"
MAX_QUEUE_EXCEEDED = "MaxQueueExceeded"
HANGUP_DURING_MAKE_CALL = "HgUp_DurMC"
REC_START = "Rec_Start"
REC_STOP = "Rec_Stop"
EXCEPTION = "Exception"
UN_DISABLED = "UN_Disabled"
QUEUE = "Queue"


def try_to_call(number: str) -> str:
    return f"TryToCall:{number}"


def busy(number: str) -> str:
    return f"Busy({number})"


def extension(number: str) -> str:
    return f"Extension-{number}"


class CallLog:
    def __init__(self, an: str, un: str):
        self._prefix = f"SIP:ANI({an}@{ANI_HOST})-DNIS({un}@{DNIS_HOST})-"
        self.tokens: list[str] = []

    def add(self, token: str) -> None:
        self.tokens.append(token)

    def render(self) -> str:
        return self._prefix + "".join(f"-{token}" for token in self.tokens)


def render_log(an: str, un: str, tokens: list[str]) -> str:
    log = CallLog(an, un)
    for token in tokens:
        log.add(token)
    return log.render()
