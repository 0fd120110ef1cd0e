"""Harvest: the sentences of the retrieved passages, with exact document offsets."""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.answering.citations import Evidence
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.article import Article
from assistant.models import Passage
from core.text import TABLE_ROW, is_prose, split_sentences

_HEADING = re.compile(r"[【\[].{0,20}[】\]]")
# Photo captions: "图为…", "（图为…）", "…。覃明轩 摄", "图/文 某某".
_CAPTION = re.compile(r"^[▲△■●◆◎（(]*\s*(?:图[为：:/]|图片来源|图源)|(?:摄|摄影|供图|图片来源)[)）]?$|^图片[：:]"
                      r"|^(?:视频|图|文|摄影|剪辑|制图|设计|海报)\s*/")
# Site furniture a scraped page keeps: "版权声明：…", "扫码关注…", "上一篇：… 下一篇：…".
_SITE = re.compile(r"^[【\[]?(?:版权声明|免责声明|扫码|扫一扫|长按识别|上一篇|下一篇|相关阅读|相关新闻|延伸阅读|打印|关闭|分享到)")
# Editor and masthead lines carry names, not news: "责任编辑：刘静怡", "来源：四川工人日报".
_EDITOR = re.compile(r"^[【\[(（]?(?:责任编辑|责编|编辑|审核|校对|终审|来源|作者|记者|通讯员)[】\]]?\s*[:：]")
# A dateline before the first sentence: "本报讯（记者 王振华 通讯员 张雪）", "中工网讯(记者 金晓燕)".
_DATELINE = re.compile(r"^[^，,。:：]{0,12}?(?:讯|电)\s*(?:[（(][^）)]{0,40}[）)])?\s*")


def furniture(line: str, title: str) -> str | None:
    """What kind of page furniture a sentence is (headline, caption, editor line), or None for news text."""
    line = line.strip("　 ")
    if title and (line == title.strip() or line.endswith(title.strip()) and _HEADING.match(line)):
        return "headline"  # also behind its column tag: "【工会简讯】未央区…"
    if _CAPTION.search(line):
        return "caption"
    if _EDITOR.match(line):
        return "editor"
    if _SITE.match(line):
        return "site"
    return None


def _is_caption_of_rows(text: str, s: int, e: int) -> bool:
    """"表1 …签订情况": a line without a sentence end over table rows names the table; it answers nothing
    (a list intro ending in "：" introduces its items and stays)."""
    line_end = text.find("\n", e)
    if is_prose(text[s:e]) or text[s:e].rstrip().endswith(("：", ":")) or line_end < 0 or text[s:line_end].strip() != text[s:e].strip():
        return False
    return bool(TABLE_ROW.match(text[line_end + 1:].lstrip("\n")))


def without_dateline(text: str, s: int, e: int) -> int:
    """The start of the sentence after its dateline, so an answer quotes the news, not the byline."""
    m = _DATELINE.match(text[s:e])
    return s + m.end() if m and m.end() and e - (s + m.end()) >= 8 else s


def sentence_spans(text: str, title: str, start: int = 0, end: int | None = None,
                   policy: AnswerPolicy = DEFAULT_POLICY) -> list[tuple[int, int]]:
    """The spans of text[start:end] that may answer a question: sentences that are not headings, short
    lines or page furniture, each without the dateline that opens it."""
    out = []
    for s, e in split_sentences(text, start, end):
        if (e - s < policy.min_sentence_chars or _HEADING.fullmatch(text[s:e]) or furniture(text[s:e], title)
                or _is_caption_of_rows(text, s, e)):
            continue
        out.append((without_dateline(text, s, e), e))
    return out


def candidate_sentences(passages: list[Passage], docs: Mapping[str, Article],
                        policy: AnswerPolicy = DEFAULT_POLICY) -> list[tuple[int, Evidence]]:
    """(passage rank, sentence) for the answerable sentences of the passages, deduplicated across
    overlapping chunks."""
    seen, out = set(), []
    for rank, p in enumerate(passages):
        doc = docs[p.source]
        for s, e in sentence_spans(doc.text, doc.title, p.start, p.end, policy):
            if (p.source, e) not in seen:
                seen.add((p.source, e))
                out.append((rank, Evidence(p, s, e, doc.text[s:e], doc.heading_of(s))))
    return out
