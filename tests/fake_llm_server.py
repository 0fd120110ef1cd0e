"""A tiny OpenAI-compatible chat server for tests, run as a real process on 127.0.0.1.

Usage: python fake_llm_server.py PORT SCRIPT.json
SCRIPT is a list of {"when": "substring of the question", "reply": "text"}; in a reply,
"{n:TEXT}" becomes the number of the first context passage containing TEXT. Requests are
appended to SCRIPT.requests.jsonl so tests can inspect the prompts.
"""

from __future__ import annotations

import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def passage_number(context: str, needle: str) -> str:
    for block in re.split(r"\n\n(?=\[\d+\])", context):
        m = re.match(r"\[(\d+)\]", block)
        if m and needle in block:
            return m.group(1)
    return "99"


def reply_for(messages: list[dict], script: list[dict]) -> str:
    user = messages[-1]["content"]
    question = user.rsplit("问题：", 1)[-1]
    for rule in script:
        if rule["when"] in question:
            return re.sub(r"\{n:([^}]+)\}", lambda m: passage_number(user, m.group(1)), rule["reply"])
    return "资料中没有找到能回答这个问题的内容。"


class Handler(BaseHTTPRequestHandler):
    script: list[dict] = []
    log_path = ""

    def log_message(self, *args):  # keep test output clean
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(body, ensure_ascii=False) + "\n")
        text = reply_for(body["messages"], self.script)
        base = {"id": "fake-1", "created": int(time.time()), "model": body.get("model", "fake")}
        if not body.get("stream"):
            payload = {**base, "object": "chat.completion", "choices": [{
                "index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for i in range(0, len(text), 4):  # stream in small pieces like a real model
            chunk = {**base, "object": "chat.completion.chunk", "choices": [{
                "index": 0, "delta": {"content": text[i:i + 4]}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        end = {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())


def main() -> None:
    port, script_path = int(sys.argv[1]), sys.argv[2]
    Handler.script = json.loads(open(script_path, encoding="utf-8").read())
    Handler.log_path = script_path + ".requests.jsonl"
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
