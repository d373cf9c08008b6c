"""Hit alerts on the live stream, with 196 bureaus connected, while checks run at 200/s.

Sets up a fresh SQLite hub (``--data``) with one officer per member country (196 bureaus)
and vehicle records owned by each, serves it in its own process, and from this process:

- keeps 196 server-sent event streams open, one per bureau, each dropped after a random
  lifetime (exponential, mean ``--lifetime`` seconds) and resumed with Last-Event-ID after a
  random pause of up to 2 s;
- sends checks at ``--rate`` per second (open loop) from random bureaus, a fraction
  ``--hit-rate`` of them for another bureau's vehicle;
- measures, for every hit, the time from the check's answer reaching this client to the
  owner's alert reaching the owner's stream: for owners connected at that moment (the target),
  and for all (a dropped stream waits for its reconnection);
- at the end, reconnects every stream, then compares what each received with the hub's event
  log: events lost, events received twice, events out of order.

The baseline, from the same run: the check's own round trip.

    python bench/network.py [--seconds 600] [--rate 200] [--hit-rate 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import httpx
from databases import bureau_officer, random_vin  # bench/databases.py, beside this script

from policenet.actions.hub import initialise
from policenet.actions.records import record_entry
from policenet.domain.members import member_countries, ncb_id
from policenet.domain.records import VehicleEntry
from policenet.store.db import Database

HERE = Path(__file__).resolve().parent


def setup(
    data: Path, per_bureau: int, rng: random.Random
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A hub with one officer per member country and ``per_bureau`` vehicles each."""
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    database = Database(f"sqlite:///{data / 'policenet.db'}")
    report = initialise(database, admin_name="bench admin", ttl_days=30)
    assert report.first_admin is not None
    gs_admin = report.first_admin[0]
    tokens: dict[str, str] = {}
    vehicles: list[tuple[str, str]] = []
    with database.transaction() as session:
        for country in member_countries():
            code = country.alpha2
            officer, token = bureau_officer(session, gs_admin, code)
            tokens[ncb_id(code)] = token
            for _ in range(per_bureau):
                number = random_vin(rng)
                record_entry(
                    session,
                    officer,
                    VehicleEntry(vin=number, make="Bench", theft_date=date(2026, 1, 1)),
                )
                vehicles.append((ncb_id(code), number))
    database.dispose()
    return tokens, vehicles


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "POLICENET_DATA_DIR": str(data)}
    env.pop("POLICENET_DATABASE_URL", None)
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "policenet.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the hub did not start")


class Run:
    def __init__(self, args: argparse.Namespace, base: str, tokens: dict[str, str]) -> None:
        self.args = args
        self.base = base
        self.tokens = tokens
        self.rng = random.Random(7)
        self.connected: dict[str, bool] = dict.fromkeys(tokens, False)
        self.received: dict[str, list[int]] = defaultdict(list)
        self.answered: dict[str, tuple[float, str, bool]] = {}  # hit -> (time, owner, connected)
        self.alerted: dict[str, float] = {}  # hit -> time the owner's stream got its alert
        self.check_times: list[float] = []
        self.errors: list[str] = []
        self.reconnects = 0
        self.ever: set[str] = set()
        self.churn = True
        self.stopping = False

    async def stream(self, client: httpx.AsyncClient, bureau: str) -> None:
        last = 0
        headers = {"Authorization": f"Bearer {self.tokens[bureau]}"}
        while not self.stopping:
            lifetime = self.rng.expovariate(1 / self.args.lifetime) if self.churn else 1e9
            try:
                async with asyncio.timeout(lifetime):
                    async with client.stream(
                        "GET",
                        "/v1/events/stream",
                        headers={**headers, "Last-Event-ID": str(last)},
                    ) as answer:
                        if answer.status_code != 200:
                            self.errors.append(f"stream {bureau}: {answer.status_code}")
                            await asyncio.sleep(1)
                            continue
                        self.connected[bureau] = True
                        self.ever.add(bureau)
                        fields: dict[str, str] = {}
                        async for line in answer.aiter_lines():
                            if line == "":
                                if "data" in fields:
                                    now = time.perf_counter()
                                    event_id = int(fields["id"])
                                    self.received[bureau].append(event_id)
                                    last = event_id
                                    if fields["event"] == "hit.alert":
                                        hit = json.loads(fields["data"])["payload"]["hit"]
                                        self.alerted.setdefault(hit, now)
                                fields = {}
                            elif not line.startswith(":"):
                                name, _, value = line.partition(":")
                                fields[name] = value.removeprefix(" ")
            except TimeoutError:
                pass
            except httpx.HTTPError as error:
                self.errors.append(f"stream {bureau}: {error!r}")
            self.connected[bureau] = False
            if self.stopping:
                return
            self.reconnects += 1
            await asyncio.sleep(self.rng.uniform(0, 2) if self.churn else 0)

    async def check(self, client: httpx.AsyncClient, body: dict[str, object], token: str) -> None:
        started = time.perf_counter()
        try:
            answer = await client.post(
                "/v1/checks", json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as error:
            self.errors.append(f"check: {error!r}")
            return
        done = time.perf_counter()
        if answer.status_code != 200:
            self.errors.append(f"check: {answer.status_code} {answer.text[:200]}")
            return
        self.check_times.append(done - started)
        for hit in answer.json()["hits"]:
            owner = hit["owner_bureau"]
            self.answered[hit["reference"]] = (done, owner, self.connected[owner])

    async def load(self, client: httpx.AsyncClient, vehicles: list[tuple[str, str]]) -> None:
        bureaus = list(self.tokens)
        interval = 1 / self.args.rate
        start = time.perf_counter()
        tasks: set[asyncio.Task[None]] = set()
        total = int(self.args.seconds * self.args.rate)
        for index in range(total):
            due = start + index * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            checker = self.rng.choice(bureaus)
            if self.rng.random() < self.args.hit_rate:
                owner, number = self.rng.choice(vehicles)
                while owner == checker:
                    owner, number = self.rng.choice(vehicles)
            else:
                number = random_vin(self.rng)
            task = asyncio.create_task(
                self.check(client, {"vehicle": {"vin": number}}, self.tokens[checker])
            )
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)


def expected(data: Path) -> dict[str, list[int]]:
    connection = sqlite3.connect(f"file:{data / 'policenet.db'}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT mailbox, id FROM events ORDER BY id").fetchall()
    finally:
        connection.close()
    found: dict[str, list[int]] = defaultdict(list)
    for mailbox, event_id in rows:
        found[mailbox].append(event_id)
    return found


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main_async(
    args: argparse.Namespace,
    base: str,
    tokens: dict[str, str],
    vehicles: list[tuple[str, str]],
    data: Path,
) -> Run:
    run = Run(args, base, tokens)
    limits = httpx.Limits(
        max_connections=len(tokens) + 50, max_keepalive_connections=len(tokens) + 50
    )
    timeout = httpx.Timeout(30.0, read=None)
    async with (
        httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as streams,
        httpx.AsyncClient(
            base_url=base, limits=httpx.Limits(max_connections=200), timeout=30
        ) as checks,
    ):
        consumers = [asyncio.create_task(run.stream(streams, b)) for b in tokens]
        while len(run.ever) < len(tokens):
            await asyncio.sleep(0.1)
        print(
            f"{len(tokens)} streams connected; "
            f"checking at {args.rate:.0f}/s for {args.seconds:.0f} s",
            flush=True,
        )
        await run.load(checks, vehicles)
        # Settle: every stream reconnects and stays; then the log and the streams must agree.
        run.churn = False
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            await asyncio.sleep(1)
            log = expected(data)
            if all(run.connected.values()) and all(
                run.received[b][-1:] == log[b][-1:] for b in tokens if log.get(b)
            ):
                break
        run.stopping = True
        for consumer in consumers:
            consumer.cancel()
        await asyncio.gather(*consumers, return_exceptions=True)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=HERE / ".data" / "network")
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--hit-rate", type=float, default=0.05)
    parser.add_argument("--lifetime", type=float, default=60, help="Mean seconds a stream stays.")
    parser.add_argument("--per-bureau", type=int, default=10)
    args = parser.parse_args()

    rng = random.Random(2026)
    print("Setting up 196 bureaus...", flush=True)
    tokens, vehicles = setup(args.data, args.per_bureau, rng)
    port = free_port()
    hub = serve(args.data, port)
    try:
        run = asyncio.run(main_async(args, f"http://127.0.0.1:{port}", tokens, vehicles, args.data))
    finally:
        hub.terminate()
        hub.wait(timeout=60)

    log = expected(args.data)
    lost = duplicated = disordered = 0
    for bureau in tokens:
        got, want = run.received[bureau], log.get(bureau, [])
        lost += len(set(want) - set(got))
        duplicated += len(got) - len(set(got))
        disordered += sum(1 for a, b in itertools.pairwise(got) if b <= a)
    connected = [
        run.alerted[h] - t for h, (t, _, on) in run.answered.items() if on and h in run.alerted
    ]
    every = [run.alerted[h] - t for h, (t, _, _) in run.answered.items() if h in run.alerted]
    never = sum(1 for h in run.answered if h not in run.alerted)
    check50 = statistics.median(run.check_times)
    rows = [
        (
            "checks answered",
            f"{len(run.check_times):,} in {args.seconds:.0f} s",
            f"{len(run.check_times) / args.seconds:.0f}/s (target {args.rate:.0f}/s)",
        ),
        ("hits (alerts owed)", f"{len(run.answered):,}", f"{len(run.alerted):,} alerts received"),
        (
            "alert p50, owner connected",
            f"{quantile(connected, 0.5) * 1e3:.1f} ms",
            f"target <= 20 ms; {quantile(connected, 0.5) / check50:.2f}x check p50",
        ),
        (
            "alert p99, owner connected",
            f"{quantile(connected, 0.99) * 1e3:.1f} ms",
            "target <= 100 ms",
        ),
        (
            "alert p50 / p99, every owner",
            f"{quantile(every, 0.5) * 1e3:.1f} / {quantile(every, 0.99) * 1e3:.0f} ms",
            "incl. streams waiting to reconnect",
        ),
        (
            "check round trip p50 / p99 (baseline)",
            f"{check50 * 1e3:.1f} / {quantile(run.check_times, 0.99) * 1e3:.1f} ms",
            "same client, same run",
        ),
        ("stream reconnections", f"{run.reconnects:,}", f"mean stream life {args.lifetime:.0f} s"),
        ("events in the hub's log", f"{sum(len(v) for v in log.values()):,}", ""),
        (
            "events lost / duplicated / out of order",
            f"{lost} / {duplicated} / {disordered}",
            "target 0 / 0 / 0",
        ),
        ("alerts never received", f"{never}", ""),
        ("client errors", f"{len(run.errors)}", "; ".join(run.errors[:3])),
    ]
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print()
    print(f"| {'measure':<{width}} | {'value':<{value_width}} | against |")
    print(f"|{'-' * (width + 2)}|{'-' * (value_width + 2)}|---------|")
    for name, value, against in rows:
        print(f"| {name:<{width}} | {value:<{value_width}} | {against} |")


if __name__ == "__main__":
    main()
