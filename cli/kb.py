"""`assistant kb list`: the knowledge bases of a store. Documents go into one with `assistant ingest --kb NAME`."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from cli.options import friendly_errors, make_assistant, store_options


@click.group("kb")
def kb_group() -> None:
    """知识库：同一资料库里按名称分开的文档集合（例如 2023年新闻、培训资料）。"""


@kb_group.command("list")
@store_options
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def list_kbs(store, chroma_url, embedder, as_json):
    """列出知识库及其文档数、段落数。"""
    kbs = make_assistant(store, chroma_url, embedder).knowledge_bases()
    if as_json:
        click.echo(json.dumps([asdict(k) for k in kbs], ensure_ascii=False))
        return
    for k in kbs:
        click.echo(f"{k.name}\t{k.documents} 篇\t{k.chunks} 段")
    if not kbs:
        click.echo("资料库里还没有文档；请用 `assistant ingest PATH... --kb 名称` 导入到一个知识库", err=True)
