"""The chat UI's HTML: markers become chips, quotes are highlighted, refusals look different, text is escaped."""

from __future__ import annotations

from assistant import Answer, Citation, Excerpt, Passage
from assistant import IngestReport, UnsupportedTypeError
from ui import render
from ui.render import Turn
from ui.upload import results_table_html

DOC = "第一段。\n全市建立新就业形态工会组织54家,吸纳劳动者超8000人。\n最后一段。"
QUOTE = "全市建立新就业形态工会组织54家,吸纳劳动者超8000人。"
EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def cite(n: int = 1, quote: str = QUOTE, doc: str = DOC, title: str = "什邡市总工会", passage: str = "") -> Citation:
    start = doc.find(quote)
    return Citation(n=n, source="/data/000_shifang.txt", title=title, date="2023-04-29", quote=quote,
                    chunk_id="c1", start=start, end=start + len(quote), passage=passage or doc)


def answer(text: str = f"{QUOTE}[1]", citations=None, refused: bool = False, related=None) -> Answer:
    return Answer(question="什邡市总工会建了多少家新就业形态工会？", answer=text, refused=refused,
                  citations=[cite()] if citations is None else citations, related=related or [], id="a1")


def test_markers_become_chips_linking_to_their_source_card():
    html = render.answer_html(answer(), turn=2)
    assert '<a class="cite-chip" href="#src-2-1"' in html
    assert "54家" in html


def test_a_marker_without_a_citation_stays_text():
    html = render.linked_text("见[1]和[7]", turn=0, numbers={1})
    assert 'href="#src-0-1"' in html and "[7]" in html and "src-0-7" not in html


def test_quote_is_highlighted_inside_its_passage():
    html = render.citation_card(cite(), turn=0, doc=Excerpt(DOC), is_open=True)
    assert f'<mark class="hl">{QUOTE}</mark>' in html
    assert 'id="src-0-1" open' in html
    assert "2023-04-29" in html and "000_shifang.txt" in html and "什邡市总工会" in html


def test_whole_document_is_shown_with_the_quote_marked_at_its_offsets():
    doc = f"{QUOTE}\n{QUOTE}"  # the same sentence twice: the offsets decide which one is marked
    c = Citation(1, "s.txt", "t", "", QUOTE, "c", len(QUOTE) + 1, 2 * len(QUOTE) + 1, doc)
    html = render.citation_card(c, 0, Excerpt(doc))
    full = html.split('<div class="src-doc-text">')[1]
    assert full.startswith(render.esc(QUOTE) + "\n<mark")


def test_a_long_passage_is_cut_to_the_sentences_around_the_quote():
    before, after = "前文很长。" * 60, "后文很长。" * 60
    html = render.marked(before + QUOTE + after, QUOTE, context=40)
    assert html.startswith("…") and html.endswith("…")
    assert f'<mark class="hl">{QUOTE}</mark>' in html
    assert len(html) < 300
    assert html[1:].startswith("前文很长。") and html[:-1].endswith("后文很长。")  # whole sentences only


def test_refusal_is_an_amber_box_and_lists_related_reading_not_citations():
    related = [Passage("c9", "/data/004.txt", "围绕问题清单", "2023-08-31", "成都市相关段落。", 0, 8)]
    refusal = answer("资料中没有找到能回答这个问题的内容（资料未提及：武汉市）。", citations=[], refused=True,
                     related=related)
    bubble = render.answer_html(refusal, 0)
    assert "qa-refusal" in bubble and "资料中没有找到" in bubble and "cite-chip" not in bubble
    panel = render.sources_panel([Turn(refusal.question, refusal)], {})
    assert "相关阅读" in panel and "围绕问题清单" in panel and 'id="src-' not in panel


def test_a_long_document_shows_the_text_around_the_quote_at_its_offsets():
    before = "前文。" * 10
    c = Citation(1, "s.txt", "t", "", QUOTE, "c", 5000 + len(before), 5000 + len(before) + len(QUOTE), QUOTE)
    html = render.citation_card(c, 0, Excerpt(before + QUOTE + "后文。", offset=5000, whole=False))
    assert "查看前后文（长文档" in html and "查看全文" not in html
    full = html.split('<div class="src-doc-text">')[1]
    assert full.startswith("…" + render.esc(before) + f'<mark class="hl">{QUOTE}</mark>')


def test_a_very_long_document_view_is_cut_with_a_note():
    html = render.document_view("标题", "", "a.txt", "字" * (render.DOCUMENT_VIEW_CHARS + 10))
    assert "只显示前 60,000 字" in html and html.count("字") < render.DOCUMENT_VIEW_CHARS + 100


def test_document_text_is_escaped_everywhere_it_is_shown():
    doc = f"标题{EVIL}\n{QUOTE}"
    c = cite(title=f"标题{EVIL}", doc=doc, passage=doc)
    a = answer(f"{QUOTE}{EVIL}[1]", citations=[c])
    related = Passage("c", EVIL, EVIL, EVIL, EVIL, 0, 1)
    pieces = [
        render.answer_html(a, 0),
        render.sources_panel([Turn(f"问题{EVIL}", a)], {(c.source, c.start): Excerpt(doc)}),
        render.related_card(related),
        render.document_view(EVIL, EVIL, EVIL, doc),
        render.streaming_html(EVIL),
        render.error_html(EVIL),
        results_table_html(IngestReport(rejected=[UnsupportedTypeError(EVIL, EVIL)])),
    ]
    for html in pieces:
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_plain_text_keeps_markers_and_lists_each_source_with_its_quote():
    text = render.plain_text(answer())
    assert text.startswith(f"{QUOTE}[1]")
    assert "[1] 什邡市总工会 (2023-04-29) — 000_shifang.txt" in text and "/data/" not in text  # no server path
    assert f"“{QUOTE}”" in text


def test_newest_turn_is_open_and_older_turns_are_folded():
    turns = [Turn("第一问", answer()), Turn("坏问题", None, "出错"), Turn("第二问", answer())]
    panel = render.sources_panel(turns, {})
    assert panel.index('id="turn-2" open') < panel.index('id="turn-0"')
    assert 'id="turn-0" open' not in panel and 'id="turn-1"' not in panel


def test_follow_up_shows_how_the_question_was_understood():
    a = answer()
    a.resolved_question = "南昌市总工会建了多少家新就业形态工会？"
    panel = render.sources_panel([Turn("那南昌呢？", a)], {})
    assert "理解为：南昌市总工会建了多少家新就业形态工会？" in panel


