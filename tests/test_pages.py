"""Where a quote sits: the page of a paged document, the table of a quoted row; shown with the citation."""

from __future__ import annotations

from assistant import Answer, Citation
from assistant.article import Article
from assistant.ingestion import page_starts
from core.documents import PAGE_BREAK, page_at
from ingest.clean import clean_lines
from tests.printing import print_pdf
from ui import render

P = PAGE_BREAK
PAGE_ONE = ("本报讯 3月20日，邢台市总工会召开全市职工之家建设推进会，部署全年工作。"
            "会议要求各县区工会对照标准逐项落实，确保建设质量。")
PAGE_TWO = "邢台市总工会下达2025年度职工之家建设补助资金186万元，支持48家基层工会建设职工之家。"


def test_page_breaks_survive_cleaning_and_become_page_starts():
    fixed = f"首页新闻\n本报讯 第一页的正文。\n{P}第二页，发放慰问{P}金186万元。\n{P}\n{P}第五页的正文。"
    text, pages = page_starts(clean_lines(fixed))
    assert P not in text and "发放慰问金186万元。" in text  # a page that cut a word leaves no trace in it
    assert len(pages) == 5 and pages[0] == 0
    assert page_at(pages, text.index("第一页")) == 1
    assert page_at(pages, text.index("发放")) == 2 and page_at(pages, text.index("金186")) == 3
    assert page_at(pages, text.index("第五页")) == 5  # the blank fourth page still counts


def test_a_blank_first_page_still_counts_and_an_unpaged_text_has_no_pages():
    text, pages = page_starts(clean_lines(f"{P}封面之后的正文。"))
    assert page_at(pages, text.index("封面")) == 2
    assert page_starts(clean_lines("没有分页的正文。")) == ("没有分页的正文。", ())
    assert page_at((), 10) is None


TABLE = "标题\n表1 各县签订情况\n长葛市：签订份数52份。\n禹州市：签订份数40份。\n\n记者：张三\n正文写到这里。"


def test_a_quoted_row_names_its_table_and_a_byline_is_no_table():
    a = Article(TABLE, "", "")
    assert a.table_of(TABLE.index("禹州市")) == "表1 各县签订情况"
    assert a.table_of(TABLE.index("记者")) == "" and a.table_of(TABLE.index("正文")) == ""
    assert Article("长葛市：52份。\n禹州市：40份。", "", "").table_of(0) == "表格"


def test_the_citation_card_and_the_text_output_show_page_and_table():
    c = Citation(1, "/srv/a.pdf", "标题", "2024-01-02", "禹州市：签订份数40份。", "c", 0, 10, page=3, table="表1 各县签订情况")
    card = render.citation_card(c, 0)
    assert '<span class="src-where">第 3 页</span>' in card and "表格：表1 各县签订情况" in card
    text = Answer(question="q", answer="禹州市：签订份数40份。[1]", refused=False, citations=[c]).to_text()
    assert "(2024-01-02，第 3 页，表1 各县签订情况)" in text


def test_a_citation_of_a_printed_two_page_pdf_names_the_page_of_its_quote(tmp_path, warm_store):
    from assistant import Assistant

    body = (f"<h1>邢台市总工会推进职工之家建设</h1><p>{PAGE_ONE}</p>"
            f'<div style="break-before: page"><p>{PAGE_TWO}</p></div>')
    pdf = print_pdf(body, tmp_path / "邢台职工之家.pdf")
    a = Assistant(store=warm_store)
    assert a.ingest([pdf]).ingested
    answer = a.ask("邢台市总工会下达职工之家建设补助资金多少万元？")
    assert not answer.refused and "186万元" in answer.answer, answer.refusal_reason
    assert answer.citations[0].page == 2 and answer.to_json()["citations"][0]["page"] == 2
    assert answer.citations[0].title == "邢台市总工会推进职工之家建设"  # not the "….html" a browser's print names
    assert "\f" not in a.document_text(str(pdf)) and "第 2 页" in answer.to_text()
    stored = a.store.collection.get(where={"source": str(pdf)}, include=["metadatas"])["metadatas"]
    assert stored and all(m["page"] == page_at(a.store.catalog.document_pages(str(pdf)), m["start"]) for m in stored)
