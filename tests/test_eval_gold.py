"""The gold set: its format is validated with file/line/field errors, and the bundled set is sound."""

from collections import Counter
from pathlib import Path

import pytest

from assistant import GoldSetError
from evals.metrics import fact_in_text
from evals.schema import BUNDLED_GOLD, load_gold

GOLD_FIXTURES = Path(__file__).parent / "data" / "gold"
SAMPLE = Path(__file__).parent.parent / "data" / "sample"


def test_valid_file_loads_every_case_and_skips_blank_lines():
    cases = load_gold(GOLD_FIXTURES / "valid.jsonl")
    assert [c.id for c in cases] == ["f1", "u1", "h1"]
    assert cases[0].facts == [["54家", "五十四家"]]
    assert not cases[1].answerable and cases[1].facts == []
    assert cases[2].history[1].role == "assistant"


@pytest.mark.parametrize(
    ("fixture", "line", "field", "reason"),
    [
        ("bad_json.jsonl", 2, "(line)", "不是有效的 JSON"),
        ("bad_type.jsonl", 3, "type", "figure"),
        ("missing_question.jsonl", 1, "question", "缺少必填字段"),
        ("unanswerable_with_facts.jsonl", 1, "(case)", "不能有 facts 或 sources"),
        ("follow_up_without_history.jsonl", 1, "(case)", "必须有 history"),
        ("duplicate_id.jsonl", 2, "id", "id 'f1' 重复（第 1 行已用过）"),
        ("source_with_folder.jsonl", 1, "sources", "不是单纯的文件名"),
        ("empty_fact.jsonl", 1, "facts", "第 1 条事实没有非空的写法"),
        ("bad_history_role.jsonl", 1, "history.0.role", "应为以下取值之一：'user'、'assistant'"),
        ("unknown_field.jsonl", 1, "fact", "没有这个字段（可用的字段：id、type、question、facts、"),
    ],
)
def test_bad_line_is_reported_with_file_line_and_field(fixture, line, field, reason):
    path = GOLD_FIXTURES / fixture
    with pytest.raises(GoldSetError) as caught:
        load_gold(path)
    err = caught.value
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert reason in str(err)
    where = f"{path} 第 {line} 行" + ("" if field.startswith("(") else f"，字段 {field}")
    assert str(err).startswith(where + "：")


def test_missing_file_is_a_gold_set_error(tmp_path):
    with pytest.raises(GoldSetError, match="文件不存在"):
        load_gold(tmp_path / "nope.jsonl")


def test_empty_file_is_a_gold_set_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(GoldSetError, match="文件里没有用例"):
        load_gold(empty)


def test_bundled_gold_set_is_large_and_covers_every_type():
    counts = Counter(c.type for c in load_gold(BUNDLED_GOLD))
    assert sum(counts.values()) >= 100
    assert counts["figure"] >= 45
    assert counts["unanswerable"] >= 15
    assert all(counts[t] >= 6 for t in ("entity", "list", "multi-article", "follow-up", "traditional-script"))


def test_every_expected_fact_is_written_in_one_of_its_sources():
    texts = {p.name: p.read_text(encoding="utf-8") for p in SAMPLE.glob("*.txt")}
    for case in load_gold(BUNDLED_GOLD):
        assert set(case.sources) <= set(texts), case.id
        for forms in case.facts:
            assert any(fact_in_text(forms, texts[s]) for s in case.sources), (case.id, forms)


def test_multi_article_cases_name_several_sources():
    multi = [c for c in load_gold(BUNDLED_GOLD) if c.type == "multi-article"]
    assert all(len(c.sources) >= 2 for c in multi)
