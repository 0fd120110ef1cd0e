"""Course material a trainer can teach from, on the sample and on development articles: a timeline of the
text's own event dates, clean verified quizzes, comparison tables, slides, exports without server paths
and teacher's notes."""

from __future__ import annotations

import io
import math
import re
import subprocess
from pathlib import Path

import docx
import jieba
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pypdf import PdfReader

from assistant import Assistant, render_briefing
from assistant.briefing.material import Citer, figure_hits, parse_topic, relevant_sentences
from assistant.briefing.model import (BLANK, FALSE, NOT_MENTIONED, TRUE, Briefing, Comparison, ComparisonCell,
                                     ComparisonRow, SourceEntry)
from assistant.briefing.quiz import build_quiz
from assistant.briefing.slides import QUIZ_PER_SLIDE, SOURCES_PER_SLIDE, TIMELINE_PER_SLIDE
from assistant.models import Answer, Citation
from cli.brief import brief_command
from core.dates import event_dates
from core.numbers import extract_figures, figure_in_text, same_figure

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "evals" / "corpus" / "dev"
DEV_FILES = ("dev2_02_xuchang_jiti_xieshang_2023.docx", "dev1_09_shuwu_zigui.html", "dev1_11_shuwu_anji_jianxun.txt",
             "dev1_04_jineng_foshan.pdf", "dev2_10_luoyang_jineng_peixun_2024.html")
SAMPLE_TOPICS = ("新就业形态劳动者入会", "职工书屋", "产业工人队伍建设改革", "工会进园区")
DEV_TOPICS = ("工资集体协商", "职工书屋", "技能培训")
CONTEXT = re.compile(r"^（[^）]*）")  # the "whose report" prefix a stem may carry


@pytest.fixture(scope="module")
def dev_assistant(tmp_path_factory) -> Assistant:
    """Five development articles (docx, html, txt, pdf) in a real store, never tuned on the sample."""
    a = Assistant(store=tmp_path_factory.mktemp("dev-brief-store"))
    report = a.ingest([str(DEV / name) for name in DEV_FILES])
    assert len(report.ingested) == len(DEV_FILES), report.rejected
    return a


@pytest.fixture(scope="module")
def material(sample_assistant, dev_assistant) -> dict[tuple[str, str], Briefing]:
    out = {("sample", t): sample_assistant.brief(t) for t in SAMPLE_TOPICS}
    out.update({("dev", t): dev_assistant.brief(t) for t in DEV_TOPICS})
    return out


def restored(q) -> str:
    """The quiz item's text as its sentence reads: context dropped, the blank filled with the answer."""
    text = CONTEXT.sub("", q.stem)
    return text.replace(BLANK, q.answer) if q.kind != "judge" else text


# ---------------------------------------------------------------- timeline

def test_the_timeline_holds_the_event_dates_the_text_writes(material):
    labels = {e.label for e in material["dev", "工资集体协商"].timeline if not e.published}
    # 许昌 (2023-11-29): 今年3月至10月…, 截至10月底…, 11月28日, 记者…获悉
    assert {"2023年3月", "2023年10月", "2023年11月28日"} <= labels, labels
    anji = [e for e in material["dev", "职工书屋"].timeline if "安吉" in e.organisation]
    assert any(e.label == "2025年4月25日" and not e.resolution for e in anji)


@pytest.mark.parametrize("key", [("sample", t) for t in SAMPLE_TOPICS] + [("dev", t) for t in DEV_TOPICS])
def test_every_timeline_entry_is_dated_by_its_sentence_or_labelled_as_publication(material, key):
    b = material[key]
    assert b.timeline, key
    assert [e.date for e in b.timeline] == sorted(e.date for e in b.timeline)
    for e in b.timeline:
        assert e.text in e.citation.quote
        if e.published:
            assert "发稿日期" in e.shown_date and e.label == e.citation.date
        else:
            found = {d.label: d for d in event_dates(e.citation.quote, e.citation.date)}
            assert e.label in found, (e.label, e.citation.quote)
            assert found[e.label].raw in e.citation.quote
            assert bool(e.resolution) == found[e.label].relative


def test_a_relative_date_is_shown_with_its_resolution(material):
    relative = [e for e in material["dev", "工资集体协商"].timeline if e.resolution]
    assert relative and all("按发稿日期2023-11-29推算" in e.resolution for e in relative)
    md = render_briefing(material["dev", "工资集体协商"], "md").decode()
    assert "推算为2023年3月" in md


# ---------------------------------------------------------------- quiz

@pytest.mark.parametrize("key", [("sample", t) for t in SAMPLE_TOPICS] + [("dev", t) for t in DEV_TOPICS])
def test_every_quiz_answer_is_the_cited_figure_or_name(material, key):
    quiz = material[key].quiz
    assert 4 <= len(quiz) <= 10, key
    for q in quiz:
        quote = q.citation.quote
        assert q.fact in quote
        if extract_figures(q.fact):
            assert figure_in_text(q.fact, quote)
        if q.kind in ("fill", "choice"):
            assert q.stem.count(BLANK) == 1 and restored(q) in quote
        if q.kind == "choice":
            assert q.answer in q.options and len(set(q.options)) == len(q.options) >= 3
            assert sum(same_figure(o, q.answer) or o == q.answer for o in q.options) == 1
        if q.kind == "judge":
            assert q.options == (TRUE, FALSE) and BLANK not in q.stem
            assert (restored(q) in quote) == (q.answer == TRUE)


def test_quizzes_mix_choice_fill_in_and_true_false_with_both_answers(material):
    kinds = {q.kind for b in material.values() for q in b.quiz}
    assert kinds == {"choice", "fill", "judge"}
    judged = [q.answer for b in material.values() for q in b.quiz if q.kind == "judge"]
    assert TRUE in judged and FALSE in judged


def _cut_points(text: str) -> set[int]:
    return {i for _w, s, e in jieba.tokenize(text) for i in (s, e)}


@pytest.mark.parametrize("key", [("sample", t) for t in SAMPLE_TOPICS] + [("dev", t) for t in DEV_TOPICS])
def test_no_blank_splits_a_word_and_no_stem_starts_mid_word(material, key):
    for q in material[key].quiz:
        if q.answer == FALSE:
            continue  # states a distractor, so it is not a span of its sentence (checked above)
        quote, text = q.citation.quote, CONTEXT.sub("", q.stem)
        at = quote.index(restored(q))
        assert at == 0 or not quote[at - 1].isalnum(), q.stem  # a stem starts at a clause boundary
        if q.kind in ("fill", "choice"):
            start = at + text.index(BLANK)
            end = start + len(q.answer)
            cuts = _cut_points(quote)
            for i in (start, end):
                assert i in (0, len(quote)) or i in cuts or quote[i - 1].isdigit() != quote[i].isdigit(), q.stem


def test_the_sample_blank_cut_out_of_a_word_is_gone(material):
    """002 has 总面\\n\\n积人均不足0.5平方米 (a page break inside 面积): no question may start there."""
    stems = [q.stem for b in material.values() for q in b.quiz]
    assert not any("积人均不足" in s for s in stems)


@pytest.mark.parametrize("key", [("sample", t) for t in SAMPLE_TOPICS] + [("dev", t) for t in DEV_TOPICS])
def test_no_two_questions_test_the_same_fact_or_sentence(material, key):
    quiz = material[key].quiz
    assert len({(q.citation.source, q.citation.start) for q in quiz}) == len(quiz)
    for i, a in enumerate(quiz):
        for b in quiz[i + 1:]:
            assert a.fact != b.fact and not same_figure(a.fact, b.fact), (a.stem, b.stem)


def test_a_stem_says_whose_report_it_is_when_it_names_no_union(material):
    for b in material.values():
        for q in b.quiz:
            assert len(CONTEXT.sub("", q.stem).replace(BLANK, "")) >= 12, q.stem
    assert any(CONTEXT.match(q.stem) for b in material.values() for q in b.quiz)


def test_choice_distractors_share_the_unit_and_come_within_ten_times(material):
    for b in material.values():
        for q in b.quiz:
            if q.kind == "choice" and extract_figures(q.answer):
                answer = extract_figures(q.answer)[0]
                for o in q.options:
                    f = extract_figures(o)[0]
                    assert f.unit == answer.unit and abs(math.log(f.value / answer.value)) <= math.log(10)


def test_a_question_the_assistant_cannot_answer_back_is_left_out(sample_assistant):
    """build_quiz keeps a question only when `ask` answers it with the cited fact."""
    topic = parse_topic("新就业形态劳动者入会")
    passages = sample_assistant.retrieve(topic.text, k=24)
    docs = {p.source: sample_assistant._articles.get(p.source, passages) for p in passages}
    sentences = relevant_sentences(topic, passages, docs, sample_assistant.store.catalog.idf)
    hits = figure_hits(topic, sentences, sample_assistant.store.catalog.idf)
    refused = lambda q: Answer(q, "资料中没有找到", True)  # noqa: E731  (an assistant that never answers)
    assert build_quiz(hits, sentences, docs, Citer(), refused) == ()
    asked: list[str] = []

    def real(question: str) -> Answer:
        asked.append(question)
        return sample_assistant.ask(question)

    kept = build_quiz(hits, sentences, docs, Citer(), real)
    assert kept and len(asked) >= len(kept) and all(q.endswith("？") and BLANK not in q for q in asked)


# ---------------------------------------------------------------- comparison

def test_the_comparison_puts_the_same_measure_of_two_unions_side_by_side(material):
    cmp = material["sample", "新就业形态劳动者入会"].comparison
    assert cmp and cmp.columns == ("什邡市总工会（2023）", "成都市总工会（2023）")
    row = next(r for r in cmp.rows if r.measure == "新就业形态劳动者")
    assert [c.figure for c in row.cells] == ["超8000人", "53.07万人"]
    dev = material["dev", "职工书屋"].comparison
    books = next(r for r in dev.rows if r.measure == "职工书屋")
    assert all(books.cells) and len(books.cells) == len(dev.columns) >= 2


def test_every_comparison_cell_cites_its_figure(material):
    tables = [b for b in material.values() if b.comparison]
    assert len(tables) >= 2
    for b in tables:
        for r in b.comparison.rows:
            assert sum(c is not None for c in r.cells) >= 2 and len(r.cells) == len(b.comparison.columns)
            for c in r.cells:
                assert c is None or figure_in_text(c.figure, c.citation.quote)


def test_a_measure_an_article_does_not_report_reads_not_mentioned_in_every_format():
    quote = "全县累计建成职工书屋58家。"
    c = Citation(1, "/srv/data/a.txt", "标题", "2025-04-24", quote, "cid", 0, len(quote))
    cmp = Comparison(("秭归县总工会（2025）", "安吉县总工会（2025）", "滨海县总工会（2023）"),
                     (ComparisonRow("职工书屋", (ComparisonCell("58家", c), None, ComparisonCell("58家", c))),))
    b = Briefing("职工书屋", False, sources=(SourceEntry(1, "/srv/data/a.txt", "标题", "2025-04-24", "秭归县总工会"),),
                 citations=(c,), comparison=cmp)
    for fmt in ("md", "html"):
        text = render_briefing(b, fmt).decode()
        assert NOT_MENTIONED in text and "安吉县总工会（2025）" in text and "/srv/data" not in text
    table = docx.Document(io.BytesIO(render_briefing(b, "docx"))).tables[-1]
    assert [cell.text for cell in table.rows[1].cells][:3] == ["职工书屋", "58家", NOT_MENTIONED]
    deck = Presentation(io.BytesIO(render_briefing(b, "pptx")))
    cells = [sh.table.cell(1, 2).text for s in deck.slides for sh in s.shapes if sh.has_table]
    assert cells == [NOT_MENTIONED]


# ---------------------------------------------------------------- exports

def _all_text(b: Briefing) -> dict[str, str]:
    d = docx.Document(io.BytesIO(render_briefing(b, "docx")))
    texts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    deck = Presentation(io.BytesIO(render_briefing(b, "pptx")))
    slides = [sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame]
    slides += [s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide]
    return {"md": render_briefing(b, "md").decode(), "html": render_briefing(b, "html").decode(),
            "docx": "\n".join(texts), "pptx": "\n".join(slides)}


def test_exports_name_sources_by_title_and_file_never_by_server_path(material):
    b = material["sample", "职工书屋"]
    for fmt, text in _all_text(b).items():
        assert str(ROOT) not in text and "/data/sample/" not in text, fmt
        for s in b.sources:
            assert s.file_name.replace("_", "\\_" if fmt == "md" else "_") in text, fmt
    assert any(s.publisher and s.publisher in _all_text(b)["md"] for s in b.sources)  # 工人日报, from metadata


def test_documents_carry_the_briefing_as_author_and_title(material):
    b = material["sample", "职工书屋"]
    props = docx.Document(io.BytesIO(render_briefing(b, "docx"))).core_properties
    assert (props.author, props.title) == ("工会问答助手", "课程素材：职工书屋")
    deck = Presentation(io.BytesIO(render_briefing(b, "pptx"))).core_properties
    assert (deck.author, deck.title) == ("工会问答助手", "课程素材：职工书屋")
    assert '<meta name="author" content="工会问答助手">' in render_briefing(b, "html").decode()


@pytest.mark.parametrize("key", [("sample", "新就业形态劳动者入会"), ("dev", "技能培训")])
def test_slides_read_back_with_the_expected_slides_cjk_fonts_and_answers_in_the_notes(material, key):
    b = material[key]
    deck = Presentation(io.BytesIO(render_briefing(b, "pptx")))
    slides = list(deck.slides)
    expected = (1 + len(b.overview) + bool(b.comparison) + math.ceil(len(b.timeline) / TIMELINE_PER_SLIDE)
                + math.ceil(len(b.quiz) / QUIZ_PER_SLIDE) + math.ceil(len(b.sources) / SOURCES_PER_SLIDE))
    assert len(slides) == expected
    assert slides[0].shapes.title.text == b.title
    titles = [s.shapes.title.text for s in slides]
    assert all(ini.organisation in " ".join(titles) for ini in b.overview)
    if b.comparison:
        table = next(sh.table for s in slides for sh in s.shapes if sh.has_table)
        assert [table.cell(0, c).text for c in range(len(b.comparison.columns) + 1)] == ["指标", *b.comparison.columns]
    quiz_notes = "\n".join(s.notes_slide.notes_text_frame.text for s in slides if "测验题" in s.shapes.title.text)
    assert all(q.answer_text in quiz_notes for q in b.quiz)
    shown = "\n".join(s.shapes.placeholders[1].text_frame.text for s in slides if "测验题" in s.shapes.title.text)
    assert all(q.stem in shown for q in b.quiz) and "参考答案" not in shown
    xml = slides[1].shapes.placeholders[1].text_frame._txBody.xml
    assert 'typeface="Noto Sans CJK SC"' in xml and "<a:ea " in xml


def test_teachers_notes_give_each_sections_cited_sentences_in_full(material):
    b = material["dev", "工资集体协商"]
    notes = b.section_notes()
    assert {"overview", "figures", "timeline", "quiz"} <= set(notes)
    assert {n.n for n in notes["quiz"]} == {q.citation.n for q in b.quiz}
    quotes = {c.n: c.quote for c in b.citations}
    assert all(n.quote == quotes[n.n] for section in notes.values() for n in section)
    texts = _all_text(b)
    assert texts["md"].count("教师备注") == len(notes) - ("comparison" in notes)
    assert all(q.citation.quote in texts["docx"] for q in b.quiz)


def test_brief_command_writes_slides(sample_store, tmp_path):
    out = tmp_path / "slides.pptx"
    result = CliRunner().invoke(brief_command, ["职工书屋", "--format", "pptx", "--out", str(out),
                                                "--store", str(sample_store)])
    assert result.exit_code == 0, result.output
    assert len(Presentation(str(out)).slides) >= 4


def test_libreoffice_opens_the_slides_and_prints_every_one(material, tmp_path):
    """The deck as a trainer's office suite reads it: LibreOffice Impress converts it, one page a slide."""
    b = material["dev", "工资集体协商"]
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render_briefing(b, "pptx"))
    profile = (tmp_path / "profile").as_uri()  # its own profile, as ingest.office does
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(deck)], check=True, capture_output=True, timeout=180)
    pdf = PdfReader(str(tmp_path / "deck.pdf"))
    assert len(pdf.pages) == len(Presentation(str(deck)).slides)
    text = pdf.pages[0].extract_text()
    assert "课程素材" in text and "工资集体协商" in text
