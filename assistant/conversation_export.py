"""A conversation as Markdown or DOCX, with each answer's sources: title, date, file name and the cited
sentence, never the path of the file on the server."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePath

import docx

from assistant.conversations import ConversationInfo
from assistant.models import NO_DATE, Answer, Citation

EXPORT_FORMATS = {"md": ".md", "docx": ".docx"}


def file_name(source: str) -> str:
    return PurePath(source.replace("\\", "/")).name


def source_line(c: Citation) -> str:
    """[1] 《标题》（2023-04-29，第 2 页，文件 000.txt）"""
    where = "，".join(x for x in (c.date or NO_DATE, f"第 {c.page} 页" if c.page else "", c.table,
                                 f"文件 {file_name(c.source)}") if x)
    return f"[{c.n}] 《{c.title or file_name(c.source)}》（{where}）"


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def to_markdown(info: ConversationInfo, turns: list[Answer]) -> str:
    lines = [f"# {info.title}", "", f"工会问答助手对话记录，{_when(info.created)}"
             + (f"，知识库：{info.kb}" if info.kb else "") + "。", ""]
    for i, a in enumerate(turns, 1):
        lines += [f"## 问题 {i}：{a.question}", "", a.answer, ""]
        if a.refused and a.refusal_reason:
            lines += [f"原因：{a.refusal_reason}", ""]
        if a.citations:
            lines += ["**来源**", ""]
            for c in a.citations:
                lines += [f"- {source_line(c)}", f"  > {c.quote}"]
            lines.append("")
    return "\n".join(lines)


def to_docx(info: ConversationInfo, turns: list[Answer]) -> bytes:
    document = docx.Document()
    props = document.core_properties
    props.author, props.title = "工会问答助手", info.title
    document.add_heading(info.title, level=0)
    document.add_paragraph(f"工会问答助手对话记录，{_when(info.created)}" + (f"，知识库：{info.kb}" if info.kb else ""))
    for i, a in enumerate(turns, 1):
        document.add_heading(f"问题 {i}：{a.question}", level=1)
        document.add_paragraph(a.answer)
        if a.refused and a.refusal_reason:
            document.add_paragraph(f"原因：{a.refusal_reason}")
        for c in a.citations:
            document.add_paragraph(source_line(c), style="List Bullet")
            document.add_paragraph(f"“{c.quote}”", style="Quote")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_conversation(info: ConversationInfo, turns: list[Answer], fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(info, turns)
    return to_markdown(info, turns).encode("utf-8")
