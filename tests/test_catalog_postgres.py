"""The PostgreSQL catalog ranks keyword searches as the SQLite one does, with and without scopes, on a real
PostgreSQL server (tests/postgres.py) holding the sample's chunks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.documents import Chunk, Document
from vectorstore.catalog import Catalog
from vectorstore.catalog_postgres import PostgresCatalog
from vectorstore.scope import Scope
from tests.postgres import new_database

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent
SCOPES = [Scope(), Scope(kbs=("培训资料",)), Scope(date_from="2016", date_to="2022-12"), Scope(date_from="2023-05")]


@pytest.fixture(scope="module")
def both(postgres, sample_store, tmp_path_factory):
    """Copies of the sample's catalog in SQLite and in PostgreSQL, the 2016 article moved to 培训资料."""
    path = tmp_path_factory.mktemp("catalogs") / "catalog.sqlite"
    with sqlite3.connect(sample_store / "catalog.sqlite") as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    sqlite = Catalog(path)
    with sqlite._db:
        sqlite._db.execute("UPDATE documents SET kb = '培训资料' WHERE date LIKE '2016%'")
    pg = PostgresCatalog(new_database(postgres))
    for row in sqlite.documents():
        doc = Document(source=row.source, text=sqlite.document_text(row.source), content_hash=row.content_hash,
                       title=row.title, date=row.date, kb=row.kb)
        stored = sorted(sqlite.chunks(sorted(sqlite.chunk_ids(row.source))).values(), key=lambda c: c.index)
        pg.commit_document(doc, [Chunk(c.id, c.source, c.text, c.start, c.end, c.index, doc.metadata())
                                 for c in stored])
    yield sqlite, pg
    pg.close()


def test_postgres_ranks_every_gold_question_as_sqlite_within_each_scope(both):
    sqlite, pg = both
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for scope in SCOPES:
        for q in questions:
            ours, theirs = pg.keyword_search(q, 30, scope), sqlite.keyword_search(q, 30, scope)
            assert [c for c, _ in ours] == [c for c, _ in theirs], (q, scope)
            assert all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(ours, theirs)), (q, scope)
    assert pg.has_documents(("培训资料",)) and not pg.has_documents(("没有",))
    assert pg.knowledge_bases() == sqlite.knowledge_bases()


def test_both_catalogs_give_the_indexed_token_streams_and_the_documents_naming_a_place(both):
    sqlite, pg = both
    sources = [row.source for row in sqlite.documents()]
    ids = sorted(sqlite.chunk_ids(sources[0]))
    streams = sqlite.token_streams(ids)
    assert set(streams) == set(ids) and pg.token_streams(ids) == streams
    shifang = next(s for s in sources if Path(s).name.startswith("000_"))
    stream = sqlite.token_streams(sorted(sqlite.chunk_ids(shifang)))
    assert any("什邡" in tokens for tokens in stream.values())  # jieba's tokens, as the index holds them
    for catalog in (sqlite, pg):
        assert catalog.sources_naming(sources, ["什邡"]) == {shifang}
        assert catalog.sources_naming(sources, ["什邡", "南昌"]) == set()
        assert catalog.sources_naming(sources, ["50%_"]) == set()  # LIKE's wildcards are matched as text
        assert catalog.sources_naming(sources, []) == set(sources)
