"""Upload feedback: the ingest's stages (读取/清洗/向量化/写入) on one progress bar, and a table of what became
of each file (文件名, 结果 成功/跳过/失败, 原因, 片段数)."""

from __future__ import annotations

from collections.abc import Callable

from assistant import FileResult, IngestProgress, IngestReport, Stage
from ui.render import esc

# Where each stage sits on the bar: embedding is the long one.
BANDS = {Stage.READ: (0.0, 0.15), Stage.CLEAN: (0.15, 0.3), Stage.EMBED: (0.3, 0.9), Stage.WRITE: (0.9, 1.0)}
HEADERS = ("文件名", "结果", "原因", "片段数")
RESULT_CLASS = {"成功": "ok", "跳过": "same", "失败": "bad"}


def stage_bar(progress: Callable) -> Callable[[IngestProgress], None]:
    """An on_stage callback driving a gr.Progress: the fraction of the whole upload, and the stage's name
    with its count and file, e.g. 「向量化 32/120 段」 or 「读取 2/5：通知.docx」."""
    def show(event: IngestProgress) -> None:
        low, high = BANDS[event.stage]
        part = event.done / event.total if event.total else 1.0
        unit = "段" if event.stage == Stage.EMBED else "个文件" if event.stage != Stage.CLEAN else "步"
        desc = f"{event.stage.value} {event.done}/{event.total} {unit}" + (f"：{event.file}" if event.file else "")
        part = min(part, 1.0)
        progress(round(low * (1 - part) + high * part, 4), desc=desc)
    return show


def results_table_html(report: IngestReport) -> str:
    """The per-file table shown after an upload, with a one-line summary above it."""
    rows: list[FileResult] = report.per_file()
    counts = {r: sum(1 for x in rows if x.result == r) for r in RESULT_CLASS}
    head = "，".join(f"{r} {n} 个" for r, n in counts.items())
    body = "".join(
        f'<tr class="{RESULT_CLASS[x.result]}"><td>{esc(x.name)}</td><td><span class="tag">{esc(x.result)}</span></td>'
        f'<td>{esc(x.reason)}</td><td>{"—" if x.chunks is None else x.chunks}</td></tr>' for x in rows)
    cols = "".join(f"<th>{h}</th>" for h in HEADERS)
    return (f'<div class="ingest-report"><div class="ingest-head">{head}（共写入 {report.chunks} 个片段）</div>'
            f'<table class="ingest-table"><thead><tr>{cols}</tr></thead><tbody>{body}</tbody></table></div>')
