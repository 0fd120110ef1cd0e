"""Quiz text: the clauses a blank needs for context, word boundaries a blank may not cross, and
distractors of the same unit and magnitude."""

from __future__ import annotations

import math
from functools import lru_cache

import jieba

from assistant.figures import format_figure
from core.numbers import Figure, same_figure, unit_class

MIN_STEM_CHARS = 20
CLOSE_RATIO = 1.15  # distractors within 15 % of the answer are too close to tell apart in a quiz
FAR_RATIO = 10.0  # …and beyond 10× they give the answer away by magnitude


def stem_span(spans: list[tuple[int, int]], i: int, min_chars: int = MIN_STEM_CHARS) -> tuple[int, int]:
    """Clause i, widened by its neighbours (earlier ones first) until it gives a question some context."""
    lo = hi = i
    while spans[hi][1] - spans[lo][0] < min_chars:
        if lo > 0:
            lo -= 1
        elif hi + 1 < len(spans):
            hi += 1
        else:
            break
    return spans[lo][0], spans[hi][1]


@lru_cache(maxsize=1024)
def word_bounds(text: str) -> frozenset[int]:
    """Offsets between jieba's words: where a blank may start or end without splitting a word."""
    return frozenset(b for _w, s, e in jieba.tokenize(text) for b in (s, e))


def on_word_bounds(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins and ends between words (a number's edge always counts as one:
    jieba keeps 8000人 as 8000/人 but may glue a digit run to what follows)."""
    bounds = word_bounds(text)

    def edge(i: int) -> bool:
        if i in (0, len(text)) or i in bounds:
            return True
        return text[i - 1].isdigit() != text[i].isdigit()

    return edge(start) and edge(end)


def figure_options(answer: Figure, pool: list[Figure], n: int = 3) -> tuple[str, ...]:
    """The answer and n distractors: pool figures of the same unit (then of its kind) nearest in
    magnitude but not within CLOSE_RATIO nor beyond FAR_RATIO, then multiples of the answer. By value."""
    kind, shown = unit_class(answer.unit), format_figure(answer.value, answer.unit)

    def distance(f: Figure) -> float:
        return abs(math.log(f.value / answer.value))

    usable = [f for f in pool if f.value > 0 and unit_class(f.unit) == kind
              and math.log(CLOSE_RATIO) <= distance(f) <= math.log(FAR_RATIO)]
    seen = [f.value for f in sorted(usable, key=lambda f: (f.unit != answer.unit, distance(f), f.value))]
    whole = answer.value == round(answer.value)
    scaled = [answer.value * m for m in (2, 0.5, 3, 1.5, 5, 0.2)]
    picked: dict[str, float] = {}
    for v in seen + [float(int(v + 0.5)) if whole else v for v in scaled]:
        text = format_figure(v, answer.unit)
        if v > 0 and text not in picked and not same_figure(text, shown) and len(picked) < n:
            picked[text] = v
    return tuple(t for t, _ in sorted([*picked.items(), (shown, answer.value)], key=lambda x: x[1]))
