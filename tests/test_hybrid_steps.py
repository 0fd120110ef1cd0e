"""Hybrid retrieval's pure steps: rank fusion, and documents naming the asked place first."""

from __future__ import annotations

from assistant import Passage
from assistant.retrieval.hybrid import naming_first, rrf

DOCS = {
    "qingyun.txt": "青云市总工会开展夏送清凉活动\n市总工会为一线职工送去清凉物资1200份。",
    "shifang.txt": "什邡市总工会开展夏送清凉活动\n市总工会为一线职工送去清凉物资800份。",
    "linhe.txt": "临河县总工会开展夏送清凉活动\n县总工会为一线职工送去清凉物资300份。",
}


def naming(sources: list[str], stems: list[str]) -> set[str]:
    return {s for s in sources if all(stem in DOCS[s] for stem in stems)}


def ranked(*sources: str) -> list[Passage]:
    return [Passage(f"{s}#0", s, "", "", DOCS[s].split("\n")[1], 0, 20, 1.0 - i / 10)
            for i, s in enumerate(sources)]


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = rrf([["a", "b", "c"], ["b", "a", "d"]])
    assert fused["a"] == fused["b"] > fused["c"] == fused["d"]


def test_documents_naming_the_asked_place_come_first_in_rank_order():
    passages = ranked("qingyun.txt", "linhe.txt", "shifang.txt")
    out = naming_first(passages, ["什邡市"], naming)
    assert [p.source for p in out] == ["shifang.txt", "qingyun.txt", "linhe.txt"]
    assert [p.scores.get("named") for p in out] == [1.0, None, None]  # marked for the hit test


def test_the_place_is_matched_by_its_stem_and_every_place_must_be_named():
    passages = ranked("qingyun.txt", "shifang.txt")
    assert naming_first(passages, ["什邡"], naming)[0].source == "shifang.txt"
    both = naming_first(passages, ["什邡市", "青云市"], naming)
    assert [p.source for p in both] == ["qingyun.txt", "shifang.txt"]  # none names both: rank order kept


def test_no_place_asked_or_none_named_keeps_the_ranking():
    passages = ranked("linhe.txt", "qingyun.txt")
    assert naming_first(passages, [], naming) == passages
    assert naming_first(passages, ["盱眙县"], naming) == passages


def test_lexical_overlap_weighs_query_tokens_found_in_the_indexed_stream_fully_and_in_the_document_by_half():
    from assistant.retrieval.rerank import lexical_overlap, query_weights
    from core.text import TermStats

    stats = TermStats(100, {"什邡": 1, "职工书屋": 9, "84.8%": 3, "南昌": 0})
    weights = query_weights(["什邡", "职工书屋", "84.8%", "南昌"], stats)
    assert [t for t, _, _ in weights] == ["84.8%", "什邡", "职工书屋"]  # 南昌 is in no chunk: no weight
    assert dict((t, parts) for t, parts, _ in weights)["84.8%"] == ("84", "8")  # split as the index splits it
    full = lexical_overlap(weights, ["什邡", "职工书屋", "84", "8"], "")
    assert full == 1.0
    in_document = lexical_overlap(weights, ["职工书屋", "84", "8"], "什邡市总工会推进职工书屋建设")
    idf = {t: w for t, _, w in weights}
    assert in_document == (idf["职工书屋"] + idf["84.8%"] + 0.5 * idf["什邡"]) / sum(idf.values())
    assert lexical_overlap(weights, ["84"], "") == 0.0  # "84.8%" needs both of its parts
