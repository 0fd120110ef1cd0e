"""Soak test (`make soak`): the long reliability run, printing what it tried and what broke.

1. hostile files (tests/hostile.py) ingested in rounds: each file must be ingested, rejected or skipped
   with a reason, never crash the run;
2. kill -9 at random points of ingest and of remove, each followed by `doctor --repair` and a re-ingest:
   the store must end equal to a clean ingest (same documents, same vector count);
3. a fuzz of hostile questions through the API;
4. a loopback load test: `assistant serve` and N users, each its own gradio_client, asking in parallel.

Run: .venv/bin/python bench/soak.py [--kills 7] [--users 20] [--questions 10] [--fuzz 500]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import SAMPLE_DIR, Assistant  # noqa: E402
from bench.common import percentile  # noqa: E402
from tests.hostile import hostile_questions, write_hostile_folder  # noqa: E402

QUESTIONS = ["什邡市总工会建了多少家新就业形态工会？", "成都市總工會梳理出多少個問題？", "盱眙县总工会上半年新建工会多少家？",
             "武汉市总工会建了多少家新就业形态工会？", "南昌工业园区新增入会职工多少人？"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)


def hostile_files(store: Path, work: Path, rounds: int) -> dict:
    tried = messages = crashes = 0
    for r in range(rounds):
        expected = write_hostile_folder(work / f"hostile-{r}")
        out = cli("ingest", str(work / f"hostile-{r}"), "--quiet", "--store", str(store))
        tried += len(expected)
        messages += sum(line.startswith(("未导入：", "已跳过：")) for line in out.stderr.splitlines())
        crashes += "Traceback" in out.stderr
    return {"files tried": tried, "messages given": messages, "crashes": crashes}


def kills(store: Path, clean: Assistant, n: int, seed: int = 5) -> dict:
    rng, survived, lost = random.Random(seed), 0, 0
    for i in range(n):
        if i % 2 and Assistant(store=store).documents():  # a remove, killed at once
            source = Assistant(store=store).documents()[0].source
            proc = subprocess.Popen([sys.executable, "-m", "assistant", "remove", source, "--store", str(store)],
                                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.5, 3.0))
        else:
            proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(SAMPLE_DIR), "--quiet",
                                     "--store", str(store)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.5, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        cli("doctor", "--repair", "--store", str(store))
        cli("ingest", str(SAMPLE_DIR), "--quiet", "--store", str(store))
        a = Assistant(store=store)
        same = ({Path(d.source).name for d in a.documents()} == {Path(d.source).name for d in clean.documents()}
                and len(a.store.collection.get(include=[])["ids"]) == len(clean.store.collection.get(include=[])["ids"])
                and not a.check_store())
        survived += same
        lost += not same
    return {"kills": n, "kills survived": survived, "stores not equal to a clean ingest": lost}


def fuzz(assistant: Assistant, n: int) -> dict:
    errors = refused = 0
    for q in hostile_questions(n):
        try:
            refused += assistant.ask(q).refused
        except Exception:  # noqa: BLE001 - counting every failure is the point
            errors += 1
    return {"questions tried": n, "refused": refused, "question errors": errors}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(store: Path, users: int, per_user: int) -> dict:
    from gradio_client import Client

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), "--store", str(store)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                Client(url, verbose=False)
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        latencies, errors, lock = [], 0, threading.Lock()

        def user(i: int) -> None:
            nonlocal errors
            client = Client(url, verbose=False)
            for j in range(per_user):
                started = time.perf_counter()
                try:
                    client.predict(QUESTIONS[(i + j) % len(QUESTIONS)], api_name="/ask")
                    with lock:
                        latencies.append(time.perf_counter() - started)
                except Exception:  # noqa: BLE001
                    with lock:
                        errors += 1

        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"users": users, "requests served": len(latencies), "request errors": errors,
            "p95 under load (s)": round(percentile(latencies, 95), 2) if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of hostile files")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="questions per user")
    parser.add_argument("--fuzz", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clean_store, store = work / "clean", work / "soaked"
        Assistant(store=clean_store).ingest([str(SAMPLE_DIR)])
        store.mkdir()
        (store / "embeddings.sqlite").write_bytes((clean_store / "embeddings.sqlite").read_bytes())
        clean = Assistant(store=clean_store)
        figures = {}
        figures.update(hostile_files(work / "hostile-store", work, args.rounds))
        figures.update(kills(store, clean, args.kills))
        figures.update(fuzz(clean, args.fuzz))
        figures.update(load(clean_store, args.users, args.questions))
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    failed = (figures["crashes"] or figures["stores not equal to a clean ingest"] or figures["question errors"]
              or figures["request errors"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
