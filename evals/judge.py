"""Optional LLM-judge metrics (RAGAS style): faithfulness and answer relevance.

Used only when asked for (`assistant eval --judge`) and an OpenAI-compatible endpoint is configured
(ASSISTANT_LLM_BASE_URL, ASSISTANT_LLM_MODEL, ASSISTANT_LLM_API_KEY); the deterministic metrics
stay the default and the gate never depends on a judge.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from assistant import PROMPTS_DIR, ConfigError, LLMError, Settings, load_settings
from evals import metrics

log = logging.getLogger(__name__)

_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


def load_judge_prompt(name: str) -> ChatPromptTemplate:
    """prompts/judge_{name}.txt as a one-message chat prompt."""
    return ChatPromptTemplate.from_template((PROMPTS_DIR / f"judge_{name}.txt").read_text(encoding="utf-8"))


def parse_json_reply(reply: str) -> dict:
    """The JSON object in a model reply, tolerating code fences and chatter around it."""
    m = _JSON_OBJECT.search(reply)
    if m is None:
        raise ValueError(f"no JSON object in reply: {reply[:200]!r}")
    data = json.loads(m[0])
    if not isinstance(data, dict):
        raise ValueError("reply JSON is not an object")
    return data


def faithfulness_score(data: dict) -> float | None:
    """Share of claims marked supported; None when the judge listed no claims."""
    claims = data.get("claims") or []
    flags = [bool(c.get("supported")) for c in claims if isinstance(c, dict)]
    return sum(flags) / len(flags) if flags else None


def relevance_score(data: dict) -> float:
    """The judge's 0..1 score, clamped."""
    return min(1.0, max(0.0, float(data["score"])))


class Judge:
    """Scores answers with an LLM through langchain-openai's ChatOpenAI."""

    def __init__(self, settings: Settings | None = None) -> None:
        s = settings or load_settings()
        if not (s.llm_base_url and s.llm_model):
            raise ConfigError("LLM 评判需要设置环境变量 ASSISTANT_LLM_BASE_URL 和 ASSISTANT_LLM_MODEL"
                              "（一个兼容 OpenAI 的接口）；不加 --judge 运行则只算确定性指标")
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(base_url=s.llm_base_url, model=s.llm_model, api_key=s.llm_api_key or "not-needed",
                         temperature=0, timeout=s.llm_timeout, max_retries=1)
        self.model = s.llm_model
        self._faithfulness = load_judge_prompt("faithfulness") | llm | StrOutputParser()
        self._relevance = load_judge_prompt("relevance") | llm | StrOutputParser()

    def _ask(self, chain, score, **inputs: str):
        """The judge's reply to one prompt, scored by `score`; LLMError (in Chinese) when either fails."""
        try:
            reply = chain.invoke(inputs)
        except Exception as exc:  # openai/httpx raise many types; the user needs the endpoint named
            raise LLMError(f"LLM 评判接口（ASSISTANT_LLM_BASE_URL）调用失败：{exc}") from exc
        try:
            return score(parse_json_reply(reply))
        except (ValueError, KeyError, TypeError) as exc:  # parse_json_reply's own reasons are internal
            raise LLMError("评判模型的回复读不出评分（应为提示词要求的 JSON 对象）；"
                           f"回复开头：{reply[:200]!r}") from exc

    def faithfulness(self, answer: str, quotes: Sequence[str]) -> float | None:
        context = "\n".join(f"[{i}] {q}" for i, q in enumerate(quotes, 1)) or "（无引用）"
        return self._ask(self._faithfulness, faithfulness_score, context=context, answer=answer)

    def relevance(self, question: str, answer: str) -> float:
        return self._ask(self._relevance, relevance_score, question=question, answer=answer)


def judge_results(judge: Judge, results: Sequence[dict]) -> dict:
    """Judge every answered case of a report's results; a case the judge cannot score is skipped and counted."""
    faithful, relevant, failed = [], [], 0
    for r in results:
        if r["refused"] or r["error"]:
            continue
        answer = metrics.strip_markers(r["answer"])
        try:
            scores = (judge.faithfulness(answer, [c["quote"] for c in r["citations"]]),
                      judge.relevance(r["question"], answer))
        except LLMError as exc:
            log.warning("LLM 评判跳过了用例 %s：%s", r["id"], exc)
            failed += 1
            continue
        faithful.append(scores[0])
        relevant.append(scores[1])
    return {
        "model": judge.model,
        "faithfulness": metrics.mean(faithful),
        "answer_relevance": metrics.mean(relevant),
        "judged": len(relevant),
        "failed": failed,
    }
