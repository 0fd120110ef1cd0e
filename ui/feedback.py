"""Staff feedback on answers: an append-only JSONL log under the store, exportable for evaluators.

Each rating or comment appends one record; records are never rewritten. When one answer was rated
more than once, the last record for its answer_id is the current opinion (see `latest_per_answer`).

>>> from ui.feedback import read_feedback, export_feedback
>>> records = read_feedback("STORE/feedback.jsonl")
>>> export_feedback(records, "feedback.csv")
"""

from __future__ import annotations

import csv
import json
import logging
import threading
from datetime import datetime, timezone
from pathlib import Path

from assistant import Answer

log = logging.getLogger(__name__)

FILE_NAME = "feedback.jsonl"
RATINGS = ("up", "down")
CSV_FIELDS = ["timestamp", "answer_id", "rating", "comment", "question", "resolved_question", "answer",
              "refused", "citations", "user"]


def make_record(answer: Answer, rating: str, comment: str = "", user: str | None = None,
                history: list[dict] | None = None) -> dict:
    """One feedback record: the rating with everything an evaluator needs to judge the answer, including the
    conversation before it (`history`, as `ask` takes it), so a follow-up can become a gold case."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
    data = answer.to_json()
    return {
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "answer_id": data["id"],
        "rating": rating,
        "comment": comment.strip(),
        "question": data["question"],
        "resolved_question": answer.resolved_question,
        "answer": data["answer"],
        "refused": data["refused"],
        "citations": data["citations"],
        "user": user,
        "history": list(history or []),
    }


class FeedbackLog:
    """Appends records to one JSONL file; safe to share between the server's worker threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)

    def read(self) -> list[dict]:
        return read_feedback(self.path)


def read_feedback(path: str | Path) -> list[dict]:
    """All records in file order; a missing file is no feedback, a torn last line is skipped."""
    path = Path(path)
    if not path.exists():
        return []
    records = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            log.warning("%s:%d: skipping a line that is not JSON", path, no)
    return records


def latest_per_answer(records: list[dict]) -> list[dict]:
    """The last record of each answer, in the order answers were first rated."""
    latest: dict[str, dict] = {}
    for r in records:
        latest[r["answer_id"]] = r
    return list(latest.values())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run: text starting with =, +, -, @ (a formula) gets a leading '."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def export_feedback(records: list[dict], dest: str | Path) -> Path:
    """Write records as .jsonl (every record) or .csv (one row per answer, citations as JSON)."""
    dest = Path(dest)
    if dest.suffix == ".csv":
        with dest.open("w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel opens Chinese CSV correctly
            writer = csv.DictWriter(f, CSV_FIELDS, extrasaction="ignore")
            writer.writeheader()
            for r in latest_per_answer(records):
                row = {**r, "citations": json.dumps(r.get("citations", []), ensure_ascii=False)}
                writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    else:
        dest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return dest


def summary(records: list[dict]) -> dict[str, int]:
    """Counts over the current opinion of each answer."""
    current = latest_per_answer(records)
    return {
        "answers": len(current),
        "up": sum(r["rating"] == "up" for r in current),
        "down": sum(r["rating"] == "down" for r in current),
        "comments": sum(bool(r.get("comment")) for r in current),
    }
