"""Another bureau's border check while one caller loops batches of 1,000 checks.

Seeds a demo hub on SQLite, serves it (``policenet serve``, a process of its own), and times
single checks by the German NCB, one after another:

- alone (the baseline, in this same run);
- while the French NCB loops batches of 1,000 checks, the per-principal rate limit off
  (what the hub's locking alone gives);
- the same, with the hub's default rate limits (what a caller looping batches gets).

Goal (issue "Data protection and hardening"): p99 under 50 ms on SQLite while the batches loop.

    python bench/contention.py [--checks 300] [--documents 10000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

CLI = [sys.executable, "-m", "policenet.cli"]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        found: int = sock.getsockname()[1]
        return found


class Hub:
    def __init__(self, data: Path, extra: dict[str, str]) -> None:
        self.port = _port()
        env = {**os.environ, "POLICENET_DATA_DIR": str(data), **extra}
        env.pop("POLICENET_DATABASE_URL", None)
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [*CLI, "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(600):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/v1/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the hub did not start")

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def _post(
    connection: http.client.HTTPConnection, token: str, path: str, body: object
) -> tuple[int, bytes]:
    connection.request(
        "POST",
        path,
        json.dumps(body),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    answer = connection.getresponse()
    return answer.status, answer.read()


def _probe(hub: Hub, token: str, body: object, checks: int) -> list[float]:
    connection = hub.connection()
    for _ in range(20):
        _post(connection, token, "/v1/checks", body)
    samples = []
    for _ in range(checks):
        start = time.perf_counter()
        status, _ = _post(connection, token, "/v1/checks", body)
        samples.append(time.perf_counter() - start)
        assert status == 200, status
    return samples


def _loop_batches(
    hub: Hub, token: str, batch: object, stop: threading.Event, seen: dict[int, int]
) -> None:
    connection = hub.connection()
    while not stop.is_set():
        status, _ = _post(connection, token, "/v1/checks/batch", batch)
        seen[status] = seen.get(status, 0) + 1
        if status == 429:
            time.sleep(0.05)


def _scenario(
    hub: Hub, probe_token: str, loop_token: str | None, body: object, batch: object, checks: int
) -> tuple[list[float], dict[int, int]]:
    stop = threading.Event()
    seen: dict[int, int] = {}
    looper = None
    if loop_token is not None:
        looper = threading.Thread(
            target=_loop_batches, args=(hub, loop_token, batch, stop, seen), daemon=True
        )
        looper.start()
        time.sleep(1.0)  # the first batches under way
    try:
        return _probe(hub, probe_token, body, checks), seen
    finally:
        stop.set()
        if looper is not None:
            looper.join(timeout=120)


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="policenet-contention-"))
    seeded = subprocess.run(  # noqa: S603 - our own command
        [*CLI, "demo", "--documents", str(args.documents)],
        env={**os.environ, "POLICENET_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode != 0:
        raise SystemExit(seeded.stderr)
    demo = json.loads((data / "demo-tokens.json").read_text("utf-8"))
    token = {p["name"]: p["token"] for p in demo["principals"]}
    prober, looper = token["NCB DE officer"], token["NCB FR officer"]
    body = {"mrz": demo["examples"]["stolen_passport"]["mrz"]}
    person = {"person": {"name": "Jean-Pierre Duval", "birth_date": "1974-08-12"}}
    batch = {"checks": [body if i % 2 else person for i in range(1000)]}
    rows = []
    for label, extra, loop in (
        ("alone (baseline)", {"POLICENET_CHECK_RATE": "0"}, None),
        ("batches looping, no rate limit", {"POLICENET_CHECK_RATE": "0"}, looper),
        ("batches looping, default limits", {}, looper),
    ):
        hub = Hub(data, extra)
        try:
            samples, seen = _scenario(hub, prober, loop, body, batch, args.checks)
        finally:
            hub.stop()
        rows.append((label, samples, seen))
    base = statistics.median(rows[0][1])
    print(
        f"# bench/contention.py, {datetime.now(UTC):%Y-%m-%d}, SQLite, {args.documents} documents"
    )
    print("| scenario | p50 ms | p99 ms | p50 / baseline | batches answered (429 refused) |")
    print("|---|---|---|---|---|")
    for label, samples, seen in rows:
        answered = seen.get(200, 0)
        refused = seen.get(429, 0)
        print(
            f"| {label} | {_ms(samples, 0.5):.1f} | {_ms(samples, 0.99):.1f} | "
            f"{statistics.median(samples) / base:.1f} | "
            f"{answered} ({refused}) |"
        )


if __name__ == "__main__":
    main()
