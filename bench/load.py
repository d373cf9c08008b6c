"""A load client, run as its own process by bench/databases.py: sends checks to a live hub at
a fixed rate (open loop: each request leaves at its scheduled time, whatever the others do)
and prints the latencies it saw as JSON.

    python bench/load.py URL TOKEN RATE SECONDS BODIES.json
"""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

WORKERS = 8


def main() -> None:
    url, token, rate, seconds, bodies_file = sys.argv[1:6]
    bodies = json.loads(Path(bodies_file).read_text("utf-8"))
    total = int(float(rate) * float(seconds))
    interval = 1.0 / float(rate)
    local = threading.local()
    latencies: list[float] = []
    errors: list[int] = []

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
        return local.client

    def send(index: int, due: float) -> None:
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        body = bodies[index % len(bodies)]
        start = time.perf_counter()
        answer = client().post(body["path"], json=body["json"])
        latencies.append(time.perf_counter() - start)
        if answer.status_code != 200:
            errors.append(answer.status_code)

    started = time.perf_counter() + 0.2
    with ThreadPoolExecutor(WORKERS) as pool:
        for i in range(total):
            due = started + i * interval
            while time.perf_counter() < due - 0.05:
                time.sleep(0.01)
            pool.submit(send, i, due)
    elapsed = time.perf_counter() - started
    print(json.dumps({"latencies": latencies, "errors": errors, "elapsed": elapsed}))


if __name__ == "__main__":
    main()
