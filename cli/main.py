"""The `assistant` command: a thin layer over the Python API (see CONTRACT.md)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from assistant import STAT_LABELS, ConfigError
from cli.brief import brief_command
from cli.eval import eval_command
from cli.feedback import feedback_group
from cli.gold import gold_group
from cli.kb import kb_group
from cli.search import search_command
from cli.options import EmbeddingProgress, echo_rejected, friendly_errors, make_assistant, setup_logging, store_options
from cli.serve import serve_command
from cli.sync import sync_command
from cli.users import user_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="在 stderr 上输出调试日志")
def main(verbose: bool) -> None:
    """工会问答助手：导入工会新闻稿，回答问题并注明出处。"""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    setup_logging(verbose)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@store_options
@click.option("--quiet", is_flag=True, help="不显示进度条，只输出未导入的文件和汇总")
@friendly_errors
def ingest(paths, store, chroma_url, embedder, quiet):
    """导入文件、文件夹（含子文件夹）和通配符（用 --kb 名称 导入到一个知识库；已导入的文件会移到这个知识库）。

    格式：.txt .md .html .docx .pdf（扫描页自动识别文字）.png .jpg .doc .wps（需 LibreOffice）.xlsx .csv。
    """
    a = make_assistant(store, chroma_url, embedder, must_exist=False)
    progress = EmbeddingProgress(quiet)
    report = a.ingest(list(paths), progress=progress)
    progress.close()
    echo_rejected(report.rejected, report.skipped)
    click.echo(report.summary())
    sys.exit(1 if report.rejected else 0)


@main.command()
@store_options
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def stats(store, chroma_url, embedder, as_json):
    """资料库统计。"""
    s = make_assistant(store, chroma_url, embedder).stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False))
    else:
        for k, v in s.items():
            if isinstance(v, dict):  # 知识库（文档数）：默认 5、培训资料 2
                v = "、".join(f"{name} {n}" for name, n in v.items()) or "（没有）"
            click.echo(f"{STAT_LABELS.get(k, k)}：{v}")


@main.command()
@store_options
@click.option("--repair", is_flag=True, help="修复发现的问题（重新计算丢失的向量，清理中断的操作）")
@friendly_errors
def doctor(store, chroma_url, embedder, repair):
    """核对 Chroma、目录库、关键词索引和向量缓存是否一致。"""
    problems = make_assistant(store, chroma_url, embedder).check_store(repair=repair)
    for p in problems:
        click.echo(f"{'已修复' if p.repaired else '问题'}：{p.message}")
    if not problems:
        click.echo("存储一致：没有发现问题")
    sys.exit(1 if any(not p.repaired for p in problems) else 0)


@main.command(name="list")
@store_options
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def list_(store, chroma_url, embedder, as_json):
    """列出资料库里的文档。"""
    docs = make_assistant(store, chroma_url, embedder).documents()
    if as_json:
        click.echo(json.dumps([d.__dict__ for d in docs], ensure_ascii=False))
        return
    for d in docs:
        click.echo(f"{d.source}\t{d.date or '-'}\t{d.n_chunks} 段\t{d.title}\t{d.kb}")
    if not docs:
        click.echo("资料库里还没有文档；请先导入文章，例如 `assistant ingest PATH...`", err=True)


@main.command()
@click.argument("source")
@store_options
@friendly_errors
def remove(source, store, chroma_url, embedder):
    """删除一篇文档及其全部段落。

    SOURCE 是来源路径，即 `assistant list` 显示的路径。
    """
    if not make_assistant(store, chroma_url, embedder).remove(source):
        raise ConfigError(f"资料库里没有文档 {source}；请用 `assistant list` 查看已有的来源")
    click.echo(f"已删除 {source}")


def read_batch(path: Path) -> list[dict | str]:
    """The batch's lines in order: each a {"id", "question"} dict, or the Chinese message saying why the line
    cannot be asked (a bad line never stops the others)."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="surrogateescape")
    except OSError as exc:
        raise ConfigError(f"{path}：无法读取（{exc.strerror}）") from exc
    items: list[dict | str] = []
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(f"{path} 第 {no} 行：不是有效的 JSON（{exc.msg}），已跳过")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            items.append(f"{path} 第 {no} 行：缺少字符串字段 question，已跳过")
            continue
        items.append(item)
    return items


def _batch_line(a, item: dict | str, filters) -> tuple[dict, bool]:
    """One JSON line of a batch (the ask --json shape) and whether it was asked without error."""
    from assistant import Answer, AssistantError

    if isinstance(item, str):
        return Answer(question="", answer=item, refused=True, refusal_reason=f"输入检查：{item}").to_json(), False
    try:
        return a.ask(item["question"], history=item.get("history"), filters=filters, id=item.get("id")).to_json(), True
    except AssistantError as exc:
        answer = Answer(question=item["question"], answer=str(exc), refused=True, refusal_reason=f"输入检查：{exc}",
                        id=item.get("id"))
        return answer.to_json(), False


@main.command()
@click.argument("question", required=False)
@store_options
@click.option("--json", "as_json", is_flag=True, help="输出 CONTRACT.md 规定的 JSON 对象")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='每行一个 {"id", "question"} 的 JSONL 文件；按输入顺序每行输出一行 JSON')
@click.option("--retriever", type=click.Choice(["hybrid", "bm25", "dense"]), default=None)
@click.option("--answerer", type=click.Choice(["extractive", "llm"]), default=None)
@click.option("--source", "sources", multiple=True, help="只查这个来源（可重复）")
@click.option("--date-from", default="", help="只查这一天及以后的文档，例如 2023-01-01")
@click.option("--date-to", default="", help="只查这一天及以前的文档")
@friendly_errors
def ask(question, store, chroma_url, embedder, as_json, batch, retriever, answerer, sources, date_from, date_to):
    """回答问题并列出出处。"""
    from assistant import Filters

    if bool(question) == bool(batch):
        raise click.UsageError("请给出问题 QUESTION 或 --batch FILE.jsonl，二者只能选一个")
    if question is not None and not question.strip():
        raise ConfigError("问题是空的：请输入要查询的问题，例如 assistant ask \"什邡市总工会建了多少家新就业形态工会？\"")
    a = make_assistant(store, chroma_url, embedder, retriever=retriever, answerer=answerer)
    keys = tuple(a.source_key(s) for s in sources)
    unknown = [s for s in sources if not a.has_document(s)]
    if unknown:
        raise ConfigError(f"--source {unknown[0]} 不在资料库里；请用 `assistant list` 查看已有的来源")
    filters = Filters(keys, date_from, date_to)
    if batch:
        failed = 0
        for item in read_batch(batch):
            line, ok = _batch_line(a, item, filters)
            failed += not ok
            # a lone surrogate from a broken line is printed as "?" rather than crash the output
            click.echo(json.dumps(line, ensure_ascii=False, default=str).encode("utf-8", "replace").decode("utf-8"))
        if failed:
            raise ConfigError(f"批量提问中有 {failed} 行未能回答，原因见对应行的 refusal_reason")
        return
    ans = a.ask(question, filters=filters)
    if as_json:
        click.echo(json.dumps(ans.to_json(), ensure_ascii=False))
    else:
        click.echo(ans.to_text())


main.add_command(brief_command)
main.add_command(eval_command)
main.add_command(feedback_group)
main.add_command(gold_group)
main.add_command(kb_group)
main.add_command(search_command)
main.add_command(serve_command)
main.add_command(sync_command)
main.add_command(user_group)
