"""`assistant search "问题" [--json]`: the hit test from the command line (registered in cli/main.py).

Shows the ranked passages with their BM25, dense, fused and rerank scores, and the sentences the answerer
weighed with their features and vetoes; everything comes from `Assistant.explain`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant import ConfigError
from cli.options import friendly_errors, make_assistant, store_options

if TYPE_CHECKING:  # the hit-test types load the answering stack; `assistant --help` should not
    from assistant import HitCandidate, HitPassage, HitTest

SNIPPET_CHARS = 60


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def passage_line(p: HitPassage) -> str:
    """One passage with every score, e.g. "#1 000.txt  BM25 7.02（第 1）  向量 0.891（第 10）  融合 0.0307 …"."""
    def ranked(score, rank, digits):
        return "—" if score is None else f"{score:.{digits}f}（第 {rank}）"

    return (f"#{p.rank} {Path(p.source).name}  BM25 {ranked(p.bm25, p.bm25_rank, 2)}  "
            f"向量 {ranked(p.dense, p.dense_rank, 3)}  融合 {_num(p.fused, 4)}  重排 {_num(p.rerank)}  "
            f"最终 {_num(p.final)}")


def candidate_lines(c: HitCandidate) -> list[str]:
    features = "，".join(f"{k} {v}" for k, v in c.features.items())
    return [f"[{c.status}] 得分 {_num(c.score)}  {Path(c.source).name}（段落 #{c.passage_rank}）  {c.text}",
            f"    {c.why}" + (f"\n    特征：{features}" if features else "")]


def hit_test_text(hit: HitTest, most: int) -> str:
    """The human-readable hit test: passages, then the candidates (at most `most`), then the answer."""
    lines = [f"问题：{hit.question}"]
    if hit.resolved_question and hit.resolved_question != hit.question:
        lines.append(f"理解为：{hit.resolved_question}")
    lines += ["", f"检索到的段落（共 {len(hit.passages)} 个，按最终得分排序）："]
    for p in hit.passages:
        lines += [passage_line(p), f"    {p.text[:SNIPPET_CHARS].replace(chr(10), ' ')}…"]
    lines += ["", f"回答器（{hit.answerer}）权衡的句子（共 {len(hit.candidates)} 个，显示前 {min(most, len(hit.candidates))} 个）："]
    for c in hit.candidates[:most]:
        lines += candidate_lines(c)
    if hit.note:
        lines.append(hit.note)
    lines += ["", "回答：" + hit.answer.answer]
    if hit.answer.refused and hit.answer.refusal_reason:
        lines.append("拒答原因：" + hit.answer.refusal_reason)
    return "\n".join(lines)


@click.command("search")
@click.argument("question")
@store_options
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象（格式见 evals/README.md）")
@click.option("-k", "--top", default=10, show_default=True, type=click.IntRange(1, 30), help="显示前几个段落")
@click.option("--candidates", "most", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="文字输出里最多显示几个候选句子（--json 总是全部输出）")
@click.option("--retriever", type=click.Choice(["hybrid", "bm25", "dense"]), default=None)
@friendly_errors
def search_command(question, store, chroma_url, embedder, as_json, top, most, retriever):
    """命中测试：列出检索到的段落及其 BM25、向量、融合和重排得分，以及回答器会选哪一句、为什么。

    用来诊断答错的问题，例如 assistant search "什邡市总工会建了多少家新就业形态工会？"。
    """
    if not question.strip():
        raise ConfigError("问题是空的：请输入要诊断的问题，例如 assistant search \"什邡市总工会建了多少家新就业形态工会？\"")
    hit = make_assistant(store, chroma_url, embedder, retriever=retriever).explain(question, k=top)
    if as_json:
        click.echo(json.dumps(hit.to_json(), ensure_ascii=False))
    else:
        click.echo(hit_test_text(hit, most))
