"""Follow-up questions: rewrite "那南昌呢？" or "这个数字是哪一年的？" into a standalone question with the chat history."""

from __future__ import annotations

import re

import jieba.posseg as pseg

from assistant.answering.attributes import asked_attributes
from assistant.answering.question import analyse, entities
from core.names import PLACE_SUFFIXES, mentions, place_stem
from core.text import ASKED_YEAR, normalize_query

_REFERS_BACK = re.compile(r"这个|这些|那个|该数字|此")  # about the previous answer itself: keep its question
_PRONOUN = re.compile(r"他们|她们|它们|该单位|该工会|其中的?|他|她|它|其")
_SUBJECT = re.compile(r"[\u4e00-\u9fff]{2,8}?[省市县区]?总?工会")
_FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|而|再问)|呢[?？]?$|这个|这些|那个|该数字|它|他们|她们|其中|此")


def is_follow_up(text: str) -> bool:
    """Short and either pointing back (那…呢, 这个, 他们) or naming nobody (发展会员多少人？)."""
    norm = normalize_query(text)
    return len(norm) <= 16 and (bool(_FOLLOW_UP.search(norm)) or not entities(norm))


_FILLER = re.compile(r"^(那么?|还有|另外|而|再问)|这个数字|这个|这些|那个|该数字|呢|[?？。]$")
# 那前一年呢？ / 第二年呢？: a year counted from the previous question's.
_RELATIVE_YEAR = re.compile(r"^(?:那|那么)?(前一年|上一年|头一年|去年|前年|下一年|后一年|第二年|次年|今年)(?:的情况)?呢?[?？。]?$")
_YEAR_SHIFT = {"前一年": -1, "上一年": -1, "头一年": -1, "去年": -1, "前年": -2, "下一年": 1, "后一年": 1,
               "第二年": 1, "次年": 1}


_ONLY_YEAR = re.compile(r"^(?:那|那么)?((?:19|20)\d{2})\s*年?度?(?:的情况|的)?呢?[?？。]?$")


def shift_year(now: str, prev: str) -> str | None:
    """那前一年呢？ after a question about 2024 asks the same about 2023; 那2023年呢？ names the year."""
    years = ASKED_YEAR.findall(prev)
    named = _ONLY_YEAR.match(now)
    if named:
        return prev.replace(years[-1], named.group(1)) if years else f"{named.group(1)}年{prev}"
    m = _RELATIVE_YEAR.match(now)
    if not m or not years or m.group(1) not in _YEAR_SHIFT:
        return None
    shifted = str(int(years[-1]) + _YEAR_SHIFT[m.group(1)])
    return prev.replace(years[-1], shifted)


def swap_attribute(stripped: str, prev: str) -> str | None:
    """上半年呢？ after a question about 全年, 三等奖呢？ after 一等奖: the same question with the new
    attribute in place of the old one of its kind (only when nothing else is asked)."""
    new = asked_attributes(stripped)
    if not new or any(re.sub("|".join(map(re.escape, a.forms)), "", stripped).strip(" 的") for a in new[:1]):
        return None
    for a in new:
        old = next((b for b in asked_attributes(prev) if b.kind == a.kind and b is not a), None)
        if old is None:
            return None
        form = next(f for f in sorted(old.forms, key=len, reverse=True) if f in prev)
        prev = prev.replace(form, a.name)
    return prev


def swap_entities(prev: str, new_ents: list[str]) -> str:
    """那南昌呢？: each new name replaces the previous question's name of the same level (县 for 县), else its
    most specific (last) one; with no name to replace, the new one is put in front."""
    old_ents = entities(prev)
    if not old_ents:
        return f"{''.join(new_ents)}{prev}"
    for new in new_ents:
        level = new[-1]
        same = [o for o in old_ents if o[-1] == level and o != place_stem(o)]
        old = (same or old_ents)[-1]
        if old[-1] in PLACE_SUFFIXES and new[-1] not in PLACE_SUFFIXES and old != place_stem(old):
            new += old[-1]  # 常州市总… → 洛阳市总…, not 洛阳总…
        prev = prev.replace(old, new)
        old_ents = [o for o in old_ents if o != old]
        if not old_ents:
            break
    return prev


_OTHER = re.compile(r"另一个(县|市|区|镇|省|地方|城市|单位|企业)")


def other_entity(now: str, prev: str) -> str | None:
    """那另一个市呢？ after "常州和洛阳都…，洛阳…多少？": the same question about the name not asked last."""
    m = _OTHER.search(now)
    if not m:
        return None
    clauses = [c for c in re.split(r"[,，;；]", prev) if c.strip()]
    asked = entities(clauses[-1]) if clauses else []
    others = [e for e in entities(prev) if e not in asked and place_stem(e) not in clauses[-1]]
    if not others or not asked:
        return None
    return swap_entities(clauses[-1], [others[0]])


def swap_parallel(stripped: str, prev: str) -> str | None:
    """建筑工人呢？ after "…慰问环卫工人多少人次？": the same question about a thing of the same kind, found
    by the head word the two share (工人); only for a short noun phrase that asks nothing itself."""
    if not 2 <= len(stripped) <= 8 or analyse(stripped).kind != "fact" or entities(stripped):
        return None
    nouns = [w for w, flag in pseg.cut(prev) if flag.startswith("n") and len(w) >= 2]
    same_head = [w for w in nouns if w != stripped and w[-1] == stripped[-1] and not stripped.endswith(w)]
    return prev.replace(same_head[0], stripped, 1) if same_head else None


def answered_union(history: list[dict] | None) -> str:
    """The first union the last answer names ("秭归县总工会主席谭文华介绍…"), or ""."""
    answers = [message_text(m) for m in (history or []) if m.get("role") == "assistant"]
    return next((name for _, name, union in mentions(answers[-1]) if union), "") if answers else ""


def resolve(text: str, history: list[dict] | None) -> str:
    """Rewrite a follow-up (那南昌呢？ / 这个数字是哪一年的？) into a standalone question."""
    previous = [message_text(m) for m in (history or []) if m.get("role") == "user" and message_text(m)]
    if not previous or not is_follow_up(text):
        return text
    prev = normalize_query(resolve(previous[-1], [{"role": "user", "content": p} for p in previous[:-1]]))
    now = normalize_query(text)
    stripped = _FILLER.sub("", now).strip()
    relative = shift_year(now, prev) or swap_attribute(stripped, prev)
    if relative:
        return relative
    other = other_entity(now, prev)
    if other:
        return other
    new_ents = entities(now)
    if new_ents:
        if analyse(stripped).focus_terms:  # 那南昌的建会率呢？ stands on its own
            return stripped
        return swap_entities(prev, new_ents)  # 那南昌呢？ — the previous question about another entity
    asks_new = any(len(t) > 1 and not t.isdigit() for t in analyse(stripped).terms)
    if not _REFERS_BACK.search(now) and analyse(stripped).kind != "fact" and asks_new:
        # 那他们发展了多少会员？ / 发展会员多少人？ — a new question about the same subject
        found = _SUBJECT.search(prev)
        subject = found.group(0) if found else "".join(entities(prev))
        if _PRONOUN.search(stripped):  # 他们 = the union the previous answer named, if it named one
            subject = answered_union(history) or subject
            return _PRONOUN.sub(subject, stripped, count=1)
        return subject + stripped
    counted = analyse(prev).counted
    if counted and stripped and not _REFERS_BACK.search(now) and analyse(stripped).kind == "fact" and len(stripped) <= 8:
        # 驿站呢？ after 秭归县建了多少家职工书屋？ — the same count of another thing
        return prev.replace(counted, stripped, 1)
    parallel = swap_parallel(stripped, prev) if not _REFERS_BACK.search(now) else None
    if parallel:
        return parallel
    # 这个数字是哪一年的？ / 是给哪些人的？ — keep the previous question, ask the new thing about it.
    return f"{prev.rstrip('？?。')} {stripped}".strip()


def message_text(message: dict) -> str:
    """Chat messages may carry content as a string or as Gradio's [{'text': ..., 'type': 'text'}]."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""
