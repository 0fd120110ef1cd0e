"""`assistant brief "主题"`: a trainer's briefing from the store, as Markdown, printable HTML or DOCX."""

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
              help="md and html print to stdout unless --out is given; docx is written to a file")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="file to write (docx default: 课程素材-主题.docx in the current folder)")
@friendly_errors
def brief_command(topic, store, chroma_url, embedder, fmt, out):
    """A briefing on TOPIC: initiatives, key figures, timeline, quiz and sources, every fact cited."""
    from assistant import default_brief_filename, export_briefing, render_briefing

    briefing = make_assistant(store, chroma_url, embedder).brief(topic)
    if briefing.no_material:
        click.echo(briefing.message, err=True)
        sys.exit(1)
    if out is None and fmt != "docx":
        click.echo(render_briefing(briefing, fmt).decode("utf-8"), nl=False)
        return
    path = export_briefing(briefing, fmt, out or Path(default_brief_filename(briefing.topic, fmt)))
    click.echo(f"{briefing.message}\n已写入 {path}")
