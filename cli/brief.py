"""`assistant brief "主题"`: a trainer's briefing from the store, as Markdown, printable HTML, DOCX or PPTX."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.options import LazyChoice, friendly_errors, make_assistant, store_options


def brief_formats() -> list[str]:
    from assistant import BRIEF_FORMATS  # deferred: the briefing code loads the answering stack

    return list(BRIEF_FORMATS)


@click.command(name="brief")
@click.argument("topic")
@store_options
@click.option("--format", "fmt", type=LazyChoice(brief_formats), default="md", show_default=True,
              help="md 和 html 默认输出到标准输出，给了 --out 则写入文件；docx 和 pptx（幻灯片）总是写入文件")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="要写入的文件（docx、pptx 默认写入当前文件夹下的 课程素材-主题.docx / .pptx）")
@friendly_errors
def brief_command(topic, store, chroma_url, embedder, fmt, out):
    """按主题 TOPIC 生成培训素材。

    内容包括主要做法、关键数字、对比表、时间线、测验题（选择、填空、判断，每题都经回问核对）、
    教师备注和来源，每条事实都注明出处。
    """
    from assistant import default_brief_filename, export_briefing, render_briefing

    briefing = make_assistant(store, chroma_url, embedder).brief(topic)
    if briefing.no_material:
        click.echo(briefing.message, err=True)
        sys.exit(1)
    if out is None and fmt in ("md", "html"):
        click.echo(render_briefing(briefing, fmt).decode("utf-8"), nl=False)
        return
    path = export_briefing(briefing, fmt, out or Path(default_brief_filename(briefing.topic, fmt)))
    click.echo(f"{briefing.message}\n已写入 {path}")
