"""`assistant doctor [--repair]`: Chroma, catalog, keyword index and embedding cache checked against each
other on a real store, with the damage an interrupted remove or a lost write leaves."""

from __future__ import annotations

import subprocess
import sys

from pathlib import Path

from assistant import Assistant

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"

SHIFANG = "什邡市总工会建了多少家新就业形态工会？"


def kinds(problems):
    return sorted({p.kind for p in problems})


def test_doctor_finds_and_repairs_each_kind_of_damage(warm_store):
    a = Assistant(store=warm_store)
    a.ingest([str(SAMPLE)])
    assert a.check_store() == []
    docs = [d.source for d in a.documents()]
    killed, damaged = docs[-1], next(d for d in docs if "000_" in d)
    store = a.store
    # a kill during remove: marked, vectors gone, rows still there
    store.catalog.mark_removing(killed)
    store.collection.delete(ids=sorted(store._chroma_ids([killed])))
    # lost vectors of a ready document, a stray vector, lost keyword rows
    lost = sorted(store._chroma_ids([damaged]))[:2]
    store.collection.delete(ids=lost)
    store.collection.upsert(ids=["stray"], embeddings=[[0.1] * 384], documents=["x"], metadatas=[{"source": "/gone.txt"}])
    store.catalog._db.execute("DELETE FROM chunks_fts WHERE id = ?", (lost[0],))
    store.catalog._db.commit()

    found = a.check_store()
    assert kinds(found) == ["interrupted", "keyword-index", "missing-vectors", "orphan-vectors"]
    assert all(not p.repaired for p in found) and any(killed in p.message and "中断" in p.message for p in found)
    assert kinds(a.check_store(repair=True)) == kinds(found)
    assert a.check_store() == []
    assert killed not in [d.source for d in a.documents()]
    assert "54家" in a.ask(SHIFANG).answer  # the re-written vectors and keywords serve again


def test_doctor_cli_exits_1_on_problems_and_0_once_repaired(warm_store):
    a = Assistant(store=warm_store)
    a.ingest([str(SAMPLE / "000_e5d006b3dd77aca2.txt")])
    a.store.catalog.mark_removing(a.documents()[0].source)

    def doctor(*flags):
        return subprocess.run([sys.executable, "-m", "assistant", "doctor", "--store", str(warm_store), *flags],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)

    first = doctor()
    assert first.returncode == 1 and "中断" in first.stdout and "Traceback" not in first.stderr
    assert doctor("--repair").returncode == 0
    clean = doctor()
    assert clean.returncode == 0 and "没有发现问题" in clean.stdout
