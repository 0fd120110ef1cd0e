"""Follow-up suggestions after an answer: drawn from the cited article, each one answerable."""

from __future__ import annotations

SHIFANG = "什邡市总工会建了多少家新就业形态工会？"


def test_suggestions_come_from_the_cited_article_and_are_each_answered(sample_assistant):
    answer = sample_assistant.ask(SHIFANG)
    related = sample_assistant.related_questions(answer)
    assert 1 <= len(related) <= 3 and SHIFANG not in related and len(set(related)) == len(related)
    cited = {c.source for c in answer.citations}
    for question in related:
        follow = sample_assistant.ask(question)
        assert not follow.refused, question
        assert {c.source for c in follow.citations} & cited, question
        assert follow.answer != answer.answer  # a new figure, not the one already given


def test_a_refusal_gets_no_suggestions(sample_assistant):
    refused = sample_assistant.ask("武汉市总工会建了多少家新就业形态工会？")
    assert refused.refused and sample_assistant.related_questions(refused) == []
