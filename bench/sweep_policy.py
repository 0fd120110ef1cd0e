"""Sweep the extractive answerer's policy on the dev split, with the test split's score beside each value.

One knob at a time (coordinate descent from the current defaults, one pass): for every candidate value the
dev gold set is answered, and the value with the best dev objective is kept before the next knob. The
test score is printed beside each value for the record only: choices are made on dev alone.

Objective: answer accuracy + refusal accuracy (both 0..1), ties broken by fewer wrong answers. A case
counts as correct when every expected fact is in the answer and in its cited quotes.

Run: .venv/bin/python bench/sweep_policy.py [--knob NAME ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import AnswerPolicy, Assistant  # noqa: E402
from evals.metrics import fact_in_text  # noqa: E402
from evals.schema import load_gold  # noqa: E402

SETS = {"dev": ("evals/gold_dev.jsonl", "evals/corpus/dev"), "test": ("evals/gold_test.jsonl", "evals/corpus/test")}
# Candidate values per knob; the default is always tried too.
GRID = {
    "min_focus": (0.4, 0.45, 0.5, 0.55, 0.6),
    "min_score": (0.45, 0.5, 0.55, 0.6, 0.7),
    "min_semantic": (0.86, 0.87, 0.88, 0.89, 0.9, 1.1),
    "semantic_margin": (0.0, 0.01, 0.02, 0.04),
    "min_focus_semantic": (0.0, 0.1, 0.15, 0.25),
    "semantic_weight": (0.0, 0.25, 0.5, 0.75, 1.0),
    "semantic_floor": (0.75, 0.8, 0.85),
    "context_weight": (0.15, 0.3, 0.45),
    "min_counted_coverage": (0.2, 0.3, 0.4),
    "synonym_credit": (0.6, 0.75, 0.85, 1.0),
    "key_term_idf": (2.5, 3.0, 3.5, 4.0, 99.0),  # 99: the key-term veto off
    "min_focus_with_context": (0.2, 0.3, 0.4),
    "figure_clause_weight": (0.0, 0.3, 0.6),
}
_MARKER = re.compile(r"\[\d+(?:,\s*\d+)*\]")


def score_run(assistant: Assistant, cases) -> dict:
    right = refused_right = wrong = 0
    answerable = sum(c.answerable for c in cases)
    for c in cases:
        ans = assistant.ask(c.question, history=[t.model_dump() for t in c.history])
        text, quotes = _MARKER.sub("", ans.answer), "\n".join(x.quote for x in ans.citations)
        if not c.answerable:
            refused_right += ans.refused
            wrong += not ans.refused
        elif not ans.refused:
            ok = all(fact_in_text(f, text) and fact_in_text(f, quotes) for f in c.facts)
            right += ok
            wrong += not ok
    answers, refusals = right / max(answerable, 1), refused_right / max(len(cases) - answerable, 1)
    return {"answers": round(answers, 3), "refusals": round(refusals, 3), "wrong": wrong,
            "objective": round(answers + refusals, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knob", action="append", choices=sorted(GRID), help="only these knobs (repeatable)")
    parser.add_argument("--store-dir", type=Path, default=None, help="keep the two stores here (default: temp)")
    parser.add_argument("--json", type=Path, default=None, help="also write the table as JSON")
    args = parser.parse_args()
    knobs = args.knob or list(GRID)
    with tempfile.TemporaryDirectory() as tmp:
        base = args.store_dir or Path(tmp)
        stores, cases = {}, {}
        for name, (gold, corpus) in SETS.items():
            stores[name] = base / f"sweep-{name}"
            Assistant(store=stores[name]).ingest([str(ROOT / corpus)])
            cases[name] = load_gold(ROOT / gold)
        policy, rows = AnswerPolicy(), []
        for knob in knobs:
            default = getattr(policy, knob)
            results = []
            for value in sorted({default, *GRID[knob]}):
                trial = dataclasses.replace(policy, **{knob: value})
                started = time.perf_counter()
                dev, test = (score_run(Assistant(store=stores[n], policy=trial), cases[n]) for n in ("dev", "test"))
                results.append((value, dev, test))
                print(f"{knob:20s} {value:>6}  dev {dev['answers']:.3f}/{dev['refusals']:.3f} wrong {dev['wrong']:3d}"
                      f"   test {test['answers']:.3f}/{test['refusals']:.3f} wrong {test['wrong']:3d}"
                      f"  ({time.perf_counter() - started:.0f} s)", flush=True)
            best = max(results, key=lambda r: (r[1]["objective"], -r[1]["wrong"], r[0] == default))
            policy = dataclasses.replace(policy, **{knob: best[0]})
            rows.append({"knob": knob, "default": default, "chosen": best[0],
                         "values": [{"value": v, "dev": d, "test": t} for v, d, t in results]})
            print(f"-> {knob} = {best[0]} (was {default})\n", flush=True)
        print("chosen policy:", {r["knob"]: r["chosen"] for r in rows})
        if args.json:
            args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
