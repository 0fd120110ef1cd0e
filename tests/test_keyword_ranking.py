"""The keyword ranking: FTS5's bm25() reproduced from bounded listings of each term's rows, and the keyword
rows each chunk links to so replacing a document does not scan the index."""

from __future__ import annotations

import json
import time
import sqlite3
from pathlib import Path

import numpy as np

from core.documents import Chunk, Document
from core.text import tokenize
from vectorstore.catalog import Catalog, _phrase
from vectorstore.keyword_ranking import (POSTINGS_BUDGET, Listing, QueryTerm, bm25, fts_parts, fts_stream,
                                         query_terms, top_k)

ROOT = Path(__file__).resolve().parent.parent


def test_tokens_split_and_fold_as_fts5_unicode61_does():
    assert fts_parts("84.8%") == ["84", "8"]
    assert fts_parts("AI") == ["ai"] and fts_parts("——") == []
    assert fts_stream("新就业 形态 工会 84.8% AI") == ["新就业", "形态", "工会", "84", "8", "ai"]


def test_an_fts5_table_counts_the_same_tokens():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(tokens, tokenize='unicode61')")
    text = "什邡 市 总工会 建立 了 84.8% 的 AI 驿站 ，"
    db.execute("INSERT INTO f VALUES (?)", (text,))
    db.commit()
    totals = db.execute("SELECT block FROM f_data WHERE id = 1").fetchone()[0]
    assert totals[1] == len(fts_stream(text))  # the totals record: rows, then the column's tokens


def test_rows_only_common_terms_match_are_not_read_once_the_top_k_is_certain():
    """A term holding more rows than a round lists is listed only when the rarer terms cannot fill the top k."""
    rare, common = QueryTerm("什邡", ("什邡",), 5.0, 2), QueryTerm("工会", ("工会",), 1e-6, POSTINGS_BUDGET)
    streams = {1: ("a", ["什邡", "工会"]), 2: ("b", ["什邡", "驿站"]), 3: ("c", ["工会"])}
    holding = {"什邡": [1, 2], "工会": [1, 3]}
    listed, read = [], []

    def postings(term):
        listed.append(term.token)
        return Listing(np.array(holding[term.token]))

    def rows(keys):
        read.extend(keys)
        return [(key, *streams[key]) for key in keys]

    ranked = top_k([common, rare], 2, 2.0, postings, rows)
    assert [cid for cid, _ in ranked] == ["a", "b"] and listed == ["什邡"] and sorted(read) == [1, 2]
    assert [cid for cid, _ in top_k([common, rare], 3, 2.0, postings, rows)] == ["a", "b", "c"]


def test_only_rows_whose_bound_can_beat_the_kth_score_are_read():
    """Many rows hold one rare term; the row holding both is read first and the others never need to be."""
    a, b = QueryTerm("驿站", ("驿站",), 4.0, 1), QueryTerm("书屋", ("书屋",), 3.0, 50)
    streams = {0: ("both", ["驿站", "书屋"]), **{i: (f"r{i}", ["书屋", "职工"]) for i in range(1, 50)}}
    holding = {"驿站": [0], "书屋": list(range(50))}
    read = []

    def rows(keys):
        read.extend(keys)
        return [(key, *streams[key]) for key in keys]

    ranked = top_k([a, b], 1, 2.0, lambda t: Listing(np.array(holding[t.token])), rows)
    assert [cid for cid, _ in ranked] == ["both"]
    assert 0 in read and len(read) <= 64  # one batch, not all 50 rows' texts beyond it


def test_keyword_search_ranks_exactly_as_fts5_bm25_on_the_sample(sample_store):
    catalog = Catalog(sample_store / "catalog.sqlite")
    assert catalog._split_rows  # a store made today: rows are FTS5 token streams, split on spaces
    rows = catalog._keyword_totals()[0]
    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "gold.jsonl").read_text().splitlines()
                 if line.strip()]
    assert len(questions) > 20
    for q in questions:
        terms = query_terms(tokenize(q), catalog.doc_freq, rows)
        if terms:
            ours = catalog.keyword_search(q, 60)
            theirs = [(cid, float(score)) for cid, score in catalog._db.execute(
                "SELECT id, -bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? "
                "ORDER BY score DESC LIMIT 60", (" OR ".join(_phrase(t.token) for t in terms),))]
            assert [c for c, _ in ours] == [c for c, _ in theirs], q
            assert all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(ours, theirs)), q


def _doc(source: str, text: str) -> tuple[Document, list[Chunk]]:
    doc = Document(source=source, text=text, content_hash=source)
    return doc, [Chunk(f"{source}#0", source, text, 0, len(text), 0, doc.metadata())]


def test_a_store_made_before_chunks_knew_their_keyword_row_is_linked_and_replaces_only_its_own(tmp_path):
    path = tmp_path / "catalog.sqlite"
    old = sqlite3.connect(path)  # what an older catalog holds: keyword rows found by id only
    old.executescript("""
        CREATE TABLE chunks (id TEXT PRIMARY KEY, source TEXT, idx INTEGER, start INTEGER, "end" INTEGER, text TEXT);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(tokens, id UNINDEXED, tokenize='unicode61');
        INSERT INTO chunks VALUES ('甲#0', '甲', 0, 0, 4, '职工书屋'), ('乙#0', '乙', 0, 0, 4, '爱心驿站');
        INSERT INTO chunks_fts (rowid, tokens, id) VALUES (7, '爱心 驿站', '乙#0'), (9, '职工 书屋', '甲#0');
    """)
    old.commit()
    old.close()
    catalog = Catalog(path)
    linked = dict(catalog._db.execute("SELECT id, fts_rowid FROM chunks"))
    assert linked == {"甲#0": 9, "乙#0": 7}
    assert not catalog._split_rows  # its rows are jieba tokens as they came: read with FTS5's tokenizer rules
    assert [cid for cid, _ in catalog.keyword_search("爱心驿站", 5)] == ["乙#0"]
    catalog.commit_document(*_doc("甲", "职工之家"))
    ids = {r[0] for r in catalog._db.execute("SELECT id FROM chunks_fts")}
    tokens = catalog._db.execute("SELECT tokens FROM chunks_fts WHERE id = '甲#0'").fetchone()[0]
    assert ids == {"甲#0", "乙#0"} and "职工" in tokens and "书屋" not in tokens
    catalog.remove_document("甲")
    assert [r[0] for r in catalog._db.execute("SELECT id FROM chunks_fts")] == ["乙#0"]


def test_chunks_of_a_document_being_rewritten_or_removed_are_not_found(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for source in ("甲", "乙", "丙"):
        catalog.commit_document(*_doc(source, f"{source}市总工会建设职工之家"))
    catalog.mark_pending([_doc("乙", "")[0]])
    catalog.mark_removing("丙")
    for question in ("职工之家", "甲市总工会", "乙市总工会"):  # rare terms (listed) and common ones (FTS5)
        assert {cid for cid, _ in catalog.keyword_search(question, 10)} <= {"甲#0"}, question
    assert set(catalog.chunks(["甲#0", "乙#0", "丙#0"])) == {"甲#0"}
    catalog.commit_document(*_doc("乙", "乙市总工会建设职工之家"))
    assert "乙#0" in {cid for cid, _ in catalog.keyword_search("乙市总工会", 10)}


def test_with_frequencies_from_the_index_only_the_top_rows_are_read():
    """SQLite's index gives each listed row's term frequency and length: bounds are exact, so of 500 rows
    holding the terms only the first batch's texts are read, and the ranking is bm25's."""
    a, b = QueryTerm("驿站", ("驿站",), 2.0, 500), QueryTerm("书屋", ("书屋",), 1.5, 250)
    streams = {i: ["驿站"] * (1 + i % 3) + ["书屋"] * (i % 2) + ["职工"] * (i % 7) for i in range(500)}
    read = []

    def postings(term):
        keys = [i for i, s in streams.items() if term.token in s]
        return Listing(np.array(keys), np.array([streams[i].count(term.token) for i in keys]),
                       np.array([len(streams[i]) for i in keys]))

    def rows(keys):
        read.extend(keys)
        return [(key, f"c{key}", streams[key]) for key in keys]

    avgdl = sum(map(len, streams.values())) / len(streams)
    ranked = top_k([a, b], 5, avgdl, postings, rows, budget=None)
    assert len(read) <= 64
    best = sorted(streams, key=lambda i: (-bm25(streams[i], [b, a], avgdl), i))[:5]
    assert [cid for cid, _ in ranked] == [f"c{i}" for i in best]


def test_listings_from_the_index_give_each_rows_frequency_and_length_and_follow_writes(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.commit_document(*_doc("甲", "职工书屋 职工书屋 建设"))
    catalog.commit_document(*_doc("乙", "职工之家 建设 职工书屋"))
    streams = {cid: text.split(" ") for _, cid, text in catalog._db.execute("SELECT rowid, id, tokens FROM chunks_fts")}
    rowid = {cid: r for r, cid in catalog._db.execute("SELECT rowid, id FROM chunks_fts")}
    term = fts_parts("书屋")[0]
    catalog.keyword_search("书屋", 5)  # fills the listing cache
    listing = catalog._postings.listing(term)
    got = {int(k): (int(tf), int(dl)) for k, tf, dl in zip(listing.keys, listing.tf, listing.dl)}
    assert len(got) == 2 and got == {rowid[c]: (s.count(term), len(s)) for c, s in streams.items() if term in s}
    catalog.commit_document(*_doc("丙", "书屋"))  # a write: the cached listing is dropped
    assert "丙#0" in {cid for cid, _ in catalog.keyword_search("书屋", 5)}


def test_warming_lists_the_most_frequent_terms_ahead_and_again_once_the_store_is_quiet(tmp_path, monkeypatch):
    from vectorstore import fts5_postings

    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.commit_document(*_doc("甲", "职工书屋 职工书屋 建设"))
    catalog.commit_document(*_doc("乙", "职工之家 建设 职工书屋"))
    cold = catalog.keyword_search("职工书屋建设", 5)
    postings = catalog._postings
    postings.forget()
    counts = dict(catalog._db.execute(f"SELECT term, doc FROM {fts5_postings.TERMS}"))
    common = max(counts, key=counts.get)
    assert postings.warm(rows=counts[common], background=False) == counts[common]  # the most frequent first
    assert set(postings._cache) == {common}
    assert catalog.warm_keyword_listings(background=False) == sum(counts.values())  # all fit the default budget
    assert set(postings._cache) == set(counts)
    assert catalog.keyword_search("职工书屋建设", 5) == cold  # the same ranking from warmed listings

    monkeypatch.setattr(fts5_postings, "REWARM_AFTER_S", 0.05)
    catalog.commit_document(*_doc("丙", "书屋"))  # a write drops the listings, then they are warmed again
    assert not postings._cache
    deadline = time.monotonic() + 10
    while postings._warmer is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    counts = dict(catalog._db.execute(f"SELECT term, doc FROM {fts5_postings.TERMS}"))
    assert postings._warmer is None and set(postings._cache) == set(counts)
    assert "丙#0" in {cid for cid, _ in catalog.keyword_search("书屋", 5)}


def test_listings_warmed_before_the_first_question_are_kept_by_it(tmp_path):
    path = tmp_path / "catalog.sqlite"
    writer = Catalog(path)
    writer.commit_document(*_doc("甲", "职工书屋 职工书屋 建设"))
    writer.commit_document(*_doc("乙", "职工之家 建设 职工书屋"))
    catalog = Catalog(path)  # as `assistant serve` opens it: warmed at start, before any question
    warmed = catalog.warm_keyword_listings(background=False)
    assert warmed and catalog._postings._cached_rows == warmed
    assert catalog._postings._lengths is not None  # read by the warming, not by the first question
    assert catalog.keyword_search("职工书屋建设", 5) == writer.keyword_search("职工书屋建设", 5)
    assert catalog._postings._cached_rows == warmed
