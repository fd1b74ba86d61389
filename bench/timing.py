"""Timing for every bench: samples of seconds per call, and a row that sets our median beside the baseline's."""
from __future__ import annotations

import statistics
import time


def timed(fn, repeat: int, inner: int = 1) -> list[float]:
    """Seconds per call, one sample per ``inner`` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return samples


def row(name: str, ours: list[float], base: list[float], base_name: str, unit: float, unit_name: str) -> None:
    o, b = statistics.median(ours), statistics.median(base)
    spread = f"{min(ours) * unit:.1f}–{max(ours) * unit:.1f}"
    print(f"{name:<34} {o * unit:9.1f} {unit_name} ({spread})   {base_name:<30} {b * unit:9.1f} {unit_name}"
          f"   ratio {o / b:5.2f}")
