"""`assistant feedback export`: the staff's ratings for evaluators, as they are or as draft gold cases
(registered in cli/main.py; the record format is ui/feedback.py, the drafts evals/from_feedback.py)."""

from __future__ import annotations

from pathlib import Path

import click

from assistant import ConfigError, load_settings
from cli.options import friendly_errors, store_options


@click.group("feedback")
def feedback_group() -> None:
    """工作人员对回答的评价（赞/踩和意见）。"""


@feedback_group.command("export")
@store_options
@click.option("--out", "dest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件：.jsonl（全部记录）或 .csv（每个回答的最新评价）；--as-gold 时默认 STORE/gold/drafts.jsonl")
@click.option("--as-gold", is_flag=True, help="导出为标准答案集草稿（每个回答一条），编辑后用 assistant eval --gold 运行")
@click.option("--rating", type=click.Choice(["down", "up", "all"]), default="down", show_default=True,
              help="--as-gold 时导出哪些评价")
@friendly_errors
def export_command(store, chroma_url, embedder, dest, as_gold, rating):
    """导出反馈记录；加 --as-gold 时导出为标准答案集草稿。

    “踩”的回答，草稿里事实写作“（请填写正确答案）”：改成正确答案、核对 sources 后才能运行。
    """
    from ui.feedback import FILE_NAME, export_feedback, latest_per_answer, read_feedback

    folder = load_settings(store=store, chroma_url=chroma_url, embedder=embedder).store
    source = folder / FILE_NAME
    records = read_feedback(source)
    if not records:
        raise ConfigError(f"{source} 里还没有反馈记录；工作人员在聊天界面点赞或点踩后才会有")
    if not as_gold:
        if dest is None:
            raise ConfigError("请用 --out FILE.jsonl 或 --out FILE.csv 指定输出文件，或加 --as-gold 导出标准答案集草稿")
        click.echo(f"已导出 {len(records)} 条记录到 {export_feedback(records, dest)}")
        return
    from evals.from_feedback import export_drafts, gold_folder  # deferred: loads the gold schema

    current = [r for r in latest_per_answer(records) if rating == "all" or r.get("rating") == rating]
    if not current:
        raise ConfigError(f"没有评价为 {rating} 的回答；可以用 --rating all 导出全部")
    path = export_drafts(current, dest or gold_folder(folder) / "drafts.jsonl")
    click.echo(f"已把 {len(current)} 个回答导出为标准答案集草稿：{path}\n"
               f"编辑 facts 和 sources 后运行：assistant eval --gold {path} --store {folder}")
