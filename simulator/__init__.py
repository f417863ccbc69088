"""telsim: a simulator of five Russian telephony providers' APIs."""
__version__ = "0.1.0"
