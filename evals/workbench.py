"""The evaluators' tools as the UI uses them (ui/admin.py's `Workbench`): gold sets to pick, drafts from
feedback, saving a case, running an eval with progress and writing its report.

The UI may import only the public `assistant` API (tests/test_layout.py), so `assistant serve` (cli) hands
an `EvalWorkbench` to the app; everything here goes through evals' own modules, as `assistant eval` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant import ConfigError
from evals import suite
from evals.from_feedback import (DEFAULT_GOLD_FILE, case_from_form, draft_case, format_facts, gold_folder,
                                 save_case, store_gold_files)
from evals.schema import CASE_TYPES
from evals.sets import BUNDLED_SETS
from evals.trend import DEFAULT_TREND, RUNS_FOLDER

REPORTS_FOLDER = "eval-reports"  # under the store: the reports of runs started from the UI
SERVED = "served"  # run against the store the UI serves
OWN_CORPUS = "own"  # run against the set's own corpus in its isolated store (bundled sets only)
_FILE_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,80}\.jsonl$")


@dataclass(frozen=True)
class EvalOutcome:
    summary: str  # the text summary, as `assistant eval` prints it
    html: Path
    md: Path
    passed: int
    cases: int


class EvalWorkbench:
    case_types = CASE_TYPES
    default_gold_file = DEFAULT_GOLD_FILE

    def __init__(self, runs_dir: Path | None = None) -> None:
        self.runs_dir = runs_dir

    @staticmethod
    def gold_sets(store: Path) -> list[tuple[str, str]]:
        """(label, path) of every gold set the admin may run: the bundled ones, then STORE/gold/*.jsonl."""
        bundled = [(f"内置：{s.name}（{s.gold.name}）", str(s.gold)) for s in BUNDLED_SETS.values() if s.gold.exists()]
        saved = [(f"资料库：{p.name}", str(p)) for p in store_gold_files(store)]
        return bundled + saved

    @staticmethod
    def draft(record: dict) -> dict:
        """A draft case from a feedback record, with the facts as the form's text."""
        draft = draft_case(record)
        return {**draft, "facts_text": format_facts(draft.get("facts", []))}

    @staticmethod
    def gold_path(store: Path, file_name: str) -> Path:
        name = (file_name or "").strip() or DEFAULT_GOLD_FILE
        if not name.endswith(".jsonl"):
            name += ".jsonl"
        if not _FILE_NAME.match(name):
            raise ConfigError(f"文件名「{name}」不能用：只写文件名（字母、数字、汉字、-、_、.），以 .jsonl 结尾，"
                              "例如 feedback.jsonl")
        return gold_folder(store) / name

    def save(self, store: Path, file_name: str, case_id: str, kind: str, question: str, history: str, facts: str,
             sources: str, note: str) -> Path:
        """Validate the edited draft and append it to STORE/gold/FILE; errors are Chinese AssistantErrors."""
        case = case_from_form(case_id, kind, question, history, facts, sources, note)
        return save_case(case, self.gold_path(store, file_name))

    def run(self, gold: str, target: str, assistant, step: Callable[[int, int], None] | None = None) -> EvalOutcome:
        """Run one gold set against the served store (`assistant`) or its own corpus; write the report
        under the store and record the run in the runs folder (its report draws the trend)."""
        gold_path = Path(gold)
        if not gold_path.is_file():
            raise ConfigError(f"标准答案集 {gold} 不存在；请刷新列表后重新选择")
        store = Path(assistant.settings.store)
        if target == OWN_CORPUS:
            run = suite.plan(gold=gold_path)[0]
            if run.bundled is None:
                raise ConfigError("只有内置评测集带有自己的语料；资料库里的标准答案集请选「当前资料库」运行")
            served = None
        else:
            run, served = suite.Run(gold_path.stem, gold_path, store=store), assistant

        def progress(name: str, total: int):
            done = [0]

            def tick(result) -> None:
                done[0] += 1
                if step:
                    step(done[0], total)
            return tick

        report = suite.evaluate_run(run, suite.Options(), progress=progress, assistant=served)
        reports = {run.name: report}
        # The UI's runs are kept with the store they were started from, so its reports trend over them.
        trends = suite.record_runs(reports, self.runs_dir or store / REPORTS_FOLDER / RUNS_FOLDER, DEFAULT_TREND)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        paths = suite.write_reports(reports, store / REPORTS_FOLDER / f"{stamp}-{run.name}", trends)
        return EvalOutcome(suite.text_summary(reports), paths["html"], paths["md"], report["passed"], report["cases"])
