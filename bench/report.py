"""The one table `bench/run.py` prints at the end: every figure, its same-run baseline, the
ratio and the target (issue 13)."""
from __future__ import annotations

#: (figure, value, unit, baseline label, baseline value, target, ratio or None)
SUMMARY: list[tuple[str, float | None, str, str, float | None, str, float | None]] = []


def summarise(figure: str, value: float | None, unit: str, baseline: str = "",
              base_value: float | None = None, target: str = "",
              ratio: float | None = None) -> None:
    """``ratio``: when the figure's own ratio is not value / base_value (the HTTP section's
    median of paired ratios)."""
    SUMMARY.append((figure, value, unit, baseline, base_value, target, ratio))


def print_summary() -> None:
    print("\nsummary (every figure of this run, its same-run baseline and the ratio)")
    print(f"  {'figure':<52} {'value':>10} {'unit':<14} {'same-run baseline':<34} {'value':>10} "
          f"{'ratio':>6}  target")
    for figure, value, unit, baseline, base_value, target, own in SUMMARY:
        ratio = f"{own:.2f}" if own is not None else \
            f"{value / base_value:.2f}" if value and base_value else "-"
        v = "-" if value is None else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
        b = "" if base_value is None else f"{base_value:,.1f}" if base_value < 100 else f"{base_value:,.0f}"
        print(f"  {figure:<52} {v:>10} {unit:<14} {baseline:<34} {b:>10} {ratio:>6}  {target}")
