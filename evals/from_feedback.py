"""From a staff member's 👎 (or 👍) to a gold case: a draft pre-filled from the feedback record, the form an
admin edits it in (facts one per line, alternatives split by "|"), and appending it to a gold file.

A thumbs-down answer was wrong or unhelpful, so its draft does not copy the answer's figures as the
expected facts (the case would then pass the very answer that was rated down): its facts are the
placeholder `TO_FILL`, which the gold schema refuses until someone writes the right answer.

>>> draft = draft_case({"answer_id": "a1", "rating": "up", "question": "什邡市总工会建了多少家新就业形态工会？",
...                     "answer": "全市建立新就业形态工会组织54家。[1]", "refused": False,
...                     "citations": [{"source": "/data/000.txt"}]})
>>> draft["facts"], draft["sources"]
([['54家']], ['000.txt'])
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant import GoldSetError, extract_figures
from evals.metrics import strip_markers
from evals.schema import TO_FILL, GoldCase, load_gold, parse_case

GOLD_FOLDER = "gold"  # under the store: where the feedback tab saves and the eval tab looks
DEFAULT_GOLD_FILE = "feedback.jsonl"
_ASKS_FIGURE = re.compile(r"多少|几[个家名人项次年月天万亿]|哪一年|何时")
RATING_MARKS = {"up": "赞", "down": "踩"}  # words, not emoji: servers often lack an emoji font


def draft_case(record: dict) -> dict:
    """A gold case (as JSON) drafted from one feedback record; see the module docstring for what is filled."""
    answer = strip_markers(record.get("answer") or "")
    refused, rating = bool(record.get("refused")), record.get("rating")
    history = [{"role": t["role"], "content": t["content"]} for t in record.get("history") or []
               if t.get("role") in ("user", "assistant") and t.get("content")]
    sources = list(dict.fromkeys(Path(c["source"]).name for c in record.get("citations") or [] if c.get("source")))
    figures = list(dict.fromkeys(f.raw for f in extract_figures(answer))) if not refused else []
    if rating == "up" and refused:
        kind, facts, sources = "unanswerable", [], []
    else:
        facts = [[f] for f in figures] if rating == "up" and figures else [[answer]] if rating == "up" else [[TO_FILL]]
        asks_figure = bool(figures) or bool(_ASKS_FIGURE.search(record.get("question") or ""))
        kind = "figure" if asks_figure else "entity"
    if history and kind != "unanswerable":
        kind = "follow-up"
    said = "拒答" if refused else f"回答：{answer[:120]}"
    comment = f"，意见：{record['comment']}" if record.get("comment") else ""
    note = (f"来自反馈（{RATING_MARKS.get(rating, rating)} {record.get('timestamp', '')}{comment}）；当时{said}")
    case = {"id": f"fb-{record.get('answer_id') or 'x'}", "type": kind, "question": record.get("question") or "",
            "facts": facts, "sources": sources, "history": history, "tags": ["feedback"], "note": note}
    return {k: v for k, v in case.items() if v or k in ("id", "type", "question")}


def format_facts(facts: list[list[str]]) -> str:
    """Facts as the form shows them: one fact per line, its alternatives joined by " | "."""
    return "\n".join(" | ".join(forms) for forms in facts)


def parse_facts(text: str) -> list[list[str]]:
    """The form's facts back as lists: "54家 | 五十四家\\n心理健康指导中心" → [["54家", "五十四家"], ["心理健康指导中心"]]."""
    facts = []
    for line in (text or "").splitlines():
        forms = [f.strip() for f in re.split(r"[|｜]", line) if f.strip()]
        if forms:
            facts.append(forms)
    return facts


def parse_lines(text: str) -> list[str]:
    """One value per line (sources), blank lines dropped, folders stripped (sources compare by file name)."""
    return [Path(line.strip()).name for line in (text or "").splitlines() if line.strip()]


def parse_history(text: str, where: str) -> list[dict]:
    if not (text or "").strip():
        return []
    try:
        history = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GoldSetError(where, 0, "history", f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）；"
                                                '应写成 [{"role": "user", "content": "…"}, …]，没有对话历史就留空') from exc
    return history if isinstance(history, list) else [history]


def case_from_form(case_id: str, kind: str, question: str, history: str, facts: str, sources: str,
                   note: str = "", tags: list[str] | None = None) -> GoldCase:
    """The edited form as a validated case; GoldSetError (in Chinese) says which field to fix."""
    data = {"id": (case_id or "").strip(), "type": kind, "question": (question or "").strip(),
            "facts": parse_facts(facts), "sources": parse_lines(sources),
            "history": parse_history(history, "草稿"), "tags": tags or ["feedback"], "note": (note or "").strip()}
    if kind == "unanswerable":  # a refusal expected: facts and sources would be errors, not intent
        data["facts"], data["sources"] = [], []
    return parse_case(json.dumps(data, ensure_ascii=False), "草稿", 0)


def save_case(case: GoldCase, path: str | Path) -> Path:
    """Append the case to a gold file (created with its folder); an id already in the file is refused."""
    path = Path(path)
    if path.exists():
        taken = {c.id for c in load_gold(path)} if path.read_text(encoding="utf-8").strip() else set()
        if case.id in taken:
            raise GoldSetError(path, 0, "id", f"id '{case.id}' 已经在这个文件里；请换一个 id，或先在文件里删除旧的那条")
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(case.model_dump(exclude_defaults=True), ensure_ascii=False)
    with path.open("a", encoding="utf-8") as f:
        if path.stat().st_size and not path.read_text(encoding="utf-8").endswith("\n"):
            f.write("\n")
        f.write(line + "\n")
    return path


def gold_folder(store: str | Path) -> Path:
    return Path(store).expanduser() / GOLD_FOLDER


def store_gold_files(store: str | Path) -> list[Path]:
    """The gold files saved under a store (STORE/gold/*.jsonl), by name."""
    return sorted(gold_folder(store).glob("*.jsonl"))


def export_drafts(records: list[dict], dest: str | Path) -> Path:
    """Every record's draft as one JSONL line (the current opinion per answer should be passed in)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    header = ("# drafts from feedback by `assistant feedback export --as-gold`: replace every "
              f"\"{TO_FILL}\" with the right answer, check the sources, then run assistant eval --gold {dest.name}\n")
    dest.write_text(header + "".join(json.dumps(draft_case(r), ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return dest
