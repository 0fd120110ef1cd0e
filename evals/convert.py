"""`assistant gold convert`: a public Chinese RAG benchmark's JSONL into our gold set plus a corpus folder.

The common layout (CRUD-RAG, DuReader-retrieval, C-MTEB T2Retrieval style exports) is one JSON object per
question with the question, its answer or answers, and positive / negative passages. Each passage becomes one
`.txt` file named by its content hash (the same passage under two questions is one file), each question one
gold case whose sources are its positive passages' files:

    {"query": "…", "answers": ["…"], "pos": ["…"], "neg": ["…"]}
    → OUT/gold.jsonl  {"id", "type", "question", "facts": [["…"]], "sources": ["p_….txt"], "tags": ["converted"]}
    → OUT/corpus/p_….txt

Then `assistant eval --gold OUT/gold.jsonl --corpus OUT/corpus` runs it. Field names accepted are in
`FIELDS`; see evals/README.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant import GoldSetError, extract_figures
from evals.metrics import fact_in_text
from evals.schema import GoldCase, why_unreadable

log = logging.getLogger(__name__)

# Accepted names per role, first match wins (case-sensitive, as the datasets spell them).
FIELDS = {
    "id": ("id", "qid", "query_id", "_id", "question_id"),
    "question": ("question", "query", "q", "questions"),
    "answers": ("answers", "answer", "answer_text", "gold_answer", "reference_answer"),
    "positive": ("positive", "positives", "pos", "positive_passages", "pos_passages", "positive_ctxs",
                 "contexts", "context", "news", "documents"),
    "negative": ("negative", "negatives", "neg", "negative_passages", "neg_passages", "negative_ctxs",
                 "hard_negative_ctxs"),
}
PASSAGE_TEXT = ("text", "content", "passage", "paragraph_text", "doc", "document", "body")
PASSAGE_TITLE = ("title", "doc_title")
TAG = "converted"
# Each skipped line's reason names what the line lacks, so the user can fix the export or accept the loss.
NO_ANSWER = "没有答案（answer/answers），只适合检索评测"
NO_POSITIVE = "有答案但没有正例段落（positive/pos），标准答案集的用例必须有出处"


@dataclass(frozen=True)
class ConvertedPassage:
    file_name: str
    text: str


@dataclass
class ConvertReport:
    """What a conversion wrote and what it had to leave out."""

    gold: Path
    corpus: Path
    cases: int = 0
    unanswerable: int = 0
    passages: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    answers_not_in_passages: list[str] = field(default_factory=list)  # case ids

    def summary(self) -> str:
        lines = [f"已转换 {self.cases} 条用例（其中应拒答 {self.unanswerable} 条），写出 {self.passages} 个段落文件",
                 f"标准答案集：{self.gold}", f"语料文件夹：{self.corpus}"]
        if self.skipped:
            reasons: dict[str, int] = {}
            for _, why in self.skipped:
                reasons[why] = reasons.get(why, 0) + 1
            lines.append(f"跳过 {len(self.skipped)} 行：" + "；".join(f"{why} {n} 行" for why, n in reasons.items()))
        if self.answers_not_in_passages:
            lines.append(f"注意：{len(self.answers_not_in_passages)} 条用例的答案在它的正例段落里找不到原文"
                         f"（例如 {'、'.join(self.answers_not_in_passages[:5])}）；抽取式回答器只引用原文，"
                         "这些用例请把 facts 改成段落里的写法")
        lines.append(f"运行：assistant eval --gold {self.gold} --corpus {self.corpus}")
        return "\n".join(lines)


def pick(item: dict, role: str):
    """The value of the first accepted field name for this role, or None."""
    return next((item[name] for name in FIELDS[role] if name in item and item[name] not in (None, "")), None)


def as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def passage_text(value) -> str:
    """A passage given as a string or as an object with a text field (and maybe a title: kept as first line)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        text = next((str(value[k]) for k in PASSAGE_TEXT if value.get(k)), "").strip()
        title = next((str(value[k]) for k in PASSAGE_TITLE if value.get(k)), "").strip()
        return f"{title}\n\n{text}" if title and text and not text.startswith(title) else text
    return ""


def answer_forms(value) -> list[str]:
    """The accepted written forms of the answer: answers may be strings, lists of strings or {"text": …}."""
    forms = []
    for a in as_list(value):
        a = passage_text(a) if isinstance(a, dict) else a
        if isinstance(a, list):
            forms += [str(x).strip() for x in a if str(x).strip()]
        elif isinstance(a, (str, int, float)) and str(a).strip():
            forms.append(str(a).strip())
    return list(dict.fromkeys(forms))


def passage_file(text: str) -> str:
    """A passage's file name: its content hash, so the same passage under two questions is one file."""
    return f"p_{hashlib.sha1(text.encode('utf-8')).hexdigest()[:16]}.txt"


def convert_item(item: dict, case_id: str) -> tuple[dict | None, list[ConvertedPassage], str]:
    """One benchmark object → (gold case as a dict, or None when it cannot be one; its passages; why skipped)."""
    question = pick(item, "question")
    forms = answer_forms(pick(item, "answers"))
    positives = [t for t in map(passage_text, as_list(pick(item, "positive"))) if t]
    negatives = [t for t in map(passage_text, as_list(pick(item, "negative"))) if t]
    passages = [ConvertedPassage(passage_file(t), t) for t in dict.fromkeys(positives + negatives)]
    if not forms and positives:
        return None, passages, NO_ANSWER
    if forms and not positives:
        return None, passages, NO_POSITIVE
    if not forms:  # neither answer nor positive passage: the benchmark says the question has no answer
        return {"id": case_id, "type": "unanswerable", "question": str(question), "tags": [TAG]}, passages, ""
    kind = "figure" if any(extract_figures(f) for f in forms) else "entity"
    # All answers are alternatives of one fact: any one of them in the answer is right, as benchmarks score it.
    case = {"id": case_id, "type": kind, "question": str(question), "facts": [forms],
            "sources": list(dict.fromkeys(passage_file(t) for t in positives)), "tags": [TAG]}
    return case, passages, ""


def read_items(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) of a JSONL file, or of a JSON array file; GoldSetError names a bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldSetError(path, 0, "(file)", why_unreadable(exc)) from exc
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GoldSetError(path, 0, "(file)", why_unreadable(exc) + "；JSON 数组文件须整体是有效的 JSON") from exc
        yield from ((0, item) for item in items)  # one array: no line numbers to give
        return
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            # the decoder numbers the line's own text as line 1: only its column means anything here
            raise GoldSetError(path, lineno, "(line)", why_unreadable(exc).replace("第 1 行第", "第")
                               + "；每行应是一个 JSON 对象，请改正或删除这一行") from exc


def _check(item, path: Path, lineno: int) -> dict:
    if not isinstance(item, dict):
        raise GoldSetError(path, lineno, "(line)", "应为一个 JSON 对象（每行一个问题，写在 {…} 里）")
    question = pick(item, "question")
    if not isinstance(question, str) or not question.strip():
        raise GoldSetError(path, lineno, "question", f"缺少问题：应有字段 {' / '.join(FIELDS['question'])} 之一，"
                                                     "值为非空字符串；请补上问题或删除这一行")
    return item


def unique_id(wanted: str, seen: set[str]) -> str:
    case_id, n = wanted, 2
    while case_id in seen:
        case_id, n = f"{wanted}-{n}", n + 1
    seen.add(case_id)
    return case_id


def convert(path: str | Path, out_dir: str | Path, progress: bool = False) -> ConvertReport:
    """Convert the benchmark file into OUT/gold.jsonl and OUT/corpus/*.txt. Both are replaced, never merged:
    passages left from an earlier conversion would otherwise be ingested as distractors."""
    from tqdm import tqdm

    path, out = Path(path), Path(out_dir)
    items = [(lineno, _check(raw, path, lineno)) for lineno, raw in read_items(path)]  # fail before writing
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for old in corpus.glob("p_*.txt"):
        old.unlink()
    report = ConvertReport(out / "gold.jsonl", corpus)
    written: set[str] = set()
    seen: set[str] = set()
    lines = []
    bar = tqdm(items, desc="转换", unit="题", disable=not progress or None, leave=False)
    for index, (lineno, item) in enumerate(bar, start=1):
        where = lineno or index
        case_id = unique_id(str(pick(item, "id") or f"q{where:05d}"), seen)
        case, passages, why = convert_item(item, case_id)
        for p in passages:
            if p.file_name not in written:
                (corpus / p.file_name).write_text(p.text + "\n", encoding="utf-8")
                written.add(p.file_name)
        if case is None:
            report.skipped.append((where, why))
            continue
        GoldCase.model_validate(case)  # what we write must load; a failure here is our bug, not the user's
        if case["type"] != "unanswerable":
            texts = [p.text for p in passages if p.file_name in case["sources"]]
            if not any(fact_in_text(case["facts"][0], t) for t in texts):
                report.answers_not_in_passages.append(case_id)
        report.cases += 1
        report.unanswerable += case["type"] == "unanswerable"
        lines.append(json.dumps(case, ensure_ascii=False))
    if not lines:
        raise GoldSetError(path, 0, "(file)", "没有能转换成用例的行（" + "；".join(sorted({w for _, w in report.skipped}))
                           + "）；每行需要问题、答案和正例段落，见 evals/README.md")
    report.gold.write_text(f"# converted from {path.name} by `assistant gold convert`\n" + "\n".join(lines) + "\n",
                           encoding="utf-8")
    report.passages = len(written)
    return report
