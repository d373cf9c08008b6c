"""A load client, run as its own process by bench/databases.py: sends checks to a live hub at
a fixed rate (open loop: each request leaves at its scheduled time, whatever the others do)
and prints the latencies it saw as JSON.

    python bench/load.py URL TOKEN RATE SECONDS BODIES.json

The client is Python's own ``http.client`` on kept-alive connections, each opened and used
before the clock starts: what is timed is the hub's answer, not the client's start-up (httpx,
used before, spends about 0.3 ms of its own on every request, on the same two cores).
"""

from __future__ import annotations

import http.client
import json
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

WORKERS = 8


class Connection:
    """One kept-alive connection to the hub, with the token and JSON headers; a request that
    fails leaves it closed, and the next one opens it again."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self._connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: object) -> tuple[int, bytes]:
        return self._send("POST", path, json.dumps(body))

    def get(self, path: str) -> tuple[int, bytes]:
        return self._send("GET", path, None)

    def _send(self, method: str, path: str, body: str | None) -> tuple[int, bytes]:
        try:
            self._connection.request(method, path, body=body, headers=self._headers)
            answer = self._connection.getresponse()
            return answer.status, answer.read()
        except (OSError, http.client.HTTPException):
            self._connection.close()
            raise


def main() -> None:
    url, token, rate, seconds, bodies_file = sys.argv[1:6]
    bodies = json.loads(Path(bodies_file).read_text("utf-8"))
    total = int(float(rate) * float(seconds))
    interval = 1.0 / float(rate)
    ready: queue.SimpleQueue[Connection] = queue.SimpleQueue()
    for _ in range(WORKERS):
        connection = Connection(url, token)
        for body in bodies[:5]:
            connection.post(body["path"], body["json"])
        ready.put(connection)
    local = threading.local()
    latencies: list[float] = []
    errors: list[int | str] = []
    late: list[float] = []

    def send(index: int, due: float) -> None:
        if not hasattr(local, "connection"):
            local.connection = ready.get()
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        body = bodies[index % len(bodies)]
        start = time.perf_counter()
        if start - due > 0.001:
            late.append(start - due)  # the client fell behind: the hub is not timed for it
        try:
            status, _ = local.connection.post(body["path"], body["json"])
        except (OSError, http.client.HTTPException) as error:
            errors.append(type(error).__name__)
            return
        latencies.append(time.perf_counter() - start)
        if status != 200:
            errors.append(status)

    started = time.perf_counter() + 0.2
    with ThreadPoolExecutor(WORKERS) as pool:
        for i in range(total):
            due = started + i * interval
            while time.perf_counter() < due - 0.05:
                time.sleep(0.01)
            pool.submit(send, i, due)
    elapsed = time.perf_counter() - started
    assert len(latencies) + len(errors) - sum(1 for e in errors if isinstance(e, int)) == total
    print(json.dumps({"latencies": latencies, "errors": errors, "late": late, "elapsed": elapsed}))


if __name__ == "__main__":
    main()
