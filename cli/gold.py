"""`assistant gold convert IN --out DIR`: a public Chinese RAG benchmark into a gold set and its corpus
(registered in cli/main.py; the conversion itself is evals/convert.py)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import friendly_errors


@click.group("gold")
def gold_group() -> None:
    """标准答案集工具（格式见 evals/README.md）。"""


@gold_group.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出文件夹：写入 gold.jsonl 和 corpus/（每个段落一个 .txt 文件）")
@friendly_errors
def convert_command(source: Path, out_dir: Path) -> None:
    """把公开的中文 RAG 评测集（JSONL：问题、答案、正例/负例段落）转换成标准答案集和语料文件夹。

    接受 CRUD-RAG、DuReader-retrieval、C-MTEB T2Retrieval 等常见字段名：query/question、
    answer/answers、positive/pos、negative/neg。之后运行
    assistant eval --gold OUT/gold.jsonl --corpus OUT/corpus。
    """
    from evals.convert import convert  # deferred: loads the gold schema and number rules

    click.echo(convert(source, out_dir, progress=True).summary())
