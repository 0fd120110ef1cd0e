"""The optional LLM judge, against a local OpenAI-compatible endpoint that replies like a model."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.config import Settings
from evals.judge import Judge, faithfulness_score, judge_results, parse_json_reply
from ingest.errors import ConfigError

FAITHFULNESS_REPLY = (
    '```json\n{"claims": [{"claim": "54家", "supported": true}, {"claim": "9000人", "supported": false}]}\n```'
)
RELEVANCE_REPLY = '{"score": 1.0, "reason": "直接回答"}'


class ChatCompletions(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions by prompt: the faithfulness or the relevance reply, or chatter."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][-1]["content"]
        if "无法解析" in prompt:
            content = "I cannot do that."
        elif "事实核查员" in prompt:
            content = FAITHFULNESS_REPLY
        else:
            content = RELEVANCE_REPLY
        reply = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                              "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def result(id, answer, refused=False, error="", question="什邡建了多少家新就业形态工会？"):
    return {"id": id, "question": question, "answer": answer, "refused": refused, "error": error,
            "citations": [{"n": 1, "source": "000.txt", "date": "", "quote": "全市建立新就业形态工会组织54家"}]}


def test_judge_scores_answered_cases_and_skips_refusals(endpoint):
    judge = Judge(Settings(llm_base_url=endpoint, llm_model="judge-test", llm_timeout=10))
    results = [
        result("a", "全市建立新就业形态工会组织54家,吸纳9000人。[1]"),
        result("b", "资料中没有找到。", refused=True),
        result("c", "无法解析", question="无法解析"),
    ]
    scores = judge_results(judge, results)
    assert scores == {"model": "judge-test", "faithfulness": 0.5, "answer_relevance": 1.0, "judged": 1, "failed": 1}


def test_judge_needs_an_endpoint(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("ASSISTANT_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_LLM_MODEL", raising=False)
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_BASE_URL"):
        Judge()


def test_reply_json_is_found_inside_chatter_and_fences():
    assert parse_json_reply('好的。\n```json\n{"score": 0.5}\n```') == {"score": 0.5}
    with pytest.raises(ValueError, match="no JSON object"):
        parse_json_reply("no json here")


def test_faithfulness_is_the_share_of_supported_claims():
    assert faithfulness_score(parse_json_reply(FAITHFULNESS_REPLY)) == 0.5
    assert faithfulness_score({"claims": []}) is None
