from core.text import split_sentences
from ingest.chunk import MAX_CHARS, chunk_document, chunk_id
from core.documents import Document


def _doc(text: str) -> Document:
    return Document(source="a.txt", text=text, content_hash="h", title="标题", date="2023-04-29")


def test_sentences_end_at_chinese_punctuation_and_keep_closing_quotes():
    text = "他说：“好！”然后走了。共有2,000人参加？是的；结束"
    assert [text[s:e] for s, e in split_sentences(text)] == ["他说：“好！”", "然后走了。", "共有2,000人参加？", "是的；", "结束"]


def test_decimal_points_and_percentages_do_not_end_sentences():
    text = "建会率84.8%,工会会员17.5万人。"
    assert [text[s:e] for s, e in split_sentences(text)] == [text]


def test_line_breaks_end_sentences_and_spans_index_the_text():
    text = "标题行\n\n正文第一句。第二句!"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["标题行", "正文第一句。", "第二句!"]


def test_chunks_are_bounded_overlap_and_never_split_a_sentence():
    text = "\n".join(f"全市建立新就业形态工会组织{i}家,吸纳新就业形态劳动者超8000人。" for i in range(40))
    chunks = chunk_document(_doc(text))
    assert len(chunks) > 3
    for c in chunks:
        assert len(c.text) <= MAX_CHARS
        assert c.text == text[c.start : c.end]
        assert c.text.startswith("全市") and c.text.endswith("人。")
    # consecutive windows share their boundary sentence
    assert chunks[1].start < chunks[0].end


def test_overlong_sentence_is_cut_at_a_comma_not_inside_a_number():
    text = "，".join(["职工书屋建设投入资金12,345,678元"] * 40) + "。"
    chunks = chunk_document(_doc(text))
    for c in chunks:
        assert len(c.text) <= MAX_CHARS
        assert "12,345,678元" in c.text
        assert not c.text.startswith(("345", "678", ","))


def test_chunk_id_is_a_content_hash():
    assert chunk_id("a.txt", "文本") == chunk_id("a.txt", "文本")
    assert chunk_id("a.txt", "文本") != chunk_id("b.txt", "文本")
    assert chunk_id("a.txt", "文本") != chunk_id("a.txt", "文本。")


def test_chunks_carry_metadata_and_embed_with_a_title_header():
    (chunk,) = chunk_document(_doc("什邡市总工会补助资金35万元。"))
    assert chunk.metadata["title"] == "标题" and chunk.metadata["date"] == "2023-04-29"
    assert chunk.embedding_text().startswith("标题 2023-04-29\n")
