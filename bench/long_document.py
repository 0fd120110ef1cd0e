"""Long-document benchmark: what one very long stored document costs every question, read in windows
(the default) against read whole (the old way), side by side on the same store.

The store holds the sample plus one archive file of about 1.5 million characters recombined from the
sample's own paragraphs (a merged yearbook as an office would export it). Embedding its ~40,000 sentences
and chunks would take hours on 2 cores, so its vectors are pre-filled honestly: each sentence the sample
ingest already embedded is reused, a text's vector is the normalised mean of its sentences' vectors, and
a sentence not seen before is embedded by the real model. The question embedding is the real model's.

Run: .venv/bin/python bench/long_document.py [--chars 1500000] [--questions 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import SAMPLE_DIR, Assistant, ReadWindow  # noqa: E402
from bench.common import percentile  # noqa: E402
from evals.schema import BUNDLED_GOLD, load_gold  # noqa: E402
from vectorstore.embedders import EmbeddingCache  # noqa: E402

WHOLE = ReadWindow(whole_chars=10**12)  # every document read whole: the behaviour before windows
SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")


class SentenceMeanEmbedder:
    """Pre-fills vectors for recombined text: the normalised mean of its sentences' vectors."""

    def __init__(self, real, cache: EmbeddingCache) -> None:
        self.real, self.cache = real, cache
        self.name, self.dim = real.name, real.dim
        self.embedded = 0

    def _sentence_vectors(self, sentences: list[str]) -> dict[str, np.ndarray]:
        found = self.cache.get_many(self.name, [EmbeddingCache.key(s) for s in sentences])
        out = {s: found[EmbeddingCache.key(s)] for s in sentences if EmbeddingCache.key(s) in found}
        new = sorted(set(sentences) - set(out))
        for i in range(0, len(new), 16):
            batch = new[i:i + 16]
            vectors = self.real.embed_passages(batch)
            self.cache.put_many(self.name, {EmbeddingCache.key(s): v for s, v in zip(batch, vectors)})
            out.update(zip(batch, vectors))
            self.embedded += len(batch)
        return out

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        parts = [[m[0].strip() for m in SENTENCE.finditer(text) if m[0].strip()] or [text] for text in texts]
        known = self._sentence_vectors([s for p in parts for s in p])
        means = [np.mean([known[s] for s in p], axis=0) for p in parts]
        return np.stack([m / (np.linalg.norm(m) or 1.0) for m in means]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.real.embed_query(text)


def archive_text(assistant: Assistant, chars: int, seed: int = 7) -> str:
    """The sample's cleaned paragraphs, shuffled into one long file of about `chars` characters."""
    paragraphs = [p for d in assistant.documents() for p in (assistant.document_text(d.source) or "").split("\n")
                  if len(p.strip()) >= 20]
    rng, out, size = random.Random(seed), ["2024年工会工作资料汇编"], 0
    while size < chars:
        rng.shuffle(paragraphs)
        out += paragraphs
        size += sum(len(p) + 1 for p in paragraphs)
    return "\n".join(out)


def run(store: Path, window: ReadWindow, questions: list[str]) -> dict:
    assistant = Assistant(store=store, window=window)  # cold: the first question reads what it needs afresh
    started = time.perf_counter()
    first = assistant.ask(questions[0])
    cold = (time.perf_counter() - started) * 1000
    answers, times = [first.answer], []
    for q in questions[1:]:
        t = time.perf_counter()
        answers.append(assistant.ask(q).answer)
        times.append((time.perf_counter() - t) * 1000)
    return {"first answer ms": cold, "answer p50 ms": percentile(times, 50), "answer p95 ms": percentile(times, 95),
            "answers": answers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_500_000)
    parser.add_argument("--questions", type=int, default=50, help="the sample gold set's first N questions")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    questions = [c.question for c in load_gold(BUNDLED_GOLD) if not c.history][: args.questions]
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        base = Assistant(store=store)
        base.ingest([str(SAMPLE_DIR)])
        archive = Path(tmp) / "工会资料汇编.txt"
        text = archive_text(base, args.chars)
        archive.write_text(text, encoding="utf-8")
        cached = base.store.embedder
        cached.inner = prefill = SentenceMeanEmbedder(cached.inner, cached.cache)
        started = time.perf_counter()
        report = base.ingest([str(archive)])
        ingest_s = time.perf_counter() - started
        assert report.ingested, [str(e) for e in report.rejected]
        base.ask(questions[0])  # load the model once before timing either side
        results = {"windowed": run(store, ReadWindow(), questions), "whole": run(store, WHOLE, questions)}
    same = sum(a == b for a, b in zip(results["windowed"]["answers"], results["whole"]["answers"]))
    out = {
        "archive chars": len(text),
        "archive chunks": report.chunks, "ingest s": round(ingest_s, 1), "sentences embedded": prefill.embedded,
        "questions": len(questions), "same answers": same,
        **{f"{side} {k}": round(v, 1) for side, r in results.items() for k, v in r.items() if k != "answers"},
    }
    out["ratio p50 (whole / windowed)"] = round(out["whole answer p50 ms"] / out["windowed answer p50 ms"], 1)
    out["ratio first answer"] = round(out["whole first answer ms"] / out["windowed first answer ms"], 1)
    print("\n".join(f"{k:32} {v}" for k, v in out.items()))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
