"""The scale bench's synthetic corpus (bench/synthetic.py): deterministic, distinct documents, no known place."""

from __future__ import annotations

from itertools import combinations

from assistant import SAMPLE_DIR, CopyPolicy, fingerprint, similarity
from bench.synthetic import Builder, norm, pieces


def _texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))}


def test_same_seed_same_documents_and_another_seed_others():
    texts = _texts()
    first, again, other = (Builder(texts, seed=s).build(12) for s in (17, 17, 18))
    assert [d.text for d in first.docs] == [d.text for d in again.docs]
    assert [d.text for d in first.docs] != [d.text for d in other.docs]


def test_documents_are_not_copies_and_name_no_source_place():
    builder = Builder(_texts())
    corpus = builder.build(40)
    prints = [fingerprint(d.text) for d in corpus.docs]
    worst = max(similarity(x, y) for x, y in combinations(prints, 2))
    assert worst < CopyPolicy().min_similarity
    assert "什邡" in builder.stems
    assert not any(stem in d.text for d in corpus.docs for stem in ("什邡", "成都", "盱眙"))


def test_sentences_know_the_source_sentence_they_came_from():
    """Most pieces map to a source sentence (a heading without a full stop merges with the next sentence and
    does not: the bench leaves such pieces out of a text's mean vector)."""
    corpus = Builder(_texts()).build(20)
    body = [p for d in corpus.docs for p in pieces(d.text.split("\n", 3)[3])]
    known = sum(norm(p) in corpus.origin for p in body)
    assert body and known >= 0.8 * len(body)
    assert set(corpus.origin.values()) <= set(corpus.templates)


def test_kept_articles_lend_only_sentences_that_name_a_place():
    """A kept article's placeless sentence, recombined with another figure, would give its known question a
    second answer; its sentences naming a place are still recombined (about other places)."""
    texts = _texts()
    kept = next(n for n in texts if "什邡" in texts[n])
    builder = Builder(texts, kept=frozenset({kept}))
    lent = next(s.sentences for s in builder.sources if s.name == kept)
    assert lent and all(builder._stem_re.search(s) for s in lent)
    free = next(s.sentences for s in Builder(texts).sources if s.name == kept)
    assert len(free) > len(lent)
