"""The examples of call control: the methods, the platform's request and the client's answers
(openrpc.yaml), the call events (openapi-callcontrol.yaml)."""
import pytest

from simulator.providers.mtt_telecom.callcontrol import parse_answer

from .part2_examples import check_rpc, check_webhooks, load, select

CC = select(sections=("Управление входящими вызовами (getControlCallFollowMe)",))


@pytest.mark.parametrize("fx", [f for f in CC if f["format"] != "webhook"], ids=lambda f: f["file"])
def test_examples_match_the_contract(fx):
    check_rpc(fx)


@pytest.mark.parametrize("fx", [f for f in CC if f["name"] == "getControlCallFollowMe" and f["format"] == "response"],
                         ids=lambda f: f["file"])
def test_every_documented_answer_is_usable(fx):
    answer = parse_answer(load(fx)["result"])
    assert answer.redirect_type == 1


def test_event_examples_match_the_contract():
    (fx,) = [f for f in CC if f["format"] == "webhook"]
    assert check_webhooks(fx) == 8
