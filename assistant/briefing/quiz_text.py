"""Quiz stems and options: the clauses a blank needs for context, and distractors of the same unit."""

from __future__ import annotations

import math

from assistant.figures import format_figure
from core.numbers import Figure, same_figure, unit_class

MIN_STEM_CHARS = 20


def stem_span(spans: list[tuple[int, int]], i: int, lo_limit: int, hi_limit: int) -> tuple[int, int]:
    """Clause i, widened by neighbours inside [lo_limit, hi_limit] until it gives a question some context."""
    lo = hi = i
    while spans[hi][1] - spans[lo][0] < MIN_STEM_CHARS:
        if lo > 0 and spans[lo - 1][0] >= lo_limit:
            lo -= 1
        elif hi + 1 < len(spans) and spans[hi + 1][1] <= hi_limit:
            hi += 1
        else:
            break
    return spans[lo][0], spans[hi][1]


def figure_options(answer: Figure, pool: list[Figure], n: int = 3) -> tuple[str, ...]:
    """The answer and n distractors with its kind of unit: corpus figures nearest in magnitude (not within
    15 %, too close to tell apart), then multiples of the answer. Sorted by value."""
    kind, shown = unit_class(answer.unit), format_figure(answer.value, answer.unit)
    seen = sorted({f.value for f in pool if unit_class(f.unit) == kind
                   and abs(math.log(f.value / answer.value)) >= math.log(1.15)},
                  key=lambda v: (abs(math.log(v / answer.value)), v))
    whole = answer.value == round(answer.value)
    scaled = [answer.value * m for m in (2, 0.5, 3, 1.5, 10, 0.2)]
    picked: dict[str, float] = {}
    for v in seen + [float(int(v + 0.5)) if whole else v for v in scaled]:
        text = format_figure(v, answer.unit)
        if v > 0 and text not in picked and not same_figure(text, shown) and len(picked) < n:
            picked[text] = v
    return tuple(t for t, _ in sorted([*picked.items(), (shown, answer.value)], key=lambda x: x[1]))
