"""Term statistics are kept between questions and stay right when this or another process writes."""

from __future__ import annotations

from core.documents import Chunk, Document
from vectorstore.catalog import Catalog


def doc(source: str, text: str) -> tuple[Document, list[Chunk]]:
    d = Document(source=source, text=text, content_hash=source)
    return d, [Chunk(f"{source}-0", source, text, 0, len(text), 0, d.metadata())]


def test_another_process_writing_refreshes_the_kept_statistics(tmp_path):
    path = tmp_path / "catalog.sqlite"
    server, ingest = Catalog(path), Catalog(path)  # two connections, as a serve and an ingest process hold
    ingest.commit_document(*doc("a.txt", "什邡市总工会建立新就业形态工会组织54家。"))
    assert server.count_chunks() == 1 and server.doc_freq("什邡") == 1
    ingest.commit_document(*doc("b.txt", "什邡市总工会开展送温暖活动。"))
    assert server.count_chunks() == 2 and server.doc_freq("什邡") == 2
    ingest.mark_removing("b.txt")  # no longer served: not counted
    assert server.term_stats(["什邡"]).chunks == 1


def test_own_writes_refresh_them_too(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    catalog.commit_document(*doc("a.txt", "南昌工业园区新增入会职工1200人。"))
    assert catalog.count_chunks() == 1
    catalog.remove_document("a.txt")
    assert catalog.count_chunks() == 0 and catalog.doc_freq("南昌") == 0
