"""The optional LLM judge, against a local OpenAI-compatible endpoint that replies like a model."""

import json

import pytest

from assistant import ConfigError, Settings
from evals.judge import Judge, faithfulness_score, judge_results, parse_json_reply

FAITHFULNESS_REPLY = (
    '```json\n{"claims": [{"claim": "54家", "supported": true}, {"claim": "9000人", "supported": false}]}\n```'
)
RELEVANCE_REPLY = '{"score": 1.0, "reason": "直接回答"}'


@pytest.fixture
def endpoint(llm_server):
    """The fake OpenAI-compatible server as a real process: one reply per judge prompt."""
    return llm_server([
        {"when": "无法解析", "reply": "I cannot do that."},
        {"when": "事实核查员", "reply": FAITHFULNESS_REPLY},
        {"when": "回答：", "reply": RELEVANCE_REPLY},
    ])


def result(id, answer, refused=False, error="", question="什邡建了多少家新就业形态工会？"):
    return {"id": id, "question": question, "answer": answer, "refused": refused, "error": error,
            "citations": [{"n": 1, "source": "000.txt", "date": "", "quote": "全市建立新就业形态工会组织54家"}]}


def test_judge_scores_answered_cases_and_skips_refusals(endpoint):
    url, requests = endpoint
    judge = Judge(Settings(llm_base_url=url, llm_model="judge-test", llm_timeout=10))
    results = [
        result("a", "全市建立新就业形态工会组织54家,吸纳9000人。[1]"),
        result("b", "资料中没有找到。", refused=True),
        result("c", "无法解析", question="无法解析"),
    ]
    scores = judge_results(judge, results)
    assert scores == {"model": "judge-test", "faithfulness": 0.5, "answer_relevance": 1.0, "judged": 1, "failed": 1}
    prompts = [json.loads(line)["messages"][-1]["content"] for line in requests.read_text().splitlines()]
    faithfulness_prompt = next(p for p in prompts if "事实核查员" in p)
    assert "[1] 全市建立新就业形态工会组织54家" in faithfulness_prompt  # the cited quote is the context
    assert "[1]" not in faithfulness_prompt.split("回答：")[1].split("只输出")[0]  # markers stripped


def test_judge_needs_an_endpoint():  # conftest clears ASSISTANT_LLM_* for every test
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_BASE_URL"):
        Judge()


def test_reply_json_is_found_inside_chatter_and_fences():
    assert parse_json_reply('好的。\n```json\n{"score": 0.5}\n```') == {"score": 0.5}
    with pytest.raises(ValueError, match="no JSON object"):
        parse_json_reply("no json here")


def test_faithfulness_is_the_share_of_supported_claims():
    assert faithfulness_score(parse_json_reply(FAITHFULNESS_REPLY)) == 0.5
    assert faithfulness_score({"claims": []}) is None
