"""Follow-up questions: rewrite "那南昌呢？" or "这个数字是哪一年的？" into a standalone question with the chat history."""

from __future__ import annotations

import re

from assistant.answering.question import analyse, entities
from core.text import normalize_query

_REFERS_BACK = re.compile(r"这个|这些|那个|该数字|此")  # about the previous answer itself: keep its question
_PRONOUN = re.compile(r"他们|她们|它们|该单位|该工会|其中的?|他|她|它|其")
_SUBJECT = re.compile(r"[\u4e00-\u9fff]{2,8}?[省市县区]?总?工会")
_FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|而|再问)|呢[?？]?$|这个|这些|那个|该数字|它|他们|她们|其中|此")


def is_follow_up(text: str) -> bool:
    """Short and either pointing back (那…呢, 这个, 他们) or naming nobody (发展会员多少人？)."""
    norm = normalize_query(text)
    return len(norm) <= 16 and (bool(_FOLLOW_UP.search(norm)) or not entities(norm))


_FILLER = re.compile(r"^(那么?|还有|另外|而|再问)|这个数字|这个|这些|那个|该数字|呢|[?？。]$")


def resolve(text: str, history: list[dict] | None) -> str:
    """Rewrite a follow-up (那南昌呢？ / 这个数字是哪一年的？) into a standalone question."""
    previous = [_text(m) for m in (history or []) if m.get("role") == "user" and _text(m)]
    if not previous or not is_follow_up(text):
        return text
    prev = normalize_query(resolve(previous[-1], [{"role": "user", "content": p} for p in previous[:-1]]))
    now = normalize_query(text)
    stripped = _FILLER.sub("", now).strip()
    new_ents = entities(now)
    if new_ents:
        if analyse(stripped).focus_terms:  # 那南昌的建会率呢？ stands on its own
            return stripped
        old_ents = entities(prev)  # 那南昌呢？ — the previous question about another entity
        for old, new in zip(old_ents, new_ents):
            prev = prev.replace(old, new)
        return prev if old_ents else f"{''.join(new_ents)}{prev}"
    if not _REFERS_BACK.search(now) and analyse(stripped).kind != "fact":
        # 那他们发展了多少会员？ / 发展会员多少人？ — a new question about the same subject
        found = _SUBJECT.search(prev)
        subject = found.group(0) if found else "".join(entities(prev))
        if _PRONOUN.search(stripped):
            return _PRONOUN.sub(subject, stripped, count=1)
        return subject + stripped
    # 这个数字是哪一年的？ — keep the previous question, ask the new thing about it.
    return f"{prev.rstrip('？?。')} {stripped}".strip()


def _text(message: dict) -> str:
    """Chat messages may carry content as a string or as Gradio's [{'text': ..., 'type': 'text'}]."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""
