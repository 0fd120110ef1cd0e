"""Pure HTML for the chat UI. Every string that came from a document or a user passes through `esc`.

gr.HTML does not sanitize (an `<img onerror>` runs), so escaping here is the only defence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant import NO_DATE, STAT_LABELS, Answer, Citation, Excerpt, Passage, doc_label, reprints_line

_MARKER = re.compile(r"\[(\d+)\]")
_BOUNDARY = "\n。！？；"
EXCERPT_CONTEXT = 160  # characters of passage shown either side of the supporting sentence
_DOC_ICON = ('<svg width="34" height="34" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
             'stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">'
             '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/>'
             '<path d="M14 3v5h5M9 13h6M9 17h4"/></svg>')
HEADER = (
    '<div class="app-header"><div class="app-logo">工</div><div><h1>工会问答助手</h1>'
    "<p>根据已导入的工会新闻资料作答 · 每个数字都附原文出处 · 资料里没有的，直接告诉你没有找到</p></div></div>"
)
SOURCES_PLACEHOLDER = (
    f'<div class="src-empty"><div class="src-empty-icon">{_DOC_ICON}</div>'
    "<p>提问后，这里会列出回答引用的原文段落。</p>"
    "<p>点击回答中的 <span class=\"cite-chip static\">1</span> 可直接跳到对应出处。</p></div>"
)


def esc(text: str) -> str:
    """HTML-escape text, quotes included (it also ends up inside attributes)."""
    return html.escape(text or "", quote=True)


def file_name(source: str) -> str:
    return Path(source).name or source


@dataclass(frozen=True)
class Turn:
    """One question and its outcome, as the chat keeps it; answer is None when asking failed."""

    question: str
    answer: Answer | None = None
    error: str = ""


# -- the answer bubble --

def chip(turn: int, n: int) -> str:
    return f'<a class="cite-chip" href="#src-{turn}-{n}" title="查看出处 [{n}]">{n}</a>'


def linked_text(text: str, turn: int, numbers: set[int]) -> str:
    """Escaped answer text whose [n] markers become chips linking to the sources panel."""
    out, pos = [], 0
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n in numbers:
            out += [esc(text[pos:m.start()]), chip(turn, n)]
            pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def plain_text(answer: Answer) -> str:
    """What "copy" and the /ask API return: sources by title and file name, never the server's path."""
    text = answer.to_text()
    for source in {c.source for c in answer.citations} | {p.source for p in answer.related}:
        text = text.replace(f"— {source}", f"— {file_name(source)}")
    return text


def _tools(answer: Answer) -> str:
    # The copy button reads the hidden plain text: the chatbot strips data-* attributes.
    return ('<div class="qa-tools"><button class="qa-copy" type="button" title="复制回答和来源">复制回答</button></div>'
            f'<pre class="qa-plain" style="display:none">{esc(plain_text(answer))}</pre>')


def answer_html(answer: Answer, turn: int) -> str:
    """The chat bubble: answer with chips and a short source list, or a distinct refusal box."""
    if answer.refused:
        hint = ('<span class="wide-only">右侧</span><span class="narrow-only">对话下方</span>'
                "「相关阅读」列出了最接近的段落，供参考，不是答案的出处。") if answer.related else ""
        return ('<div class="qa-answer qa-refusal"><div class="qa-refusal-head">'
                '<span class="qa-icon">!</span>资料中没有找到答案</div>'
                f'<div class="qa-text">{esc(answer.answer)}</div>'
                + (f'<div class="qa-reason">原因：{esc(answer.refusal_reason)}</div>' if answer.refusal_reason else "")
                + (f'<div class="qa-hint">{hint}</div>' if hint else "") + _tools(answer) + "</div>")
    numbers = {c.n for c in answer.citations}
    sources = "".join(
        f'<li>{chip(turn, c.n)}<span>{esc(doc_label(c.title, c.source))}</span>'
        f'<span class="qa-date">{esc(c.date or NO_DATE)}</span></li>'
        for c in answer.citations
    )
    flagged = ('<div class="qa-flag"><span class="qa-icon">!</span>这个回答中有未能被引用原文证实的内容，请核对来源。</div>'
               if answer.flagged else "")
    return (f'<div class="qa-answer"><div class="qa-text">{linked_text(answer.answer, turn, numbers)}</div>'
            + flagged + (f'<ol class="qa-sources">{sources}</ol>' if sources else "") + _tools(answer) + "</div>")


def streaming_html(text: str) -> str:
    """An answer still arriving: escaped text and a typing cursor. It is not yet checked against its
    sources (an LLM may be writing it), so it says so; the checked answer replaces it."""
    return (f'<div class="qa-answer qa-streaming"><div class="qa-text">{esc(text)}'
            '<span class="qa-cursor"></span></div><div class="qa-hint">生成中，尚未核对出处…</div></div>')


def thinking_html() -> str:
    return '<div class="qa-answer qa-streaming"><span class="qa-dots"><i></i><i></i><i></i></span> 正在查找资料…</div>'


def error_html(message: str) -> str:
    return ('<div class="qa-answer qa-error"><div class="qa-refusal-head"><span class="qa-icon">!</span>出错了</div>'
            f'<div class="qa-text">{esc(message)}</div></div>')


# -- the sources panel --

def highlight(text: str, start: int, end: int) -> str:
    """Escaped text with text[start:end] marked as the supporting sentence."""
    return f'{esc(text[:start])}<mark class="hl">{esc(text[start:end])}</mark>{esc(text[end:])}'


def span_of(quote: str, text: str, start: int = -1, end: int = -1) -> tuple[int, int] | None:
    """Where quote sits in text: the given offsets when they hold, else its first occurrence."""
    if quote and 0 <= start < end <= len(text) and text[start:end] == quote:
        return start, end
    i = text.find(quote) if quote else -1
    return (i, i + len(quote)) if i >= 0 else None


def window(text: str, start: int, end: int, context: int) -> tuple[int, int]:
    """About `context` characters either side of [start, end), cut at sentence or paragraph ends."""
    lo, hi = max(0, start - context), min(len(text), end + context)
    if lo > 0:
        cuts = [i for i in (text.find(b, lo, start) for b in _BOUNDARY) if i >= 0]
        lo = min(cuts) + 1 if cuts else lo
    if hi < len(text):
        cut = max(text.rfind(b, end, hi) for b in _BOUNDARY)
        hi = cut + 1 if cut >= 0 else hi
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, hi


def marked(text: str, quote: str, start: int = -1, end: int = -1, context: int | None = None) -> str:
    """Escaped text with the quote highlighted; with context, only the stretch around it, with ellipses."""
    span = span_of(quote, text, start, end)
    if span is None:
        return esc(text) + f'<div class="src-quote">“<mark class="hl">{esc(quote)}</mark>”</div>'
    if context is None:
        return highlight(text, *span)
    lo, hi = window(text, *span, context)
    body = highlight(text[lo:hi].rstrip(), span[0] - lo, span[1] - lo)
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def _meta(title: str, date: str, source: str, where: str = "") -> str:
    return (f'<span class="src-title">{esc(doc_label(title, source))}</span>'
            f'<span class="src-meta"><span>{esc(date or NO_DATE)}</span>'
            f'<span class="src-file">{esc(file_name(source))}</span>{where}</span>')


def _where(c: Citation) -> str:
    """Where in its document a quote sits: the page of a PDF or scan, the table of a row."""
    parts = [f"第 {c.page} 页"] * bool(c.page) + [f"表格：{c.table}" if c.table != "表格" else "表格"] * bool(c.table)
    return "".join(f'<span class="src-where">{esc(p)}</span>' for p in parts)


def citation_card(c: Citation, turn: int, doc: Excerpt | None = None, is_open: bool = False) -> str:
    """One citation: title, date, file; the passage with its sentence highlighted; the whole document (of a
    long one, the text around the quote)."""
    full = ""
    if doc and doc.text:
        label = "查看全文（清洗后的文本）" if doc.whole else "查看前后文（长文档，全文见「文档」页）"
        body = marked(doc.text, c.quote, c.start - doc.offset, c.end - doc.offset)
        full = (f'<details class="src-doc"><summary>{label}</summary>'
                f'<div class="src-doc-text">{"…" if doc.offset else ""}{body}</div></details>')
    passage = marked(c.passage or c.quote, c.quote, context=EXCERPT_CONTEXT)
    # Republished copies are not cited themselves; the card says where else the article appeared.
    reprints = f'<div class="src-reprints">{esc(reprints_line(c.also_in))}</div>' if c.also_in else ""
    return (f'<details class="src-card" id="src-{turn}-{c.n}"{" open" if is_open else ""}>'
            f'<summary><span class="cite-chip static">{c.n}</span>{_meta(c.title, c.date, c.source, _where(c))}</summary>'
            f'<div class="src-passage">{passage}</div>{reprints}{full}</details>')


def related_card(p: Passage) -> str:
    return (f'<div class="src-card src-related-card"><div class="src-summary">{_meta(p.title, p.date, p.source)}</div>'
            f'<div class="src-passage">{esc(p.text)}</div></div>')


def turn_section(turn: int, t: Turn, docs: Mapping[tuple[str, int], Excerpt], latest: bool) -> str:
    a = t.answer
    if a is None:
        return ""
    resolved = a.resolved_question
    asked = esc(t.question) + (f'<span class="src-resolved">理解为：{esc(resolved)}</span>'
                               if resolved and resolved != t.question else "")
    if a.refused:
        body = ('<div class="src-related-head">相关阅读 <small>（最接近的段落，不是答案的出处）</small></div>'
                + "".join(related_card(p) for p in a.related)) if a.related else '<p class="src-none">没有相关段落。</p>'
    else:
        body = "".join(citation_card(c, turn, docs.get((c.source, c.start)), latest) for c in a.citations) \
            or '<p class="src-none">这个回答没有引用。</p>'
    kind = "src-turn refused" if a.refused else "src-turn"
    return (f'<details class="{kind}" id="turn-{turn}"{" open" if latest else ""}>'
            f'<summary><span class="src-q-no">第 {turn + 1} 问</span><span class="src-q">{asked}</span></summary>'
            f"{body}</details>")


def sources_panel(turns: list[Turn], docs: Mapping[tuple[str, int], Excerpt]) -> str:
    """All turns' sources, newest first and open; older turns folded. docs: what each citation card shows
    of its document, by (source, quote start)."""
    answered = [(i, t) for i, t in enumerate(turns) if t.answer is not None]
    if not answered:
        return SOURCES_PLACEHOLDER
    last = answered[-1][0]
    return '<div class="src-panel">' + "".join(
        turn_section(i, t, docs, i == last) for i, t in reversed(answered)) + "</div>"


# -- the documents tab --

def documents_table(rows) -> str:
    """The store's documents (DocumentRow-like objects) as a table."""
    if not rows:
        return '<p class="doc-empty">资料库还是空的：在上方上传文件并点「导入」。</p>'
    body = "".join(
        f'<tr><td>{esc(doc_label(r.title, r.source))}</td><td class="nowrap">{esc(r.date or NO_DATE)}</td>'
        f'<td class="num">{_chunks_cell(r)}</td>'
        f'<td class="kb">{esc(getattr(r, "kb", ""))}</td>'
        f'<td class="src-file">{esc(file_name(r.source))}</td></tr>'
        for r in rows
    )
    return ('<div class="table-scroll"><table class="doc-table"><thead><tr><th>标题</th><th>日期</th><th>段落</th>'
            '<th>知识库</th><th>文件</th></tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _chunks_cell(row) -> str:
    """A republished copy has no chunks of its own: the cell says whose copy it is."""
    copy_of = getattr(row, "copy_of", "")
    return f'<span title="{esc(file_name(copy_of))} 的转载">转载</span>' if copy_of else str(row.n_chunks)


STAT_CARDS = ("documents", "chunks", "embedder", "chroma")  # the store and its collection are shown below them


def stats_html(stats: dict) -> str:
    cards = "".join(
        f'<div class="stat"><div class="stat-value">{esc(str(stats[k]))}</div>'
        f'<div class="stat-label">{STAT_LABELS[k]}</div></div>'
        for k in STAT_CARDS if k in stats
    )
    # the folder's name only: the server's absolute path is not shown to users
    store = f'<div class="stat-store">资料库：<code>{esc(file_name(str(stats.get("store", ""))))}</code></div>'
    return f'<div class="stats">{cards}</div>{store}'


DOCUMENT_VIEW_CHARS = 60_000  # a browser stays responsive; a longer document is shown from its start


def document_view(title: str, date: str, source: str, text: str) -> str:
    note = ""
    if len(text) > DOCUMENT_VIEW_CHARS:
        note = (f'<p class="doc-note">文档很长（共 {len(text):,} 字），这里只显示前 {DOCUMENT_VIEW_CHARS:,} 字；'
                "回答引用的句子可在问答页的出处卡片中查看前后文。</p>")
        text = text[:DOCUMENT_VIEW_CHARS] + "…"
    return (f'<div class="doc-view"><div class="doc-view-head">{_meta(title, date, source)}</div>{note}'
            f'<div class="src-doc-text">{esc(text)}</div></div>')


RATING_LABELS = {"up": "有帮助", "down": "没帮助"}


def feedback_table(records: list[dict], limit: int = 20) -> str:
    """The most recent feedback first: when, rating, question, comment."""
    if not records:
        return '<p class="doc-empty">还没有反馈。在问答页对回答点赞或点踩即可。</p>'
    body = "".join(
        f'<tr><td class="when">{esc(r["timestamp"][:16].replace("T", " "))}</td>'
        f'<td class="rating {esc(r["rating"])}">{RATING_LABELS.get(r["rating"], esc(r["rating"]))}</td>'
        f'<td>{esc(r["question"])}</td><td>{esc(r.get("comment") or "")}</td></tr>'
        for r in reversed(records[-limit:])
    )
    return ('<div class="table-scroll"><table class="doc-table fb-table"><thead><tr><th>时间（UTC）</th><th>评价</th><th>问题</th><th>意见</th></tr>'
            f"</thead><tbody>{body}</tbody></table></div>")


def feedback_summary(counts: dict[str, int], path: str) -> str:
    cards = "".join(
        f'<div class="stat"><div class="stat-value">{counts[k]}</div><div class="stat-label">{label}</div></div>'
        for k, label in (("answers", "已评价回答"), ("up", RATING_LABELS["up"]), ("down", RATING_LABELS["down"]),
                         ("comments", "附意见"))
    )
    return (f'<div class="stats">{cards}</div><div class="stat-store">记录文件（只追加）：<code>{esc(file_name(path))}</code>'
            "；同一回答多次评价时以最后一次为准。</div>")
