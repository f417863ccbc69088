"""The callback allow-list reads URLs with the same parser (yarl) that sends them."""
import pytest
from hypothesis import given, strategies as st
from yarl import URL

from simulator.delivery.allow import host_allowed


@pytest.mark.parametrize("url, allowed", [
    ("http://127.0.0.1:9/x", True),
    ("http://[::1]:80/", True),
    ("http://user:pw@localhost:1/", True),
    ("http://example.com/", False),
    ("ftp://127.0.0.1/", False),
    # urlsplit reads the host as 127.0.0.1; yarl (the sender) refuses the URL
    ("http://10.0.0.1\\@127.0.0.1:18250/", False),
    ("http://127.0.0.1@10.0.0.1/", False),
    ("not a url", False),
])
def test_allow_list(url, allowed):
    assert host_allowed(url, []) is allowed


def test_allow_hosts_patterns():
    assert host_allowed("https://crm.example.com/hook", ["*.example.com"])
    assert not host_allowed("https://crm.example.org/hook", ["*.example.com"])


@given(st.text(max_size=60))
def test_allowed_means_the_sender_reaches_loopback(text):
    url = "http://" + text
    if host_allowed(url, []):
        host = URL(url).host
        assert host is not None and (host == "localhost" or host.endswith(".localhost")
                                     or host.startswith("127.") or host in ("::1",)), host
