"""What the Beeline cloudcc tests share: the default world's tenant credentials."""
from simulator.testing.http import basic_auth
from simulator.testing.http import call as send

__all__ = ["AUTH", "SLUG", "basic", "send"]

SLUG = "beeline-cloudcc"
AUTH = basic_auth("cloudcc-demo", "cloudcc-demo-pass")


def basic(login, password):
    return basic_auth(login, password)
