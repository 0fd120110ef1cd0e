"""A long document is read in windows around what a question retrieved, at the document's own offsets.

The sample's pages are short, so these tests shrink the window's bounds until every sample page counts
as long; the answers must not change where the window covers what the answerer reads.
"""

from __future__ import annotations

import json

import pytest

from assistant import Assistant, Passage
from assistant.library import ArticleCache
from assistant.retrieval.reading import ReadWindow, excerpt, read_window
from tests.conftest import ROOT

SMALL = ReadWindow(whole_chars=1_000, head_chars=300, around_chars=2_000)


@pytest.fixture(scope="module")
def windowed(sample_store):
    return Assistant(store=sample_store, window=SMALL)


def longest(assistant: Assistant) -> tuple[str, str]:
    texts = {d.source: assistant.document_text(d.source) or "" for d in assistant.documents()}
    source = max(texts, key=lambda s: len(texts[s]))
    return source, texts[source]


def test_a_window_holds_the_document_text_at_its_offsets_and_blank_lines_elsewhere(windowed):
    source, text = longest(windowed)
    assert len(text) > 5_000
    read = read_window(windowed.store, source, [(0, 300), (4_000, 4_200)])
    assert len(read) < len(text) and read.strip()
    for i, ch in enumerate(read):
        assert ch == text[i] or ch == "\n", i
    assert read[:300] == text[:300] and read[4_000:4_200] == text[4_000:4_200]
    assert not read[1_500:3_000].strip()  # neither window reaches there


def test_an_article_of_a_long_document_reads_only_its_head_and_the_passages_surroundings(windowed):
    source, text = longest(windowed)
    chunk = windowed.store.chunks_in(source, [(4_000, 4_001)])[0]
    passage = Passage(chunk.id, source, "", "", chunk.text, chunk.start, chunk.end)
    article = ArticleCache(windowed.store, SMALL).get(source, [passage])
    read = len(article.text.replace("\n", ""))
    bound = SMALL.head_chars + 2 * SMALL.around_chars + 2 * (chunk.end - chunk.start)  # windows end on chunks
    assert read <= bound < len(text.replace("\n", ""))
    assert article.text[chunk.start:chunk.end] == chunk.text


def test_a_page_is_read_whole(sample_assistant):
    source, text = longest(sample_assistant)
    assert ArticleCache(sample_assistant.store).get(source).text == text
    assert excerpt(sample_assistant.store, source, 10, 20).text == text


def test_a_citation_card_of_a_long_document_shows_the_text_around_its_quote(windowed):
    answer = windowed.ask("成都市總工會梳理出多少個問題？")
    assert not answer.refused, answer.refusal_reason
    c = answer.citations[0]
    shown = windowed.excerpt(c.source, c.start, c.end)
    assert not shown.whole and shown.offset == max(0, c.start - SMALL.around_chars)
    assert shown.text[c.start - shown.offset:c.end - shown.offset] == c.quote


def test_windowed_reading_answers_the_sample_gold_questions_as_whole_reading_does(windowed, sample_assistant):
    cases = [json.loads(line) for line in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    cases = [c for c in cases if not c.get("history")]
    same = [windowed.ask(c["question"]).answer == sample_assistant.ask(c["question"]).answer for c in cases]
    assert len(cases) >= 20 and all(same), [c["question"] for c, ok in zip(cases, same) if not ok]
