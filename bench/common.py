"""Helpers the benchmarks share: percentiles, timing, machine load and memory, Markdown tables."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """fn's result and its wall-clock seconds."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def load_average() -> str:
    """The 1/5/15-minute load average: the machine is shared, so every timing is reported beside it."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def peak_rss_mb() -> float:
    """This process's own peak resident memory: /proc's VmHWM restarts at exec, while ru_maxrss (KiB) of a
    child starts from the memory of the parent it was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def markdown_table(rows: list[dict], keys: list[str] | None = None) -> str:
    keys = keys or list(rows[0])
    cell = lambda v: f"{v:,.1f}" if isinstance(v, float) else str(v)  # noqa: E731 - one-line formatter
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(cell(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(lines)
