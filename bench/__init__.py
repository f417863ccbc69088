"""Benchmarks (not part of the installed package): run ``python bench/run.py``."""
