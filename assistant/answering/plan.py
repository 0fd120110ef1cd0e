"""Plan: a question about several places is answered place by place."""

from __future__ import annotations

import re

from assistant.answering.question import Question

_CONJ = "和与及、跟同"
_PIVOT = re.compile(r"分别|各自|各")


def split_subjects(q: Question) -> list[tuple[str, str]]:
    """"南昌工业园区和什邡新就业形态分别建了多少家工会组织？" →
    [("南昌", "南昌工业园区建了多少家工会组织？"), ("什邡", "什邡新就业形态建了多少家工会组织？")].

    Splits only when two named entities are joined by a conjunction; text after 分别/各 is shared,
    and a subject that is a bare name borrows the last subject's qualifier (南昌和成都在发展会员上…).
    """
    text = q.normalized
    pivot = _PIVOT.search(text)
    head, tail = (text[: pivot.start()], text[pivot.end():]) if pivot else (text, "")
    subjects = [s for s in re.split(f"[{_CONJ}]", head) if s.strip()]
    named = [(next((e for e in q.entities if e in s), None), s) for s in subjects]
    if len(named) < 2 or any(e is None for e, _ in named):
        return []
    if not pivot:  # "什邡和南昌建了多少…": the predicate follows the last name
        last_entity, last = named[-1]
        tail = last[last.index(last_entity) + len(last_entity):]
        named[-1] = (last_entity, last_entity)
    qualifier = named[-1][1][named[-1][1].index(named[-1][0]) + len(named[-1][0]):]
    return [(e, (s if s.strip() != e else e + qualifier) + tail) for e, s in named]


_YEARS_JOINED = re.compile(rf"((?:19|20)\d{{2}})\s*年?\s*[{_CONJ}]\s*((?:19|20)\d{{2}})\s*年?")
_BOTH_YEARS = re.compile(r"这?两年|近两年|两个年度")


def split_years(q: Question) -> list[tuple[str, str]]:
    """"宜昌2023年和2024年送温暖资金分别是多少？" → one question per year, each naming only its year."""
    m = _YEARS_JOINED.search(q.normalized)
    if not m:
        return []
    rest = _PIVOT.sub("", q.normalized[: m.start()] + "{}" + _BOTH_YEARS.sub("", q.normalized[m.end():]))
    return [(f"{y}年", rest.format(f"{y}年")) for y in m.groups()]


def asks_both_years(q: Question) -> bool:
    """"这两年…各是多少": the years come from the articles, not the question."""
    return bool(_BOTH_YEARS.search(q.normalized)) and not q.years


def split_by_years(q: Question, years: list[str]) -> list[tuple[str, str]]:
    """The question once per given year, 两年 replaced by that year."""
    rest = _PIVOT.sub("", _BOTH_YEARS.sub("{}", q.normalized, count=1))
    return [(f"{y}年", rest.format(f"{y}年")) for y in years]
