"""Trainers' briefings on the sample corpus: every figure and quiz answer is in the sentence it cites."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from cli.brief import brief_command
from assistant.briefing.export import export, md_escape, to_html, to_markdown
from assistant.briefing.material import parse_topic
from assistant.briefing.model import BLANK, Briefing, Initiative, KeyFigure, QuizItem, SourceEntry, Statement
from assistant.briefing.quiz_text import figure_options
from assistant.briefing.word import to_docx
from assistant.figures import countable_figures, format_figure, what_it_counts
from core.names import mentions as entities
from assistant.models import Citation
from core.numbers import Figure, extract_figures, figure_in_text, same_figure

COVERED = ("新就业形态劳动者入会", "职工书屋", "产业工人队伍建设改革", "工会进园区")
UNCOVERED = ("航天发射", "乡村医生培训")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def briefings(sample_assistant) -> dict[str, Briefing]:
    return {topic: sample_assistant.brief(topic) for topic in COVERED + UNCOVERED}


def file_of(c: Citation) -> str:
    return Path(c.source).name[:3]


# ---------------------------------------------------------------- reading sentences

@pytest.mark.parametrize("clause, figure, counted", [
    ("全市建立新就业形态工会组织54家", "54家", "新就业形态工会组织"),
    ("吸纳新就业形态劳动者超8000人", "超8000人", "新就业形态劳动者"),
    ("全市职工驿站总数增至1289家", "1289家", "职工驿站总数"),
    ("近年来,全县653个职工书屋实现提质升级", "653个", "职工书屋"),
    ("我市有8个省级以上工业园区(其中3个国家级工业园区)", "8个", "省级以上工业园区"),
    ("每天就餐的快递小哥等会员保持在200人左右", "200人左右", "每天就餐的快递小哥等会员"),
    ("投入30多万元在区工人文化宫开设直播间", "30多万元", "投入"),
])
def test_what_a_figure_counts_is_read_from_its_clause(clause, figure, counted):
    start = clause.index(figure)
    assert what_it_counts(clause[:start], clause[start + len(figure):]) == counted


def test_in_a_list_of_figures_each_counts_its_own_item():
    assert what_it_counts("、货车司机之家", "", listed=True) == "货车司机之家"


def test_a_topic_keeps_the_part_jieba_splits_off():
    assert parse_topic("职工之家").terms == ("职工", "之家")
    assert parse_topic("新就業形態勞動者入會").text == "新就业形态劳动者入会"
    assert parse_topic("产业工人队伍建设改革").aliases == ("产改",)


def test_thresholds_quoted_names_and_small_chinese_numerals_are_not_key_figures():
    sentence = "实现对职工不足25人的小微企业的覆盖,采取“四个一点”的方法,联系两户企业,拿出一部分经费,慰问1888人。"
    assert [f.raw for f in countable_figures(sentence)] == ["1888人"]


def test_figures_are_written_as_news_text_writes_them():
    assert format_figure(530700, "人") == "53.07万人"
    assert format_figure(1159200, "元") == "115.92万元"
    assert format_figure(84.8, "%") == "84.8%"
    assert format_figure(8000, "人") == "8000人"


def test_distractors_share_the_unit_kind_and_never_equal_the_answer():
    answer = extract_figures("建立工会组织54家")[0]
    pool = extract_figures("新建工会组织139家、标准工会52家、工会会员17.5万人、培训98名、另有54家企业")
    options = figure_options(answer, pool)
    assert "54家" in options and len(options) == 4
    distractors = [o for o in options if o != "54家"]
    assert all(o.endswith("家") and not same_figure(o, "54家") for o in distractors)
    assert "52家" not in options  # within 15 %: too close to tell apart in a quiz


def test_scaled_variants_fill_in_when_the_corpus_has_too_few_figures_of_the_kind():
    answer = Figure(33.0, "个", "33个", 0, 3)
    options = figure_options(answer, [])
    assert len(options) == 4 and "33个" in options
    assert len(set(options)) == 4


def test_unions_are_found_even_when_jieba_splits_the_county_suffix():
    names = [name for _, name, union in entities("近年来,滨海县总工会大力推进职工书屋建设。") if union]
    assert names == ["滨海县总工会"]
    assert [n for _, n, u in entities("今年上半年已新建工会32家") if u] == []


# ---------------------------------------------------------------- briefings on the sample

def test_new_employment_figures_table_has_the_sample_figures_with_their_sources(briefings):
    b = briefings["新就业形态劳动者入会"]
    rows = {(f.figure, file_of(f.citation)): f for f in b.figures}
    for figure, article in (("54家", "000"), ("超8000人", "000"), ("53.07万人", "004"), ("33个", "004")):
        assert (figure, article) in rows, [(f.figure, file_of(f.citation)) for f in b.figures]
    assert rows["54家", "000"].organisation == "什邡市总工会"
    assert rows["54家", "000"].counts == "新就业形态工会组织"
    assert rows["54家", "000"].date == "2023-04-29"
    assert rows["53.07万人", "004"].organisation == "成都市总工会"
    assert rows["53.07万人", "004"].date == "2023-08-31"


def test_figures_of_other_subjects_in_a_relevant_sentence_are_left_out(briefings):
    # 004 says 新就业形态劳动者工会会员53.07万人 and, in the same sentence, 职工驿站总数增至1289家.
    figures = [f.figure for f in briefings["新就业形态劳动者入会"].figures]
    assert "1289家" not in figures and "523万人" not in figures


def test_reading_room_figures_come_from_the_binhai_article(briefings):
    rows = {f.figure: f for f in briefings["职工书屋"].figures}
    assert {"653个", "321个"} <= set(rows)
    assert rows["653个"].organisation == "滨海县总工会" and rows["653个"].counts == "职工书屋"
    assert file_of(rows["653个"].citation) == "002"


@pytest.mark.parametrize("topic", COVERED)
def test_every_figure_and_statement_is_a_verbatim_span_of_its_cited_document(briefings, sample_assistant, topic):
    b = briefings[topic]
    assert not b.no_material and b.overview and b.sources
    for c in b.citations:
        assert sample_assistant.document_text(c.source)[c.start:c.end] == c.quote
    for f in b.figures:
        assert f.figure in f.citation.quote and figure_in_text(f.figure, f.citation.quote)
    for ini in b.overview:
        assert ini.organisation and ini.place and ini.organisation.startswith(ini.place)
        assert all(st.text == st.citation.quote for st in ini.statements)
    for e in b.timeline:
        assert e.text in e.citation.quote
    for q in b.quiz:
        assert q.fact in q.citation.quote


@pytest.mark.parametrize("topic", UNCOVERED)
def test_a_topic_the_articles_do_not_cover_is_reported_as_such(briefings, topic):
    b = briefings[topic]
    assert b.no_material and not (b.figures or b.quiz or b.overview or b.citations)
    assert "没有找到" in b.message


def test_the_short_name_of_a_reform_counts_as_its_topic(briefings):
    statements = [st.text for ini in briefings["产业工人队伍建设改革"].overview for st in ini.statements]
    assert any("产改" in s and "产业工人队伍建设改革" not in s for s in statements)


def test_citations_are_numbered_in_order_and_every_source_is_listed_once(briefings):
    for topic in COVERED:
        b = briefings[topic]
        assert [c.n for c in b.citations] == list(range(1, len(b.citations) + 1))
        assert [s.n for s in b.sources] == list(range(1, len(b.sources) + 1))
        assert {s.source for s in b.sources} == {c.source for c in b.citations}


# ---------------------------------------------------------------- exports

def hostile_briefing() -> Briefing:
    """A briefing whose article text tries to inject markup into every format."""
    quote = "某市总工会<script>alert(1)</script>建立|工会*组织*54家。"
    c = Citation(1, "data/x.txt", "标题<b>", "2023-01-01", quote, "cid", 0, len(quote))
    st = Statement(quote, c)
    return Briefing("主题", False, (Initiative("某市总工会", "某市", "2023-01-01", (st,), "data/x.txt"),),
                    (KeyFigure("54家", 54.0, "家", "工会|组织<i>", "某市总工会", "2023-01-01", c),), (),
                    (QuizItem("fill", quote.replace("54家", BLANK), "54家", (), c, "54家"),),
                    (SourceEntry(1, "data/x.txt", "标题<b>", "2023-01-01", "某市总工会"),), (c,))


def test_html_escapes_article_text():
    page = to_html(hostile_briefing())
    assert "<script>" not in page and "&lt;script&gt;" in page and "<i>" not in page and "<b>" not in page


def test_markdown_escapes_article_text_and_keeps_the_table_intact():
    md = to_markdown(hostile_briefing())
    assert "<script>" not in md
    row = next(line for line in md.splitlines() if line.startswith("| 54家"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 6
    assert md_escape("a|b*c") == "a\\|b\\*c"


def read_docx(data: bytes) -> tuple[docx.document.Document, list[str]]:
    """The document and the texts of its Word endnotes (python-docx has no endnote API)."""
    document = docx.Document(io.BytesIO(data))
    part = document.part.part_related_by(RT.ENDNOTES)
    root = etree.fromstring(part.blob)
    notes = ["".join(t.text or "" for t in n.iter(f"{W}t")) for n in root.iter(f"{W}endnote")
             if int(n.get(f"{W}id")) > 0]
    return document, notes


def test_docx_has_the_figures_table_and_a_word_endnote_per_citation_reference(briefings):
    b = briefings["新就业形态劳动者入会"]
    document, notes = read_docx(to_docx(b))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "课程素材：新就业形态劳动者入会" in text and "参考答案" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["数字", "统计内容", "组织", "日期", "出处"]
    assert ["54家", "新就业形态工会组织", "什邡市总工会", "2023-04-29"] == [c.text for c in table.rows[1].cells][:4]
    refs = list(document.element.body.iter(f"{W}endnoteReference"))
    compared = sum(1 for r in b.comparison.rows for c in r.cells if c) if b.comparison else 0
    references = (sum(len(i.statements) for i in b.overview) + len(b.figures) + compared + len(b.timeline)
                  + len(b.quiz))
    assert len(refs) == len(notes) == references
    assert any("全市建立新就业形态工会组织54家" in n for n in notes)


def test_each_format_is_written_and_reads_back(briefings, tmp_path):
    b = briefings["职工书屋"]
    md = export(b, "md", tmp_path / "b.md").read_text(encoding="utf-8")
    assert "| 653个 | 职工书屋 | 滨海县总工会 |" in md
    assert all(f"[^{c.n}]:" in md for c in b.citations)
    page = export(b, "html", tmp_path / "b.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "653个" in page
    document, notes = read_docx(export(b, "docx", tmp_path / "b.docx").read_bytes())
    assert document.tables and len(notes) >= len(b.citations)


def test_no_material_exports_say_so_without_a_table(briefings):
    b = briefings["航天发射"]
    assert "没有找到" in to_markdown(b) and "|" not in to_markdown(b)
    assert "没有找到" in to_html(b) and "<table" not in to_html(b)
    document, notes = read_docx(to_docx(b))
    assert not document.tables and not notes


# ---------------------------------------------------------------- command

def test_brief_command_prints_markdown_with_the_figures_table(sample_store):
    result = CliRunner().invoke(brief_command, ["新就业形态劳动者入会", "--store", str(sample_store)])
    assert result.exit_code == 0, result.output
    assert "| 54家 | 新就业形态工会组织 | 什邡市总工会 | 2023-04-29 |" in result.stdout


def test_brief_command_writes_docx(sample_store, tmp_path):
    out = tmp_path / "brief.docx"
    result = CliRunner().invoke(brief_command, ["职工书屋", "--format", "docx", "--out", str(out),
                                                "--store", str(sample_store)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout and read_docx(out.read_bytes())[0].tables


def test_brief_command_on_an_uncovered_topic_says_no_material_and_fails(sample_store):
    result = CliRunner().invoke(brief_command, ["航天发射", "--store", str(sample_store)])
    assert result.exit_code != 0
    assert "没有找到" in result.stderr and "|" not in result.stdout


def test_brief_command_on_an_empty_store_gives_one_line_not_a_traceback(tmp_path):
    result = CliRunner().invoke(brief_command, ["职工书屋", "--store", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "assistant ingest" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
