"""Knowledge bases: named collections of one store, chosen per question, pushed into both indexes."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import chromadb
import pytest

from assistant import Assistant, ConfigError, Filters, kb_names
from core.copies import Member, plan_roles
from tests.conftest import SAMPLE
from vectorstore.scope import UNDATED, Scope, day_bounds, vector_fields

SHIFANG = "什邡市总工会建了多少家新就业形态工会？"


def _file(text: str) -> str:
    return next(p.name for p in sorted(SAMPLE.iterdir()) if text in p.read_text(encoding="utf-8", errors="replace"))


# -- pure: names, date bounds, the two renderings of a scope --
def test_names_are_split_on_either_comma_and_the_enumeration_comma():
    assert kb_names("2023年新闻，培训资料、默认, 培训资料") == ("2023年新闻", "培训资料", "默认")
    assert kb_names("") == kb_names(None) == ()


@pytest.mark.parametrize("bad", ["新闻/2023", "a\nb", "长" * 41])
def test_a_name_with_a_slash_a_newline_or_too_long_is_refused_in_chinese(bad):
    with pytest.raises(ConfigError, match="知识库名称"):
        kb_names(bad)


def test_a_date_of_any_precision_is_the_interval_of_days_it_may_mean():
    assert day_bounds("2023") == (20230000, 20239999)
    assert day_bounds("2023-05") == (20230500, 20230599)
    assert day_bounds("2023-05-10") == (20230510, 20230510)
    assert day_bounds("") == day_bounds("五月") == UNDATED
    assert vector_fields("培训资料", "2016-05") == {"kb": "培训资料", "day_lo": 20160500, "day_hi": 20160599}


def test_an_empty_scope_adds_no_condition_and_a_kb_scope_one():
    assert not Scope().active and Scope().sql() == ("", []) and Scope().chroma_where() is None
    assert Scope(kbs=("培训资料",)).sql("d") == (" AND d.kb IN (?)", ["培训资料"])
    assert Scope(kbs=("培训资料",)).chroma_where() == {"kb": {"$in": ["培训资料"]}}


DATES = ["2016", "2016-05", "2016-05-18", "2016-06-01", "2015-12-31", "2017-01", ""]
RANGES = [("2016-05-10", ""), ("", "2016-05"), ("2016", "2016"), ("2016-05-19", "2016-12"), ("2015", "2015-12-30"),
          ("2017-01-05", "")]


def test_the_catalog_and_chroma_let_through_the_same_dates(tmp_path):
    """The keyword side filters in SQL, the dense side on day intervals in Chroma: they must agree."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE documents (source TEXT, date TEXT, kb TEXT)")
    db.executemany("INSERT INTO documents VALUES (?, ?, '默认')", [(f"d{i}", d) for i, d in enumerate(DATES)])
    collection = chromadb.PersistentClient(str(tmp_path)).create_collection("dates")
    collection.add(ids=[f"d{i}" for i in range(len(DATES))], embeddings=[[1.0, 0.0]] * len(DATES),
                   metadatas=[{"source": f"d{i}", **vector_fields("默认", d)} for i, d in enumerate(DATES)])
    for date_from, date_to in RANGES:
        scope = Scope(date_from=date_from, date_to=date_to)
        where, params = scope.sql("documents")
        by_sql = {r[0] for r in db.execute(f"SELECT source FROM documents WHERE 1 = 1{where}", params)}
        by_chroma = set(collection.get(where=scope.chroma_where(), include=[])["ids"])
        assert by_sql == by_chroma, (date_from, date_to)
    assert {r[0] for r in db.execute("SELECT source FROM documents WHERE 1 = 1" + Scope(date_from="2016-05-10").sql(
        "documents")[0], ["2016-05-10"])} == {"d0", "d1", "d2", "d3", "d5"}  # 2016 and 2016-05 may be after the 10th


def test_the_same_article_in_two_knowledge_bases_is_not_a_copy_of_itself():
    from core.fingerprint import fingerprint

    text = (SAMPLE / _file("什邡")).read_text(encoding="utf-8")
    f = fingerprint(text)
    same_kb = plan_roles([Member("a", f, "2023"), Member("b", f, "2023")], [])
    two_kbs = plan_roles([Member("a", f, "2023"), Member("b", f, "2023", kb="培训资料")], [])
    assert same_kb == {"a": "", "b": "a"}
    assert two_kbs == {"a": "", "b": ""}


# -- a real store with two knowledge bases --
@pytest.fixture
def two_kbs(tmp_path, warm_store):
    news, training = tmp_path / "news", tmp_path / "training"
    news.mkdir(), training.mkdir()
    shutil.copy(SAMPLE / _file("什邡"), news)
    nanchang = Path(shutil.copy(SAMPLE / _file("南昌"), training)).resolve()
    a = Assistant(store=warm_store)
    a.ingest([news], kb="2023年新闻")
    a.ingest([training], kb="培训资料")
    return a, nanchang


def test_answers_cite_only_the_chosen_knowledge_bases(two_kbs):
    a, _ = two_kbs
    assert [(k.name, k.documents) for k in a.knowledge_bases()] == [("2023年新闻", 1), ("培训资料", 1)]
    found = a.ask(SHIFANG, filters=Filters(kbs=("2023年新闻",)))
    assert not found.refused and "54" in found.answer
    assert {a.document(c.source).kb for c in found.citations} == {"2023年新闻"}
    hidden = a.ask(SHIFANG, filters=Filters(kbs=("培训资料",)))
    assert hidden.refused and "知识库 培训资料" in hidden.refusal_reason  # says the choice may hide it
    passages = a.retrieve("新就业形态工会", k=10, filters=Filters(kbs=("培训资料",)))
    assert passages and {a.document(p.source).kb for p in passages} == {"培训资料"}


def test_the_kb_setting_scopes_questions_and_an_unknown_name_is_one_message(two_kbs, monkeypatch):
    a, _ = two_kbs
    monkeypatch.setenv("ASSISTANT_KB", "培训资料")
    scoped = Assistant(store=a.settings.store)
    assert scoped.ask(SHIFANG).refused
    assert [d.kb for d in scoped.documents()] == ["培训资料"] and len(scoped.documents(())) == 2
    with pytest.raises(ConfigError, match="没有名为「不存在」的知识库.*2023年新闻、培训资料"):
        a.ask(SHIFANG, filters=Filters(kbs=("不存在",)))
    with pytest.raises(ConfigError, match="一次只能导入到一个知识库"):
        a.ingest([SAMPLE], kb="甲,乙")


def test_ingesting_a_stored_file_into_another_knowledge_base_moves_it(two_kbs):
    a, nanchang = two_kbs
    report = a.ingest([nanchang], kb="2023年新闻")
    assert len(report.ingested) == 1 and not report.unchanged
    assert [(k.name, k.documents) for k in a.knowledge_bases()] == [("2023年新闻", 2)]
    assert a.stats()["knowledge_bases"] == {"2023年新闻": 2}
    assert a.retrieve("南昌 进园区", k=5, filters=Filters(kbs=("2023年新闻",)))
    assert a.ingest([nanchang], kb="2023年新闻").unchanged  # and staying put is unchanged


def test_a_store_made_before_knowledge_bases_is_searched_and_then_upgraded(two_kbs):
    a, nanchang = two_kbs
    store = a.store
    # What an old store looks like to a scoped search: vectors whose kb field says otherwise than the catalog.
    store.catalog.set_setting("vector_metadata", "1")
    with store.catalog._db:
        store.catalog._db.execute("UPDATE documents SET kb = '旧库' WHERE source = ?", (str(nanchang),))
    scope = store.scope(kbs=("旧库",))
    assert store.dense_search("南昌", 5, scope), "falls back to naming the documents"
    assert store.upgrade_metadata() == 2 and store.metadata_current
    hits = store.collection.get(where=scope.chroma_where(), include=["metadatas"])
    assert hits["ids"] and {m["kb"] for m in hits["metadatas"]} == {"旧库"}
    assert all("start" in m and "source" in m for m in hits["metadatas"])  # merged, not replaced


def test_the_cli_takes_kb_on_ingest_and_lists_knowledge_bases(tmp_path, warm_store):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE / _file("什邡"), src)
    run = lambda *args: subprocess.run([sys.executable, "-m", "assistant", *args, "--store", str(warm_store)],  # noqa: E731
                                       capture_output=True, text=True, timeout=300)
    assert run("ingest", str(src), "--kb", "培训资料", "--quiet").returncode == 0
    listed = run("kb", "list", "--json")
    assert json.loads(listed.stdout) == [{"name": "培训资料", "documents": 1, "chunks": json.loads(listed.stdout)[0]["chunks"]}]
    wrong = run("ask", SHIFANG, "--kb", "新闻")
    assert wrong.returncode == 2 and "没有名为「新闻」的知识库" in wrong.stderr and "Traceback" not in wrong.stderr
    assert "54" in run("ask", SHIFANG, "--kb", "培训资料").stdout
