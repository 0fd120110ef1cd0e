"""The default answerer: picks the source sentences that answer the question and cites each one.

It never writes a figure of its own: every sentence of the answer is a verbatim quote. The steps, in
order: plan → admit documents → harvest sentences → place check → vetoes → features and score → gate →
select → compose.
"""

from __future__ import annotations

import logging
import re

from assistant.answering import trace
from assistant.answering.admit import admit_documents, placed
from assistant.answering.base import AnswerStream, Library
from assistant.answering.byline import METADATA_KINDS, metadata_span
from assistant.answering.compose import cite, combine, needs_date_line, refusal, speaker_labels
from assistant.answering.features import coverage, focus_terms, question_terms, score, sentence_features
from assistant.answering.gate import Scored, gate_reason, on_topic
from assistant.answering.citations import Evidence
from assistant.answering.harvest import candidate_sentences
from assistant.answering.lists import completed_span, intro_above, list_items
from assistant.answering.followup import resolve
from assistant.answering.plan import (asks_both_years, split_by_years, split_questions, split_subjects, split_topics,
                                      split_years)
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.answering.question import Question, analyse
from assistant.answering.select import select
from assistant.answering.vetoes import Vetoed, first_veto
from assistant.article import Article
from assistant.models import Answer, Passage

log = logging.getLogger(__name__)


class ExtractiveAnswerer:
    def __init__(self, policy: AnswerPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy

    def stream(self, question: str, q: Question, passages: list[Passage], library: Library) -> AnswerStream:
        answer = self.answer(question, q, passages, library)
        yield answer.answer
        return answer

    def expected_queries(self, q: Question) -> list[str]:
        """The sub-questions this message will be answered by, known before retrieval: embedded beside the
        whole question instead of after it."""
        _, subs = planned(q)
        return [sq.normalized for _, sq in subs] if len(subs) > 1 else []

    def answer(self, question: str, q: Question, passages: list[Passage], library: Library) -> Answer:
        """Several questions in one message are answered one by one (a later one may lean on the first, like
        a follow-up); a question naming several places, years or topics is answered part by part. passages:
        none for a message answered in parts (expected_queries), which is searched part by part."""
        separate, subs = planned(q)
        if separate:
            library.prefetch([sq.normalized for _, sq in subs])  # embedded side by side, while the first is answered
            answers = [(label, self.answer(question, sq, self._found(sq, library), library)) for label, sq in subs]
            return combine(question, answers, lambda: passages or library.related(q.search, q.entities))
        if not subs and asks_both_years(q):
            subs = [(entity, analyse(sub)) for entity, sub in split_by_years(q, article_years(passages, library))]
        if len(subs) < 2:
            return self.answer_one(question, q, library.with_best_document(passages), library)
        library.prefetch([sq.normalized for _, sq in subs])
        answers = [(entity, self.answer_one(question, sq, self._found(sq, library), library)) for entity, sq in subs]
        return combine(question, answers, lambda: passages or library.related(q.search, q.entities))

    @staticmethod
    def _found(q: Question, library: Library) -> list[Passage]:
        return library.with_best_document(library.passages(q.search, dense_query=q.normalized, names=q.entities))

    def answer_one(self, question: str, q: Question, passages: list[Passage], library: Library) -> Answer:
        """One question's answer; under `trace.recording()` its decision is recorded for the hit test."""
        decision = trace.Decision(q.text)
        decision.answer = self._answer_one(question, q, passages, library, decision.considered)
        trace.record(decision)
        return decision.answer

    def _answer_one(self, question: str, q: Question, passages: list[Passage], library: Library,
                    considered: list[trace.Considered]) -> Answer:
        policy = self.policy
        if not any(re.search(r"[^\W\d_]", t) for t in q.terms) and not q.entities:  # "？", "%", "1", "什么是什么？"
            return refusal(question, [], passages, "问题检查：问题里没有可查找的词语")
        docs = library.articles(passages)
        usable, missing = admit_documents(q, passages, docs)
        if not usable:
            return refusal(question, missing, passages, f"地点/年份检查：资料未提及{'、'.join(missing)}")
        if q.kind in METADATA_KINDS:
            doc = docs[usable[0].source]
            span = metadata_span(q, doc, policy)
            if span is None:
                return refusal(question, [], passages, "署名检查：文章没有可引用的署名、图片说明、编辑或日期行")
            return cite(question, q.text, [library.evidence_at(usable[0], doc, span)])
        candidates = placed(q, candidate_sentences(usable, docs, policy), docs, policy)
        if not candidates:
            return refusal(question, q.entities, passages,
                           f"上下文检查：候选句子附近没有提到{'、'.join(q.entities)}")
        stats = library.term_stats(question_terms(q))
        sims = library.similarities(q.normalized, [ev.text for _, ev in candidates])
        best_sim = max(sims, default=0.0)
        singles = [(rank, ev, sim, 0.0) for (rank, ev), sim in zip(candidates, sims)]
        scored, vetoed = [], []
        for rank, ev, sim, penalty in singles + sentence_pairs(singles, docs, policy):
            veto = first_veto(q, ev, stats, policy)
            if veto:  # only its focus is needed, to say which veto removed the closest sentence
                vetoed.append((coverage(focus_terms(q, stats), ev.text, stats, policy), veto))
                f = sentence_features(q, ev, rank, stats, policy, sim, best_sim) if trace.tracing() else None
                considered.append(trace.Considered(ev, rank, f, None, veto, False))
                continue
            f = sentence_features(q, ev, rank, stats, policy, sim, best_sim)
            points, topical = score(q.kind, f, policy) - penalty, on_topic(f, policy)
            considered.append(trace.Considered(ev, rank, f, points, None, topical))
            if topical:
                scored.append(Scored(ev, f, points))
        scored.sort(key=lambda s: s.score, reverse=True)
        why = gate_reason(scored, policy)
        if why:
            return refusal(question, [], passages, veto_reason(vetoed) if not scored and vetoed else f"相关度检查：{why}")
        chosen = [s.ev for s in select(q, scored, policy)]
        chosen = with_list_items(q, chosen, docs, library)
        if len({ev.passage.source for ev in chosen}) > 1:  # a list across articles: say whose each sentence is
            return cite(question, q.text, chosen, speaker_labels(chosen, docs))
        if needs_date_line(q, chosen):
            doc = docs[chosen[0].passage.source]
            line = doc.sentence_with(doc.date[:4], limit=policy.date_line_search)
            if line:
                chosen.append(library.evidence_at(chosen[0].passage, doc, line))
        return cite(question, q.text, chosen)


def planned(q: Question) -> tuple[bool, list[tuple[str, Question]]]:
    """How a message is split before retrieval: (True, its questions) when it asks several, else (False, the
    parts of one naming several places, years or topics; fewer than two: answered whole)."""
    asked = split_questions(q.normalized)
    if len(asked) > 1:
        firsts = [{"role": "user", "content": asked[0]}]
        texts = (asked[0], *(resolve(a, firsts) for a in asked[1:]))
        return True, [(label.rstrip("?？"), analyse(text)) for label, text in zip(asked, texts)]
    parts = split_subjects(q) or split_years(q) or split_topics(q)
    return False, [(entity, analyse(sub)) for entity, sub in parts]


def with_list_items(q: Question, chosen: list[Evidence], docs: dict[str, Article], library: Library
                    ) -> list[Evidence]:
    """A chosen list intro ("推出四项举措：") brings the items that follow it, and a list question answered
    by one item is answered by its intro and all items; a sentence that leans on its neighbour ("当天，…",
    a quoted remark) is quoted with it."""
    out, have = [], {(ev.passage.source, ev.start) for ev in chosen}
    for ev in chosen:
        doc = docs[ev.passage.source]
        intro = intro_above(doc, ev.start) if q.kind == "list" else None
        if intro and (ev.passage.source, intro[0]) not in have:
            have.add((ev.passage.source, intro[0]))
            have.discard((ev.passage.source, ev.start))  # the item is quoted again among its siblings
            ev = library.evidence_at(ev.passage, doc, intro)
        span = completed_span(doc, ev.start, ev.end)
        out.append(ev if span == (ev.start, ev.end) else library.evidence_at(ev.passage, doc, span))
        for span in list_items(doc, ev.start, ev.end):
            if (ev.passage.source, span[0]) not in have:
                have.add((ev.passage.source, span[0]))
                out.append(library.evidence_at(ev.passage, doc, span))
    return out


def veto_reason(vetoed: list[tuple[float, Vetoed]]) -> str:
    """The veto that removed the sentence closest to the question (by focus), as the refusal's reason."""
    veto = max(vetoed, key=lambda fv: fv[0])[1]
    return f"否决（{veto.veto}）：{veto.reason}"


def article_years(passages: list[Passage], library: Library, most: int = 2) -> list[str]:
    """The publication years of the best-ranked articles, oldest first: "这两年" means the years covered."""
    years: list[str] = []
    articles = library.articles(passages)
    for source in dict.fromkeys(p.source for p in passages):  # best passage's article first
        year = articles[source].date[:4]
        if year.isdigit() and year not in years:
            years.append(year)
        if len(years) == most:
            break
    return sorted(years)


# The second sentence of a pair must lean on the first: 经…协调, 仅用12天, 他带领…, 据统计, 该企业….
_LEANS_BACK = re.compile(r"^(?:经|仅|他|她|其|该|这|此|据|对此|为此|随后|最终|最后|如今|当天|当日|同时|其中)")


def sentence_pairs(singles: list[tuple[int, Evidence, float, float]], docs: dict[str, Article],
                   policy: AnswerPolicy) -> list[tuple[int, Evidence, float, float]]:
    """Two adjacent sentences of one line as one more candidate: the subject may stand in one and the figure
    in the next ("沂水县一家食品企业…拖欠工资。经县总工会协调，企业在15天内补发…"). Scored a little lower,
    so a single sentence that answers wins; its meaning score is the better of the two."""
    pairs = []
    for (rank, a, sim_a, _), (_, b, sim_b, _) in zip(singles, singles[1:]):
        text = docs[a.passage.source].text
        if (a.passage.source != b.passage.source or "\n" in text[a.end:b.start]
                or b.end - a.start > policy.pair_max_chars or not _LEANS_BACK.match(b.text)):
            continue
        pairs.append((rank, Evidence(a.passage, a.start, b.end, text[a.start:b.end]), max(sim_a, sim_b),
                      policy.pair_penalty))
    return pairs
