"""Republished-copies benchmark: the sample gold questions answered from the sample alone and from the sample
plus N republished copies of it (转载: renamed files, a site's header and footer, a 转载 notice, a few edited
characters, every fifth copy in traditional script), side by side: answer correctness and time per question.

Copies are recognised at ingest (content fingerprint) and never chunked or embedded, so the store with copies
re-uses the first store's embedding cache and ingests in seconds. N=50 is enough on 2 cores: the copies'
cost is per document at ingest and nothing per question.

    .venv/bin/python bench/republished.py [--copies 50] [--json out.json]
    .venv/bin/python bench/republished.py --measure   # the fingerprint agreement of real pairs (CopyPolicy)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import SAMPLE_DIR, Assistant, fingerprint, similarity  # noqa: E402
from bench.common import percentile  # noqa: E402
from evals.schema import BUNDLED_GOLD, load_gold  # noqa: E402

log = logging.getLogger("bench.republished")

SITES = ("职工之家网", "工人日报客户端", "劳动报网", "工会新闻网", "工友论坛", "基层工会在线")
EDITORS = ("李明", "王芳", "张伟", "刘洋")
# Characters an editor plausibly changes: function words and particles, never a digit or a name.
EDITABLE = {"的": "地", "了": "啦", "在": "于", "和": "与", "是": "系", "将": "把", "进一步": "更加", "开展": "举办"}


def republish(text: str, i: int, edits: int = 6) -> str:
    """The i-th republished copy of an article's file text: a site header and footer, a 转载 notice, up to
    `edits` words changed, half-width commas in places; every fifth copy in traditional script."""
    rng = random.Random(i)
    site = SITES[i % len(SITES)]
    lines = text.split("\n")
    body = [_edited(line, rng, edits) if len(line) > 60 else line for line in lines]
    header = [f"{site}首页 > 新闻中心 > 工会动态", f"来源：{site}　发布时间：2024-0{1 + i % 9}-1{i % 10} 浏览次数：{100 + i}", ""]
    footer = ["", f"（本文转载自{site}，版权归原作者所有，如有侵权请联系删除。）",
              f"责任编辑：{EDITORS[i % len(EDITORS)]}", "扫一扫分享本页  打印  关闭"]
    copy = "\n".join(header + body + footer)
    if i % 5 == 4:
        import opencc  # bench-only: the traditional copy is made the way the dev corpus makes its own

        copy = opencc.OpenCC("s2tw").convert(copy)
    return copy


def _edited(line: str, rng: random.Random, budget: int) -> str:
    for word, other in rng.sample(sorted(EDITABLE.items()), k=len(EDITABLE)):
        if budget and word in line and rng.random() < 0.3:
            line = line.replace(word, other, 1)
            budget -= 1
    return line.replace("，", ",", 1) if rng.random() < 0.5 else line


def write_copies(src: Path, dest: Path, n: int, files: list[Path] | None = None) -> list[Path]:
    """n copies spread over the files (default: all sample files), under new names in dest."""
    files = files or sorted(src.glob("*.txt"))
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        f = files[i % len(files)]
        path = dest / f"repost_{i:03d}_{SITES[i % len(SITES)]}.txt"
        path.write_text(republish(f.read_text(encoding="utf-8"), i), encoding="utf-8")
        out.append(path)
    return out


def run(store: Path, cases) -> dict:
    a = Assistant(store=store)
    a.ask(cases[0].question)  # load the model outside the timings
    right, times, answers = 0, [], []
    for c in cases:
        t = time.perf_counter()
        ans = a.ask(c.question)
        times.append((time.perf_counter() - t) * 1000)
        answers.append(ans.answer)
        right += _correct(c, ans)
    stats = a.stats()
    return {"documents": stats["documents"], "copies": stats.get("copies", 0), "chunks": stats["chunks"],
            "correct": right / len(cases), "p50 ms": percentile(times, 50), "p95 ms": percentile(times, 95),
            "mean ms": sum(times) / len(times), "answers": answers}


def _correct(case, answer) -> bool:
    """Right when an answerable question's facts are all in the answer, or an unanswerable one is refused."""
    if not case.facts:
        return answer.refused
    return not answer.refused and all(any(alt in answer.answer for alt in fact) for fact in case.facts)


def measure() -> None:
    """MinHash agreement of distinct articles (sample + dev + test corpora) and of copies, to set CopyPolicy."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        a = Assistant(store=store)
        texts = {}
        for folder in (SAMPLE_DIR, ROOT / "evals" / "corpus" / "dev", ROOT / "evals" / "corpus" / "test"):
            texts.update(a.clean_texts(sorted(folder.iterdir())))
        prints = {name: fingerprint(t) for name, t in texts.items()}
        distinct = sorted(((similarity(prints[x], prints[y]), Path(x).name, Path(y).name)
                           for x, y in combinations(prints, 2)), reverse=True)
        copies_dir = Path(tmp) / "copies"
        sample = sorted(SAMPLE_DIR.glob("*.txt"))
        made = write_copies(SAMPLE_DIR, copies_dir, 25, sample)
        copy_texts = a.clean_texts(made)
        same = sorted((similarity(prints[str(sample[i % len(sample)].resolve())], fingerprint(copy_texts[str(p)])),
                       p.name) for i, p in enumerate(made))
    print(f"{len(distinct)} pairs of distinct articles, highest agreement first:")
    for s, x, y in distinct[:5]:
        print(f"  {s:.3f}  {x}  {y}")
    print(f"{len(same)} article–copy pairs, lowest agreement first:")
    for s, name in same[:5]:
        print(f"  {s:.3f}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--measure", action="store_true", help="only measure the fingerprint on real pairs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.measure:
        measure()
        return
    cases = [c for c in load_gold(BUNDLED_GOLD) if not c.history]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        Assistant(store=tmp / "plain").ingest([str(SAMPLE_DIR)])
        (tmp / "copies").mkdir()
        shutil.copy(tmp / "plain" / "embeddings.sqlite", tmp / "copies" / "embeddings.sqlite")  # no model time
        with_copies = Assistant(store=tmp / "copies")
        with_copies.ingest([str(SAMPLE_DIR)])
        files = write_copies(SAMPLE_DIR, tmp / "reposts", args.copies)
        started = time.perf_counter()
        report = with_copies.ingest([str(f) for f in files])
        ingest_s = time.perf_counter() - started
        results = {"0 copies": run(tmp / "plain", cases), f"{args.copies} copies": run(tmp / "copies", cases)}
    plain, copied = results.values()
    same = sum(x == y for x, y in zip(plain["answers"], copied["answers"]))
    out = {"questions": len(cases), "copies ingested": len(report.ingested), "copies ingest s": ingest_s,
           "copies embedded": report.embedded, "same answers": same,
           **{name: {k: v for k, v in r.items() if k != "answers"} for name, r in results.items()}}
    print(f"{len(cases)} sample gold questions; {len(report.ingested)} copies ingested in {ingest_s:.1f} s "
          f"({report.embedded} texts embedded); {same}/{len(cases)} answers identical")
    keys = ("documents", "copies", "chunks", "correct", "p50 ms", "p95 ms", "mean ms")
    print(f"{'store':<12}" + "".join(f"{k:>11}" for k in keys))
    for name, r in results.items():
        print(f"{name:<12}" + "".join(f"{r[k]:>11.3f}" if isinstance(r[k], float) else f"{r[k]:>11}" for k in keys))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
