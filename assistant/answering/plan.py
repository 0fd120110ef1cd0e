"""Plan: a question about several places, years or topics is answered part by part."""

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
    # "高级技师证书补贴，常州和洛阳分别…": the topic before the first name, set off by a comma, is shared
    first_entity, first = named[0]
    before = first[: first.index(first_entity)]
    topic = before.rstrip("，,") if before.rstrip().endswith(("，", ",")) else ""
    if topic:
        named[0] = (first_entity, first[len(before):])
    qualifier = named[-1][1][named[-1][1].index(named[-1][0]) + len(named[-1][0]):]
    qualifier = _BOTH_PLACES.sub("", qualifier)  # 洛阳两个市的技能补贴 → 的技能补贴
    return [(e, _subject_question(e, s, topic + qualifier) + tail) for e, s in named]


def _subject_question(entity: str, subject: str, borrowed: str) -> str:
    """A bare name takes the borrowed qualifier; a qualified one loses "两个市的"."""
    if subject.strip() == entity:
        return entity + borrowed
    at = subject.index(entity) + len(entity)
    return subject[:at] + _BOTH_PLACES.sub("", subject[at:])


_BOTH_PLACES = re.compile(r"^[两二](?:个)?[市县区地省镇](?:的)?")


def split_topics(q: Question) -> list[tuple[str, str]]:
    """"秭归县2023年送温暖资金和职工书屋投入各是多少？" → one question per topic, each with the shared
    place and year: [("送温暖资金", "秭归县2023年送温暖资金是多少？"), ("职工书屋投入", "秭归县2023年职工书屋投入是多少？")]."""
    text = q.normalized
    pivot = _PIVOT.search(text)
    if not pivot:
        return []
    parts = [p for p in re.split(f"[{_CONJ}]", text[: pivot.start()]) if p.strip()]
    if len(parts) != 2 or any(e in parts[1] for e in q.entities):
        return []
    lead = re.match("(?:" + "|".join([*map(re.escape, q.entities), r"(?:19|20)\d{2}\s*年度?"]) + ")*", parts[0])
    prefix, first = parts[0][: lead.end()], parts[0][lead.end():]
    if len(first) < 2 or len(parts[1]) < 2:
        return []
    tail = text[pivot.end():]
    return [(topic, f"{prefix}{topic}{tail}") for topic in (first, parts[1])]


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


_QUESTION_END = re.compile(r"(?<=[?？])")


def split_questions(text: str) -> list[str]:
    """"多久复核一次？2022年摘牌了几家？": two questions in one message, each answered on its own."""
    return [part.strip() for part in _QUESTION_END.split(text) if len(part.strip(" ?？")) >= 2]
